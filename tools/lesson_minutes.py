"""Estimate how many minutes a newcomer needs for each lesson, from the notebook itself.

The figure in each notebook's header (``**Time:** NN minutes``) is this estimate, rounded up to the next
5 minutes; ``tests/test_lesson_minutes.py`` fails when a header drifts from it, or a lesson runs over 45.
The method (also in notebooks/README.md):

* **reading:** every word of the markdown cells, at 130 words a minute (a careful, unhurried reader of
  instructional text); the "Solution (click to expand)" notes are not counted;
* **running code:** 45 seconds per code cell a learner runs on the way through (read the code, press
  Shift+Enter, look at the result). Not counted: hidden solution cells, the cells of an exercise (their
  time is in the exercise minutes) and catch-up cells, which only a learner who jumped into a section runs;
* **exercises:** 7 minutes for each exercise (a heading ``### Exercise ...``) and 3 minutes for each
  multiple-choice question (a heading ``### Question ...``): read it, try, check, perhaps open the solution.

The same counts for part of a lesson (:func:`span_estimate`) let the facilitator guide's agendas be checked
against the lessons (tests/test_workshop_docs.py).

Usage:
    python tools/lesson_minutes.py                 # a table for every notebook
    python tools/lesson_minutes.py notebooks/05-*.ipynb
    python tools/lesson_minutes.py --update        # rewrite each header's **Time:** line from the estimate

Example:
    >>> est = estimate(NOTEBOOKS / "00-start-here.ipynb")
    >>> est.minutes == round(est.reading + est.running + est.exercising)
    True
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

WORDS_PER_MINUTE = 130
SECONDS_PER_CODE_CELL = 45
MINUTES_PER_EXERCISE = 7
MINUTES_PER_QUESTION = 3
#: Headers round the estimate up to a multiple of this many minutes.
ROUND_UP_TO = 5
#: No lesson may need more (tests/test_lesson_minutes.py).
MAX_LESSON_MINUTES = 45

HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.M)
WORD = re.compile(r"[A-Za-z0-9][\w'’.,%-]*")
HEADER_TIME = re.compile(r"\*\*Time:\*\*\s*(?:about\s+)?(\d+)\s*minutes", re.I)
TIME_LINE = re.compile(r"^\*\*Time:\*\*.*$", re.M)
HOW_LINK = "[How we estimate](README.md#how-long-each-lesson-takes)"


@dataclass(frozen=True)
class Estimate:
    """The counts behind some cells' minutes, and the minutes themselves."""

    name: str
    words: int
    code_cells: int
    exercises: int
    questions: int

    @property
    def reading(self) -> float:
        return self.words / WORDS_PER_MINUTE

    @property
    def running(self) -> float:
        return self.code_cells * SECONDS_PER_CODE_CELL / 60

    @property
    def exercising(self) -> float:
        return self.exercises * MINUTES_PER_EXERCISE + self.questions * MINUTES_PER_QUESTION

    @property
    def exact(self) -> float:
        return self.reading + self.running + self.exercising

    @property
    def minutes(self) -> int:
        return round(self.exact)

    @property
    def header_minutes(self) -> int:
        """What the header should say: the exact estimate rounded up to the next 5 minutes (33 -> 35, 35 -> 35,
        40.5 -> 45), so that the header never promises less time than the count."""
        return -(-math.ceil(self.exact - 1e-9) // ROUND_UP_TO) * ROUND_UP_TO


def _tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def count(cells: list, name: str) -> Estimate:
    """Count the words, code cells, exercises and questions of a run of cells (see the module docstring)."""
    words = code_cells = exercises = questions = 0
    in_exercise = False
    for cell in cells:
        text = cell.source
        if cell.cell_type == "markdown":
            headings = HEADING.findall(text)
            for level, title in headings:
                if title.startswith("Exercise"):
                    exercises += 1
                    in_exercise = True
                elif title.startswith("Question"):
                    questions += 1
                    in_exercise = True
                elif "Solution" in title:
                    pass
                elif len(level) <= 3:
                    in_exercise = False
            if any("Solution" in title for _, title in headings) or "<summary>Solution" in text:
                continue  # the "Solution (click to expand)" note is part of the exercise
            words += len(WORD.findall(text))
        elif cell.cell_type == "code":
            tags = _tags(cell)
            if "solution" in tags or "catch-up" in tags or in_exercise:
                continue
            code_cells += 1
    return Estimate(name, words, code_cells, exercises, questions)


def estimate(path: Path) -> Estimate:
    """The whole notebook's counts and minutes."""
    return count(nbformat.read(path, as_version=4).cells, path.stem)


@dataclass(frozen=True)
class Section:
    """A heading and the cells under it: from its cell up to the next heading of the same or a higher level."""

    title: str
    level: int
    start: int
    end: int  # exclusive


def plain(title: str) -> str:
    """A heading as text, without Markdown marks: "with `get_acs`" reads "with get_acs"."""
    return re.sub(r"[`*]", "", title).strip()


def sections(path: Path) -> list[Section]:
    """Every heading of the notebook, with the range of cells it covers."""
    cells = nbformat.read(path, as_version=4).cells
    found = []
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown":
            for level, title in HEADING.findall(cell.source):
                found.append((index, len(level), plain(title)))
    result = []
    for n, (index, level, title) in enumerate(found):
        end = len(cells)
        for later_index, later_level, _ in found[n + 1:]:
            if later_level <= level and later_index > index:
                end = later_index
                break
        result.append(Section(title, level, index, end))
    return result


def find_section(path: Path, name: str) -> Section:
    """The first heading that is ``name`` or starts with it (agendas may quote the start of a long heading)."""
    name = plain(name)
    for section in sections(path):
        if section.title == name or section.title.startswith(name):
            return section
    raise KeyError(f"{path.name} has no heading {name!r}")


def is_exercise(section: Section) -> bool:
    return section.level >= 3 and section.title.startswith(("Exercise", "Question"))


def span_cells(path: Path, first: str, last: str | None = None) -> list[int]:
    """Indexes of the cells from the heading ``first`` to the end of the heading ``last`` (or of ``first``).

    Exercises and questions inside the span are left out unless they are ``first`` or ``last`` themselves:
    an agenda that wants learners to do an exercise names it.
    """
    begin = find_section(path, first)
    end = find_section(path, last) if last else begin
    stop = max(begin.end, end.end)
    skipped: set[int] = set()
    for section in sections(path):
        if is_exercise(section) and begin.start <= section.start < stop and section not in (begin, end):
            skipped.update(range(section.start, section.end))
    return [index for index in range(begin.start, stop) if index not in skipped]


def span_estimate(path: Path, first: str, last: str | None = None) -> Estimate:
    """Counts and minutes of :func:`span_cells`."""
    cells = nbformat.read(path, as_version=4).cells
    return count([cells[i] for i in span_cells(path, first, last)], f"{path.stem}: {first}")


def header_minutes(path: Path) -> int | None:
    """The minutes the notebook's first cell claims (``**Time:** NN minutes``), or None."""
    first = nbformat.read(path, as_version=4).cells[0].source
    match = HEADER_TIME.search(first)
    return int(match.group(1)) if match else None


def time_line(est: Estimate) -> str:
    """The header line for an estimate, e.g. ``**Time:** 35 minutes for a newcomer (about 18 to read, ...)``."""
    parts = [f"{round(est.reading)} to read", f"{round(est.running)} to run the code"]
    if est.exercises or est.questions:
        count_ = est.exercises + est.questions
        parts.append(f"{round(est.exercising)} for the exercise{'s' if count_ > 1 else ''}")
    return f"**Time:** {est.header_minutes} minutes for a newcomer (about {', '.join(parts)}). {HOW_LINK}"


def update(path: Path) -> bool:
    """Rewrite the notebook's ``**Time:**`` line from the estimate; True when the file changed.

    Only the first cell's text changes, and the file is written as JupyterLab writes it (nbformat), so
    outputs need no re-execution.
    """
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    if not TIME_LINE.search(first.source):
        raise SystemExit(f"{path.name}: the first cell has no **Time:** line")
    before = first.source
    for _ in range(3):  # the line's own words count as reading: it settles in a step or two
        line = time_line(count(nb.cells, path.stem))
        first.source = TIME_LINE.sub(line.replace("\\", "\\\\"), first.source, count=1)
    if first.source != before:
        nbformat.write(nb, path)
    return first.source != before


def table(paths: list[Path]) -> str:
    rows = ["| notebook | words | reading | code cells | running | exercises + questions | estimate | header |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    total = 0
    for path in paths:
        est = estimate(path)
        total += est.minutes
        rows.append(f"| {est.name} | {est.words} | {est.reading:.0f} | {est.code_cells} | {est.running:.0f} | "
                    f"{est.exercises} + {est.questions} | {est.minutes} | {header_minutes(path)} |")
    rows.append(f"| all | | | | | | {total} | |")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    write = "--update" in argv
    paths = [Path(a) for a in argv if a != "--update"] or sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if write:
        for path in paths:
            if update(path):
                print("updated", path.name)
    print(table(paths))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
