"""The environment notebooks run in, for the tests and for ``make notebooks`` alike.

Offline and keyless on purpose: a developer's own key, place setting or cache must never change
what a stored notebook output says.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
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
