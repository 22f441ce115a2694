"""Honest timings: every lesson's **Time** line matches what tools/lesson_minutes.py counts, and no lesson
needs more than 45 minutes of a newcomer's time.

The method (130 words a minute, 45 s per code cell, 7 minutes per exercise, 3 per multiple-choice question)
is written down in notebooks/README.md and in the tool; re-derive the figures with
``python tools/lesson_minutes.py`` and refresh the headers with ``--update``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import lesson_minutes  # noqa: E402

PATHS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_header_minutes_match_the_estimate(path):
    est = lesson_minutes.estimate(path)
    claimed = lesson_minutes.header_minutes(path)
    assert claimed is not None, f"{path.name}: no '**Time:** NN minutes' line in the first cell"
    assert 0 <= claimed - est.exact < lesson_minutes.ROUND_UP_TO, (
        f"{path.name}: the header says {claimed} minutes, the estimate is {est.exact:.1f} "
        f"({est.words} words, {est.code_cells} code cells, {est.exercises} exercises, {est.questions} questions); "
        "run `python tools/lesson_minutes.py --update`")
    assert "README.md#how-long-each-lesson-takes" in nbformat.read(path, as_version=4).cells[0].source


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_no_lesson_needs_more_than_45_minutes(path):
    est = lesson_minutes.estimate(path)
    assert est.minutes <= lesson_minutes.MAX_LESSON_MINUTES, (
        f"{path.name} needs about {est.minutes} minutes; split it into two lessons")


def test_lesson_list_gives_the_header_minutes():
    readme = (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8")
    listed = {m.group(2): int(m.group(3)) for m in
              re.finditer(r"^\| (\d\d) \| \[[^\]]+\]\((\d\d-[\w-]+)\.ipynb\) \| (\d+) \|", readme, re.M)}
    assert set(listed) == {p.stem for p in PATHS}, "notebooks/README.md must list every lesson, in a table row"
    for path in PATHS:
        assert listed[path.stem] == lesson_minutes.header_minutes(path), f"{path.stem}: README and header differ"
    assert "## How long each lesson takes" in readme


def test_the_counting_rules(tmp_path):
    nb = nbformat.v4.new_notebook()
    words = " ".join(["word"] * 130)
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 99 A lesson\n\n**Time:** 5 minutes for a newcomer.\n\n" + words),
        nbformat.v4.new_code_cell("1 + 1"),
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["catch-up"]}),
        nbformat.v4.new_markdown_cell("### Exercise 1: Try"),
        nbformat.v4.new_code_cell("answer = None"),
        nbformat.v4.new_markdown_cell("#### Solution (click to expand)\n\nmany words here that are not read"),
        nbformat.v4.new_code_cell("answer = 2", metadata={"tags": ["solution"]}),
        nbformat.v4.new_markdown_cell("## Key points\n\n- one"),
        nbformat.v4.new_code_cell("2 + 2"),
    ]
    path = tmp_path / "99-a-lesson.ipynb"
    nbformat.write(nb, path)
    est = lesson_minutes.estimate(path)
    # 130 words + header words, 2 code cells (not the catch-up, exercise or solution cells), 1 exercise
    assert est.code_cells == 2 and est.exercises == 1 and est.questions == 0
    assert 140 <= est.words <= 160
    assert est.exact == pytest.approx(est.words / 130 + 1.5 + 7)
    spans = lesson_minutes.span_cells(path, "99 A lesson")
    assert 3 not in spans and 4 not in spans  # an exercise counts only where an agenda names it
    assert lesson_minutes.span_estimate(path, "Exercise 1").exercises == 1
    assert lesson_minutes.update(path)
    assert lesson_minutes.header_minutes(path) == lesson_minutes.estimate(path).header_minutes
    assert not lesson_minutes.update(path)  # settled: a second run changes nothing
