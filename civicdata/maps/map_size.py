"""How heavy our map is next to ``GeoDataFrame.explore()``: the number ``make bench`` reports (target 0.25)."""

from __future__ import annotations

import json

import pandas as pd

from civicdata.core import settings
from civicdata.maps.choropleth import choropleth_map
from civicdata.maps.web_geometry import web_geometry


def map_payload_sizes(place: str | None = None, column: str = "B19013_001E") -> dict:
    """Measure, in one run, the HTML size of our map and of ``GeoDataFrame.explore()``.

    Both maps show the same tracts and column; ``explore()`` gets the boundaries exactly as bundled
    (``tracts.geojson``, not simplified further) with the estimate and MOE columns. Returns sizes in
    bytes and ``ratio`` = ours / explore's. The issue's targets: ours <= 400 KB and ratio <= 0.25.

    Example:
        >>> sizes = map_payload_sizes()                      # doctest: +SKIP
        >>> sizes["ratio"] <= 0.25                           # doctest: +SKIP
        True
    """
    from civicdata.data.place_files import read_geojson

    slug = place or settings.current_place()
    folder = settings.places_dir() / slug
    boundaries = read_geojson(folder / "tracts.geojson")
    table = pd.read_csv(folder / "tracts.csv", dtype={"GEOID": str, "NAME": str})
    moe_column = f"{column[:-1]}M"
    keep = ["GEOID", column] + ([moe_column] if moe_column in table.columns else [])
    gdf = boundaries[["GEOID", "NAME", "geometry"]].merge(table[keep], on="GEOID", how="left")
    meta = json.loads((folder / "place.json").read_text(encoding="utf-8"))
    gdf.attrs["vintage"] = meta.get("vintage")

    ours = choropleth_map(gdf, column).get_root().render().encode("utf-8")
    explore = gdf.explore(column=column).get_root().render().encode("utf-8")
    return {
        "place": slug,
        "tracts": len(gdf),
        "map_bytes": len(ours),
        "explore_bytes": len(explore),
        "ratio": round(len(ours) / len(explore), 4),
        "vertices_bundled": int(gdf.geometry.count_coordinates().sum()),
        "vertices_map": int(web_geometry(gdf).geometry.count_coordinates().sum()),
    }
