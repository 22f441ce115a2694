"""Static maps: the same classes, marks, legend and source line as the web map; PNG and PDF."""

from __future__ import annotations

import pytest

from civicdata.core.errors import CivicDataError
from civicdata.data.libraries import load_libraries
from civicdata.maps.classification import classify, palette
from civicdata.maps.static_maps import HATCH, save_figure, static_map
from civicdata.moe import reliability as moe

PLACE = "ct-capitol-region"


@pytest.fixture(scope="module")
def tracts(income_tracts):
    return income_tracts


@pytest.fixture(scope="module")
def fig(tracts):
    return static_map(tracts, "B19013_001E", label="Median household income",
                      points=load_libraries(slug=PLACE))


def test_legend_matches_classes_and_marks(tracts, fig):
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    classes = classify(tracts["B19013_001E"], "quantiles", 5)
    assert labels[:5] == [rf"\${a:,.0f} – \${b:,.0f} ({n})".replace(r"\$250,001", r"\$250,000+")
                          for (a, b), n in zip(classes.bounds, classes.counts, strict=True)]
    n_low = int((moe.cv(tracts["B19013_001E"].to_numpy(float), tracts["B19013_001M"].to_numpy(float)) > 40).sum())
    assert f"Unreliable: CV over 40% ({n_low})" in labels
    assert f"No estimate ({int(tracts['B19013_001E'].isna().sum())})" in labels
    assert "Public library (IMLS FY2019)" in labels


def test_colours_hatching_title_and_source(fig):
    ax = fig.axes[0]
    faces = {tuple(round(v, 3) for v in c[:3]) for coll in ax.collections for c in coll.get_facecolor()}
    for color in palette(5):
        rgb = tuple(round(int(color[i:i + 2], 16) / 255, 3) for i in (1, 3, 5))
        assert rgb in faces
    assert any(coll.get_hatch() == HATCH for coll in ax.collections)
    texts = [t.get_text() for t in fig.texts]
    assert "Median household income" in texts
    assert any("U.S. Census Bureau, American Community Survey 5-year estimates, 2019-2023, table B19013" in t
               for t in texts)


def test_saves_png_and_pdf(fig, tmp_path):
    png = save_figure(fig, tmp_path / "map.png", dpi=60)
    pdf = save_figure(fig, tmp_path / "map.pdf")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    with pytest.raises(CivicDataError):
        save_figure(fig, tmp_path / "map.jpg")
