"""The ``civicdata`` command: ``civicdata doctor``, and more subcommands as the workbook grows.

Each subcommand lives in its own small function. Whatever goes wrong ends in one plain message with a
next step on stderr and a non-zero exit code (2 for a problem we recognize, 1 for anything unexpected,
130 for Ctrl-C), never in a traceback; ``civicdata --debug ...`` shows the traceback too, for a bug report.

Example (in a terminal):
    $ civicdata doctor
"""

from __future__ import annotations

import argparse
import sys
import traceback

from civicdata.core.errors import CivicDataError


def _doctor(args: argparse.Namespace) -> int:
    from civicdata.classroom.doctor import doctor

    report = doctor(network=not args.offline)
    print(report)
    return 0


def _hub_link(args: argparse.Namespace) -> int:
    from civicdata.classroom.hub_link import classroom_link, nbgitpuller_link

    if args.classroom:
        print(classroom_link(args.classroom, notebook=args.notebook))
    else:
        print(nbgitpuller_link(args.hub, repo_url=args.repo, branch=args.branch, notebook=args.notebook))
    return 0


def _prefetch(args: argparse.Namespace) -> int:
    from civicdata.data.prefetch import prefetch

    prefetch(args.state, args.county, year=args.year, out=args.out, force=args.force)
    return 0


def _use_place(args: argparse.Namespace) -> int:
    from civicdata.core import settings
    from civicdata.data.places import list_places
    from civicdata.data.use_place import use_place

    if args.default or args.slug:
        use_place(None if args.default else args.slug)
        return 0
    print(f"The notebooks use: {settings.current_place()}. Places here:")
    for row in list_places().itertuples():
        print(f"  {row.slug:28} {row.name} (ACS {row.vintage})")
    return 0


def _posters(args: argparse.Namespace) -> int:
    from civicdata.maps.posters import make_posters, station_cards_path

    path = make_posters(place=args.place, topics=args.topics, out=args.out)
    print(f"Wrote {path}: a facilitator cover sheet and one poster per station (US letter).")
    print(f"Wrote {station_cards_path(path)}: one station card per station, with its prompts, to set beside "
          "its poster.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="civicdata", description="Helpers for the civic data workbook (offline-first ACS data)."
    )
    debug_help = "on an error, also show the full traceback (for a bug report)"
    parser.add_argument("--debug", action="store_true", help=debug_help)
    # --debug also works after the subcommand (civicdata posters --debug); SUPPRESS keeps the one given first.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=debug_help)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("doctor", parents=[common],
                       help="check the environment, the bundled data, the key and the network")
    p.add_argument("--offline", action="store_true", help="skip the network check")
    p.set_defaults(func=_doctor)

    from civicdata.classroom.hub_link import DEFAULT_BRANCH, DEFAULT_CLASSROOM_DIR, DEFAULT_NOTEBOOK, DEFAULT_REPO_URL

    p = sub.add_parser("hub-link", parents=[common],
                       help="print an nbgitpuller link that opens the workbook on a JupyterHub")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--hub", metavar="URL", help="the JupyterHub address, e.g. https://hub.example.org")
    where.add_argument("--classroom", nargs="?", const=DEFAULT_CLASSROOM_DIR, metavar="FOLDER",
                       help="the classroom hub started here with `make classroom` (its folder: %(const)s)")
    p.add_argument("--repo", default=DEFAULT_REPO_URL, metavar="URL", help="the workbook repository to pull")
    p.add_argument("--branch", default=DEFAULT_BRANCH, help="the branch to pull (default: %(default)s)")
    p.add_argument("--notebook", default=DEFAULT_NOTEBOOK, help="the notebook to open (default: %(default)s)")
    p.set_defaults(func=_hub_link)

    p = sub.add_parser("prefetch", parents=[common],
                       help="download a county's workshop data (needs a key) to use offline later")
    p.add_argument("--state", required=True, help="state name, abbreviation or FIPS code, e.g. NC")
    p.add_argument("--county", required=True, help="county name or FIPS code, e.g. Orange")
    p.add_argument("--year", type=int, default=2024, help="last year of the ACS 5-year release (default: %(default)s)")
    p.add_argument("--out", default=None, metavar="DIR", help="folder of place folders (default: data/places)")
    p.add_argument("--force", action="store_true", help="replace an existing place folder")
    p.set_defaults(func=_prefetch)

    p = sub.add_parser("use-place", parents=[common],
                       help="switch every notebook to a bundled or prefetched place")
    p.add_argument("slug", nargs="?", help="the place folder name, e.g. orange-nc")
    p.add_argument("--default", action="store_true", help="go back to the default place (Greater Hartford)")
    p.set_defaults(func=_use_place)

    p = sub.add_parser("posters", parents=[common],
                       help="make a PDF of Data Walk posters (one per station) with a cover sheet, "
                       "and a PDF of station cards (the prompts) beside it")
    p.add_argument("--place", default=None, metavar="SLUG", help="place folder (default: the current place)")
    p.add_argument("--topics", nargs="+", default=None, metavar="TOPIC",
                   help="stations, e.g. income no-vehicle poverty (default: the standard set for the place)")
    p.add_argument("--out", default="posters.pdf",
                   help="PDF file to write (default: %(default)s); the cards go beside it (posters-station-cards.pdf)")
    p.set_defaults(func=_posters)

    return parser


def _scrubbed(text: str) -> str:
    """``text`` without the API key (an unexpected error's message may hold a URL with it)."""
    try:
        from civicdata.data.census_api.secrecy import scrub

        return scrub(text)
    except Exception:  # noqa: BLE001 - never let the error report itself fail
        return "(details hidden: they could not be checked for the API key)"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # a wrong option: argparse prints the usage and exits with 2
    debug = getattr(args, "debug", False)
    try:
        return args.func(args)
    except CivicDataError as err:
        if debug:
            print(_scrubbed(traceback.format_exc()), file=sys.stderr)
        print(f"Error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Stopped (Ctrl-C). Nothing was left half-written.", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - the last line of defence: one message, never a traceback
        if debug:
            print(_scrubbed(traceback.format_exc()), file=sys.stderr)
        detail = _scrubbed(f"{type(err).__name__}: {err}").splitlines()[0][:300]
        print(f"Error: something unexpected went wrong ({detail}).\n"
              f"What to do: run the same command again with --debug to see the details, and report them "
              "to the workbook's maintainers (check that no API key is in what you send).", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
