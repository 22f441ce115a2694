"""Shared test setup. Loaded at start-up, so it also shapes the kernels nbval starts."""

from __future__ import annotations

import os

from cell_time_limit import CellTimeLimit
from notebook_env import UNSET, workbook_environment


def pytest_configure(config):
    os.environ.update(workbook_environment())
    for name in UNSET:
        os.environ.pop(name, None)
    # Registered as a plugin (not a conftest hook) so it also sees the nbval items under notebooks/.
    config.pluginmanager.register(CellTimeLimit(), "cell-time-limit")
