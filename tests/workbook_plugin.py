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
* hands the longest test files to the parallel workers first (``LONGEST_FIRST``), so that the two
  workers of ``make test`` finish at about the same time instead of one waiting for the other;
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



#: Test files that take longest (seconds of one file on a 2-core machine, from ``pytest --durations``):
#: with ``--dist loadfile --no-loadscope-reorder`` (the Makefile) each file goes to one worker in collection
#: order, so these start first and the many short files fill in around them. (Without that flag, xdist
#: hands out the files with the most tests first, and the key-leak runs, three tests, start last.) Only the
#: order changes; within a file the tests keep theirs.
LONGEST_FIRST = (
    "tests/test_key_never_leaks.py",       # every notebook twice behind fake proxies, ~130 s
    "tests/test_sections_run_alone.py",    # 18 sections in fresh kernels, ~100 s
    "tests/test_portable_outputs.py",      # a second nbval run with numpy's dispatch stepped down, ~85 s
    "tests/test_site.py",                  # Sphinx build, browser, axe and print, ~80 s
    "tests/test_place_switch.py",          # lessons on a prefetched place, ~70 s
    "tests/test_classroom.py",             # a real JupyterHub with three learners, ~60 s
    "tests/test_jupyterlab.py",            # a real JupyterLab and Chromium, ~45 s
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    root = NOTEBOOKS.parent

    def rank(item: pytest.Item) -> int:
        try:
            relative = Path(str(item.path)).resolve().relative_to(root).as_posix()
        except ValueError:
            return len(LONGEST_FIRST)
        return LONGEST_FIRST.index(relative) if relative in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # a stable sort: every other file, and every test within a file, keeps its order


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
