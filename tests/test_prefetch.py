"""Facilitator prefetch end to end against a mocked Census API and boundary server, then use-place.

The mocked county is the default place (Capitol Planning Region, CT, ACS 2019-2023): the mock answers
from its bundled real files, so the prefetched folder must reproduce the bundled numbers exactly.
Everything is written into temporary data, config and cache folders.
"""

from __future__ import annotations

import json
import re
import shutil

import mock_census
import pandas as pd
import pytest
import responses

from civicdata import cli
from civicdata.core import settings
from civicdata.core.errors import (
    CensusUnreachableError,
    DataNotAvailableError,
    NoApiKeyError,
    PlaceExistsError,
    PlaceNotFoundError,
)
from civicdata.data import boundaries, census_api
from civicdata.data.checksums import verify_manifest
from civicdata.data.prefetch import WORKSHOP_TABLES, place_slug, prefetch
from civicdata.data.use_place import use_place

SECRET = "PrEfEtChKeY0123456789abcdef"
YEAR = 2023
SLUG = "capitol-ct"
BUNDLED = settings.places_dir() / "ct-capitol-region"  # resolved before the tests move data_dir
PLACE_FILES = {
    "place.json",
    "tracts.csv",
    "summary.csv",
    "variables.csv",
    "tracts.geojson",
    "libraries.csv",
    "MANIFEST.sha256",
}


def _environment(mp: pytest.MonkeyPatch, tmp) -> None:
    data = tmp / "data"
    (data / "places").mkdir(parents=True)
    shutil.copytree(settings.data_dir() / "libraries", data / "libraries")
    mp.setenv("CIVICDATA_DATA_DIR", str(data))
    mp.setenv("XDG_CONFIG_HOME", str(tmp / "config"))
    mp.setenv("XDG_CACHE_HOME", str(tmp / "cache"))
    mp.setenv("CENSUS_API_KEY", SECRET)
    mp.delenv("CIVICDATA_OFFLINE", raising=False)
    mp.delenv("CIVICDATA_PLACE", raising=False)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Prefetch the mocked county once; yield what the tests look at."""
    tmp = tmp_path_factory.mktemp("prefetch")
    place = mock_census.load_place(folder=BUNDLED)
    with pytest.MonkeyPatch.context() as mp:
        _environment(mp, tmp)
        messages: list[str] = []
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            mock_census.register(mock, place, year=YEAR)
            mock_census.register_boundaries(mock, BUNDLED, YEAR)
            folder = prefetch("Connecticut", "Capitol", year=YEAR, echo=messages.append)
            calls = [census_api.scrub(c.request.url) for c in mock.calls]
        yield {"folder": folder, "messages": messages, "calls": calls, "tmp": tmp, "mp": mp, "place": place}


def test_folder_layout_and_manifest(run):
    folder = run["folder"]
    assert folder == settings.places_dir() / SLUG
    assert {p.name for p in folder.iterdir()} == PLACE_FILES
    assert verify_manifest(folder / "MANIFEST.sha256") == []
    meta = json.loads((folder / "place.json").read_text())
    for key in ("slug", "name", "state_name", "state_abbr", "state_fips", "county_name", "county_fips", "year"):
        assert key in meta
    assert meta["slug"] == SLUG and meta["state_fips"] == "09" and meta["county_fips"] == "110"
    assert meta["year"] == YEAR and meta["vintage"] == "2019-2023" and meta["has_moe"] is True
    bundled_meta = json.loads((BUNDLED / "place.json").read_text())
    assert meta["tables"] == bundled_meta["tables"]  # the 11 tables, in the same order
    # the mock has no internet/computer values for Connecticut, so the API "lacks" them: skipped, recorded
    assert meta["tables_missing"] == ["B28002", "B28001"]


def test_values_match_the_bundled_real_data(run):
    folder = run["folder"]
    ours = pd.read_csv(folder / "tracts.csv", dtype={"GEOID": str})
    theirs = pd.read_csv(BUNDLED / "tracts.csv", dtype={"GEOID": str})
    assert sorted(ours.columns) == sorted(theirs.columns)
    pd.testing.assert_frame_equal(
        ours[theirs.columns].sort_values("GEOID", ignore_index=True),
        theirs.sort_values("GEOID", ignore_index=True),
        check_dtype=False,
    )
    summary = pd.read_csv(folder / "summary.csv", dtype={"GEOID": str})
    assert summary["geography"].tolist() == ["county", "state", "us"]
    assert summary["GEOID"].tolist() == ["09110", "09", "1"]
    bundled_summary = pd.read_csv(BUNDLED / "summary.csv", dtype={"GEOID": str}).set_index("GEOID")
    for geoid in ("09110", "09", "1"):
        assert summary.set_index("GEOID").loc[geoid, "B19013_001E"] == bundled_summary.loc[geoid, "B19013_001E"]
    variables = pd.read_csv(folder / "variables.csv", dtype=str, keep_default_na=False)
    bundled_vars = pd.read_csv(BUNDLED / "variables.csv", dtype=str, keep_default_na=False)
    merged = variables.merge(bundled_vars, on="name", suffixes=("", "_b"))
    assert len(merged) == len(bundled_vars) == len(variables)
    assert (merged["label"] == merged["label_b"]).all()


def test_boundaries_and_libraries(run):
    import geopandas as gpd

    folder = run["folder"]
    shapes = gpd.read_file(folder / "tracts.geojson")
    assert shapes.crs.to_epsg() == 4326 and len(shapes) == 249
    assert list(shapes.columns) == ["GEOID", "NAME", "geometry"]
    assert shapes["NAME"].str.endswith("; Capitol Planning Region; Connecticut").all()
    libraries = pd.read_csv(folder / "libraries.csv", dtype=str)
    bundled = pd.read_csv(BUNDLED / "libraries.csv", dtype=str)
    assert list(libraries.columns) == list(bundled.columns)
    key = ["library_id", "outlet_seq", "tract_geoid"]
    assert libraries[key].values.tolist() == bundled.sort_values(["library_id", "outlet_seq"])[key].values.tolist()


def test_get_acs_reads_the_prefetched_place_offline(run):
    from civicdata.data import get_acs as acs
    from civicdata.data.places import list_places

    mp = run["mp"]
    mp.setenv("CIVICDATA_OFFLINE", "1")
    mp.delenv("CENSUS_API_KEY")
    assert list_places()["slug"].tolist() == [SLUG]
    df = acs.get_acs("tract", table="B19013", state="CT", county="Capitol", year=YEAR, source="bundled", quiet=True)
    assert df.attrs["source"] == "bundled" and df.attrs["place"] == SLUG
    bundled = pd.read_csv(BUNDLED / "tracts.csv", dtype={"GEOID": str}).set_index("GEOID")
    got = df.set_index("GEOID")
    assert len(got) == 249
    pd.testing.assert_series_equal(
        got["B19013_001E"].sort_index(), bundled["B19013_001E"].astype(float).sort_index(), check_names=False
    )
    mp.setenv("CENSUS_API_KEY", SECRET)
    mp.delenv("CIVICDATA_OFFLINE")


def test_request_count_and_messages(run):
    calls = run["calls"]
    groups = [u for u in calls if "/groups/" in u]
    data = [u for u in calls if re.search(r"/acs/acs5\?", u)]
    per_field = [u for u in calls if "/variables/" in u]
    boundary = [u for u in calls if "www2.census.gov" in u]
    assert len(groups) == len(WORKSHOP_TABLES)
    n_codes = 2 * len(pd.read_csv(BUNDLED / "variables.csv"))
    chunks = -(-n_codes // census_api.MAX_CODES_PER_REQUEST)
    assert len(data) == 4 * chunks  # tracts, county, state, US
    assert per_field == [] and len(boundary) == 1
    assert len(calls) == len(groups) + len(data) + 1
    text = "\n".join(run["messages"])
    assert "Capitol Planning Region, Connecticut" in text and "civicdata use-place " + SLUG in text
    assert SECRET not in text


def test_key_is_nowhere_on_disk(run):
    for path in run["tmp"].rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_never_overwrites_without_force(run):
    folder = run["folder"]
    manifest = (folder / "MANIFEST.sha256").read_text()
    with responses.RequestsMock() as mock:
        with pytest.raises(PlaceExistsError) as info:
            prefetch("CT", "Capitol", year=YEAR, echo=lambda m: None)
        assert len(mock.calls) == 0
    assert "--force" in str(info.value)
    assert (folder / "MANIFEST.sha256").read_text() == manifest


def test_force_replaces_the_folder(run):
    folder = run["folder"]
    (folder / "stray.txt").write_text("left over\n")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock_census.register(mock, run["place"], year=YEAR)
        mock_census.register_boundaries(mock, BUNDLED, YEAR)
        again = prefetch("CT", "110", year=YEAR, force=True, echo=lambda m: None)
        groups = [c.request.url for c in mock.calls if "/groups/" in c.request.url]
    # table metadata came from the cache; only the two 404s (never cached) were asked again
    assert len(groups) == 2 and all(re.search(r"/groups/B2800[12]\.json", u) for u in groups)
    assert again == folder and not (folder / "stray.txt").exists()
    assert verify_manifest(folder / "MANIFEST.sha256") == []
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no staging left


def test_boundary_file_not_published_yet_falls_back_a_year(run):
    out = run["tmp"] / "elsewhere"
    messages: list[str] = []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock_census.register(mock, run["place"], year=YEAR)
        mock.add("GET", boundaries.boundary_url("09", YEAR), status=404, body="Not Found")
        mock_census.register_boundaries(mock, BUNDLED, YEAR - 1)
        (settings.cache_dir() / "boundaries" / f"cb_{YEAR}_09_tract_500k.zip").unlink()
        folder = prefetch("CT", "Capitol", year=YEAR, out=out, echo=messages.append)
    meta = json.loads((folder / "place.json").read_text())
    assert "2022" in meta["boundary_note"] and "cb_2022_09_tract_500k.zip" in meta["sources"][1]
    assert verify_manifest(folder / "MANIFEST.sha256") == []
    assert any("not published yet" in m for m in messages)
    assert any("copy the folder" in m for m in messages)  # not in data/places: says how to use it


def test_use_place_switches_every_notebook(run):
    from civicdata.data.places import load_place

    mp = run["mp"]
    assert settings.current_place() == settings.DEFAULT_PLACE
    messages = []
    use_place(SLUG, echo=messages.append)
    assert settings.current_place() == SLUG
    assert (settings.config_dir() / "place").read_text().strip() == SLUG
    assert load_place().slug == SLUG
    assert "Capitol Planning Region, CT" in messages[0]
    mp.setenv("CIVICDATA_PLACE", "allegheny-pa")
    assert settings.current_place() == "allegheny-pa"  # the environment variable wins
    use_place(SLUG, echo=messages.append)
    assert "CIVICDATA_PLACE" in messages[-1]
    mp.delenv("CIVICDATA_PLACE")
    use_place(None, echo=messages.append)
    assert settings.current_place() == settings.DEFAULT_PLACE
    with pytest.raises(PlaceNotFoundError):
        use_place("capitl-ct", echo=messages.append)


def test_cli(run, capsys):
    assert cli.main(["use-place", SLUG]) == 0
    assert settings.current_place() == SLUG
    assert cli.main(["use-place"]) == 0
    assert SLUG in capsys.readouterr().out
    assert cli.main(["use-place", "--default"]) == 0
    assert settings.current_place() == settings.DEFAULT_PLACE
    code = cli.main(["prefetch", "--state", "CT", "--county", "Capitol", "--year", str(YEAR)])
    assert code == 2 and "exists already" in capsys.readouterr().err


def test_cli_prefetch_without_key(run, capsys):
    mp = run["mp"]
    mp.delenv("CENSUS_API_KEY")
    try:
        with responses.RequestsMock() as mock:
            assert cli.main(["prefetch", "--state", "NC", "--county", "Orange"]) == 2
            assert len(mock.calls) == 0
        err = capsys.readouterr().err
        assert "key_signup" in err and "Traceback" not in err
        with pytest.raises(NoApiKeyError):
            prefetch("NC", "Orange", echo=lambda m: None)
    finally:
        mp.setenv("CENSUS_API_KEY", SECRET)
    assert not (settings.places_dir() / "orange-nc").exists()


def test_offline_and_unknown_county(run):
    mp = run["mp"]
    mp.setenv("CIVICDATA_OFFLINE", "1")
    try:
        with pytest.raises(CensusUnreachableError):
            prefetch("NC", "Orange", echo=lambda m: None)
    finally:
        mp.delenv("CIVICDATA_OFFLINE")
    with pytest.raises(PlaceNotFoundError) as info:
        prefetch("NC", "Orang", echo=lambda m: None)
    assert "Orange County" in str(info.value)
    with responses.RequestsMock() as mock:
        with pytest.raises(DataNotAvailableError, match="planning region"):
            prefetch("CT", "Hartford", year=YEAR, echo=lambda m: None)  # a former county, gone after 2021
        with pytest.raises(DataNotAvailableError, match="former counties"):
            prefetch("CT", "Capitol", year=2019, echo=lambda m: None)
        assert len(mock.calls) == 0


def test_curated_tables_and_slugs():
    bundled = json.loads((BUNDLED / "place.json").read_text())["tables"]
    assert list(WORKSHOP_TABLES[: len(bundled)]) == bundled
    assert {"B28002", "B28001"} <= set(WORKSHOP_TABLES)
    assert place_slug("Orange County", "NC") == "orange-nc"
    assert place_slug("Capitol Planning Region", "CT") == "capitol-ct"
    missouri = ["St. Louis city", "St. Louis County", "Boone County"]
    assert place_slug("St. Louis city", "MO", missouri) == "st-louis-city-mo"
    assert place_slug("St. Louis County", "MO", missouri) == "st-louis-county-mo"
