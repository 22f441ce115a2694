"""The ``civicdata`` command: ``civicdata doctor``, and more subcommands as the workbook grows.

Each subcommand lives in its own small function; errors are printed as plain messages with a next
step, never as tracebacks.

Example (in a terminal):
    $ civicdata doctor
"""

from __future__ import annotations

import argparse
import sys

from civicdata.errors import CivicDataError


def _doctor(args: argparse.Namespace) -> int:
    from civicdata.doctor import doctor

    report = doctor(network=not args.offline)
    print(report)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="civicdata", description="Helpers for the civic data workbook (offline-first ACS data)."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("doctor", help="check the environment, the bundled data, the key and the network")
    p.add_argument("--offline", action="store_true", help="skip the network check")
    p.set_defaults(func=_doctor)

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CivicDataError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        print("Stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
