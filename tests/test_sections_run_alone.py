"""Sections you can jump into: every section an agenda or a facilitator note starts from runs on its own.

A workshop agenda starts learners in the middle of a lesson ("05 Margins of error: 'What a 90% margin of
error means' to ..."). They run the lesson's setup cells (tagged ``setup``), then the section, whose
``catch-up`` cell loads what it needs. This test does exactly that for every such section, each in a fresh
kernel, offline and keyless (tests/notebook_env.py, set up by tests/workbook_plugin.py), and fails on any
error. Sections are read from the agendas in workshop/facilitator-guide.md (as tests/test_workshop_docs.py
reads them) and from the quoted section names in the lessons' own facilitator notes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT / "tools"))
import lesson_minutes  # noqa: E402
from notebook_env import scratch_notebooks  # noqa: E402
from test_workshop_docs import agenda_tables, step_sections  # noqa: E402

NOTE = re.compile(r"^>\s*\*\*Facilitator note:\*\*", re.M)
QUOTED = re.compile(r'"([^"]+)"(?:\s+to\s+"([^"]+)")?')


def note_sections(path: Path) -> list[tuple[Path, str, str | None]]:
    """Quoted section names in a lesson's facilitator notes that are headings of that lesson."""
    titles = [s.title for s in lesson_minutes.sections(path)]
    found = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown" and NOTE.search(cell.source):
            for first, last in QUOTED.findall(cell.source):
                if any(t == first or t.startswith(first) for t in titles):
                    found.append((path, first, last or None))
    return found


def starts() -> list[tuple[Path, str, str | None]]:
    """Every (lesson, first section, last section) a learner may be asked to start from, once each."""
    found = [s for rows in agenda_tables().values() for row in rows for s in step_sections(row)]
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        found += note_sections(path)
    unique = list(dict.fromkeys(found))
    # A range "A" to "B" also starts at A: a separate run of A alone would test nothing more.
    range_starts = {(path, first) for path, first, last in unique if last}
    unique = [s for s in unique if s[2] or (s[0], s[1]) not in range_starts]
    return [s for s in unique if span_code(*s)]  # a section of text only has nothing to run


def span_code(path: Path, first: str, last: str | None) -> list[int]:
    """The code cells from ``first`` to the end of ``last`` (exercises included: learners may do them)."""
    begin = lesson_minutes.find_section(path, first)
    end = lesson_minutes.find_section(path, last) if last else begin
    cells = nbformat.read(path, as_version=4).cells
    return [i for i in range(begin.start, max(begin.end, end.end)) if cells[i].cell_type == "code"]


STARTS = starts()


def label(start) -> str:
    path, first, last = start
    return f"{path.name[:2]}: {first}" + (f" .. {last}" if last else "")


def test_agendas_and_notes_start_somewhere():
    assert len(STARTS) >= 10, [label(s) for s in STARTS]


@pytest.mark.parametrize("start", STARTS, ids=[label(s) for s in STARTS])
def test_section_runs_in_a_fresh_kernel_after_the_setup_cells(start):
    path, first, last = start
    nb = nbformat.read(path, as_version=4)
    setup = [i for i, cell in enumerate(nb.cells) if "setup" in cell.metadata.get("tags", [])]
    section = span_code(path, first, last)
    catch_up = [i for i in section if "catch-up" in nb.cells[i].metadata.get("tags", [])]
    jump = nbformat.v4.new_notebook(metadata=nb.metadata)
    jump.cells = [nb.cells[i] for i in dict.fromkeys(setup + section)]
    try:
        with scratch_notebooks() as folder:  # an empty my-work/ of its own (tests/notebook_env.py)
            NotebookClient(jump, kernel_name="python3", timeout=120, allow_errors=False,
                           resources={"metadata": {"path": str(folder)}}).execute()
    except Exception as error:  # CellExecutionError names the cell and the error
        pytest.fail(f"{label(start)} fails when started on its own (setup cells {setup}, catch-up {catch_up}):\n"
                    f"{str(error)[-1500:]}", pytrace=False)
