"""Lesson 11 (the capstone) run with papermill for a second place: Allegheny County, PA.

Allegheny's bundled table has estimates only, no margins of error, so the profile must say that MOEs
are missing instead of showing a reliability it cannot know. The notebook runs offline, from the
notebooks/ folder, into a temporary output folder (``output_dir`` parameter), so nothing is written
into the learner's ``my-work``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest
from pypdf import PdfReader

from civicdata.core import settings

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "11-your-community.ipynb"


@pytest.fixture(scope="module")
def allegheny(tmp_path_factory):
    """Run the capstone once for Allegheny County (topic "internet") and return (output folder, notebook)."""
    folder = tmp_path_factory.mktemp("capstone")
    executed = folder / "11-allegheny.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK), str(executed), cwd=str(NOTEBOOK.parent), kernel_name="python3", progress_bar=False,
        parameters={"state": "PA", "county": "Allegheny", "topic": "internet", "output_dir": str(folder)},
    )
    return folder, nbformat.read(executed, as_version=4)


def test_parameters_cell_is_tagged_with_the_defaults():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    source = tagged[0].source
    for line in ('state = None', 'county = None', 'topic = "vehicles"'):
        assert line in source


def test_profile_files_exist(allegheny):
    folder, _ = allegheny
    assert (folder / "profile-allegheny-pa-internet.html").is_file()
    assert (folder / "profile-allegheny-pa-internet.pdf").is_file()


def test_html_profile_says_moes_are_missing(allegheny):
    folder, _ = allegheny
    page = (folder / "profile-allegheny-pa-internet.html").read_text(encoding="utf-8")
    assert "Allegheny County" in page
    assert "MOEs are missing" in page
    assert "B28002" in page  # the tract table was found, not the S2801 fallback
    tracts = pd.read_csv(settings.places_dir() / "allegheny-pa" / "tracts.csv", dtype={"GEOID": str})
    assert f'alt="Map of the {len(tracts)} census tracts' in page
    assert "Pennsylvania State Data Center" in page  # PA has a verified entry


def test_pdf_profile_is_one_page_and_says_moes_are_missing(allegheny):
    folder, _ = allegheny
    reader = PdfReader(folder / "profile-allegheny-pa-internet.pdf")
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "MOEs are missing" in text
    assert "Allegheny" in text


def test_profile_of_another_place_passes_the_exercise_check(allegheny):
    """Notebook 07's own files, made for another place than the current one, pass its self-check."""
    from civicdata.classroom.exercises import check_profile

    folder, nb = allegheny
    assert check_profile([folder / "profile-allegheny-pa-internet.html",
                          folder / "profile-allegheny-pa-internet.pdf"]) == []
    printed = "".join(out.get("text", "") for cell in nb.cells if "solution" in cell.metadata.get("tags", [])
                      for out in cell.get("outputs", []) if out.get("output_type") == "stream")
    assert "Correct! Well done." in printed


def test_notebook_reports_no_margins_of_error(allegheny):
    _, nb = allegheny
    printed = "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                      for out in cell.get("outputs", []) if out.get("output_type") == "stream")
    assert "margins of error: False" in printed
    assert "unknown (no MOE)" in printed


def test_save_new_file_never_replaces_a_different_file(tmp_path):
    from civicdata.core.files import save_new_file

    first = save_new_file("one", tmp_path / "profile.html")
    assert save_new_file("one", tmp_path / "profile.html") == first  # the same content: kept, no copy
    second = save_new_file("two", tmp_path / "profile.html")
    assert second.name == "profile-2.html"
    assert first.read_text(encoding="utf-8") == "one" and second.read_text(encoding="utf-8") == "two"
