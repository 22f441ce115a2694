"""Re-execute the workbook's notebooks in place, deterministically (``make notebooks``).

Usage:
    python tools/run_notebooks.py                 # every notebook in notebooks/
    python tools/run_notebooks.py notebooks/04-margins-of-error.ipynb

Each notebook runs in a fresh kernel from the notebooks/ folder, offline and without an API key,
exactly as nbval will run it in the tests. Timings and other per-run metadata are not stored, so a
re-run that changes nothing leaves the files unchanged.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "python3"
sys.path.insert(0, str(ROOT / "tests"))
from notebook_env import UNSET, tidy_my_work, workbook_environment  # noqa: E402


def clean(nb: nbformat.NotebookNode) -> None:
    """Drop per-run metadata so that the stored notebook depends only on its code and data."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": KERNEL}
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    client = NotebookClient(
        nb, kernel_name=KERNEL, timeout=300, record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    clean(nb)
    nbformat.write(nb, path)
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    os.environ.update(workbook_environment())
    for name in UNSET:
        os.environ.pop(name, None)
    with tidy_my_work():  # what the lessons save for a learner is not part of the run's result
        for path in paths:
            seconds = run(path)
            print(f"{seconds:6.1f} s  {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
