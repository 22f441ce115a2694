"""Lint is part of the suite: ruff (configured in pyproject.toml) over the package, tests, tools,
benchmarks, the notebooks and the data build script. Run `make lint` to see the same report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ["civicdata", "tests", "tools", "benchmarks", "notebooks", "data/build_data.py", "workshop/classroom"]


def test_ruff_check_is_clean():
    targets = [t for t in TARGETS if (ROOT / t).exists()]
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format=concise", *targets],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, f"ruff found problems (fix, or `ruff check --fix`):\n{result.stdout}{result.stderr}"
