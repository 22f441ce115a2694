"""One setting switches the workbook to a facilitator's prefetched county, and the lessons still run.

A facilitator with a key runs ``civicdata prefetch`` the day before and ``civicdata use-place SLUG``;
from then on every notebook must run offline on that place. Here the county is prefetched from a mocked
Census API that answers with real bundled values (see tests/mock_census.py), into a copy of the
workbook, and every lesson that follows the current place is run on it from a fresh kernel.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import mock_census
import nbformat
import pytest
import responses
from nbclient import NotebookClient

from civicdata.core import settings
from civicdata.data.prefetch import prefetch
from civicdata.data.use_place import use_place

ROOT = Path(__file__).resolve().parents[1]
# Lessons 01 and 05-07 teach on fixed examples (verified State Data Centers; Greater Hartford's tracts and
# Connecticut's counties, with margins of error; Allegheny's tracts without).
FOLLOW_THE_PLACE = ["00-start-here", "02-census-geography", "03-finding-acs-data", "04-census-downloads",
                    "08-mapping-tracts", "09-libraries-on-the-map", "10-discussing-the-data", "11-your-community"]


@pytest.fixture(scope="module")
def switched_copy(tmp_path_factory):
    """A copy of notebooks/ and data/ with a prefetched county, selected with use-place."""
    copy = tmp_path_factory.mktemp("workbook")
    shutil.copytree(ROOT / "data", copy / "data")
    (copy / "notebooks").mkdir()
    bundled = ROOT / "data" / "places" / settings.DEFAULT_PLACE
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CIVICDATA_DATA_DIR", str(copy / "data"))
        mp.setenv("XDG_CONFIG_HOME", str(copy / "config"))
        mp.setenv("XDG_CACHE_HOME", str(copy / "cache"))
        mp.setenv("CENSUS_API_KEY", "switch-test-key")
        mp.delenv("CIVICDATA_OFFLINE", raising=False)
        mp.delenv("CIVICDATA_PLACE", raising=False)
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            mock_census.register(mock, mock_census.load_place(folder=bundled), year=2023)
            mock_census.register_boundaries(mock, bundled, 2023)
            folder = prefetch("CT", "Capitol", year=2023, echo=lambda message: None)
        messages: list[str] = []
        use_place(folder.name, echo=messages.append)
        assert not any("Warning" in m for m in messages), messages  # a prefetched county has every lesson table
        mp.delenv("CENSUS_API_KEY")
        mp.setenv("CIVICDATA_OFFLINE", "1")  # from now on: offline, no key
        yield copy, folder.name


@pytest.mark.parametrize("name", FOLLOW_THE_PLACE)
def test_lesson_runs_on_the_prefetched_place(switched_copy, name):
    copy, slug = switched_copy
    assert settings.current_place() == slug
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(copy / "notebooks")}})
    client.execute()  # raises CellExecutionError, with the cell and the error, if any cell fails
    outputs = [output for cell in nb.cells for output in cell.get("outputs", [])]
    text = "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "Capitol" in text or slug in text  # the lesson really showed the switched place
    assert os.environ["CIVICDATA_OFFLINE"] == "1"


def test_use_place_warns_when_a_place_lacks_the_lesson_tables(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    messages: list[str] = []
    use_place("allegheny-pa", echo=messages.append)  # estimates only, a few tables
    assert any(m.startswith("Warning: allegheny-pa has no table B25003") for m in messages), messages
    assert any("civicdata prefetch" in m for m in messages)
    messages.clear()
    use_place(None, echo=messages.append)
    assert not any("Warning" in m for m in messages), messages
