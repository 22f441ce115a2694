"""Data Walk posters and their station cards: pages, letter size, prompts, source and reliability notes, the
CLI, and what a reader six feet away sees: type sizes and the map's width, read back from the PDF itself
(tests/pdf_layout.py)."""

from __future__ import annotations

from functools import cached_property

import pandas as pd
import pytest
from pdf_layout import clipped_fill_extent_pt, image_widths_pt, text_runs
from pypdf import PdfReader

from civicdata.cli import main
from civicdata.core.errors import CivicDataError
from civicdata.data.places import load_place
from civicdata.maps.poster_topics import NO_MOE_PROMPT, TOPICS, default_topics
from civicdata.maps.posters import (
    CONTROLLED_TOTAL,
    NO_MOE_DATA,
    OPEN_QUESTIONS,
    load_poster_place,
    make_posters,
    station_cards_path,
)
from civicdata.moe import formulas as moe

LETTER_PT = (612, 792)


def page_text(page) -> str:
    return " ".join(page.extract_text().split())


class Page:
    """One page of a PDF, read once: its text, its text runs with their sizes, and where its map is drawn
    (a page with a vector map takes a while to parse)."""

    def __init__(self, page):
        self.page = page

    @cached_property
    def text(self) -> str:
        return page_text(self.page)

    @cached_property
    def runs(self):
        return text_runs(self.page)

    @cached_property
    def map_extent(self):
        return clipped_fill_extent_pt(self.page)

    def sizes_of(self, fragments) -> set[float]:
        """The printed sizes of the text runs that contain any of ``fragments``."""
        return {run.size_pt for run in self.runs if any(f in run.text for f in fragments)}


def pages_of(path) -> list[Page]:
    return [Page(page) for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def ct_posters(tmp_path_factory):
    return make_posters("ct-capitol-region", out=tmp_path_factory.mktemp("posters") / "ct.pdf")


@pytest.fixture(scope="module")
def ct_pdf(ct_posters):
    return pages_of(ct_posters)


@pytest.fixture(scope="module")
def ct_cards(ct_posters):
    return pages_of(station_cards_path(ct_posters))


@pytest.fixture(scope="module")
def pa_pdf(tmp_path_factory):
    return pages_of(make_posters("allegheny-pa", out=tmp_path_factory.mktemp("posters") / "pa.pdf",
                                 station_cards=False))


def test_one_page_per_station_plus_cover_letter_size(ct_pdf, ct_cards):
    topics = default_topics("ct-capitol-region")
    assert topics == ["income", "no-vehicle", "poverty", "rent-burden", "foreign-born"]
    assert len(ct_pdf) == len(topics) + 1  # lesson 10 prints this count: the cards are in their own file
    assert len(ct_cards) == len(topics)
    for page in [*ct_pdf, *ct_cards]:
        box = page.page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == LETTER_PT


def test_cover_lists_stations(ct_pdf):
    cover = ct_pdf[0].text
    assert "Data Walk" in cover and "Facilitator sheet" in cover
    for key in default_topics("ct-capitol-region"):
        assert TOPICS[key].title in cover


def test_posters_have_title_data_source_and_reliability_and_no_prompts(ct_pdf):
    for number, (page, key) in enumerate(zip(ct_pdf[1:], default_topics("ct-capitol-region"), strict=True),
                                         start=1):
        text = page.text
        topic = TOPICS[key]
        assert f"STATION {number}" in text and topic.title in text
        assert f"{topic.description}, by census tract." in text
        assert "Source: U.S. Census Bureau, American Community Survey 5-year estimates, 2019-2023" in text
        assert f"table {topic.tables[0]}" in text and "Libraries: IMLS Public Libraries Survey FY2019" in text
        assert "have a very uncertain estimate: its margin of error (at 90% confidence) is large next to it" in text
        assert "CV" not in text and "coefficient" not in text  # plain words on the wall
        for prompt in topic.prompts:  # the prompts are on the station card, beside the poster
            assert " ".join(prompt.split()[:5]) not in text


def test_each_station_card_repeats_the_station_and_carries_its_prompts(ct_cards):
    for number, (page, key) in enumerate(zip(ct_cards, default_topics("ct-capitol-region"), strict=True),
                                         start=1):
        text = page.text
        topic = TOPICS[key]
        assert f"STATION {number}" in text and topic.title in text
        assert 2 <= len(topic.prompts) <= 3
        for prompt in topic.prompts:
            assert " ".join(prompt.split()) in text
        assert all(question in text for question in OPEN_QUESTIONS)
        assert "Our notes" in text and "No names." in text
        assert f"table {topic.tables[0]}" in text


def test_station_cards_follow_the_posters_and_never_replace_a_file(tmp_path):
    first = make_posters("allegheny-pa", ["income"], out=tmp_path / "walk.pdf")
    assert station_cards_path(first) == tmp_path / "walk-station-cards.pdf"
    assert station_cards_path(first).is_file()
    again = make_posters("allegheny-pa", ["income"], out=tmp_path / "walk.pdf")  # the same set: kept as it is
    assert again == first and sorted(p.name for p in tmp_path.iterdir()) == ["walk-station-cards.pdf", "walk.pdf"]
    other = make_posters("allegheny-pa", ["no-internet"], out=tmp_path / "walk.pdf")  # another set: new names
    assert other.name == "walk-2.pdf" and (tmp_path / "walk-2-station-cards.pdf").is_file()
    assert "Median household income" in page_text(PdfReader(tmp_path / "walk-station-cards.pdf").pages[0])
    only = make_posters("allegheny-pa", ["no-computer"], out=tmp_path / "only.pdf", station_cards=False)
    assert only.is_file() and not station_cards_path(only).exists()


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
    said = capsys.readouterr().out
    assert f"Wrote {out}" in said and f"{tmp_path / 'pa-station-cards.pdf'}" in said
    reader = PdfReader(out)
    assert len(reader.pages) == 3
    text = page_text(reader.pages[1])
    assert "come without margins of error, so nobody can tell how uncertain each one is" in text
    assert "hatched" not in text.lower() and "Very uncertain" not in text
    card = page_text(PdfReader(tmp_path / "pa-station-cards.pdf").pages[0])
    assert " ".join(NO_MOE_PROMPT.split()) in card and "hatched" not in card.lower()


def test_unknown_or_unavailable_topics_are_clear_errors(tmp_path, capsys):
    with pytest.raises(CivicDataError, match="Unknown poster topic"):
        make_posters("ct-capitol-region", topics=["weather"], out=tmp_path / "x.pdf")
    with pytest.raises(CivicDataError, match="no table B28002"):
        make_posters("ct-capitol-region", topics=["no-internet"], out=tmp_path / "x.pdf")
    assert main(["posters", "--topics", "weather", "--out", str(tmp_path / "y.pdf")]) == 2
    assert "Unknown poster topic" in capsys.readouterr().err


# --- readable from six feet away ---------------------------------------------------------------------------

LEGEND_PT, NOTE_PT, PROMPT_PT, TITLE_MIN_PT = 18, 14, 18, 32
#: What a printer can print on letter paper: the page less its usual 0.25-inch margins.
PRINTABLE_WIDTH_PT = 612 - 2 * 0.25 * 72


def test_type_sizes_on_every_poster(ct_pdf, pa_pdf):
    posters = [(page, key) for page, key in zip(ct_pdf[1:], default_topics("ct-capitol-region"), strict=True)]
    posters += [(page, key) for page, key in zip(pa_pdf[1:], default_topics("allegheny-pa"), strict=True)]
    for page, key in posters:
        assert min(run.size_pt for run in page.runs) >= NOTE_PT  # nothing on a poster is smaller than the notes
        legend = page.sizes_of(["Public library", "No estimate", "Very uncertain", " – "])  # marks and classes
        assert legend == {LEGEND_PT}
        assert min(page.sizes_of(["Source:", "Hatched tracts", "margins of error", "the whole area"])) >= NOTE_PT
        assert max(page.sizes_of([TOPICS[key].title.split()[0]])) >= TITLE_MIN_PT


def test_type_sizes_on_every_station_card(ct_cards):
    for page, key in zip(ct_cards, default_topics("ct-capitol-region"), strict=True):
        assert min(run.size_pt for run in page.runs) >= NOTE_PT
        assert min(page.sizes_of([" ".join(p.split()[:3]) for p in TOPICS[key].prompts])) >= PROMPT_PT
        assert max(page.sizes_of([TOPICS[key].title.split()[0]])) >= TITLE_MIN_PT


def map_extent(page: Page) -> tuple[float, float, float, float]:
    """Where the map's tracts are drawn on the page (points), from the PDF's drawing operators."""
    assert page.map_extent is not None, "no map drawn on this page"
    return page.map_extent


def test_the_map_spans_the_printable_width_as_vectors(ct_pdf):
    """Before the station cards took the prompts off the posters, the map was 4.05-5.0 of the page's 8.5
    inches (48-58%) next to an 18-point legend. Now it spans the printable width (8 inches, between the
    0.25-inch margins a printer leaves) on every station of the default place, centered, with the legend
    under it; and it is drawn as vectors (no image), so it stays sharp when a print shop enlarges it."""
    shares = []
    for page in ct_pdf[1:]:
        assert image_widths_pt(page.page) == []
        x0, _, x1, _ = map_extent(page)
        assert x0 >= 0.25 * 72 and x1 <= 612 - 0.25 * 72  # inside the printable area
        assert abs(x0 - (612 - x1)) <= 0.1 * 72  # centered
        shares.append((x1 - x0) / PRINTABLE_WIDTH_PT)
    assert min(shares) >= 0.9 and sorted(shares)[len(shares) // 2] >= 0.95, shares
    assert ct_pdf[0].map_extent is None  # the cover sheet has no map


def test_a_squarer_place_gets_the_largest_map_its_shape_allows(pa_pdf):
    """Allegheny County is about as tall as it is wide: at the printable width its map would leave no room
    for the title, legend and notes at their sizes, so it is as tall as the page allows (86-89% of the
    printable width), still far wider than the 55% of the old layout."""
    for page in pa_pdf[1:]:
        x0, y0, x1, y1 = map_extent(page)
        assert (x1 - x0) / PRINTABLE_WIDTH_PT >= 0.84
        assert (y1 - y0) >= 6.3 * 72  # the map takes most of the page's height


def test_library_outlets_are_hollow_rings_with_a_halo():
    """Outlets must not hide the tract under them (the darkest downtown tracts have many)."""
    from matplotlib.figure import Figure

    from civicdata.maps.map_data import map_data
    from civicdata.maps.static_maps import draw_map

    place = load_poster_place("ct-capitol-region")
    ax = Figure().add_subplot()
    draw_map(ax, map_data(place.tracts, "B19013_001E"), points=place.libraries, crs=place.crs)
    rings = [c for c in ax.collections if c.get_offsets().shape[0] == len(place.libraries)]
    assert len(rings) == 1
    assert (rings[0].get_facecolor()[:, 3] == 0).all() if len(rings[0].get_facecolor()) else True  # no fill
    assert rings[0].get_path_effects(), "a light halo keeps the ring visible on dark tracts"


def test_every_whole_area_figure_has_its_margin_of_error_or_says_why(ct_pdf, pa_pdf):
    for page, key in zip(ct_pdf[1:], default_topics("ct-capitol-region"), strict=True):
        text = page.text
        line = text[text.index("Capitol Planning Region, Connecticut, the whole area"):]
        assert "±" in line.split(".")[0] + line.split(".")[1], key
    foreign = ct_pdf[1 + default_topics("ct-capitol-region").index("foreign-born")].text
    assert CONTROLLED_TOTAL.split(",")[0] in foreign  # total population: fixed, so no margin of error
    income, internet = (p.text for p in pa_pdf[1:3])
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
