"""Small tract shapes for web maps: simplified without gaps between neighbors, coordinates rounded,
polygons encoded as text (Google's Encoded Polyline Algorithm) to keep notebooks light.

Example:
    >>> encode_polyline([(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)])  # Google's example
    '_p~iF~ps|U_ulLnnqC_mqNvxq`@'
"""

from __future__ import annotations

import numpy as np
import shapely

from civicdata.core.errors import MapError

#: Default simplification for web maps, in meters (see :func:`web_geometry`).
WEB_TOLERANCE_M = 150
#: Coordinates are rounded to this many decimals (5 decimals of a degree is about 1 meter).
WEB_DECIMALS = 5


def web_geometry(gdf, tolerance_m: float = WEB_TOLERANCE_M, decimals: int = WEB_DECIMALS):
    """Simplify polygons for the web and round their coordinates; returns a copy in EPSG:4326.

    Simplification happens in meters (a local UTM projection). Tracts tile the county, so we use
    shapely's coverage simplification, which moves a border shared by two tracts the same way in
    both: no gaps or overlaps appear between neighbors. ``tolerance_m`` is roughly the square
    root of the area of the small wiggles removed. If the polygons are not a clean coverage we fall
    back to ``simplify(preserve_topology=True)`` polygon by polygon.

    >>> import geopandas as gpd
    >>> from shapely import box
    >>> g = gpd.GeoDataFrame(geometry=[box(-72.7, 41.7, -72.6, 41.8)], crs=4326)
    >>> web_geometry(g).geometry.iloc[0].bounds
    (-72.7, 41.7, -72.6, 41.8)
    """
    import geopandas as gpd

    out = gdf.copy()
    if out.crs is None:
        raise MapError("These boundaries have no coordinate reference system (CRS).",
                       hint="Set it first, e.g. gdf = gdf.set_crs(4326) for longitude/latitude.")
    geoms = out.geometry.make_valid() if not out.geometry.is_valid.all() else out.geometry
    if tolerance_m and tolerance_m > 0:
        projected = geoms.to_crs(out.geometry.estimate_utm_crs())
        values = projected.values
        polygonal = bool(np.isin(shapely.get_type_id(values), [3, 6]).all())
        if polygonal and bool(shapely.coverage_is_valid(values)):
            simplified = shapely.coverage_simplify(values, tolerance_m)
        else:
            simplified = shapely.simplify(values, tolerance_m, preserve_topology=True)
        geoms = gpd.GeoSeries(simplified, index=projected.index, crs=projected.crs)
    geoms = geoms.to_crs(4326)
    out = out.set_geometry(shapely.transform(geoms.values, lambda xy: np.round(xy, decimals)), crs=4326)
    return out


def encode_polyline(coords) -> str:
    """Encode ``(lon, lat)`` pairs with the Encoded Polyline Algorithm (Google's, precision 5).

    Each coordinate is stored as the difference from the previous one in units of 0.00001 degree,
    written with printable characters: about 6 bytes per point instead of about 22 in GeoJSON text.
    The map decodes it in the browser before drawing (see ``TractLayer``).

    >>> encode_polyline([(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)])  # Google's example
    '_p~iF~ps|U_ulLnnqC_mqNvxq`@'
    """
    ints = np.round(np.asarray(coords, dtype="float64")[:, ::-1] * 1e5).astype(np.int64)
    deltas = np.diff(ints, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    out = []
    for value in deltas.tolist():
        value = ~(value << 1) if value < 0 else value << 1
        while value >= 0x20:
            out.append(chr((0x20 | (value & 0x1F)) + 63))
            value >>= 5
        out.append(chr(value + 63))
    return "".join(out)


def encode_geometry(geom) -> list[list[str]]:
    """A (multi)polygon as a list of polygons, each a list of encoded rings (closing point dropped)."""
    if geom is None or geom.is_empty:
        return []
    polygons = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    result = []
    for poly in polygons:
        rings = [poly.exterior, *poly.interiors]
        result.append([encode_polyline(np.asarray(ring.coords)[:-1, :2]) for ring in rings])
    return result

