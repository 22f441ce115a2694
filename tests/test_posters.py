"""Data Walk posters: pages, letter size, prompts, source and reliability notes, the CLI, and what a reader
six feet away sees: type sizes and the map's size, read back from the PDF itself (tests/pdf_layout.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from pdf_layout import image_widths_pt, text_runs
from pypdf import PdfReader

from civicdata.cli import main
from civicdata.core.errors import CivicDataError
from civicdata.data.places import load_place
from civicdata.maps.poster_topics import NO_MOE_PROMPT, TOPICS, default_topics
from civicdata.maps.posters import CONTROLLED_TOTAL, NO_MOE_DATA, make_posters
from civicdata.moe import formulas as moe

LETTER_PT = (612, 792)


def page_text(page) -> str:
    return " ".join(page.extract_text().split())


@pytest.fixture(scope="module")
def ct_pdf(tmp_path_factory):
    return PdfReader(make_posters("ct-capitol-region", out=tmp_path_factory.mktemp("posters") / "ct.pdf"))


def test_one_page_per_station_plus_cover_letter_size(ct_pdf):
    topics = default_topics("ct-capitol-region")
    assert topics == ["income", "no-vehicle", "poverty", "rent-burden", "foreign-born"]
    assert len(ct_pdf.pages) == len(topics) + 1
    for page in ct_pdf.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == LETTER_PT


def test_cover_lists_stations(ct_pdf):
    cover = page_text(ct_pdf.pages[0])
    assert "Data Walk" in cover and "Facilitator sheet" in cover
    for key in default_topics("ct-capitol-region"):
        assert TOPICS[key].title in cover


def test_posters_have_title_prompts_source_and_reliability(ct_pdf):
    for page, key in zip(ct_pdf.pages[1:], default_topics("ct-capitol-region"), strict=True):
        text = page_text(page)
        topic = TOPICS[key]
        assert topic.title in text
        assert 2 <= len(topic.prompts) <= 3
        for prompt in topic.prompts:
            assert " ".join(prompt.split()[:5]) in text
        assert "Source: U.S. Census Bureau, American Community Survey 5-year estimates, 2019-2023" in text
        assert f"table {topic.tables[0]}" in text
        assert "Hatched tracts have a very uncertain estimate (its margin of error is large next to it)" in text
        assert "CV" not in text and "coefficient" not in text  # plain words on the wall


def test_share_and_its_moe_follow_the_formulas():
    tracts = load_place("ct-capitol-region").tracts
    share, share_moe = TOPICS["no-vehicle"].compute(tracts, True)
    row = tracts[tracts["B08201_001E"] > 0].index[0]
    num, den = tracts.loc[row, "B08201_002E"], tracts.loc[row, "B08201_001E"]
    assert share[row] == pytest.approx(num / den * 100)
    expected = moe.moe_prop(num, den, tracts.loc[row, "B08201_002M"], tracts.loc[row, "B08201_001M"]) * 100
    assert share_moe[row] == pytest.approx(expected)
    poverty, poverty_moe = TOPICS["poverty"].compute(tracts, True)
    parts = tracts.loc[row, ["C17002_002E", "C17002_003E"]].astype(float)
    assert poverty[row] == pytest.approx(parts.sum() / tracts.loc[row, "C17002_001E"] * 100)
    assert not pd.isna(poverty_moe[row])


def test_place_without_moe_says_so_via_cli(tmp_path, capsys):
    out = tmp_path / "pa.pdf"
    assert main(["posters", "--place", "allegheny-pa", "--topics", "income", "no-internet", "--out", str(out)]) == 0
    assert "Wrote" in capsys.readouterr().out
    reader = PdfReader(out)
    assert len(reader.pages) == 3
    text = page_text(reader.pages[1])
    assert "come without margins of error, so nobody can tell how uncertain each one is" in text
    assert " ".join(NO_MOE_PROMPT.split()[:5]) in text
    assert "hatched tracts" not in text


def test_unknown_or_unavailable_topics_are_clear_errors(tmp_path, capsys):
    with pytest.raises(CivicDataError, match="Unknown poster topic"):
        make_posters("ct-capitol-region", topics=["weather"], out=tmp_path / "x.pdf")
    with pytest.raises(CivicDataError, match="no table B28002"):
        make_posters("ct-capitol-region", topics=["no-internet"], out=tmp_path / "x.pdf")
    assert main(["posters", "--topics", "weather", "--out", str(tmp_path / "y.pdf")]) == 2
    assert "Unknown poster topic" in capsys.readouterr().err


# --- readable from six feet away ---------------------------------------------------------------------------

LEGEND_PT, NOTE_PT, PROMPT_PT, TITLE_MIN_PT = 18, 14, 18, 32


def sizes_of(page, fragments) -> set[float]:
    """The printed sizes of the text runs that contain any of ``fragments``."""
    return {run.size_pt for run in text_runs(page) if any(f in run.text for f in fragments)}


def test_type_sizes_on_every_poster(ct_pdf):
    for page, key in zip(ct_pdf.pages[1:], default_topics("ct-capitol-region"), strict=True):
        runs = text_runs(page)
        assert min(run.size_pt for run in runs) >= NOTE_PT  # nothing on a poster is smaller than the notes
        assert sizes_of(page, ["Public library", "No estimate (", "Very uncertain"]) == {LEGEND_PT}  # legend
        assert min(sizes_of(page, ["Source:", "Hatched tracts", "confidence", "the whole area"])) >= NOTE_PT
        assert min(sizes_of(page, [" ".join(p.split()[:3]) for p in TOPICS[key].prompts])) >= PROMPT_PT
        assert max(sizes_of(page, [TOPICS[key].title.split()[0]])) >= TITLE_MIN_PT


def test_the_map_is_one_image_larger_than_before(ct_pdf):
    """The map is stored as one image, so its width on the page can be read from the PDF. Before this
    layout it was about 4.7 of the page's 8.5 inches (55%) next to a legend of 11.5 pt; now the legend is
    18 pt and the map still at least as wide on the square-ish stations (see posters.py on why the map
    cannot take the whole width of a letter page with this much 18-point text)."""
    shares = []
    for page in ct_pdf.pages[1:]:
        widths = image_widths_pt(page)
        assert len(widths) == 1
        shares.append(widths[0] / float(page.mediabox.width))
    assert min(shares) >= 0.45 and sorted(shares)[len(shares) // 2] >= 0.55
    assert image_widths_pt(ct_pdf.pages[0]) == []  # the cover sheet has no map


def test_library_outlets_are_hollow_rings_with_a_halo():
    """Outlets must not hide the tract under them (the darkest downtown tracts have many)."""
    from matplotlib.figure import Figure

    from civicdata.data.libraries import load_libraries
    from civicdata.maps.map_data import map_data
    from civicdata.maps.posters import _load
    from civicdata.maps.static_maps import draw_map

    gdf, _, libraries, _ = _load("ct-capitol-region")
    ax = Figure().add_subplot()
    draw_map(ax, map_data(gdf, "B19013_001E"), points=load_libraries(slug="ct-capitol-region"))
    rings = [c for c in ax.collections if c.get_offsets().shape[0] == len(libraries)]
    assert len(rings) == 1
    assert (rings[0].get_facecolor()[:, 3] == 0).all() if len(rings[0].get_facecolor()) else True  # no fill
    assert rings[0].get_path_effects(), "a light halo keeps the ring visible on dark tracts"


def test_every_whole_area_figure_has_its_margin_of_error_or_says_why(ct_pdf, tmp_path):
    for page, key in zip(ct_pdf.pages[1:], default_topics("ct-capitol-region"), strict=True):
        text = page_text(page)
        line = text[text.index("Capitol Planning Region, Connecticut, the whole area"):]
        assert "±" in line.split(".")[0] + line.split(".")[1], key
    foreign = page_text(ct_pdf.pages[1 + default_topics("ct-capitol-region").index("foreign-born")])
    assert CONTROLLED_TOTAL.split(",")[0] in foreign  # total population: fixed, so no margin of error
    pa = PdfReader(make_posters("allegheny-pa", out=tmp_path / "pa.pdf"))
    income, internet = (page_text(p) for p in pa.pages[1:3])
    assert "no figure for the whole area in these data (a median cannot be added up from tracts)" in income
    assert f"the whole area: {NO_MOE_DATA.split(':')[0]}" not in internet and NO_MOE_DATA in internet


def test_the_whole_area_share_uses_zero_for_a_controlled_total():
    """foreign-born: B05001_001 (everyone) is controlled; its empty MOE counts as 0, by the Census rule."""
    place = load_place("ct-capitol-region")
    row = place.summary[place.summary["geography"] == "county"].iloc[0]
    assert pd.isna(row["B05001_001M"]) and row["B05001_001E"] == row["B01003_001E"]
    born_abroad = row["B05001_005E"] + row["B05001_006E"]
    born_abroad_moe = moe.moe_sum([row["B05001_005M"], row["B05001_006M"]])
    expected = moe.moe_prop(born_abroad, row["B05001_001E"], born_abroad_moe, 0.0) * 100
    from civicdata.maps.map_data import value_formatter
    from civicdata.maps.posters import _region_line

    line = _region_line(TOPICS["foreign-born"], place.summary[place.summary["geography"] == "county"], True,
                        value_formatter("x", "{:.1f}%"))
    assert f"± {expected:.1f}%" in line
