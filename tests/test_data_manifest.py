"""The bundled data: complete, unchanged, laid out as TEAM.md says, and internally consistent.

Expected values come from the files themselves (e.g. the region row of summary.csv), not from typed numbers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from civicdata.data.checksums import read_manifest, verify_manifest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SOURCES = Path(os.environ.get("CIVICDATA_SOURCES", REPO.parent / "shared" / "data-sources"))
BUNDLED = ("ct-capitol-region", "allegheny-pa")
PLACE_FILES = ("place.json", "tracts.csv", "summary.csv", "variables.csv", "tracts.geojson", "libraries.csv",
               "MANIFEST.sha256")
PLACE_KEYS = {"slug", "name", "state_name", "state_abbr", "state_fips", "county_name", "county_fips", "year",
              "vintage", "survey", "has_moe", "tables", "sources"}


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"GEOID": str, "NAME": str, "tract_geoid": str, "geography": str})


def test_data_manifest_verifies():
    assert verify_manifest(DATA / "MANIFEST.sha256") == []


@pytest.mark.parametrize("slug", BUNDLED)
def test_place_manifest_verifies(slug):
    assert verify_manifest(DATA / "places" / slug / "MANIFEST.sha256") == []


def test_manifest_covers_every_bundled_file():
    listed = set(read_manifest(DATA / "MANIFEST.sha256"))
    on_disk = set()
    for path in DATA.rglob("*"):
        rel = path.relative_to(DATA).as_posix()
        parts = rel.split("/")
        if not path.is_file() or rel == "MANIFEST.sha256" or "__pycache__" in parts:
            continue
        if parts[0] == "places" and parts[1] not in BUNDLED:
            continue  # a place prefetched on this machine
        on_disk.add(rel)
    assert on_disk == listed


def test_data_folder_is_small():
    total = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert total <= 15 * 1024 * 1024


@pytest.mark.parametrize("slug", BUNDLED)
def test_place_layout(slug):
    folder = DATA / "places" / slug
    for name in PLACE_FILES:
        assert (folder / name).is_file(), name
    meta = json.loads((folder / "place.json").read_text(encoding="utf-8"))
    assert PLACE_KEYS <= set(meta)
    assert meta["slug"] == slug
    tracts = _csv(folder / "tracts.csv")
    assert list(tracts.columns[:2]) == ["GEOID", "NAME"]
    assert tracts["GEOID"].str.len().eq(11).all()
    assert tracts["GEOID"].str.startswith(meta["state_fips"] + meta["county_fips"]).all()
    assert tracts["GEOID"].is_unique
    summary = _csv(folder / "summary.csv")
    assert "county" in set(summary["geography"])
    assert summary.loc[summary["geography"] == "county", "GEOID"].item() == meta["state_fips"] + meta["county_fips"]
    variables = pd.read_csv(folder / "variables.csv", dtype=str)
    assert list(variables.columns) == ["name", "label", "concept"]
    assert {f"{n}E" for n in variables["name"]} <= set(tracts.columns)
    assert sorted({n.split("_")[0] for n in variables["name"]}) == sorted(meta["tables"])
    boundaries = json.loads((folder / "tracts.geojson").read_text(encoding="utf-8"))
    geoids = [f["properties"]["GEOID"] for f in boundaries["features"]]
    assert sorted(geoids) == sorted(tracts["GEOID"])
    libraries = _csv(folder / "libraries.csv")
    assert {"name", "address", "city", "zip", "type", "latitude", "longitude"} <= set(libraries.columns)
    assert libraries["tract_geoid"].isin(tracts["GEOID"]).all()


def test_default_place_tracts_and_region_totals():
    folder = DATA / "places" / "ct-capitol-region"
    tracts = _csv(folder / "tracts.csv")
    summary = _csv(folder / "summary.csv")
    variables = pd.read_csv(folder / "variables.csv", dtype=str)
    assert len(tracts) == 249
    assert len(variables) == 326
    assert {f"{n}M" for n in variables["name"]} <= set(tracts.columns)
    assert tracts["GEOID"].str.startswith("09110").all()
    assert set(summary["geography"]) == {"county", "state", "us"}
    region = summary[summary["geography"] == "county"].iloc[0]
    # population and households (tenure total): the tracts add up to the published region row
    for code in ("B01003_001E", "B25003_001E"):
        assert tracts[code].sum() == region[code]


def test_default_place_boundaries_join_the_crosswalk():
    features = json.loads((DATA / "places/ct-capitol-region/tracts.geojson").read_text())["features"]
    for feature in features:
        props = feature["properties"]
        assert props["legacy_geoid"][:5] in ("09003", "09013")
        assert props["legacy_geoid"][5:] == props["GEOID"][5:]  # the 6-digit tract code is unchanged


def test_allegheny_is_estimates_only_with_raw_annotation_values():
    folder = DATA / "places" / "allegheny-pa"
    meta = json.loads((folder / "place.json").read_text())
    tracts = _csv(folder / "tracts.csv")
    assert meta["has_moe"] is False
    assert not [c for c in tracts.columns if c.endswith("M")]
    assert (tracts["B19013_001E"] == -666666666).any()  # kept raw on purpose
    # the column mapping is consistent: households with / without / no internet add up, in every tract
    parts = tracts["B28002_002E"] + tracts["B28002_012E"] + tracts["B28002_013E"]
    assert (parts == tracts["B28002_001E"]).all()
    assert (tracts["B28001_001E"] == tracts["B28002_001E"]).all()
    county = _csv(folder / "summary.csv").iloc[0]
    assert county["B01003_001E"] == tracts["B01003_001E"].sum()
    assert pd.isna(county["B19013_001E"])  # a median cannot be summed


def test_libraries_and_reference():
    outlets = pd.read_csv(DATA / "libraries/pls_fy2019_outlets_ct_ny_pa.csv", dtype=str, keep_default_na=False)
    assert set(outlets["state_abbr"]) == {"CT", "NY", "PA"}
    numbers = pd.to_numeric(outlets["square_feet"].replace("", None))
    assert (numbers.dropna() >= 0).all()  # IMLS negative missing codes were removed
    assert outlets["zip"].str.len().eq(5).all()
    sdc = pd.read_csv(DATA / "reference/state_data_centers_verified.csv", dtype=str)
    assert {"state_abbr", "host_organization", "source"} <= set(sdc.columns)


def test_raw_files_are_byte_identical_to_sources():
    if not SOURCES.is_dir():
        pytest.skip("shared data sources not available here")
    bronx = "ACSDT5Y2022.B19013-Data_bronx_36005.csv"
    pairs = [(f"bronx-ny/{bronx}", f"downloads/bronx-ny/{bronx}"),
             ("us-counties-s2801/ACSST5Y2022.S2801-Data.csv", "digital-equity/ACSST5Y2022.S2801-Data.csv"),
             ("reference/state_data_centers_verified.csv", "reference/state_data_centers_verified.csv")]
    for source, bundled in pairs:
        assert (SOURCES / source).read_bytes() == (DATA / bundled).read_bytes()


def test_build_is_reproducible(tmp_path):
    """Rebuilding from the sources gives the same bytes as the committed files (about 10 s)."""
    if not SOURCES.is_dir():
        pytest.skip("shared data sources not available here")
    out = tmp_path / "data"
    env = {**os.environ, "CIVICDATA_BUILD_DIR": str(out), "CIVICDATA_SOURCES": str(SOURCES)}
    subprocess.run([sys.executable, str(DATA / "build_data.py")], env=env, check=True, capture_output=True)
    committed = read_manifest(DATA / "MANIFEST.sha256")
    rebuilt = read_manifest(out / "MANIFEST.sha256")
    generated = {name: digest for name, digest in committed.items()
                 if name not in ("README.md", "build_data.py")}
    assert rebuilt == generated
    assert (tmp_path / "counties.csv").read_bytes() == (REPO / "civicdata" / "data" / "counties.csv").read_bytes()
