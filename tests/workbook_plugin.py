"""The workbook's pytest plugin, loaded for every run by pyproject.toml (``-p workbook_plugin``).

A plugin rather than tests/conftest.py because a conftest is only read when pytest collects its folder:
``pytest notebooks/05-margins-of-error.ipynb`` (how notebook authors test one lesson) never read
tests/conftest.py, so that notebook ran online, with the author's key and settings. This plugin:

* gives every run, and so every kernel nbval starts, the workbook environment: offline, keyless,
  private config and cache folders (tests/notebook_env.py);
* fails any notebook cell slower than 20 s (tests/cell_time_limit.py);
* expects the few lesson cells whose stored output is known to be stale to fail, strictly, until their
  lesson is updated (tests/pending_lessons.py);
* starts nbval's kernels in a private mirror of notebooks/ whose my-work/ starts empty
  (tests/notebook_env.py, ``scratch_notebooks``), so that a file a learner (or another test) left in
  notebooks/my-work/ can never change a stored output ("Saved as ...-2.html"), and the run never writes
  there;
* removes, after the run, any file the notebooks still saved into notebooks/my-work/ during the run, and
  nothing else: a learner's own files there are left alone.

Example::

    .venv/bin/python -m pytest notebooks/05-margins-of-error.ipynb -q   # offline, 20 s per cell
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

import pending_lessons
import pytest
from cell_time_limit import CellTimeLimit
from notebook_env import UNSET, scratch_notebooks, tidy_my_work, workbook_environment

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
#: The scratch folders of the kernels still running (closed when a kernel stops, or at the end of the run).
_SCRATCH = ExitStack()


def pytest_configure(config: pytest.Config) -> None:
    os.environ.update(workbook_environment())
    for name in UNSET:
        os.environ.pop(name, None)
    config.pluginmanager.register(CellTimeLimit(), "cell-time-limit")
    config.pluginmanager.register(pending_lessons, "pending-lessons")
    _run_nbval_kernels_in_scratch_folders()


def pytest_unconfigure(config: pytest.Config) -> None:
    _SCRATCH.close()


def _run_nbval_kernels_in_scratch_folders() -> None:
    """nbval starts each notebook's kernel in the notebook's folder; start it in a fresh mirror instead."""
    import nbval.plugin

    base = nbval.plugin.RunningKernel
    if getattr(base, "in_scratch_folder", False):
        return

    class ScratchKernel(base):
        in_scratch_folder = True

        def __init__(self, kernel_name, cwd=None, startup_timeout=60):
            self._scratch = ExitStack()
            if cwd is not None and Path(cwd).resolve() == NOTEBOOKS:
                cwd = str(self._scratch.enter_context(scratch_notebooks()))
                _SCRATCH.callback(self._scratch.close)
            super().__init__(kernel_name, cwd=cwd, startup_timeout=startup_timeout)

        def stop(self):
            try:
                super().stop()
            finally:
                self._scratch.close()

    nbval.plugin.RunningKernel = ScratchKernel



_TIDY = tidy_my_work()


def pytest_sessionstart(session: pytest.Session) -> None:
    if not _is_xdist_worker(session.config):
        _TIDY.__enter__()


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Only the main process cleans up, after every worker has finished its notebooks.
    if not _is_xdist_worker(session.config):
        _TIDY.__exit__(None, None, None)


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")
