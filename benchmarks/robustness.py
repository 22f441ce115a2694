"""Run the bad-input and fault cases (tests/robustness_cases.py) and count how they end.

``benchmarks/run.py`` calls this in a fresh interpreter, so the figures in results.json are always
computed by running the cases. ``--code DIR`` runs the same cases against another checkout of the
workbook (for example ``git worktree add /tmp/before cca05c6``): its ``civicdata`` package and its
``data/`` are used instead of this one's (the editable install of this checkout is set aside).

Usage:
    python benchmarks/robustness.py                 # this checkout; prints JSON
    python benchmarks/robustness.py --code /tmp/before
    python benchmarks/robustness.py --slow-drip     # also: seconds to fail against a slow-drip server
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def use_code(folder: Path) -> None:
    """Import ``civicdata`` from ``folder`` instead of this checkout's editable install."""
    sys.meta_path[:] = [finder for finder in sys.meta_path if "editable" not in type(finder).__module__
                        and "editable" not in getattr(finder, "__module__", "")]
    sys.path.insert(0, str(folder))
    for name in [n for n in sys.modules if n == "civicdata" or n.startswith("civicdata.")]:
        del sys.modules[name]


def run_cases() -> dict:
    import robustness_cases

    outcomes = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="civicdata-robustness-") as root:
        for case in robustness_cases.CASES:
            print(f"  case {case.id} ...", file=sys.stderr, flush=True)
            outcomes.append(robustness_cases.judge(case, Path(root)))
    import civicdata

    result = robustness_cases.summary(outcomes)
    result["already_handled_before_issue_11"] = sum(case.already for case in robustness_cases.CASES)
    result["seconds"] = round(time.monotonic() - started, 1)
    result["package"] = str(Path(civicdata.__file__).parent.parent)
    result["cases"] = {o.case: {"status": o.status, "detail": o.detail[:240]} for o in outcomes}
    return result


def slow_drip_seconds() -> dict:
    """Time until a live request gives up on a server that sends one byte every 2 seconds (default deadline)."""
    from network_fakes import SlowDrip

    from civicdata.core import settings
    from civicdata.core.errors import CivicDataError
    from civicdata.data.census_api.session import CensusSession

    os.environ.pop(settings.DEADLINE_VARIABLE, None)
    os.environ.pop("CIVICDATA_OFFLINE", None)
    with tempfile.TemporaryDirectory() as folder, SlowDrip(interval=2.0) as drip:
        session = CensusSession(Path(folder) / "census-api")
        started = time.monotonic()
        try:
            session.get(drip.url + "data/2023/acs/acs5", params={"get": "NAME", "key": "x" * 40})
            message = "answered (unexpected)"
        except CivicDataError as err:
            message = str(err)
        seconds = time.monotonic() - started
    return {"deadline_seconds": settings.network_deadline(), "drip_interval_seconds": 2.0,
            "seconds_to_fail": round(seconds, 1), "message": message}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", type=Path, default=None, help="another checkout whose civicdata to test")
    parser.add_argument("--slow-drip", action="store_true", help="also time a request against a slow-drip server")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests"))
    if args.code is not None:
        use_code(args.code.resolve())
    result = run_cases()
    if args.slow_drip:
        result["slow_drip"] = slow_drip_seconds()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
