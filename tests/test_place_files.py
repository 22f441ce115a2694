"""civicdata.data.place_files.read_geojson: the same table as geopandas.read_file, without loading GDAL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from notebook_env import UNSET, workbook_environment
from shapely.geometry import box

from civicdata.data.place_files import read_geojson, write_geojson

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted((ROOT / "data").rglob("*.geojson"))


def assert_same_as_read_file(path: Path) -> None:
    ours, theirs = read_geojson(path), gpd.read_file(path)
    assert type(ours) is type(theirs) is gpd.GeoDataFrame
    assert list(ours.columns) == list(theirs.columns)
    assert ours.dtypes.astype(str).to_dict() == theirs.dtypes.astype(str).to_dict()
    assert ours.crs == theirs.crs and ours.crs.to_wkt() == theirs.crs.to_wkt()
    assert ours.geometry.name == theirs.geometry.name
    # Geometry byte for byte (same types, same coordinates to the last bit), then everything else.
    assert (shapely.to_wkb(ours.geometry.array) == shapely.to_wkb(theirs.geometry.array)).all()
    pd.testing.assert_frame_equal(ours, theirs, check_exact=True)


def test_there_are_bundled_geojson_files():
    assert {p.parent.name for p in BUNDLED} >= {"ct-capitol-region", "allegheny-pa", "bronx-ny"}


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_geojson_reads_as_read_file_does(path):
    assert_same_as_read_file(path)


def test_a_prefetched_place_file_with_missing_values_reads_as_read_file_does(tmp_path):
    frame = gpd.GeoDataFrame({"GEOID": ["1", "2", "3"], "NAME": ["A", None, "C"]},
                             geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1).union(box(3, 0, 4, 1)), box(2, 0, 3, 1)],
                             crs=4326)
    path = tmp_path / "tracts.geojson"
    write_geojson(frame, path, ["GEOID", "NAME"])
    assert_same_as_read_file(path)


@pytest.mark.parametrize("collection", [
    # numbers among the properties: GDAL decides their types (int32 here), so read_file reads the file
    {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"GEOID": "1", "count": 3},
         "geometry": {"type": "Point", "coordinates": [1, 2]}}]},
    # a CRS of its own (the 2008 GeoJSON form): read_file knows them all
    {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
     "features": [{"type": "Feature", "properties": {"GEOID": "1"},
                   "geometry": {"type": "Point", "coordinates": [1e5, 2e5]}}]},
], ids=["numbers", "own-crs"])
def test_other_geojson_goes_to_read_file(tmp_path, collection):
    path = tmp_path / "other.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    assert_same_as_read_file(path)


def test_boundaries_and_tract_maps_do_not_load_gdal():
    """The memory this saves (benchmarks/README.md): a lesson that maps the bundled tracts never loads GDAL."""
    code = (
        "import sys\n"
        "from civicdata import get_acs, load_boundaries\n"
        "load_boundaries('allegheny-pa')\n"
        "get_acs(variables=['B08201_001'], geometry=True, quiet=True)\n"
        "print(sorted(m for m in ('pyogrio', 'fiona') if m in sys.modules))\n"
    )
    env = {name: value for name, value in os.environ.items() if name not in UNSET} | workbook_environment()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

