"""Re-execute the workbook's notebooks in place, deterministically (``make notebooks``).

Usage:
    python tools/run_notebooks.py                 # every notebook in notebooks/
    python tools/run_notebooks.py notebooks/05-margins-of-error.ipynb

Each notebook runs in a fresh kernel, offline and without an API key, exactly as nbval will run it in
the tests. Timings and other per-run metadata are not stored, so a re-run that changes nothing leaves the
files unchanged.

The kernels run in a temporary mirror of the notebooks/ folder whose ``my-work/`` starts empty
(``scratch_notebooks`` in tests/notebook_env.py). The lessons never replace a file in my-work/: with a
file left there (by a learner, or by a test running at the same time) they would save under a new name
and store "Saved as my-work/...-2.html". In the mirror every output shows the first name, and the real
notebooks/my-work/ is never touched.

The file is written exactly as JupyterLab would write it, so that opening a lesson and closing it again
never asks to save (tests/test_jupyterlab.py checks this against a real JupyterLab):

* ``language_info`` is what the kernel reports (nbclient copies it from the kernel's answer). JupyterLab
  writes the same as soon as a kernel starts, so any other value marks the notebook as modified.
* A code cell whose outputs are hidden (``jupyter.outputs_hidden``, our collapsed solutions) also gets the
  older ``collapsed: true``, which JupyterLab adds on opening.
* Consecutive pieces of one stream (printed text) are joined: how a kernel splits them depends on timing.
* nbformat writes the JSON as jupyter_server does: keys sorted, one-space indents, a final newline.
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
from notebook_env import UNSET, scratch_notebooks, workbook_environment  # noqa: E402


def clean(nb: nbformat.NotebookNode) -> None:
    """Drop per-run metadata, and add what JupyterLab adds on opening (see the module docstring)."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": KERNEL}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type == "code" and cell.metadata.get("jupyter", {}).get("outputs_hidden") is True:
            cell.metadata["collapsed"] = True
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)


def merge_streams(outputs: list) -> list:
    """Join consecutive pieces of the same stream (JupyterLab shows them as one text anyway).

    How a kernel splits printed text into messages depends on timing (a busy machine sends "Correct!" and
    its line end apart); joined, the stored output is the same on every run.
    """
    merged: list = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (output.output_type == "stream" and last is not None and last.output_type == "stream"
                and last.name == output.name):
            last.text += output.text
        else:
            merged.append(output)
    return merged


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    with scratch_notebooks() as folder:  # a fresh, empty my-work/ for every lesson
        client = NotebookClient(
            nb, kernel_name=KERNEL, timeout=300, record_timing=False,
            resources={"metadata": {"path": str(folder)}},
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
    for path in paths:
        seconds = run(path)
        print(f"{seconds:6.1f} s  {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
