"""Lesson cells whose stored output is known to be stale, waiting for the lessons engineer: xfail(strict=True).

A package change can make a lesson's stored output wrong before the lesson itself is updated (the
lessons have one owner, who re-executes them). Each entry names a cell by the code it runs and the
stale output it stores, and says why. The cell is then expected to fail; once the lesson is fixed it
passes, the strict xfail turns that into a failure, and the entry must be deleted here.
"""

from __future__ import annotations

import pytest

#: (code the cell runs, output it stores today) -> why the stored output is wrong now. Empty while every
#: lesson is up to date; an engineer who changes the package ahead of the lessons adds an entry, e.g.
#: ``('check_answer("11-profile", [html_path, pdf_path])', "Correct! Well done."): "why ..."``.
PENDING: dict[tuple[str, str], str] = {}


def _stored_text(cell) -> str:
    return "".join(output.get("text", "") for output in cell.get("outputs", []))


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is None or cell.get("cell_type") != "code":
            continue
        for (code, stored), reason in PENDING.items():
            if code in cell["source"] and stored in _stored_text(cell):
                item.add_marker(pytest.mark.xfail(strict=True, reason=reason))
