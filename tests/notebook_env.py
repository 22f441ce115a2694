"""The environment notebooks run in, for the tests and for ``make notebooks`` alike.

Offline and keyless on purpose: a developer's own key, place setting or cache must never change
what a stored notebook output says.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[1]
# One scratch folder per checkout, so that two clones (or git worktrees) tested at the same time on one
# machine never share a place setting or an HTTP cache.
_SCRATCH = Path(tempfile.gettempdir()) / (
    "civicdata-notebook-env-" + hashlib.sha256(str(_CHECKOUT).encode()).hexdigest()[:8]
)


def workbook_environment() -> dict[str, str]:
    """Variables to set: private config and cache folders, a fixed hash seed, no network for the API."""
    return {
        "XDG_CONFIG_HOME": str(_SCRATCH / "config"),
        "XDG_CACHE_HOME": str(_SCRATCH / "cache"),
        # tests/test_portable_outputs.py runs the notebooks again with another seed: no output may depend on it.
        "PYTHONHASHSEED": os.environ.get("CIVICDATA_HASH_SEED", "0"),
        "CIVICDATA_OFFLINE": "1",
        "MPLBACKEND": "Agg",
    }


UNSET = ("CENSUS_API_KEY", "CIVICDATA_PLACE", "CIVICDATA_KEY_FILE")


MY_WORK = _CHECKOUT / "notebooks" / "my-work"


def _files_in_my_work() -> set[Path]:
    return {p for p in MY_WORK.rglob("*") if p.is_file()} if MY_WORK.exists() else set()


@contextmanager
def tidy_my_work():
    """Remove what the notebooks save into notebooks/my-work meanwhile; leave a learner's own files."""
    before = _files_in_my_work()
    try:
        yield
    finally:
        for path in _files_in_my_work() - before:
            path.unlink(missing_ok=True)
        if MY_WORK.exists() and not before and not any(MY_WORK.iterdir()):
            MY_WORK.rmdir()


@contextmanager
def scratch_notebooks() -> Iterator[Path]:
    """A private stand-in for the notebooks/ folder to run kernels in, with an empty my-work/ of its own.

    The lessons save into ``my-work/`` next to themselves and never replace a file there: a file of the
    same name left by a learner, by an earlier run or by a test running at the same time makes them save
    under a new name ("Saved as my-work/...-2.html"), and that name would be stored in the output. So runs
    (``make notebooks``, nbval, the section tests) use a temporary folder that mirrors the checkout: every
    entry of the repository and of notebooks/ is a symbolic link to the real one, except ``my-work``, which
    starts empty and is deleted with the folder afterwards. The real notebooks/my-work/ is never read,
    moved or changed. Yields the mirror's notebooks folder; ``../data`` and the rest resolve as usual.

    Where symbolic links cannot be made (some Windows setups), yields the real notebooks/ folder and
    removes afterwards only what the run added to its my-work/ (:func:`tidy_my_work`).
    """
    root = Path(tempfile.mkdtemp(prefix="civicdata-notebooks-"))
    mirror = root / _CHECKOUT.name
    try:
        try:
            mirror.mkdir()
            for entry in _CHECKOUT.iterdir():
                if entry.name != "notebooks":
                    (mirror / entry.name).symlink_to(entry)
            (mirror / "notebooks").mkdir()
            for entry in (_CHECKOUT / "notebooks").iterdir():
                if entry.name != "my-work":
                    (mirror / "notebooks" / entry.name).symlink_to(entry)
        except OSError:
            with tidy_my_work():
                yield _CHECKOUT / "notebooks"
            return
        yield mirror / "notebooks"
    finally:
        _remove_mirror(root)


def _remove_mirror(root: Path) -> None:
    """Delete a mirror made by :func:`scratch_notebooks`: its links are unlinked, never followed."""
    for folder, _, names in os.walk(root, topdown=False, followlinks=False):
        for name in names:
            Path(folder, name).unlink()
        for name in os.listdir(folder):  # links to folders are listed as folders by os.walk
            path = Path(folder, name)
            if path.is_symlink():
                path.unlink()
    shutil.rmtree(root, ignore_errors=True)
