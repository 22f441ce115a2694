"""Data Walk posters: pages, letter size, prompts, source and reliability notes, the CLI."""

from __future__ import annotations

import pandas as pd
import pytest
from pypdf import PdfReader

from civicdata.cli import main
from civicdata.core.errors import CivicDataError
from civicdata.data.places import load_place
from civicdata.maps.poster_topics import NO_MOE_PROMPT, TOPICS, default_topics
from civicdata.maps.posters import make_posters
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
        assert "unreliable estimate (CV over 40%" in text


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
    assert "reliability cannot be judged" in text
    assert " ".join(NO_MOE_PROMPT.split()[:5]) in text
    assert "hatched tracts" not in text


def test_unknown_or_unavailable_topics_are_clear_errors(tmp_path, capsys):
    with pytest.raises(CivicDataError, match="Unknown poster topic"):
        make_posters("ct-capitol-region", topics=["weather"], out=tmp_path / "x.pdf")
    with pytest.raises(CivicDataError, match="no table B28002"):
        make_posters("ct-capitol-region", topics=["no-internet"], out=tmp_path / "x.pdf")
    assert main(["posters", "--topics", "weather", "--out", str(tmp_path / "y.pdf")]) == 2
    assert "Unknown poster topic" in capsys.readouterr().err
