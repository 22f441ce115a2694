"""civicdata.data.census_api against a mocked Census API (responses): counts, cache secrecy, every error.

Mocked answers are built from the bundled real data (tests/mock_census.py), shaped like the API's
(a header row, then strings). The key below is a made-up marker we grep for: it must never show up.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import traceback
from pathlib import Path

import mock_census
import pandas as pd
import pytest
import requests
import responses
from census.core import APIKeyError, CensusException
from request_count import count_requests_for_tract_pull

from civicdata.core import settings
from civicdata.core.errors import (
    CensusServerError,
    CensusUnreachableError,
    CivicDataError,
    EmptyResultError,
    InvalidApiKeyError,
    NoApiKeyError,
    VariableNotFoundError,
    YearNotSupportedError,
)
from civicdata.data import census_api
from civicdata.data.census_api import fetch, metadata, session

SECRET = "SeCrEtKeY0123456789abcdef"
YEAR = 2023  # the bundled default place is ACS 2019-2023
DATA_URL = f"https://api.census.gov/data/{YEAR}/acs/acs5"


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Online mode with a (fake) key, a private cache folder."""
    monkeypatch.delenv("CIVICDATA_OFFLINE", raising=False)
    monkeypatch.setenv("CENSUS_API_KEY", SECRET)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


@pytest.fixture(scope="module")
def place():
    return mock_census.default_place_data()


@pytest.fixture
def api(env, place):
    """A mocked API serving the bundled default place."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock_census.register(mock, place, year=YEAR)
        yield mock


def bundled_tracts(place, codes):
    return place.tracts[["GEOID", "NAME", *codes]].sort_values("GEOID", ignore_index=True)


def assert_no_secret(err: BaseException):
    text = "".join(traceback.format_exception(err)) + str(err) + repr(err)
    assert SECRET not in text
    assert err.__cause__ is None and err.__context__ is None


# ------------------------------------------------------------------------------------------------
# data
# ------------------------------------------------------------------------------------------------


def test_tract_pull_matches_bundled_values(api, place):
    codes = ["B19013_001E", "B19013_001M", "B01003_001E", "B01003_001M"]
    df = census_api.fetch_acs("tract", codes, place.state_fips, place.county_fips, year=YEAR)
    assert list(df.columns) == ["GEOID", "NAME", *codes]
    assert df.attrs["source"] == "live" and df.attrs["vintage"] == "2019-2023"
    assert df["GEOID"].str.len().eq(11).all() and df["GEOID"].str.startswith("09110").all()
    expected = bundled_tracts(place, codes)
    assert len(df) == len(expected) == 249
    pd.testing.assert_frame_equal(
        df[codes].astype(float), expected[codes].astype(float), check_dtype=False, check_names=False
    )
    assert df["NAME"].tolist() == expected["NAME"].tolist()
    assert len(api.calls) == 1


def test_more_than_48_codes_are_chunked_and_joined(api, place):
    codes = mock_census.tract_codes(place, 100)
    df = census_api.fetch_acs("tract", codes, "09", "110", year=YEAR)
    assert len(api.calls) == 3  # 48 + 48 + 4
    for call in api.calls:
        fields = re.search(r"get=([^&]+)", call.request.url).group(1).split("%2C")
        assert len(fields) <= 50
    expected = bundled_tracts(place, codes)
    pd.testing.assert_frame_equal(df[codes].astype(float), expected[codes].astype(float), check_dtype=False)


@pytest.mark.parametrize(
    ("geography", "geoid", "level"), [("county", "09110", "county"), ("state", "09", "state"), ("us", "1", "us")]
)
def test_summary_geographies(api, place, geography, geoid, level):
    df = census_api.fetch_acs(geography, ["B19013_001E", "B19013_001M"], "9", 110, year=YEAR)
    assert df["GEOID"].tolist() == [geoid]
    row = place.summary[place.summary["geography"] == level].iloc[0]
    assert df.loc[0, "B19013_001E"] == row["B19013_001E"]
    assert df.loc[0, "NAME"] == row["NAME"]


def test_annotation_values_are_kept_raw(env):
    """Allegheny's real API pull holds -666666666 (median not computed): live returns it untouched."""
    allegheny = mock_census.load_place("allegheny-pa")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock_census.register(mock, allegheny, year=2024)
        df = census_api.fetch_acs("tract", ["B19013_001E"], "42", "003", year=2024)
    expected = allegheny.tracts.set_index("GEOID")["B19013_001E"]
    jam = expected[expected == -666666666].index
    assert len(jam) > 0
    assert (df.set_index("GEOID").loc[jam, "B19013_001E"] == -666666666).all()


def test_subject_table_codes_use_the_subject_endpoint(env):
    """S2801 codes go to /acs/acs5/subject; values from the bundled data.census.gov S2801 export."""
    path = settings.data_dir() / "digital-equity" / "ACSST5Y2022.S2801-Data.csv"
    raw = pd.read_csv(path, dtype=str, skiprows=[1], encoding="utf-8-sig")
    row = raw[raw["GEO_ID"] == "0500000US42003"].iloc[0]
    codes = ["S2801_C01_001E", "S2801_C01_001M"]
    body = [["NAME", *codes, "state", "county"], [row["NAME"], row[codes[0]], row[codes[1]], "42", "003"]]
    with responses.RequestsMock() as mock:
        mock.add("GET", re.compile(r"https://api\.census\.gov/data/2022/acs/acs5/subject\?.*"), json=body)
        df = census_api.fetch_acs("county", codes, "42", "003", year=2022)
    assert df["GEOID"].tolist() == ["42003"]
    assert df.loc[0, "S2801_C01_001E"] == int(row["S2801_C01_001E"])


# ------------------------------------------------------------------------------------------------
# request counts and cache
# ------------------------------------------------------------------------------------------------


def test_request_counts_cold_and_warm(env):
    counts = count_requests_for_tract_pull(30)
    # Stock package: one data request plus one variables/FIELD.json per column of the answer
    # (NAME, 30 codes, state, county, tract), again for every new client.
    assert counts["stock_cold"] == 1 + (1 + 30 + 3)
    assert counts["stock_warm"] == counts["stock_cold"]
    assert counts["cold"] == 1
    assert counts["warm"] == 0


def test_second_pull_is_served_from_the_cache(api, place):
    codes = ["B19013_001E", "B19013_001M"]
    first = census_api.fetch_acs("tract", codes, "09", "110", year=YEAR)
    session._SESSIONS.clear()  # a new process would open the same cache file
    second = census_api.fetch_acs("tract", codes, "09", "110", year=YEAR, key="another-key-0000")
    assert len(api.calls) == 1
    pd.testing.assert_frame_equal(first, second)


def test_cache_is_outside_the_repo_and_never_holds_the_key(api, env):
    census_api.fetch_acs("tract", ["B19013_001E", "B19013_001M"], "09", "110", year=YEAR)
    census_api.fetch_variable_labels(YEAR)
    files = [p for p in (env / "cache").rglob("*") if p.is_file()]
    assert files and all(settings.REPO_ROOT not in p.parents for p in files)
    assert sum(p.stat().st_size for p in files) > 10_000  # the answers really were stored
    for path in files:
        content = path.read_bytes()
        assert SECRET.encode() not in content, path
        assert b"key=" + SECRET.encode()[:6] not in content
    # requests-cache stores the URL with the key replaced
    cached = next(iter(census_api.get_session().cache.responses.values()))
    assert cached.url.endswith("key=REDACTED") and SECRET not in cached.request.url


def test_error_pages_are_not_cached(env):
    with responses.RequestsMock() as mock:
        mock.add("GET", re.compile(re.escape(DATA_URL) + r"\?.*"), status=503, body="Service Unavailable")
        with pytest.raises(CensusServerError):
            census_api.fetch_acs("us", ["B19013_001E"], year=YEAR)
    assert len(census_api.get_session().cache.responses) == 0


# ------------------------------------------------------------------------------------------------
# errors
# ------------------------------------------------------------------------------------------------


def test_no_key(env, monkeypatch):
    monkeypatch.delenv("CENSUS_API_KEY")
    with responses.RequestsMock() as mock:
        with pytest.raises(NoApiKeyError) as info:
            census_api.fetch_acs("us", ["B19013_001E"], year=YEAR)
        assert len(mock.calls) == 0
    text = str(info.value)
    assert "https://api.census.gov/data/key_signup.html" in text and "bundled" in text


def test_offline_fails_before_any_socket(env, monkeypatch):
    monkeypatch.setenv("CIVICDATA_OFFLINE", "1")

    def no_socket(*args, **kwargs):
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", no_socket)
    monkeypatch.setattr(socket, "create_connection", no_socket)
    for call in (
        lambda: census_api.fetch_acs("us", ["B19013_001E"], year=YEAR),
        lambda: census_api.fetch_variable_labels(YEAR),
        lambda: census_api.get_session().get(DATA_URL),
    ):
        with pytest.raises(CensusUnreachableError) as info:
            call()
        assert "CIVICDATA_OFFLINE" in str(info.value)


INVALID_KEY_PAGE = (
    "<html><head><title>Invalid Key</title></head><body><h1>Invalid Key</h1><p>A valid <em>key</em> must be "
    "included with each data API request. You included a key with this request, however, it is not valid."
    "</p></body></html>"
)


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 200, "body": INVALID_KEY_PAGE, "content_type": "text/html"},
        {"status": 302, "headers": {"Location": "https://api.census.gov/data/invalid_key.html"}, "body": ""},
        {"status": 302, "headers": {"Location": "https://api.census.gov/data/missing_key.html"}, "body": ""},
        {"status": 200, "headers": {"X-DataWebAPI-KeyError": "true"}, "body": INVALID_KEY_PAGE},
    ],
    ids=["html-page", "redirect-invalid", "redirect-missing", "key-error-header"],
)
def test_invalid_key(env, answer):
    with responses.RequestsMock() as mock:
        mock.add("GET", re.compile(re.escape(DATA_URL) + r"\?.*"), **answer)
        with pytest.raises(InvalidApiKeyError) as info:
            census_api.fetch_acs("us", ["B19013_001E"], year=YEAR)
        assert len(mock.calls) == 1  # the redirect is not followed
    assert "key_signup" in str(info.value)
    assert_no_secret(info.value)


def test_census_package_key_error_is_translated():
    class Client:
        def us(self, fields, year):
            raise APIKeyError(f"<title>Invalid Key</title> key={SECRET}")

    with pytest.raises(InvalidApiKeyError) as info:
        fetch._query(Client(), "us", ["NAME"], (), 2023)
    assert_no_secret(info.value)


def test_census_package_exception_is_translated():
    class Client:
        def us(self, fields, year):
            raise CensusException(f"error while running your query key={SECRET}")

    with pytest.raises(CensusServerError) as info:
        fetch._query(Client(), "us", ["NAME"], (), 2023)
    assert_no_secret(info.value)


@pytest.mark.parametrize(
    "exc",
    [
        requests.exceptions.ReadTimeout(f"HTTPSConnectionPool: Read timed out. (url: /data?key={SECRET})"),
        requests.exceptions.ConnectTimeout(f"Max retries exceeded with url: /data?key={SECRET}"),
        requests.exceptions.ConnectionError(f"Failed to resolve api.census.gov (url: /data?key={SECRET})"),
    ],
    ids=["read-timeout", "connect-timeout", "connection-error"],
)
def test_unreachable(env, exc):
    with responses.RequestsMock() as mock:
        mock.add("GET", re.compile(re.escape(DATA_URL) + r"\?.*"), body=exc)
        with pytest.raises(CensusUnreachableError) as info:
            census_api.fetch_acs("us", ["B19013_001E"], year=YEAR)
    assert_no_secret(info.value)
    if isinstance(exc, requests.Timeout):
        assert "20 seconds" in str(info.value)


def test_timeout_is_passed_on_every_request(api):
    seen = []
    original = requests.adapters.HTTPAdapter.send

    def spy(self, request, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(self, request, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(requests.adapters.HTTPAdapter, "send", spy)
        census_api.fetch_acs("us", ["B19013_001E"], year=YEAR)
    assert seen and all(t == census_api.TIMEOUT_SECONDS for t in seen)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors(env, status):
    with responses.RequestsMock() as mock:
        mock.add(
            "GET",
            re.compile(re.escape(DATA_URL) + r"\?.*"),
            status=status,
            body=f"<html>Proxy error for /data?key={SECRET}</html>",
        )
        with pytest.raises(CensusServerError) as info:
            census_api.fetch_acs("us", ["B19013_001E"], year=YEAR)
    assert f"HTTP {status}" in str(info.value)
    assert_no_secret(info.value)


@pytest.mark.parametrize(
    "body",
    [
        '[["NAME","B19013_001E","us"],\n["United States","78538","1"',  # cut off mid-answer
        '{"error": "not a table"}',  # JSON, but not rows
        "",  # nothing at all
        "<html><body>Down for maintenance</body></html>",  # a web page that is not about the key
    ],
    ids=["truncated", "dict", "empty-body", "maintenance-page"],
)
def test_malformed_answers(env, body):
    with responses.RequestsMock() as mock:
        mock.add("GET", re.compile(re.escape(DATA_URL) + r"\?.*"), body=body, content_type="application/json")
        with pytest.raises(CensusServerError) as info:
            census_api.fetch_acs("us", ["B19013_001E"], year=YEAR)
    assert_no_secret(info.value)


def test_empty_result_204(api):
    """A county code with no rows: the API answers 204 No Content."""
    with pytest.raises(EmptyResultError) as info:
        census_api.fetch_acs("tract", ["B19013_001E"], "09", "999", year=YEAR)
    assert "find_place" in str(info.value)


def test_empty_result_header_only(env):
    with responses.RequestsMock() as mock:
        mock.add("GET", re.compile(re.escape(DATA_URL) + r"\?.*"), json=[["NAME", "B19013_001E", "us"]])
        with pytest.raises(EmptyResultError):
            census_api.fetch_acs("us", ["B19013_001E"], year=YEAR)


def test_unknown_variable(api):
    with pytest.raises(VariableNotFoundError) as info:
        census_api.fetch_acs("tract", ["B19013_001E", "B99999_001E"], "09", "110", year=YEAR)
    assert "B99999_001E" in str(info.value) and "search_variables" in str(info.value)
    assert_no_secret(info.value)


@pytest.mark.parametrize("code", ["B19013 001E", "", "B19013_001E;drop"])
def test_malformed_codes_fail_without_a_request(api, code):
    with pytest.raises(VariableNotFoundError):
        census_api.fetch_acs("us", [code], year=YEAR)
    assert len(api.calls) == 0


@pytest.mark.parametrize("year", [2008, 2025, "last year", None])
def test_unsupported_year(api, year):
    with pytest.raises(YearNotSupportedError) as info:
        census_api.fetch_acs("us", ["B19013_001E"], year=year)
    assert "2009" in str(info.value) and "2024" in str(info.value)
    assert len(api.calls) == 0


def test_year_the_api_does_not_have(env):
    with responses.RequestsMock() as mock:
        mock.add("GET", re.compile(r"https://api\.census\.gov/data/2010/acs/acs5/subject\?.*"), status=404, body="")
        with pytest.raises(YearNotSupportedError):
            census_api.fetch_acs("us", ["S2801_C01_001E"], year=2010)


def test_every_error_is_a_civicdata_error():
    for cls in (NoApiKeyError, InvalidApiKeyError, CensusUnreachableError, CensusServerError, EmptyResultError):
        assert issubclass(cls, CivicDataError)


# ------------------------------------------------------------------------------------------------
# key secrecy elsewhere
# ------------------------------------------------------------------------------------------------


def test_logs_never_show_the_key(api, caplog):
    caplog.set_level(logging.DEBUG)
    census_api.fetch_acs("tract", ["B19013_001E"], "09", "110", year=YEAR)
    logging.getLogger("urllib3.connectionpool").debug(
        '%s "GET %s HTTP/1.1" 200', "https://api.census.gov:443", f"/data/2023/acs/acs5?get=NAME&key={SECRET}"
    )
    assert caplog.records
    assert SECRET not in caplog.text


def test_reprs_never_show_the_key(env):
    session = census_api.get_session()
    client = census_api.census_client(SECRET, session=session)
    assert SECRET not in repr(session) + repr(client) + repr(client.acs5)


def test_scrub():
    url = f"https://api.census.gov/data/2023/acs/acs5?get=NAME&for=us:1&key={SECRET}"
    assert SECRET not in census_api.scrub(url)
    assert census_api.scrub(f"oops {SECRET} oops", key=SECRET) == "oops REDACTED oops"


# ------------------------------------------------------------------------------------------------
# metadata
# ------------------------------------------------------------------------------------------------


def test_variable_labels_one_request_then_cached(api, place):
    labels = census_api.fetch_variable_labels(YEAR)
    again = census_api.fetch_variable_labels(YEAR)
    assert len(api.calls) == 1
    pd.testing.assert_frame_equal(labels, again)
    assert list(labels.columns) == ["name", "label", "concept", "table"]
    merged = labels.merge(place.variables, on="name", suffixes=("", "_bundled"))
    assert len(merged) == len(place.variables)
    assert (merged["label"] == merged["label_bundled"]).all()  # "Estimate!!" prefix removed


def test_api_labels_are_tidied_like_the_bundled_ones():
    assert metadata._tidy_label("Estimate!!Total:!!Male:!!Under 5 years") == "Total!!Male!!Under 5 years"


def test_table_variables(api):
    frame = census_api.fetch_table_variables("b19013", YEAR)
    assert frame["name"].tolist() == ["B19013_001"]
    with pytest.raises(VariableNotFoundError):
        census_api.fetch_table_variables("B99999", YEAR)


def test_variables_payload_is_json_serialisable(place):
    json.dumps(mock_census.variables_payload(place))
    assert Path(settings.places_dir() / place.slug).exists()


# ------------------------------------------------------------------------------------------------
# the contract with civicdata.data.get_acs.get_acs (DATA helper's code calls fetch_acs / fetch_tract_boundaries)
# ------------------------------------------------------------------------------------------------


def test_get_acs_live_with_geometry(api, place):
    from civicdata.data import get_acs as acs

    mock_census.register_boundaries(api, settings.places_dir() / place.slug, YEAR)
    df = acs.get_acs(
        "tract",
        variables={"income": "B19013_001"},
        state="CT",
        county="Capitol",
        year=YEAR,
        source="live",
        geometry=True,
        quiet=True,
    )
    assert df.attrs["source"] == "live" and df.crs.to_epsg() == 4326
    assert df.geometry.notna().all() and len(df) == 249
    expected = place.tracts.set_index("GEOID")["B19013_001E"].astype(float)
    pd.testing.assert_series_equal(
        df.set_index("GEOID")["incomeE"].sort_index(), expected.sort_index(), check_names=False
    )
    assert len(api.calls) == 2  # one data request, one boundary file
