"""What the lessons give a learner besides the lesson itself, checked on the stored notebooks.

* Multiple-choice questions: every question of civicdata.classroom.questions is asked in exactly one lesson,
  after the section that teaches it (its ``section`` names that lesson and section), under a
  ``### Question N: ...`` heading, with the learner's ``my_choice = ""`` cell and a collapsed solution that
  picks the right letter. Lessons 02 to 10 ask at least one.
* A text version under every interactive map: the cell after a folium map prints ``describe_map(...)``.
* Help one click away: every lesson links the glossary, "When you're stuck" and the cheat sheet, and every
  link from a lesson to another page (and its #anchor) exists.
* Exercise texts say what the check needs: the decimals for a tight tolerance, percent or percentage points
  where a fraction is a known mistake.
* Stored outputs that reproduce anywhere: every sort in a lesson is stable with a tie-break, and no
  ``value_counts()`` output stored in a lesson has tied counts (pandas orders ties by a non-stable sort).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import nbformat
import pytest

from civicdata.classroom.exercises import EXERCISES
from civicdata.classroom.questions import QUESTIONS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
sys.path.insert(0, str(ROOT / "tests"))
from test_workshop_docs import anchors  # noqa: E402

SHOW = re.compile(r'^show_question\("([\w-]+)"\)$')
QUESTION_HEADING = re.compile(r"^### Question (\d+): \S.*$", re.M)
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def title(nb) -> str:
    """A lesson's title without its number: "# 05 Margins of error" -> "Margins of error"."""
    return re.match(r"#\s+\d\d\s+(.+)", nb.cells[0].source).group(1).strip()


def stored_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def asked() -> dict[str, tuple[Path, int]]:
    """question id -> (lesson, index of its show_question cell); fails on a question asked twice."""
    found: dict[str, tuple[Path, int]] = {}
    for path in LESSONS:
        for index, cell in enumerate(load(path).cells):
            match = SHOW.match(cell.source.strip()) if cell.cell_type == "code" else None
            if match:
                assert match.group(1) not in found, f"{match.group(1)} is asked twice"
                found[match.group(1)] = (path, index)
    return found


ASKED = asked()


# --- multiple-choice questions ------------------------------------------------------------------------------


def test_every_question_is_asked_in_a_lesson():
    assert sorted(ASKED) == sorted(QUESTIONS), f"not asked: {sorted(set(QUESTIONS) - set(ASKED))}"


@pytest.mark.parametrize("lesson", [f"{n:02d}" for n in range(2, 11)])
def test_lessons_02_to_10_ask_at_least_one_question(lesson):
    assert any(path.name.startswith(lesson) for path, _ in ASKED.values()), f"lesson {lesson} asks no question"


@pytest.mark.parametrize("question_id", sorted(ASKED))
def test_question_cells_heading_choice_and_collapsed_solution(question_id):
    path, index = ASKED[question_id]
    nb = load(path)
    cells = nb.cells
    heading = cells[index - 1]
    assert heading.cell_type == "markdown" and QUESTION_HEADING.match(heading.source), (
        f"{path.name}: {question_id} needs a '### Question N: ...' cell right above show_question")
    choice = cells[index + 1].source
    assert f'check_choice("{question_id}", my_choice)' in choice and 'my_choice = ""' in choice
    assert stored_text(cells[index + 1]).startswith("Not answered yet"), "store the unanswered state"
    hint, solution = cells[index + 2], cells[index + 3]
    assert hint.cell_type == "markdown" and hint.source.startswith("#### Solution")
    assert "solution" in solution.metadata.get("tags", []) and solution.metadata["jupyter"]["source_hidden"]
    question = QUESTIONS[question_id]()
    assert f'my_choice = "{question.answer}"' in solution.source, f"{question_id}: the solution's letter is wrong"
    assert stored_text(solution).startswith("Correct!")


@pytest.mark.parametrize("question_id", sorted(ASKED))
def test_question_comes_after_the_section_it_names(question_id):
    path, index = ASKED[question_id]
    nb = load(path)
    sections = [re.sub(r"[`*]", "", h).strip() for cell in nb.cells[:index] if cell.cell_type == "markdown"
                for h in re.findall(r"^## (.+)$", cell.source, re.M)]
    lesson, section = QUESTIONS[question_id]().section.split(" > ")
    assert lesson == title(nb), f"{question_id}: its section names the lesson {lesson!r}, it is in {title(nb)!r}"
    assert sections and sections[-1] == section, f"{question_id} is under {sections[-1]!r}, not {section!r}"


def test_questions_are_numbered_in_order_in_each_lesson():
    for path in LESSONS:
        numbers = [int(n) for cell in load(path).cells if cell.cell_type == "markdown"
                   for n in QUESTION_HEADING.findall(cell.source)]
        assert numbers == list(range(1, len(numbers) + 1)), f"{path.name}: questions numbered {numbers}"


# --- a text version under every interactive map ---------------------------------------------------------------


def is_folium_map(cell) -> bool:
    return cell.cell_type == "code" and any(
        "folium.folium.Map" in str(o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", []))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_interactive_map_has_a_text_version_under_it(path):
    cells = load(path).cells
    for index, cell in enumerate(cells):
        if not is_folium_map(cell):
            continue
        intro, text = cells[index + 1], cells[index + 2]
        assert intro.cell_type == "markdown" and "text version of the map" in intro.source, (
            f"{path.name} cell {index}: say in one line what the text under the map is")
        assert "describe_map(" in text.source and stored_text(text).startswith("Map: "), (
            f"{path.name} cell {index}: print describe_map(...) right under the map")


def test_the_mapping_lessons_have_interactive_maps():
    assert {p.name[:2] for p in LESSONS if any(is_folium_map(c) for c in load(p).cells)} >= {"08", "09"}


# --- help one click away ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_lesson_links_the_help_pages(path):
    nb = load(path)
    header = nb.cells[0].source
    for page in ("glossary.md", "when-stuck.md", "cheat-sheet.md"):
        assert f"]({page})" in header, f"{path.name}: link {page} in the header cell"
    setup = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## Setup")]
    assert all("when-stuck.md" in text for text in setup), f"{path.name}: point to when-stuck.md at the Setup cell"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_links_from_a_lesson_resolve(path):
    problems = []
    for cell in load(path).cells:
        if cell.cell_type != "markdown":
            continue
        for target in LINK.findall(cell.source):
            if re.match(r"^[a-z]+:", target):
                continue
            file_part, _, anchor = unquote(target).partition("#")
            resolved = (path.parent / file_part).resolve() if file_part else path
            if not resolved.exists():
                problems.append(f"{target}: no such file")
            elif anchor and resolved.suffix == ".md" and anchor.lower() not in anchors(resolved):
                problems.append(f"{target}: no heading with that anchor")
    assert not problems, f"{path.name}: " + "; ".join(problems)


def test_key_terms_link_to_their_glossary_entries():
    linked = {anchor for path in LESSONS for cell in load(path).cells if cell.cell_type == "markdown"
              for anchor in re.findall(r"\]\(glossary\.md#([\w-]+)\)", cell.source)}
    assert {"margin-of-error-moe", "census-tract", "geoid-geographic-identifier", "choropleth-map"} <= linked


# --- exercise texts say what the check needs -------------------------------------------------------------------


def exercise_texts() -> dict[str, str]:
    """exercise id -> the text of its '### Exercise' cell (the check_answer cell follows it)."""
    texts = {}
    for path in LESSONS:
        heading = ""
        for cell in load(path).cells:
            if cell.cell_type == "markdown" and cell.source.startswith("### Exercise"):
                heading = cell.source
            for exercise_id in re.findall(r'check_answer\("([\w-]+)"', cell.source):
                texts.setdefault(exercise_id, heading)
    return texts


def test_every_exercise_is_used_in_a_lesson_with_its_number():
    texts = exercise_texts()
    assert sorted(texts) == sorted(EXERCISES)
    for path in LESSONS:
        for exercise_id in re.findall(r'check_answer\("([\w-]+)"', path.read_text(encoding="utf-8")):
            assert exercise_id.startswith(path.name[:2]), f"{exercise_id} is checked in {path.name}"


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_exercise_text_says_the_precision_and_the_unit(exercise_id):
    exercise, text = EXERCISES[exercise_id], exercise_texts()[exercise_id]
    if 0 < exercise.tolerance < 0.2:
        assert "decimal" in text, f"{exercise_id}: the check needs {exercise.tolerance}; say how many decimals"
    if any("fraction" in mistake.hint for mistake in exercise.mistakes):
        assert "percentage" in text, f"{exercise_id}: say that the answer is a percentage, not a fraction"


def test_the_renter_share_moe_exercise_asks_for_two_decimals():
    assert "at least two decimals" in exercise_texts()["06-renter-share-moe"]


# --- stored outputs that reproduce anywhere -------------------------------------------------------------------


def code_of(path: Path) -> list[str]:
    return [cell.source for cell in load(path).cells if cell.cell_type == "code"]


def sort_calls(source: str) -> list[str]:
    """The argument text of every .sort_values(...) call (balanced parentheses)."""
    calls = []
    for match in re.finditer(r"\.sort_values\(", source):
        depth, end = 1, match.end()
        while depth and end < len(source):
            depth += {"(": 1, ")": -1}.get(source[end], 0)
            end += 1
        calls.append(source[match.end():end - 1])
    return calls


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_sort_is_stable_with_a_tie_break(path):
    for source in code_of(path):
        assert not re.search(r"\.(nlargest|nsmallest|rank)\(", source), (
            f"{path.name}: use sort_values([..., 'GEOID'], kind='stable') instead of nlargest/nsmallest/rank")
        for args in sort_calls(source):
            keys = re.match(r"\s*(\[[^\]]*\]|\"[^\"]*\")", args).group(1)
            unique_key = keys in ('"GEOID"', '["GEOID"]')
            assert unique_key or keys.count(",") >= 1, f"{path.name}: sort_values({args}) needs a tie-break column"
            assert 'kind="stable"' in args or unique_key, f"{path.name}: sort_values({args}) needs kind=\"stable\""


def test_the_sort_check_reads_multi_line_calls():
    source = 'x.sort_values(\n    ["share", "GEOID"], ascending=[False, True], kind="stable").head()'
    assert sort_calls(source) == ['\n    ["share", "GEOID"], ascending=[False, True], kind="stable"']


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_no_stored_value_counts_has_ties(path):
    for cell in load(path).cells:
        if cell.cell_type != "code" or "value_counts(" not in cell.source:
            continue
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            counts = [int(m) for m in re.findall(r"^(?!Name:)\S.*?\s(\d+)$", str(text), re.M)]
            assert len(counts) == len(set(counts)), (
                f"{path.name}: value_counts() with tied counts {counts}; their order is not portable: "
                "sort with .sort_values(...) and a tie-break")


# --- the stale-output mechanism (tests/pending_lessons.py) ------------------------------------------------------


def test_a_pending_lesson_cell_is_a_strict_xfail(monkeypatch):
    import pending_lessons

    monkeypatch.setitem(pending_lessons.PENDING, ("check_answer(\"x\", y)", "Correct!"), "a reason")
    marks = []
    item = SimpleNamespace(cell={"cell_type": "code", "source": 'check_answer("x", y)',
                                 "outputs": [{"text": "Correct! Well done.\n"}]}, add_marker=marks.append)
    other = SimpleNamespace(cell={"cell_type": "code", "source": "1 + 1", "outputs": []}, add_marker=marks.append)
    pending_lessons.pytest_collection_modifyitems([item, other])
    assert len(marks) == 1 and marks[0].kwargs == {"strict": True, "reason": "a reason"}
