"""The workbook's pytest plugin, loaded for every run by pyproject.toml (``-p workbook_plugin``).

A plugin rather than tests/conftest.py because a conftest is only read when pytest collects its folder:
``pytest notebooks/04-margins-of-error.ipynb`` (how notebook authors test one lesson) never read
tests/conftest.py, so that notebook ran online, with the author's key and settings. This plugin:

* gives every run, and so every kernel nbval starts, the workbook environment: offline, keyless,
  private config and cache folders (tests/notebook_env.py);
* fails any notebook cell slower than 20 s (tests/cell_time_limit.py);
* puts the notebooks first, slowest first, so that `make test`'s parallel workers (pytest-xdist with
  ``--dist loadfile --no-loadscope-reorder``) start the long ones at once instead of at the end.

Example::

    .venv/bin/python -m pytest notebooks/04-margins-of-error.ipynb -q   # offline, 20 s per cell
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cell_time_limit import CellTimeLimit, is_notebook_cell
from notebook_env import UNSET, workbook_environment

ROOT = Path(__file__).resolve().parents[1]
BENCHMARK_RESULTS = ROOT / "benchmarks" / "results.json"


def pytest_configure(config: pytest.Config) -> None:
    os.environ.update(workbook_environment())
    for name in UNSET:
        os.environ.pop(name, None)
    config.pluginmanager.register(CellTimeLimit(), "cell-time-limit")


def notebook_costs() -> dict[str, float]:
    """Seconds per notebook from the last `make bench`, if there is one; empty otherwise."""
    try:
        results = json.loads(BENCHMARK_RESULTS.read_text())
        return {nb["notebook"]: float(nb["seconds"]) for nb in results.get("notebooks", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    """Notebooks first, longest first (last benchmark's time, else file size); cells keep their order."""
    costs = notebook_costs()
    rank: dict[Path, float] = {}
    for item in items:
        if is_notebook_cell(item):
            path = Path(str(item.path))
            if path not in rank:
                size = path.stat().st_size / 1e6 if path.exists() else 0.0
                rank[path] = costs.get(path.name, size)

    def key(indexed):
        index, item = indexed
        if is_notebook_cell(item):
            return (0, -rank[Path(str(item.path))], str(item.path), index)
        return (1, 0.0, "", index)

    items[:] = [item for _, item in sorted(enumerate(items), key=key)]
