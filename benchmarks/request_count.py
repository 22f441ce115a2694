"""Count the HTTP requests of a tract pull against a mocked Census API (``make bench``, part "requests").

Benchmark code, kept out of the civicdata package: it needs ``responses`` and the stand-in Census API in
``tests/mock_census.py``, neither of which a learner installs.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import requests
import responses
from census import Census

from civicdata.data.census_api import CensusSession, fetch_acs

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import mock_census  # noqa: E402  (tests/mock_census.py: the stand-in Census API)


def count_requests_for_tract_pull(n: int = 30, *, year: int = 2023) -> dict[str, int]:
    """Count HTTP requests for an ``n``-variable tract pull, cold and warm cache, stock package vs ours.

    Runs fully offline against a mocked Census API (``responses``, which refuses any URL it was not
    given, so no real request can escape) whose answers are built from the bundled default place (real
    ACS values); a throw-away cache folder is used. Returns a dict:

    * ``stock_cold`` / ``stock_warm``: the plain ``census`` package on a plain session, first call and a
      second call with a new client (what a notebook re-run does);
    * ``stock_cached_cold`` / ``stock_cached_warm``: the plain package on our cached session;
    * ``cold`` / ``warm``: :func:`fetch_acs` (text clients + cache).

    Example:
        >>> counts = count_requests_for_tract_pull(30)   # doctest: +SKIP
        >>> counts["cold"], counts["warm"]                # doctest: +SKIP
        (1, 0)
    """
    place = mock_census.default_place_data()
    codes = mock_census.tract_codes(place, n)
    state, county = place.state_fips, place.county_fips
    counts: dict[str, int] = {}
    saved = {name: os.environ.get(name) for name in ("CIVICDATA_OFFLINE", "XDG_CACHE_HOME")}
    with tempfile.TemporaryDirectory() as tmp, responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        os.environ.pop("CIVICDATA_OFFLINE", None)
        os.environ["XDG_CACHE_HOME"] = tmp
        try:
            mock_census.register(mock, place, year=year)
            fields = ["NAME", *codes]

            def stock_pull(session):
                Census("mock-key", session=session).acs5.state_county_tract(fields, state, county, "*", year=year)

            plain = requests.Session()
            for label in ("stock_cold", "stock_warm"):
                before = len(mock.calls)
                stock_pull(plain)
                counts[label] = len(mock.calls) - before
            cached = CensusSession(os.path.join(tmp, "stock"))
            for label in ("stock_cached_cold", "stock_cached_warm"):
                before = len(mock.calls)
                stock_pull(cached)
                counts[label] = len(mock.calls) - before
            session = CensusSession(os.path.join(tmp, "ours"))
            for label in ("cold", "warm"):
                before = len(mock.calls)
                fetch_acs("tract", codes, state, county, year=year, key="mock-key", session=session)
                counts[label] = len(mock.calls) - before
            for used in (plain, cached, session):
                used.close()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    return counts
