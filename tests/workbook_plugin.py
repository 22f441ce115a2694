"""The workbook's pytest plugin, loaded for every run by pyproject.toml (``-p workbook_plugin``).

A plugin rather than tests/conftest.py because a conftest is only read when pytest collects its folder:
``pytest notebooks/04-margins-of-error.ipynb`` (how notebook authors test one lesson) never read
tests/conftest.py, so that notebook ran online, with the author's key and settings. This plugin:

* gives every run, and so every kernel nbval starts, the workbook environment: offline, keyless,
  private config and cache folders (tests/notebook_env.py);
* fails any notebook cell slower than 20 s (tests/cell_time_limit.py).

Example::

    .venv/bin/python -m pytest notebooks/04-margins-of-error.ipynb -q   # offline, 20 s per cell
"""

from __future__ import annotations

import os

import pytest
from cell_time_limit import CellTimeLimit
from notebook_env import UNSET, workbook_environment


def pytest_configure(config: pytest.Config) -> None:
    os.environ.update(workbook_environment())
    for name in UNSET:
        os.environ.pop(name, None)
    config.pluginmanager.register(CellTimeLimit(), "cell-time-limit")
