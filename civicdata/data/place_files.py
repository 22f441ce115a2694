"""Write the files of a place folder so that the same data always gives the same bytes, and read its map.

Used by ``data/build_data.py`` (the bundled places) and by :mod:`civicdata.data.prefetch` (a facilitator's
county), so both kinds of place folder look exactly alike and their checksums only change when the
data does: CSV in UTF-8 with Unix line ends and empty cells for missing values; GeoJSON in EPSG:4326,
one feature per line, coordinates rounded to 5 decimals (about 1 m).

:func:`read_geojson` reads such a GeoJSON file back with the standard library's ``json`` and geopandas,
without GDAL: the result is the same table ``geopandas.read_file`` gives (``tests/test_place_files.py``
compares them on every bundled file), but a kernel that only reads the workbook's own boundaries does
not load GDAL's library (about 50 MB of memory per kernel, ``benchmarks/README.md``).

Example:
    >>> import tempfile, pathlib, pandas as pd
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_csv(pd.DataFrame({"GEOID": ["09110400101"], "B19013_001E": [None]}), path)
    >>> path.read_text()
    'GEOID,B19013_001E\\n09110400101,\\n'
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

#: Decimals kept in coordinates: 5 decimals of a degree are about 1 metre.
COORD_DECIMALS = 5


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV, no index, Unix line ends, missing values as empty cells."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", na_rep="")
    path.write_text(buffer.getvalue(), encoding="utf-8")


def polygons_only(geom):
    """Keep the polygon parts of a geometry (make_valid may add stray lines or points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def round_geometry(geom):
    """Round every coordinate to COORD_DECIMALS; repair the (rare) polygon the rounding makes invalid."""
    geom = shapely.transform(geom, lambda xy: np.round(xy, COORD_DECIMALS))
    if not geom.is_valid:
        geom = polygons_only(shapely.make_valid(geom))
    return geom


def write_geojson(frame, path: Path, properties: list[str]) -> None:
    """A GeoJSON FeatureCollection in EPSG:4326, one feature per line, coordinates rounded."""
    assert frame.crs is not None and frame.crs.to_epsg() == 4326, "write EPSG:4326 only"
    lines = []
    for _, row in frame.iterrows():
        feature = {
            "type": "Feature",
            "properties": {name: (None if pd.isna(row[name]) else row[name]) for name in properties},
            "geometry": shapely.geometry.mapping(round_geometry(row.geometry)),
        }
        lines.append(json.dumps(feature, separators=(",", ":"), ensure_ascii=False))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def read_geojson(path: Path):
    """A place folder's GeoJSON as a GeoDataFrame, the same as ``geopandas.read_file(path)`` gives.

    Our files (:func:`write_geojson`) are RFC 7946 GeoJSON: longitude and latitude in EPSG:4326 and
    text properties. They are read with ``json`` and ``GeoDataFrame.from_features``, properties in
    the file's order and ``geometry`` last, as ``read_file`` orders them. Any other GeoJSON (one that
    names its own CRS, or has numbers among its properties, whose types GDAL decides) goes to
    ``geopandas.read_file``.

    >>> import tempfile, pathlib, geopandas as gpd
    >>> from shapely import box
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tracts.geojson"
    >>> write_geojson(gpd.GeoDataFrame({"GEOID": ["09110400101"]}, geometry=[box(0, 0, 1, 1)], crs=4326),
    ...               path, ["GEOID"])
    >>> frame = read_geojson(path)
    >>> list(frame.columns), frame.crs.to_epsg()
    (['GEOID', 'geometry'], 4326)
    >>> frame.equals(gpd.read_file(path))
    True
    """
    import geopandas as gpd

    collection = json.loads(Path(path).read_text(encoding="utf-8"))
    features = collection.get("features", [])
    properties = [feature.get("properties") or {} for feature in features]
    text_only = all(value is None or isinstance(value, str) for row in properties for value in row.values())
    if "crs" in collection or not features or not text_only:
        return gpd.read_file(path)
    columns = list(dict.fromkeys(name for row in properties for name in row))
    return gpd.GeoDataFrame.from_features(features, crs="EPSG:4326", columns=[*columns, "geometry"])
