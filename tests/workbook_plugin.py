"""The workbook's pytest plugin, loaded for every run by pyproject.toml (``-p workbook_plugin``).

A plugin rather than tests/conftest.py because a conftest is only read when pytest collects its folder:
``pytest notebooks/05-margins-of-error.ipynb`` (how notebook authors test one lesson) never read
tests/conftest.py, so that notebook ran online, with the author's key and settings. This plugin:

* gives every run, and so every kernel nbval starts, the workbook environment: offline, keyless,
  private config and cache folders (tests/notebook_env.py);
* fails any notebook cell slower than 20 s (tests/cell_time_limit.py);
* expects the few lesson cells whose stored output is known to be stale to fail, strictly, until their
  lesson is updated (tests/pending_lessons.py);
* removes, after the run, the files the notebooks saved into notebooks/my-work/ during the run, and
  nothing else: a learner's own files there are left alone.

Example::

    .venv/bin/python -m pytest notebooks/05-margins-of-error.ipynb -q   # offline, 20 s per cell
"""

from __future__ import annotations

import os

import pending_lessons
import pytest
from cell_time_limit import CellTimeLimit
from notebook_env import UNSET, tidy_my_work, workbook_environment


def pytest_configure(config: pytest.Config) -> None:
    os.environ.update(workbook_environment())
    for name in UNSET:
        os.environ.pop(name, None)
    config.pluginmanager.register(CellTimeLimit(), "cell-time-limit")
    config.pluginmanager.register(pending_lessons, "pending-lessons")



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
