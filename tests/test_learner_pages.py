"""The learner support pages in notebooks/: the glossary, the one-page cheat sheet, "when you're stuck".

- every glossary entry is a word the lessons use, and every key term the lessons set in bold is in the
  glossary (or is listed below as emphasis, not a term);
- the cheat sheet's calls match the helpers' real signatures, and it prints on one letter page;
- the menu commands these pages name exist in the installed JupyterLab.
Links and anchors between the pages are checked with the other Markdown pages (tests/test_workshop_docs.py).
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import sys
from pathlib import Path

import pytest

import civicdata

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
GLOSSARY = NOTEBOOKS / "glossary.md"
CHEAT_SHEET = NOTEBOOKS / "cheat-sheet.md"
WHEN_STUCK = NOTEBOOKS / "when-stuck.md"

# British spellings still in the lessons (the lessons engineer converts them), read as US ones here.
BRITISH = {"organisation": "organization", "neighbourhood": "neighborhood", "centre": "center",
           "colour": "color", "metre": "meter", "analys": "analyz", "licence": "license", "programme": "program",
           "catalogue": "catalog", "behaviour": "behavior", "favour": "favor", "grey": "gray"}

# Bold text in the lessons that is emphasis or a fact, not a term to define (checked: none is a term).
NOT_TERMS = {
    "+", "and", "bold", "cannot", "column", "department of labor", "differ significantly", "difference",
    "discuss", "do not overlap", "download", "download it", "every year", "everyone", "find", "governor",
    "greater hartford", "in quotes", "judge", "largest", "last line", "lowest", "map", "mayor", "minus",
    "most", "need", "next step", "no row would match", "no vehicle available", "not", "or", "plus or minus",
    "point", "posters", "produce", "programs", "published", "raw", "region's", "replaces", "run", "same area",
    "shape", "shift+enter", "small groups", "source", "tables", "text", "text symbols", "the date you checked",
    "the numbers", "the shapes", "two header rows", "two stars", "what that source says", "where", "with",
    "without", "without an internet subscription", "write down the date you checked", "below the poverty line",
    "an extra empty column", "one line saying which source answered", "the mayor", "tracts", "miles", "wide",
    "allegheny county, pa", "allegheny county, pennsylvania", "philadelphia county, pennsylvania",
    "capitol planning region", "sum", "percent", "percentage", "renter households", "households without a vehicle",
    "missing", "with an ideal size of 4,000", "keep your key secret", "partners",
    "start something", "same questions", "state as a whole", "top of a ranking", "whole region",
}


def normalize(text: str) -> str:
    """Lower case, Markdown marks dropped, British spellings made US, plurals made singular."""
    text = re.sub(r"[*`_.,;:!?()\"]", " ", text).lower()
    for british, us in BRITISH.items():
        text = text.replace(british, us)
    words = []
    for word in text.split():
        if len(word) > 4 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return " ".join(words)


def lessons() -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))]


def lesson_text() -> str:
    return normalize("\n".join("".join(cell["source"]) for nb in lessons() for cell in nb["cells"]))


def bold_terms() -> set[str]:
    found = set()
    for nb in lessons():
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                found |= {" ".join(b.split()) for b in re.findall(r"\*\*([^*]+)\*\*", "".join(cell["source"]))}
    return found


def glossary_entries() -> dict[str, set[str]]:
    """Each entry's heading -> the words that name it (the term, its alias in brackets, each half of "X and Y")."""
    entries = {}
    for heading in re.findall(r"^### (.+)$", GLOSSARY.read_text(encoding="utf-8"), re.M):
        main = re.sub(r"\s*\(.*?\)", "", heading).strip()
        names = {main, *re.findall(r"\((.*?)\)", heading), *main.split(" and ")}
        entries[heading] = {normalize(name) for name in names}
    return entries


def is_term(bold: str) -> bool:
    """Bold text that could be a term: not a number, a sentence, a heading label or a table code."""
    text = normalize(bold)
    raw = bold.strip()
    return not (re.search(r"\d", text) or raw.endswith((".", "?", ":", ";", "-")) or len(text.split()) > 6
                or re.fullmatch(r"[bcs]\d+|[a-z]|dp", text) or "→" in raw or ">" in raw
                or text in {normalize(t) for t in NOT_TERMS} or raw in {"Questions", "Objectives"})


# --- the glossary ---------------------------------------------------------------------------------------------


def test_every_glossary_entry_is_a_word_the_lessons_use():
    text = lesson_text()
    unused = [heading for heading, names in glossary_entries().items() if not any(n in text for n in names)]
    assert not unused, f"glossary entries the lessons never use (drop them or fix the name): {unused}"


def test_every_key_term_of_the_lessons_is_in_the_glossary():
    names = set().union(*glossary_entries().values())
    glossary_text = normalize(GLOSSARY.read_text(encoding="utf-8"))
    missing = sorted({b for b in bold_terms() if is_term(b)
                      and not any(n in normalize(b) or normalize(b) in n for n in names)
                      and normalize(b) not in glossary_text})
    assert not missing, ("bold terms in the lessons with no glossary entry: add an entry to notebooks/glossary.md "
                         f"(or, if it is only emphasis, add it to NOT_TERMS here): {missing}")


def test_glossary_is_alphabetical_with_a_letter_index():
    text = GLOSSARY.read_text(encoding="utf-8")
    sections = re.split(r"(?m)^## ", text)[1:]
    letters = []
    for section in sections:
        letter, body = section.split("\n", 1)
        letters.append(letter.strip())
        headings = [h.lower() for h in re.findall(r"^### (.+)$", body, re.M)]
        assert headings == sorted(headings), f"section {letter}: entries out of order"
        assert all(h[0].isdigit() if letter == "1-9" else h[0].upper() == letter for h in headings)
    for letter in letters:
        assert f"[{letter}](#{letter.lower()})" in text


def test_the_lessons_name_glossary_terms_the_way_the_glossary_does():
    """A few entries the lessons rely on, checked by meaning (facts from the lessons and the issue)."""
    text = GLOSSARY.read_text(encoding="utf-8")
    assert "The 6-digit\ntract codes stayed the same" in text or "tract codes stayed the same" in " ".join(text.split())
    assert "CV = SE / estimate x 100" in text and "MOE divided by 1.645" in text
    assert "high** (CV of 12% or less)" in text and "above 40%" in text


# --- the cheat sheet ------------------------------------------------------------------------------------------


def code_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_cheat_sheet_calls_match_the_helpers():
    """Every civicdata helper the cheat sheet calls exists on the learner surface and accepts those arguments."""
    checked = 0
    for block in code_blocks(CHEAT_SHEET):
        for node in ast.walk(ast.parse(block)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in civicdata.HELPERS:
                helper = getattr(civicdata, node.func.id)
                args = [None] * len(node.args)
                kwargs = {k.arg: None for k in node.keywords}
                inspect.signature(helper).bind(*args, **kwargs)  # TypeError if the call does not fit
                checked += 1
    assert checked >= 8
    inline = re.findall(r"`(\w+)\(", CHEAT_SHEET.read_text(encoding="utf-8"))
    assert {name for name in inline if name in civicdata.HELPERS} >= {"cv", "moe_prop", "moe_sum", "z_score",
                                                                       "check_answer", "check_choice"}


def test_cheat_sheet_formulas_agree_with_the_package():
    from civicdata.moe import formulas, reliability

    assert formulas.se_from_moe(1.645) == pytest.approx(1.0)
    assert reliability.cv(100, 1.645 * 12) == pytest.approx(12.0)
    assert list(reliability.reliability([12, 12.1, 40, 40.1])) == ["high", "medium", "medium", "low"]
    assert formulas.moe_sum([3, 4]) == pytest.approx(5.0)
    x, y, mx, my = 30.0, 100.0, 5.0, 8.0
    assert formulas.moe_prop(x, y, mx, my) == pytest.approx(((mx**2 - (x / y) ** 2 * my**2) ** 0.5) / y)
    assert formulas.moe_ratio(x, y, mx, my) == pytest.approx(((mx**2 + (x / y) ** 2 * my**2) ** 0.5) / y)


# --- when you're stuck ----------------------------------------------------------------------------------------


def test_when_stuck_covers_the_usual_rescues():
    text = " ".join(WHEN_STUCK.read_text(encoding="utf-8").split())
    for needed in ("Restart Kernel", "Run All Above Selected Cell", "catch-up cell", "git checkout -- notebooks/",
                   "Revert Notebook to Checkpoint", "nbgitpuller", "click the link again", "Download",
                   "What to do:", "NameError"):
        assert needed in text, needed


def jupyterlab_labels() -> str:
    static = Path(sys.prefix) / "share" / "jupyter" / "lab" / "static"
    if not static.is_dir():
        pytest.skip("JupyterLab's static files are not installed here")
    return "\n".join(p.read_text(encoding="utf-8", errors="ignore") for p in static.glob("*.js"))


def test_menu_commands_named_on_the_pages_exist_in_jupyterlab():
    """"*Kernel > Restart Kernel...*" must be a real JupyterLab menu item, or learners look for it in vain."""
    labels = jupyterlab_labels()
    items = set()
    for path in (WHEN_STUCK, CHEAT_SHEET, GLOSSARY):
        for menu_path in re.findall(r"\*((?:File|Edit|Kernel|Run|View) > [^*]+)\*", path.read_text(encoding="utf-8")):
            items.add(" ".join(menu_path.split(" > ")[-1].split()).rstrip("."))
    assert len(items) >= 6
    for item in items:
        candidates = {item, item.replace("Notebook", "%1"), item.replace(" As", " %1 As")}
        assert any(c in labels for c in candidates), f"JupyterLab has no menu item {item!r}"
