"""The interactive map: classes, reliability marks, tooltips, small payloads, offline files.

Expected values are computed here from the bundled data with the MOE formulas, never typed in.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import shapely

from civicdata.core.errors import CivicDataError
from civicdata.data.libraries import load_libraries
from civicdata.data.places import load_boundaries, load_place
from civicdata.maps.choropleth import choropleth_map
from civicdata.maps.classification import classify, palette
from civicdata.maps.map_data import MISSING_COLOR
from civicdata.maps.map_layers import MapPanel, TractLayer
from civicdata.maps.map_size import map_payload_sizes
from civicdata.maps.offline import leaflet_version, save_map
from civicdata.maps.web_geometry import encode_polyline, web_geometry
from civicdata.moe import reliability as moe

PLACE = "ct-capitol-region"


def decode_polyline(text: str) -> list[tuple[float, float]]:
    """Reference decoder (Google's algorithm), written independently of the JavaScript one."""
    points, index, lat, lng = [], 0, 0, 0
    while index < len(text):
        values = []
        for _ in range(2):
            result, shift = 0, 0
            while True:
                b = ord(text[index]) - 63
                index += 1
                result |= (b & 0x1F) << shift
                shift += 5
                if b < 0x20:
                    break
            values.append(~(result >> 1) if result & 1 else result >> 1)
        lat += values[0]
        lng += values[1]
        points.append((lng / 1e5, lat / 1e5))
    return points


@pytest.fixture(scope="module")
def tracts(income_tracts):
    return income_tracts


@pytest.fixture(scope="module")
def income_map(tracts):
    return choropleth_map(tracts, "B19013_001E", label="Median household income", tiles=None)


@pytest.fixture(scope="module")
def rendered(income_map):
    return income_map.get_root().render()


def tract_layer(m) -> TractLayer:
    layers = [child for child in m._children.values() if isinstance(child, TractLayer)]
    assert len(layers) == 1
    return layers[0]


def legend_of(m) -> str:
    panels = [c for c in m._children.values() if isinstance(c, MapPanel) and "cd-legend" in c.css_class]
    assert len(panels) == 1
    return panels[0].content


def expected_cv(tracts) -> pd.Series:
    return pd.Series(moe.cv(tracts["B19013_001E"].to_numpy(dtype=float), tracts["B19013_001M"].to_numpy(dtype=float)),
                     index=tracts.index)


def test_payload_small_and_a_quarter_of_explore_or_less():
    sizes = map_payload_sizes(PLACE)
    print(f"\nmap {sizes['map_bytes'] / 1024:.1f} KB, explore() {sizes['explore_bytes'] / 1024:.1f} KB, "
          f"ratio {sizes['ratio']:.3f}, vertices {sizes['vertices_map']} of {sizes['vertices_bundled']}")
    assert sizes["tracts"] == 249
    assert sizes["map_bytes"] <= 400 * 1024
    assert sizes["ratio"] <= 0.25
    assert sizes["ratio"] == pytest.approx(sizes["map_bytes"] / sizes["explore_bytes"], abs=1e-4)


def test_legend_lists_classes_unreliable_and_missing_with_counts(tracts, income_map, rendered):
    legend = legend_of(income_map)
    est = tracts["B19013_001E"]
    n_low = int((expected_cv(tracts) > 40).sum())
    n_missing = int(est.isna().sum())
    assert n_low > 0 and n_missing > 0  # the real data have both, so the test means something
    assert f"Unreliable: CV over 40% ({n_low})" in legend
    assert f"No estimate ({n_missing})" in legend
    counts = [int(n) for n in re.findall(r"\$[\d,]+ – \$[\d,]+\+? \((\d+)\)", legend)]
    assert len(counts) == 5 and sum(counts) == est.notna().sum()
    assert "$250,000+" in legend  # the top-coded median is shown as published, not as 250001
    assert "Source: U.S. Census Bureau, American Community Survey 5-year estimates, 2019-2023, table B19013" in rendered
    assert "d3.js" not in rendered and "d3.min.js" not in rendered  # our own legend, not branca's


def test_unreliable_tracts_hatched_and_missing_grey(tracts, income_map):
    layer = tract_layer(income_map)
    styles = [layer.styles[i] for i in layer.style_index]
    names = layer.columns["name"]
    cv_by_name = dict(zip(tracts["NAME"].str.split(";").str[0], expected_cv(tracts), strict=True))
    est_by_name = dict(zip(tracts["NAME"].str.split(";").str[0], tracts["B19013_001E"], strict=True))
    for name, style in zip(names, styles, strict=True):
        if pd.isna(est_by_name[name]):
            assert style["fillColor"] == MISSING_COLOR
        elif cv_by_name[name] > 40:
            assert style["fillColor"].startswith("url(#cd-h-")
        else:
            assert style["fillColor"] in palette(5)
    hatch_ids = {s["fillColor"][5:-1] for s in styles if s["fillColor"].startswith("url(")}
    legend = legend_of(income_map)
    assert hatch_ids and all(f'<pattern id="{pid}"' in legend for pid in hatch_ids)


def test_outline_option_marks_unreliable_with_dashed_outline(tracts):
    layer = tract_layer(choropleth_map(tracts, "B19013_001E", unreliable="outline", tiles=None))
    styles = [layer.styles[i] for i in layer.style_index]
    marked = [s for s in styles if s.get("dashArray") == "6 4"]
    assert len(marked) == int((expected_cv(tracts) > 40).sum())
    assert all(s["weight"] >= 2 and s["fillColor"] in palette(5) for s in marked)
    with pytest.raises(CivicDataError):
        choropleth_map(tracts, "B19013_001E", unreliable="blink")


def test_tooltip_fields_show_estimate_plus_minus_moe_and_reliability(tracts, income_map):
    layer = tract_layer(income_map)
    assert layer.fields == ["name", "value", "reliability"]
    assert layer.aliases == ["Tract", "Estimate ± MOE", "Reliability"]
    row = tracts.dropna(subset=["B19013_001E", "B19013_001M"]).iloc[0]
    name = row["NAME"].split(";")[0]
    i = layer.columns["name"].index(name)
    assert layer.columns["value"][i] == f"${row['B19013_001E']:,.0f} ± ${row['B19013_001M']:,.0f}"
    cv = moe.cv(row["B19013_001E"], row["B19013_001M"])
    assert layer.columns["reliability"][i].startswith(f"{moe.reliability(cv)} (CV {cv:.0f}%")


def test_classification_schemes():
    values = list(range(1, 101)) + [None]
    q = classify(values, "quantiles", 4)
    assert q.counts == [25, 25, 25, 25] and q.classes[-1] == -1
    e = classify(values, "equal_interval", 3)
    widths = [hi - lo for lo, hi in e.bounds]
    assert widths == pytest.approx([33.0, 33.0, 33.0])
    n1, n2 = classify(values, "natural_breaks", 5), classify(values, "natural_breaks", 5)
    assert n1.bounds == n2.bounds  # Fisher-Jenks: the same classes every run
    assert classify([3, 3, 3], "quantiles", 5).k == 1
    with pytest.raises(CivicDataError):
        classify(values, "jenks-ish")


def test_polyline_encoding_round_trips(tracts):
    geom = web_geometry(tracts.iloc[:3]).geometry.iloc[0]
    poly = geom.geoms[0] if geom.geom_type == "MultiPolygon" else geom
    coords = np.asarray(poly.exterior.coords)[:-1]
    assert np.allclose(decode_polyline(encode_polyline(coords)), coords, rtol=0, atol=1e-9)


def test_web_geometry_keeps_tracts_tiling_without_gaps(tracts):
    simple = web_geometry(tracts)
    assert simple.crs.to_epsg() == 4326
    assert simple.geometry.count_coordinates().sum() < 0.7 * tracts.geometry.count_coordinates().sum()
    utm = tracts.geometry.estimate_utm_crs()
    before, after = tracts.to_crs(utm), simple.to_crs(utm)
    assert after.union_all().area == pytest.approx(before.union_all().area, rel=0.005)
    # neighbours share their simplified borders: no overlaps to speak of (< 0.1% of the area)
    assert after.area.sum() - after.union_all().area < 0.001 * after.union_all().area
    assert shapely.get_precision(after.geometry.values).max() == 0  # rounding, not a snapping grid
    xy = shapely.get_coordinates(simple.geometry.values)
    assert np.allclose(xy, np.round(xy, 5))


def test_points_get_popups_and_no_marker_images(tracts):
    libraries = load_libraries(slug=PLACE)
    m = choropleth_map(tracts, "B19013_001E", points=libraries, tiles=None)
    html = m.get_root().render()
    assert "circleMarker" in html or "CircleMarker" in html
    assert "bindPopup" in html
    assert libraries["name"].iloc[0] in html
    assert "marker-icon" not in html


def test_place_without_moe_says_reliability_cannot_be_judged():
    place = load_place("allegheny-pa")
    gdf = load_boundaries("allegheny-pa").merge(place.tracts[["GEOID", "B28002_013E"]], on="GEOID")
    legend = legend_of(choropleth_map(gdf, "B28002_013E", tiles=None))
    assert "reliability cannot be judged" in legend
    assert "Unreliable: CV" not in legend


def test_unknown_column_is_a_clear_error(tracts):
    with pytest.raises(CivicDataError, match="no column"):
        choropleth_map(tracts, "B99999_001E")


def test_save_map_inlines_leaflet_and_drops_cdns(income_map, tmp_path):
    path = save_map(income_map, tmp_path / "map.html")
    html = path.read_text(encoding="utf-8")
    assert leaflet_version() == "1.9.4"
    assert "Leaflet 1.9.4" in html
    assert not re.findall(r'<(?:script|link)[^>]+(?:src|href)="https?://', html)
    assert "leaflet-tooltip" in html  # Leaflet's CSS is inside the file
    online = save_map(income_map, tmp_path / "online.html", self_contained=False).read_text(encoding="utf-8")
    assert "cdn.jsdelivr.net/npm/leaflet" in online
