"""Interactive choropleth maps of tract estimates that show how reliable each estimate is.

One function does the work: :func:`choropleth_map`. It sorts tracts into a few classes
(quantiles, natural breaks or equal intervals, computed by ``mapclassify``), colors them with a
color-blind-safe palette, and marks what a plain choropleth hides:

- tracts whose estimate is unreliable (coefficient of variation above 40%) are hatched (or given a
  heavy dashed outline with ``unreliable="outline"``);
- tracts with no estimate are gray;
- every tract has a tooltip: its name, "estimate ± margin of error" and its reliability.

The palette is **viridis** (matplotlib's, light yellow for low values to dark purple for high ones):
readable with the common kinds of color blindness and still ordered when printed in gray.

Maps stay small (simplified web geometry, coordinates rounded to 5 decimals, only the properties the
tooltip needs), so a notebook with several maps stays light. Save a map that works with no network
with :func:`civicdata.maps.offline.save_map`.

Example:
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> g = gpd.GeoDataFrame({"NAME": ["A", "B"], "xE": [1.0, 2.0], "xM": [0.1, 5.0]},
    ...                      geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
    >>> m = choropleth_map(g, "xE", k=2, tiles=None)
    >>> type(m).__name__
    'Map'
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import folium
import numpy as np

from civicdata.core.errors import MapError
from civicdata.maps.map_data import MISSING_COLOR, UNRELIABLE_CV, MapData, check_points, map_data
from civicdata.maps.map_layers import MapPanel, TractLayer
from civicdata.maps.web_geometry import WEB_DECIMALS, WEB_TOLERANCE_M, web_geometry


def _hatch_pattern(pattern_id: str, background: str) -> str:
    """An SVG pattern: ``background`` with diagonal black-on-white stripes (visible on any color)."""
    return (
        f'<pattern id="{pattern_id}" width="7" height="7" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="7" height="7" fill="{background}"/>'
        '<line x1="1" y1="0" x2="1" y2="7" stroke="#fff" stroke-width="3"/>'
        '<line x1="1" y1="0" x2="1" y2="7" stroke="#111" stroke-width="1.4"/></pattern>'
    )


def _swatch(fill: str, stroke: str = "#555", dash: str | None = None, width: float = 1) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg class="cd-sw" viewBox="0 0 22 15" aria-hidden="true"><rect x="1" y="1" width="20" height="13" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash_attr}/></svg>')


def tract_styles(data: MapData, unreliable: str = "hatch", fill_opacity: float = 0.75,
                 hatch_ids: Sequence[str] | None = None) -> tuple[list[dict], list[int]]:
    """Leaflet path styles: one per class, per class when unreliable, and one for no estimate.

    Returns ``(styles, index)`` with ``styles[index[i]]`` the style of tract ``i``.
    """
    colors = data.classes.colors
    hatch_ids = hatch_ids or [f"cd-h-{i}" for i in range(len(colors))]
    base = {"color": "#444", "weight": 0.6, "fillOpacity": fill_opacity}
    styles = [dict(base, fillColor=c) for c in colors]
    for i, c in enumerate(colors):
        if unreliable == "hatch":
            styles.append(dict(base, fillColor=f"url(#{hatch_ids[i]})"))
        else:
            styles.append(dict(base, fillColor=c, color="#000", weight=2.5, dashArray="6 4"))
    styles.append(dict(base, fillColor=MISSING_COLOR, color="#666", dashArray="2 3"))
    k = len(colors)
    index = []
    for cls, low in zip(data.tracts["cls"], data.tracts["unreliable"], strict=True):
        index.append(2 * k if cls < 0 else (k + int(cls) if low else int(cls)))
    return styles, index


def choropleth_map(
    gdf,
    column: str,
    moe_column: str | None = None,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    label: str | None = None,
    title: str | None = None,
    source: str | None = None,
    fmt: str | Callable[[float], str] | None = None,
    points=None,
    point_label: str = "name",
    point_fields: Sequence[str] | None = None,
    point_name: str = "Public library (IMLS FY2019)",
    unreliable: str = "hatch",
    name_column: str = "NAME",
    tiles: str | None = "OpenStreetMap",
    fill_opacity: float = 0.75,
    simplify: bool = True,
    tolerance_m: float = WEB_TOLERANCE_M,
    width: str | int = "100%",
    height: str | int = "100%",
) -> folium.Map:
    """A folium choropleth of ``column`` for every tract in ``gdf``, with reliability marked.

    Parameters (the first two are all most notebooks need):
        gdf: tracts with geometry, ``NAME`` and the estimate column (e.g. from
            ``get_acs(..., geometry=True)``).
        column: the estimate to map, e.g. ``"B19013_001E"``.
        moe_column: its margin of error (default: the same name ending in ``M`` if present).
            Without MOEs the map says that reliability cannot be judged.
        scheme, k: classification ("quantiles", "natural_breaks", "equal_interval") and class count.
        label: what the values are, for the legend (default: the column name).
        title: shown at the top of the map (default: ``label``; ``""`` for none).
        source: the source line (default built from ``gdf.attrs["vintage"]`` and the table id).
        fmt: how to write a value, e.g. ``"${:,.0f}"`` or ``"{:.1f}%"`` (default: dollars for
            B19013, plain numbers otherwise).
        points: optional GeoDataFrame of points (library outlets), drawn as circles with a popup
            showing ``point_label`` (and ``point_fields``, default address and city if present).
        unreliable: "hatch" (diagonal stripes over the class color) or "outline" (heavy dashed
            outline) for tracts whose CV is above 40%.
        tiles: background tiles (they need the internet); ``None`` for none (fully offline).
        fill_opacity: 0-1 (use 1 for exact palette colors, e.g. screenshots).
        simplify, tolerance_m: simplify geometry for the web (see :func:`web_geometry`).

    Returns a ``folium.Map``; show it by leaving it as the last line of a cell, save it for offline
    use with :func:`civicdata.maps.offline.save_map`.

    Example:
        >>> from civicdata import get_acs                                      # doctest: +SKIP
        >>> tracts = get_acs(table="B19013", geometry=True)                     # doctest: +SKIP
        >>> choropleth_map(tracts, "B19013_001E", label="Median household income")  # doctest: +SKIP
    """
    if unreliable not in ("hatch", "outline"):
        raise MapError(f"unreliable={unreliable!r} is not an option.", hint='Use "hatch" or "outline".')
    check_points(points)
    data = map_data(gdf, column, moe_column, scheme=scheme, k=k, label=label, title=title, source=source,
                    fmt=fmt, name_column=name_column)
    tracts = data.tracts
    # Unreliable tracts are drawn last, so their marks sit on top of their neighbors' borders.
    tracts = tracts.iloc[np.argsort(tracts["unreliable"].to_numpy(), kind="stable")]
    data.tracts = tracts
    shapes = web_geometry(tracts, tolerance_m=tolerance_m) if simplify else tracts.to_crs(4326)

    m = folium.Map(tiles=tiles, width=width, height=height, control_scale=True)
    # Ids carry 8 hex digits of the map's random id (tests/nbval_sanitize.cfg masks them).
    tag = m.get_name()[-8:]
    hatch_ids = [f"cd-h-{tag}-{i}" for i in range(data.classes.k)]
    styles, index = tract_styles(data, unreliable, fill_opacity, hatch_ids)
    layer = TractLayer(
        shapes.geometry.values,
        {"name": tracts["tip_name"].tolist(), "value": tracts["tip_value"].tolist(),
         "reliability": tracts["tip_reliability"].tolist()},
        aliases=["Tract", "Estimate ± MOE", "Reliability"],
        styles=styles, style_index=index, name=data.label,
    )
    m.add_child(layer)

    n_points = 0 if points is None else len(points)
    if n_points:
        _add_points(m, points, point_label, point_fields, point_name)

    m.add_child(MapPanel(legend_html(data, unreliable, hatch_ids, f"cd-h-{tag}-w",
                                     point_name if n_points else None), "bottomright", "cd-panel cd-legend"))
    if data.title:
        m.add_child(MapPanel(html.escape(data.title), "topright", "cd-panel cd-title"))
    if data.source:
        m.add_child(MapPanel(html.escape(data.source), "bottomleft", "cd-panel cd-source"))
    m.fit_bounds(layer._get_self_bounds())
    return m


def legend_html(data: MapData, unreliable: str, hatch_ids: Sequence[str], white_hatch_id: str,
                point_name: str | None = None) -> str:
    """The legend: one row per class (with tract counts), unreliable, no estimate, points.

    It also carries (in a hidden SVG) the hatch patterns the map's polygons are filled with.
    """
    classes = data.classes
    defs = "".join(_hatch_pattern(pid, col) for pid, col in zip(hatch_ids, classes.colors, strict=True))
    defs += _hatch_pattern(white_hatch_id, "#ffffff")
    rows = [f'<div class="cd-row">{_swatch(c)}<span>{html.escape(t)} ({n})</span></div>'
            for c, t, n in zip(classes.colors, classes.labels, classes.counts, strict=True)]
    if data.has_moe:
        sw = (_swatch(f"url(#{white_hatch_id})") if unreliable == "hatch"
              else _swatch("#ffffff", stroke="#000", dash="4 2", width=2.5))
        rows.append(f'<div class="cd-row">{sw}<span>Unreliable: CV over {UNRELIABLE_CV}% '
                    f'({data.n_unreliable})</span></div>')
    rows.append(f'<div class="cd-row">{_swatch(MISSING_COLOR, dash="2 2")}<span>No estimate '
                f'({data.n_missing})</span></div>')
    if point_name:
        rows.append('<div class="cd-row"><svg class="cd-sw" viewBox="0 0 22 15" aria-hidden="true">'
                    '<circle cx="11" cy="7.5" r="5" fill="#fff" stroke="#000" stroke-width="2"/></svg>'
                    f'<span>{html.escape(point_name)}</span></div>')
    note = ("Hover over a tract: estimate ± margin of error (90%), reliability." if data.has_moe else
            "No margins of error in these data: reliability cannot be judged.")
    return (f'<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>{defs}</defs></svg>'
            f'<div class="cd-head">{html.escape(data.label)}</div>{"".join(rows)}'
            f'<div class="cd-note">{html.escape(note)}<br>Classes: {data.classes.scheme.replace("_", " ")} '
            f'(number of tracts); colors: viridis.</div>')


def _add_points(m: folium.Map, points, point_label: str, point_fields, point_name: str) -> None:
    """Library outlets (or any points) as circles with a popup; no marker images needed."""
    pts = points.to_crs(4326) if points.crs is not None else points.set_crs(4326)
    if point_label not in pts.columns:
        raise MapError(f"The points have no column {point_label!r} for their popups.",
                       hint=f"Pass point_label= one of: {', '.join(map(str, pts.columns[:12]))}.")
    fields = [point_label] + [f for f in (point_fields if point_fields is not None else ("address", "city"))
                              if f in pts.columns and f != point_label]
    props = pts[fields].astype(object).where(pts[fields].notna(), "").astype(str)
    features = []
    for i, (geom, row) in enumerate(zip(pts.geometry.values, props.to_dict("records"), strict=True)):
        if geom is None or geom.is_empty:
            continue
        features.append({"type": "Feature", "id": i, "properties": row, "geometry": {
            "type": "Point", "coordinates": [round(geom.x, WEB_DECIMALS), round(geom.y, WEB_DECIMALS)]}})
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=point_name,
        marker=folium.CircleMarker(radius=6, fill=True, fill_color="#ffffff", fill_opacity=1,
                                   color="#000000", weight=2),
        popup=folium.GeoJsonPopup(fields=fields, labels=False),
        tooltip=folium.GeoJsonTooltip(fields=[point_label], labels=False),
    ).add_to(m)

