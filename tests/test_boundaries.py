"""civicdata.data.boundaries against a mocked www2.census.gov serving a cb-style zip built here."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import requests
import responses
from shapely.geometry import box

from civicdata.core import settings
from civicdata.core.errors import (
    CensusServerError,
    CensusUnreachableError,
    DataNotAvailableError,
    EmptyResultError,
    YearNotSupportedError,
)
from civicdata.data import boundaries

YEAR = 2023
URL = "https://www2.census.gov/geo/tiger/GENZ2023/shp/cb_2023_09_tract_500k.zip"


def cb_zip(tmp_path: Path, year: int = YEAR, state: str = "09") -> bytes:
    """A cartographic-boundary-style zip: three real Capitol region tract shapes (from the bundled
    GeoJSON) plus a test box in another county code, in NAD83 like the real files."""
    bundled = gpd.read_file(settings.places_dir() / "ct-capitol-region" / "tracts.geojson").head(3)
    geoids = bundled["GEOID"].tolist()
    frame = gpd.GeoDataFrame(
        {
            "STATEFP": [state] * 4,
            "COUNTYFP": ["110", "110", "110", "120"],
            "TRACTCE": [g[5:] for g in geoids] + ["000100"],
            "GEOID": [*geoids, state + "120000100"],
            "NAME": [n.split(";")[0].removeprefix("Census Tract ") for n in bundled["NAME"]] + ["1"],
            "NAMELSAD": [n.split(";")[0] for n in bundled["NAME"]] + ["Census Tract 1"],
            "ALAND": [1, 2, 3, 4],
            "AWATER": [0, 0, 0, 0],
        },
        geometry=[*bundled.geometry, box(-73.0, 41.0, -72.9, 41.1)],
        crs="EPSG:4326",
    ).to_crs("EPSG:4269")
    folder = tmp_path / "shp"
    folder.mkdir(exist_ok=True)
    stem = f"cb_{year}_{state}_tract_500k"
    frame.to_file(folder / f"{stem}.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in sorted(folder.glob(f"{stem}.*")):
            archive.write(part, part.name)
    return buffer.getvalue()


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.delenv("CIVICDATA_OFFLINE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


def test_download_filter_reproject_and_cache(env, monkeypatch):
    body = cb_zip(env)
    with responses.RequestsMock() as mock:
        mock.add("GET", URL, body=body, content_type="application/zip")
        tracts = boundaries.fetch_tract_boundaries("9", 110, YEAR)
        assert len(mock.calls) == 1
    assert tracts.crs.to_epsg() == 4326
    assert list(tracts.columns) == ["GEOID", "NAME", "ALAND", "AWATER", "geometry"]
    assert len(tracts) == 3 and tracts["GEOID"].str.startswith("09110").all()
    assert tracts["NAME"].str.startswith("Census Tract ").all()
    bundled = gpd.read_file(settings.places_dir() / "ct-capitol-region" / "tracts.geojson").head(3)
    assert sorted(tracts["GEOID"]) == sorted(bundled["GEOID"])
    # the round trip through NAD83 keeps the shapes where they were (well under a metre)
    ours = tracts.set_index("GEOID").to_crs("EPSG:5070").geometry.centroid
    theirs = bundled.set_index("GEOID").to_crs("EPSG:5070").geometry.centroid
    assert (ours.distance(theirs) < 1.0).all()

    cached = boundaries.boundary_cache_path("09", YEAR)
    assert cached.exists() and settings.REPO_ROOT not in cached.parents
    # second call, even offline: read from the cache, no request
    monkeypatch.setenv("CIVICDATA_OFFLINE", "1")
    with responses.RequestsMock() as mock:
        again = boundaries.fetch_tract_boundaries("09", "110", YEAR)
        assert len(mock.calls) == 0
    assert again["GEOID"].tolist() == tracts["GEOID"].tolist()


def test_offline_without_cache(env, monkeypatch):
    monkeypatch.setenv("CIVICDATA_OFFLINE", "1")
    with pytest.raises(CensusUnreachableError):
        boundaries.fetch_tract_boundaries("09", "110", YEAR)


def test_unknown_county_is_empty(env):
    with responses.RequestsMock() as mock:
        mock.add("GET", URL, body=cb_zip(env), content_type="application/zip")
        with pytest.raises(EmptyResultError):
            boundaries.fetch_tract_boundaries("09", "999", YEAR)


def test_missing_file_404(env):
    with responses.RequestsMock() as mock:
        mock.add("GET", URL, status=404, body="<html>Not Found</html>")
        with pytest.raises(DataNotAvailableError):
            boundaries.fetch_tract_boundaries("09", "110", YEAR)
    assert not boundaries.boundary_cache_path("09", YEAR).exists()


@pytest.mark.parametrize("answer", [{"status": 503, "body": "busy"}, {"status": 200, "body": b"PK\x03\x04trunc"}])
def test_server_error_or_truncated_zip(env, answer):
    with responses.RequestsMock() as mock:
        mock.add("GET", URL, **answer)
        with pytest.raises(CensusServerError):
            boundaries.fetch_tract_boundaries("09", "110", YEAR)
    path = boundaries.boundary_cache_path("09", YEAR)
    assert not path.exists()
    assert not list(path.parent.glob("*.part"))  # no half-written download left behind


def test_timeout(env):
    with responses.RequestsMock() as mock:
        mock.add("GET", URL, body=requests.exceptions.ReadTimeout("read timed out"))
        with pytest.raises(CensusUnreachableError):
            boundaries.fetch_tract_boundaries("09", "110", YEAR)


def test_years():
    assert boundaries.boundary_year(2012) == 2014
    assert re.search(r"GENZ2024/shp/cb_2024_37_tract_500k\.zip$", boundaries.boundary_url("37", 2024))
    with pytest.raises(YearNotSupportedError):
        boundaries.boundary_year(2030)
