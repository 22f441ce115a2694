"""The exercises whose answer is a file: notebook 06's poster set and notebook 07's profile.

Each check reads the files themselves (the PDF's text with pypdf, the HTML page), so it verifies the
choice the exercise asks for: the place and stations of the poster set, the topic or place of the
profile. Right answers pass; the usual wrong ones (the default poster set, a set with a station too many
or too few, the unchanged default profile, an HTML page and a PDF from two different runs) are each
rejected with their own hint.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest

from civicdata.classroom.exercises import (
    POSTER_EXERCISE_PLACE,
    POSTER_EXERCISE_TOPICS,
    PROFILE_DEFAULT_TITLE,
    PROFILE_DEFAULT_TOPIC,
    check_poster_set,
    check_profile,
)
from civicdata.classroom.self_check import check_answer, is_correct
from civicdata.core import settings
from civicdata.maps.poster_topics import TOPICS, default_topics
from civicdata.maps.posters import make_posters
from civicdata.maps.profile import profile_html, profile_pdf

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CORRECT = "Correct! Well done."


def verdict(capsys, exercise_id, answer) -> str:
    check_answer(exercise_id, answer)
    return capsys.readouterr().out.strip()


def place_name(slug: str) -> str:
    return json.loads((settings.places_dir() / slug / "place.json").read_text(encoding="utf-8"))["name"]


# --- 06: the poster set --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def poster_sets(tmp_path_factory):
    """The right set, and three plausible wrong ones, made by make_posters() as a learner would."""
    folder = tmp_path_factory.mktemp("posters")
    allegheny = POSTER_EXERCISE_PLACE
    return {
        "right": make_posters(allegheny, list(POSTER_EXERCISE_TOPICS), out=folder / "right.pdf"),
        "default set": make_posters(allegheny, out=folder / "default.pdf"),
        "one station": make_posters(allegheny, [POSTER_EXERCISE_TOPICS[0]], out=folder / "one.pdf"),
        "other place": make_posters("ct-capitol-region", ["no-vehicle"], out=folder / "ct.pdf"),
    }


def test_the_exercise_asks_for_a_set_that_is_not_the_default():
    assert default_topics(POSTER_EXERCISE_PLACE) != list(POSTER_EXERCISE_TOPICS)


def test_right_poster_set_passes(capsys, poster_sets):
    assert check_poster_set(poster_sets["right"]) == []
    assert verdict(capsys, "10-poster-set", poster_sets["right"]) == CORRECT
    assert verdict(capsys, "10-poster-set", str(poster_sets["right"])) == CORRECT  # a path as text


def test_default_poster_set_is_rejected(capsys, poster_sets):
    text = verdict(capsys, "10-poster-set", poster_sets["default set"])
    assert text.startswith("Not yet: this is the place's default set of stations")
    assert 'topics=["no-internet", "no-computer"]' in text


def test_a_missing_station_is_named(capsys, poster_sets):
    text = verdict(capsys, "10-poster-set", poster_sets["one station"])
    missing = [TOPICS[key].title for key in POSTER_EXERCISE_TOPICS[1:]]
    assert text.startswith("Not yet: the station(s)") and all(title in text for title in missing)


def test_posters_of_another_place_are_rejected(capsys, poster_sets):
    text = verdict(capsys, "10-poster-set", poster_sets["other place"])
    assert f"these posters are for {place_name('ct-capitol-region')}" in text
    assert f'place="{POSTER_EXERCISE_PLACE}"' in text


def test_the_station_cards_are_not_the_poster_set(capsys, poster_sets):
    from civicdata.maps.posters import station_cards_path

    text = verdict(capsys, "10-poster-set", station_cards_path(poster_sets["right"]))
    assert "station cards" in text and "pass the posters file" in text


def test_files_that_are_not_a_poster_set(capsys, tmp_path, poster_sets):
    assert "not a poster set" in verdict(capsys, "10-poster-set", one_page_profile(tmp_path, "Households "
                                                                                   "with no vehicle"))
    assert "run make_posters() first" in verdict(capsys, "10-poster-set", tmp_path / "nothing.pdf")
    text_file = tmp_path / "posters.txt"
    text_file.write_text("not a pdf", encoding="utf-8")
    assert "PDF file" in verdict(capsys, "10-poster-set", text_file)
    assert "file path" in verdict(capsys, "10-poster-set", 42)


# --- 07: the profile -----------------------------------------------------------------------------------


def notebook_07_cells() -> list:
    return nbformat.read(NOTEBOOKS / "11-your-community.ipynb", as_version=4).cells


def test_default_profile_constants_match_notebook_07():
    """If lesson 11's default topic or its labels change, PROFILE_DEFAULT_* in exercises.py must follow."""
    cells = notebook_07_cells()
    parameters = next(c for c in cells if "parameters" in c.metadata.get("tags", []))
    assigned = {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(parameters.source).body
                if isinstance(node, ast.Assign)}
    assert assigned["topic"] == PROFILE_DEFAULT_TOPIC
    topics_cell = next(c for c in cells if c.cell_type == "code" and c.source.startswith("TOPICS = {"))
    topics = ast.literal_eval(ast.parse(topics_cell.source).body[0].value)
    label = topics[PROFILE_DEFAULT_TOPIC]["label"]
    assert label.replace(" (%)", "").replace(" ($)", "") == PROFILE_DEFAULT_TITLE


def one_page_profile(folder: Path, title: str, slug: str | None = None, name: str = "profile") -> Path:
    """A profile made the way notebook 07 makes it (title, place and period in the subtitle)."""
    slug = slug or settings.current_place()
    meta = json.loads((settings.places_dir() / slug / "place.json").read_text(encoding="utf-8"))
    subtitle = f"{meta['name']} | ACS {meta['vintage']} 5-year estimates"
    import pandas as pd

    table = pd.DataFrame({"Area": [meta["name"]], "Estimate": ["12.3% ± 1.0"], "Reliability": ["high"]})
    notes = ["Source: U.S. Census Bureau, American Community Survey 5-year estimates."]

    def draw(ax):
        ax.plot([0, 1], [0, 1])

    png = b"\x89PNG\r\n\x1a\n"
    page = profile_html(title, subtitle, table=table, notes=notes, map_png=png, map_alt="A map.")
    html_path = folder / f"{name}.html"
    html_path.write_text(page, encoding="utf-8")
    pdf_path = folder / f"{name}.pdf"
    pdf_path.write_bytes(profile_pdf(title, subtitle, draw_map=draw, table=table, notes=notes))
    return pdf_path


def profile_pair(folder: Path, title: str, slug: str | None = None, name: str = "profile") -> list[Path]:
    pdf = one_page_profile(folder, title, slug, name)
    return [pdf.with_suffix(".html"), pdf]


def test_another_topic_passes(capsys, tmp_path):
    files = profile_pair(tmp_path, "Median household income")
    assert check_profile(files) == []
    assert verdict(capsys, "11-profile", files) == CORRECT
    assert is_correct("11-profile", [str(p) for p in reversed(files)])  # any order, paths as text


def test_another_place_with_the_default_topic_passes(tmp_path):
    other = "allegheny-pa" if settings.current_place() != "allegheny-pa" else "ct-capitol-region"
    assert check_profile(profile_pair(tmp_path, PROFILE_DEFAULT_TITLE, slug=other)) == []


def test_unchanged_default_is_rejected(capsys, tmp_path):
    text = verdict(capsys, "11-profile", profile_pair(tmp_path, PROFILE_DEFAULT_TITLE))
    assert text.startswith("Not yet: these are the files of the unchanged default")
    assert "change topic" in text and "Run All Cells" in text


def test_html_and_pdf_of_two_runs_are_rejected(capsys, tmp_path):
    vehicles = profile_pair(tmp_path, "Households with no vehicle", name="vehicles")
    poverty = profile_pair(tmp_path, "People with income below the poverty line", name="poverty")
    text = verdict(capsys, "11-profile", [vehicles[0], poverty[1]])
    assert "not the same profile" in text and "same run" in text


def test_profile_shape_problems(capsys, tmp_path, poster_sets):
    html_path, pdf_path = profile_pair(tmp_path, "Households with no vehicle")
    assert "list of two files" in verdict(capsys, "11-profile", html_path)
    assert "one .html file and one .pdf" in verdict(capsys, "11-profile", [html_path, html_path])
    assert "no file called" in verdict(capsys, "11-profile", [html_path, tmp_path / "gone.pdf"])
    assert "exactly one page" in verdict(capsys, "11-profile", [html_path, poster_sets["right"]])
