"""Fail any notebook cell that takes more than 20 seconds under nbval (TEAM.md: "every cell < 20 s").

nbval turns every code cell into one test item, so timing the call phase of those items measures each
cell exactly once, during the run the suite does anyway (no second execution of the notebooks).
Registered by tests/conftest.py; only nbval cell items are affected.

Example (what a learner-facing author sees when a cell is too slow)::

    FAILED notebooks/08-mapping-tracts.ipynb::Cell 7 - cell took 23.4 s; the limit is 20 s ...
"""

from __future__ import annotations

import os

import pytest

CELL_LIMIT_SECONDS = 20.0
# Only for a machine that is known to be overloaded (e.g. shared by many at once): CIVICDATA_CELL_LIMIT=40.
LIMIT_VARIABLE = "CIVICDATA_CELL_LIMIT"


def is_notebook_cell(item: pytest.Item) -> bool:
    """True for the test items nbval makes from notebook cells."""
    return type(item).__name__ == "IPyNbCell"


class CellTimeLimit:
    """pytest plugin: turn a passing-but-slow notebook cell into a failure with a plain message."""

    def __init__(self, limit: float | None = None) -> None:
        self.limit = limit if limit is not None else float(os.environ.get(LIMIT_VARIABLE, CELL_LIMIT_SECONDS))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        if call.when == "call" and is_notebook_cell(item) and report.passed and call.duration > self.limit:
            report.outcome = "failed"
            report.longrepr = (
                f"cell took {call.duration:.1f} s; the limit is {self.limit:.0f} s per cell. "
                "Split the cell, use a smaller bundled place, or cache the slow step "
                f"(on an overloaded machine, set {LIMIT_VARIABLE} to a larger number of seconds)."
            )
        return report
