"""Shared test setup. Loaded at start-up, so it also shapes the kernels nbval starts."""

from __future__ import annotations

import os

from notebook_env import UNSET, workbook_environment


def pytest_configure(config):
    os.environ.update(workbook_environment())
    for name in UNSET:
        os.environ.pop(name, None)
