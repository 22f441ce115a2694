"""Interactive choropleth maps of tract estimates that show how reliable each estimate is.

One function does the work: :func:`choropleth_map`. It sorts tracts into a few classes
(quantiles, natural breaks or equal intervals, computed by ``mapclassify``), colours them with a
colour-blind-safe palette, and marks what a plain choropleth hides:

- tracts whose estimate is unreliable (coefficient of variation above 40%) are hatched (or given a
  heavy dashed outline with ``unreliable="outline"``);
- tracts with no estimate are grey;
- every tract has a tooltip: its name, "estimate ± margin of error" and its reliability.

The palette is **viridis** (matplotlib's, light yellow for low values to dark purple for high ones):
readable with the common kinds of colour blindness and still ordered when printed in grey.

Maps stay small (simplified web geometry, coordinates rounded to 5 decimals, only the properties the
tooltip needs), so a notebook with several maps stays light. Save a map that works with no network
with :func:`civicdata.offline.save_map`.

Example:
    >>> from civicdata.maps import classify
    >>> classify([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], scheme="equal_interval", k=2).labels
    ['1 – 5.5', '5.5 – 10']
"""

from __future__ import annotations

import html
import json
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template

from civicdata import moe as moe_tools
from civicdata.errors import CivicDataError

#: The palette's name, for captions and documentation.
PALETTE_NAME = "viridis (matplotlib), light = low, dark = high"
#: Fill for tracts with no estimate. Not part of viridis, so never mistaken for a class.
MISSING_COLOR = "#c8c8c8"
#: Coefficient of variation (percent) above which an estimate is called unreliable.
UNRELIABLE_CV = 40
#: The three classification schemes a learner can pick.
SCHEMES = ("quantiles", "natural_breaks", "equal_interval")
#: Default simplification for web maps, in metres (see :func:`web_geometry`).
WEB_TOLERANCE_M = 150
#: Coordinates are rounded to this many decimals (5 decimals of a degree is about 1 metre).
WEB_DECIMALS = 5

_ACS_CREDIT = "U.S. Census Bureau, American Community Survey 5-year estimates"
# Median household income (B19013) is top- and bottom-coded: the Census Bureau publishes
# "250,000+" as 250001 and "2,500-" as 2499, with no margin of error.
_CODED_INCOME = {250001: "$250,000+", 2499: "$2,500 or less"}


class MapError(CivicDataError, ValueError):
    """A map cannot be drawn from what was passed (a missing column, an unknown scheme...)."""


# ----------------------------------------------------------------------------- palette & classes


def palette(k: int) -> list[str]:
    """``k`` colours from viridis, light (low values) to dark (high values), as hex strings.

    >>> palette(3)
    ['#fde725', '#21908d', '#440154']
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["viridis_r"]
    if k == 1:
        return [to_hex(cmap(0.5))]
    return [to_hex(cmap(i / (k - 1))) for i in range(k)]


@dataclass
class Classification:
    """Which class each value falls in (``-1`` = missing), the class bounds and legend labels."""

    scheme: str
    classes: np.ndarray
    bounds: list[tuple[float, float]]
    labels: list[str]
    colors: list[str]
    counts: list[int]

    @property
    def k(self) -> int:
        return len(self.bounds)


def _number(x: float) -> str:
    """A short number for legend labels: thousands separators, no needless decimals."""
    if abs(x) >= 100 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.{1 if abs(x) >= 10 else 2}f}".rstrip("0").rstrip(".")


def classify(values: Sequence[float] | pd.Series, scheme: str = "quantiles", k: int = 5,
             fmt: Callable[[float], str] | None = None) -> Classification:
    """Sort ``values`` into ``k`` classes with ``mapclassify``; missing values get class ``-1``.

    ``scheme`` is "quantiles" (the same number of tracts in each class), "natural_breaks"
    (Fisher-Jenks: classes that group similar values; deterministic, unlike k-means "NaturalBreaks")
    or "equal_interval" (classes of equal width). Fewer distinct values than ``k`` means fewer classes.

    >>> c = classify([1, 2, 3, 4, None], scheme="quantiles", k=2)
    >>> c.classes.tolist(), c.counts
    ([0, 0, 1, 1, -1], [2, 2])
    """
    import mapclassify

    if scheme not in SCHEMES:
        raise MapError(f"Unknown classification scheme {scheme!r}.", hint=f"Use one of {', '.join(SCHEMES)}.")
    fmt = fmt or _number
    array = pd.to_numeric(pd.Series(values, dtype="float64"), errors="coerce").to_numpy(dtype="float64")
    ok = ~np.isnan(array)
    classes = np.full(array.shape, -1, dtype=int)
    if not ok.any():
        return Classification(scheme, classes, [], [], [], [])
    y = array[ok]
    k = max(1, min(int(k), len(np.unique(y))))
    if k == 1:
        bins = np.array([y.max()])
        yb = np.zeros(len(y), dtype=int)
    else:
        if scheme == "quantiles":
            result = mapclassify.Quantiles(y, k=k)
        elif scheme == "natural_breaks":
            with warnings.catch_warnings():  # "Numba not installed": only slower, nothing to act on
                warnings.filterwarnings("ignore", message="Numba not installed")
                result = mapclassify.FisherJenks(y, k=k)
        else:
            result = mapclassify.EqualInterval(y, k=k)
        bins, yb = np.asarray(result.bins, dtype="float64"), np.asarray(result.yb, dtype=int)
    classes[ok] = yb
    lows = [float(y.min())] + [float(b) for b in bins[:-1]]
    bounds = [(lo, float(hi)) for lo, hi in zip(lows, bins, strict=True)]
    labels = [f"{fmt(lo)} – {fmt(hi)}" for lo, hi in bounds]
    counts = [int((yb == i).sum()) for i in range(len(bounds))]
    return Classification(scheme, classes, bounds, labels, palette(len(bounds)), counts)


# ----------------------------------------------------------------------------- reliability


def reliability_columns(estimates: pd.Series, moes: pd.Series | None) -> pd.DataFrame:
    """CV (percent) and reliability ("high"/"medium"/"low"; missing when it cannot be judged).

    Uses :func:`civicdata.moe.cv` and :func:`civicdata.moe.reliability` (thresholds 12% and 40%).
    Without MOEs every reliability is missing: it cannot be judged.
    """
    est = pd.to_numeric(estimates, errors="coerce").astype("float64")
    if moes is None:
        cv = pd.Series(np.nan, index=est.index)
    else:
        cv = pd.Series(np.asarray(moe_tools.cv(est.to_numpy(), pd.to_numeric(moes, errors="coerce")
                                                .astype("float64").to_numpy()), dtype="float64"),
                       index=est.index)
    labels = pd.Series(np.asarray(moe_tools.reliability(cv.to_numpy()), dtype=object), index=est.index)
    labels = labels.where(cv.notna() & est.notna(), None)
    return pd.DataFrame({"cv": cv, "reliability": labels})


# ----------------------------------------------------------------------------- formatting


def table_of(column: str) -> str | None:
    """The ACS table id in a variable name: ``table_of("B19013_001E") == "B19013"``."""
    match = re.match(r"^([BC]\d{5}[A-Z]?)_", str(column))
    return match.group(1) if match else None


def source_line(table: str | None = None, vintage: str | None = None) -> str:
    """The source line printed on every map.

    >>> source_line("B19013", "2019-2023")
    'Source: U.S. Census Bureau, American Community Survey 5-year estimates, 2019-2023, table B19013'
    """
    parts = [f"Source: {_ACS_CREDIT}"]
    if vintage:
        parts.append(str(vintage))
    if table:
        parts.append(f"table {table}")
    return ", ".join(parts)


def value_formatter(column: str, fmt: str | Callable[[float], str] | None = None) -> Callable[[float], str]:
    """Return a function that formats one estimate for people (``fmt`` is a format string or function).

    Default: dollars for median household income (B19013), else a plain number with separators.

    >>> value_formatter("B19013_001E")(91541.0), value_formatter("x", "{:.1f}%")(12.34)
    ('$91,541', '12.3%')
    """
    if callable(fmt):
        return fmt
    if fmt is None:
        fmt = "${:,.0f}" if str(column).startswith("B19013") else "{:,.0f}"
    return lambda x: fmt.format(x)


def _estimate_text(est: float, moe: float | None, fmt: Callable[[float], str], coded: bool) -> str:
    if pd.isna(est):
        return "no estimate"
    if coded and int(est) in _CODED_INCOME and float(est).is_integer():
        return f"{_CODED_INCOME[int(est)]} (top or bottom of the published range; no MOE)"
    if moe is None or pd.isna(moe):
        return f"{fmt(est)} (no MOE)"
    return f"{fmt(est)} ± {fmt(moe)}"


def _reliability_text(label: str | None, cv: float, has_moe: bool, has_estimate: bool) -> str:
    if not has_estimate:
        return "no estimate"
    if not has_moe:
        return "unknown (no margin of error)"
    if label is None or pd.isna(cv):
        return "unknown"
    text = f"{label} (CV {cv:.0f}%)"
    return text + ": use with great caution" if label == "low" else text


def short_name(name: str) -> str:
    """"Census Tract 4001.01; Capitol Planning Region; Connecticut" -> "Census Tract 4001.01"."""
    return re.split(r"[;,]", str(name))[0].strip()


# ----------------------------------------------------------------------------- geometry


def web_geometry(gdf, tolerance_m: float = WEB_TOLERANCE_M, decimals: int = WEB_DECIMALS):
    """Simplify polygons for the web and round their coordinates; returns a copy in EPSG:4326.

    Simplification happens in metres (a local UTM projection). Tracts tile the county, so we use
    shapely's coverage simplification, which moves a border shared by two tracts the same way in
    both: no gaps or overlaps appear between neighbours. ``tolerance_m`` is roughly the square
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


# ----------------------------------------------------------------------------- map panels (legend etc.)


class MapPanel(MacroElement):
    """A block of HTML shown inside the map (a Leaflet control): title, legend or source line.

    Pure HTML and CSS, no external scripts, so it also works offline.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .cd-panel{background:rgba(255,255,255,.93);padding:6px 9px;border-radius:4px;
          box-shadow:0 1px 4px rgba(0,0,0,.35);font:13px/1.35 Arial,Helvetica,sans-serif;color:#111;
          max-width:320px}
        .cd-title{font-size:17px;font-weight:bold;max-width:420px}
        .cd-source{font-size:11px;max-width:460px}
        .cd-legend .cd-head{font-weight:bold;margin-bottom:3px}
        .cd-legend .cd-row{display:flex;align-items:center;gap:6px;margin:2px 0}
        .cd-legend svg.cd-sw{flex:none;width:22px;height:15px}
        .cd-legend .cd-note{font-size:11px;margin-top:4px;color:#333}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function(){
          var panel = L.control({position: {{ this.position|tojson }}});
          panel.onAdd = function () {
            var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
            div.innerHTML = {{ this.content|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
          };
          panel.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, content: str, position: str = "bottomright", css_class: str = "cd-panel"):
        super().__init__()
        self._name = "MapPanel"
        self.content = content
        self.position = position
        self.css_class = css_class


def _hatch_pattern(pattern_id: str, background: str) -> str:
    """An SVG pattern: ``background`` with diagonal black-on-white stripes (visible on any colour)."""
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


# ----------------------------------------------------------------------------- tract data for a map


@dataclass
class MapData:
    """Everything both map kinds (interactive and static) draw, computed once.

    ``tracts`` holds the tracts (missing geometry dropped) with columns ``estimate``, ``moe``,
    ``cv``, ``reliability``, ``cls`` (class number, -1 = no estimate), ``unreliable`` (CV > 40%),
    ``missing`` and the tooltip texts ``tip_name``, ``tip_value``, ``tip_reliability``.
    """

    tracts: object
    classes: Classification
    label: str
    title: str
    source: str
    has_moe: bool
    fmt: Callable[[float], str]

    @property
    def n_unreliable(self) -> int:
        return int(self.tracts["unreliable"].sum())

    @property
    def n_missing(self) -> int:
        return int(self.tracts["missing"].sum())

    def reliability_note(self) -> str:
        """One sentence on reliability for captions and posters, computed from the data."""
        n = len(self.tracts)
        if not self.has_moe:
            return ("These estimates come without margins of error, so their reliability cannot be judged. "
                    f"{self.n_missing} of {n} tracts have no estimate (gray).")
        return (f"{self.n_unreliable} of {n} tracts have an unreliable estimate (CV over {UNRELIABLE_CV}%, "
                f"hatched); {self.n_missing} have no estimate (gray). Margins of error are at 90% confidence.")


def map_data(gdf, column: str, moe_column: str | None = None, *, scheme: str = "quantiles", k: int = 5,
             label: str | None = None, title: str | None = None, source: str | None = None,
             fmt: str | Callable[[float], str] | None = None, name_column: str = "NAME") -> MapData:
    """Classify ``column``, judge each tract's reliability and write its tooltip texts.

    Used by :func:`choropleth_map` and :func:`civicdata.static_maps.static_map` so both show the
    same classes, marks and numbers. The MOE column defaults to ``column`` with ``E`` -> ``M``.
    """
    if column not in gdf.columns:
        raise MapError(f"There is no column {column!r} in this table.",
                       hint=f"Pick one of: {', '.join(map(str, gdf.columns[:12]))}...")
    if moe_column is None and str(column).endswith("E") and f"{str(column)[:-1]}M" in gdf.columns:
        moe_column = f"{str(column)[:-1]}M"
    if moe_column is not None and moe_column not in gdf.columns:
        raise MapError(f"There is no margin-of-error column {moe_column!r}.",
                       hint="Pass moe_column=None if this table has no margins of error.")
    if gdf.crs is None:
        raise MapError("These boundaries have no coordinate reference system (CRS).",
                       hint="Set it first, e.g. gdf = gdf.set_crs(4326).")
    label = label or str(column)
    title = title if title is not None else label
    if source is None:
        source = source_line(table_of(column), gdf.attrs.get("vintage"))
    fmt_value = value_formatter(column, fmt)
    coded = str(column).startswith("B19013")

    tracts = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty].copy()
    est = pd.to_numeric(tracts[column], errors="coerce").astype("float64")
    moes = (pd.to_numeric(tracts[moe_column], errors="coerce").astype("float64") if moe_column
            else pd.Series(np.nan, index=tracts.index))
    rel = reliability_columns(est, moes if moe_column else None)
    legend_fmt = fmt_value
    if coded:  # the top class of median income ends at "$250,000+", not at the code 250001
        def legend_fmt(x: float) -> str:
            return _CODED_INCOME.get(int(x), fmt_value(x)) if float(x).is_integer() else fmt_value(x)
    classes = classify(est, scheme=scheme, k=k, fmt=legend_fmt)

    tracts["estimate"], tracts["moe"] = est, moes
    tracts["cv"], tracts["reliability"] = rel["cv"], rel["reliability"]
    tracts["cls"] = classes.classes
    tracts["missing"] = classes.classes < 0
    tracts["unreliable"] = (rel["reliability"] == "low").to_numpy() & ~tracts["missing"].to_numpy()
    names = (tracts[name_column].map(short_name) if name_column in tracts.columns
             else pd.Series([f"Tract {g}" for g in tracts.get("GEOID", range(len(tracts)))], index=tracts.index))
    tracts["tip_name"] = names.astype(str)
    tracts["tip_value"] = [_estimate_text(e, m if moe_column else None, fmt_value, coded)
                           for e, m in zip(est, moes, strict=True)]
    tracts["tip_reliability"] = [_reliability_text(r, c, bool(moe_column) and not pd.isna(m), not pd.isna(e))
                                 for r, c, m, e in zip(rel["reliability"], rel["cv"], moes, est, strict=True)]
    return MapData(tracts, classes, label, title, source, moe_column is not None, fmt_value)


# ----------------------------------------------------------------------------- the tract layer


class TractLayer(Layer):
    """The tract polygons: compact data decoded in the browser, one style per tract, a tooltip.

    The data are embedded once as columns (``fields`` -> list of texts), a style number per tract
    (into ``styles``) and the polygons in encoded-polyline form (see :func:`encode_polyline`).
    A few lines of JavaScript turn them back into GeoJSON for ``L.geoJson``. No external library.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>.cd-tip table{border-collapse:collapse}.cd-tip th{text-align:left;padding-right:8px}
        .cd-tip td,.cd-tip th{font:13px/1.4 Arial,Helvetica,sans-serif}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
          var d = {{ this.payload }};
          function ring(s) {
            var pts = [], i = 0, lat = 0, lng = 0;
            while (i < s.length) {
              for (var k = 0; k < 2; k++) {
                var r = 0, sh = 0, b;
                do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
                var v = (r & 1) ? ~(r >> 1) : (r >> 1);
                if (k === 0) { lat += v; } else { lng += v; }
              }
              pts.push([lng / 1e5, lat / 1e5]);
            }
            pts.push(pts[0]);
            return pts;
          }
          var features = d.geometry.map(function (polys, i) {
            var coords = polys.map(function (rings) { return rings.map(ring); });
            var props = {};
            d.fields.forEach(function (f) { props[f] = d.columns[f][i]; });
            return {type: "Feature", id: i, properties: props, geometry: coords.length === 1 ?
              {type: "Polygon", coordinates: coords[0]} : {type: "MultiPolygon", coordinates: coords}};
          });
          function style(feature) { return d.styles[d.style[feature.id]]; }
          return L.geoJson({type: "FeatureCollection", features: features}, {
            style: style,
            onEachFeature: function (feature, layer) {
              var html = "<table>" + d.fields.map(function (f, j) {
                return "<tr><th>" + d.aliases[j] + "</th><td>" + feature.properties[f] + "</td></tr>";
              }).join("") + "</table>";
              layer.bindTooltip(html, {sticky: true, className: "cd-tip"});
              layer.on({
                mouseover: function (e) { e.target.setStyle({weight: 3, color: "#000"}); },
                mouseout: function (e) { e.target.setStyle(style(feature)); }
              });
            }
          });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, geometries, columns: dict[str, list[str]], aliases: Sequence[str],
                 styles: list[dict], style_index: Sequence[int], name: str | None = None):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "TractLayer"
        self.fields = list(columns)
        self.aliases = list(aliases)
        self.columns = columns
        self.styles = styles
        self.style_index = [int(i) for i in style_index]
        self.geometry = [encode_geometry(g) for g in geometries]
        self._bounds = shapely.total_bounds(np.asarray(geometries))

    @property
    def payload(self) -> str:
        """The data as compact, HTML-safe JSON (no ``<``, ``>``, ``&`` that could end the script)."""
        data = {"fields": self.fields, "aliases": [html.escape(a) for a in self.aliases],
                "columns": {f: [html.escape(str(v)) for v in vals] for f, vals in self.columns.items()},
                "styles": self.styles, "style": self.style_index, "geometry": self.geometry}
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        # branca renders the script once more as a Jinja template: hide "{{", "{%" and "{#" (they can
        # only occur inside strings here, e.g. in encoded polylines) behind JSON escapes.
        return text.replace("{{", "{\\u007b").replace("{%", "{\\u0025").replace("{#", "{\\u0023")

    def _get_self_bounds(self):
        minx, miny, maxx, maxy = self._bounds
        return [[miny, minx], [maxy, maxx]]


# ----------------------------------------------------------------------------- the map


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
        unreliable: "hatch" (diagonal stripes over the class colour) or "outline" (heavy dashed
            outline) for tracts whose CV is above 40%.
        tiles: background tiles (they need the internet); ``None`` for none (fully offline).
        fill_opacity: 0-1 (use 1 for exact palette colours, e.g. screenshots).
        simplify, tolerance_m: simplify geometry for the web (see :func:`web_geometry`).

    Returns a ``folium.Map``; show it by leaving it as the last line of a cell, save it for offline
    use with :func:`civicdata.offline.save_map`.

    Example:
        >>> from civicdata import get_acs                                      # doctest: +SKIP
        >>> tracts = get_acs(table="B19013", geometry=True)                     # doctest: +SKIP
        >>> choropleth_map(tracts, "B19013_001E", label="Median household income")  # doctest: +SKIP
    """
    if unreliable not in ("hatch", "outline"):
        raise MapError(f"unreliable={unreliable!r} is not an option.", hint='Use "hatch" or "outline".')
    data = map_data(gdf, column, moe_column, scheme=scheme, k=k, label=label, title=title, source=source,
                    fmt=fmt, name_column=name_column)
    tracts = data.tracts
    # Unreliable tracts are drawn last, so their marks sit on top of their neighbours' borders.
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


# ----------------------------------------------------------------------------- payload benchmark


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
    import geopandas as gpd

    from civicdata import config

    slug = place or config.current_place()
    folder = config.places_dir() / slug
    boundaries = gpd.read_file(folder / "tracts.geojson")
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
