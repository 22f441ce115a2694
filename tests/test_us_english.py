"""US English: learner- and facilitator-facing text uses US spelling (the workbook is for US library staff).

A word list of British spellings is checked in the project's Markdown pages, in the strings of the
``civicdata`` package (error messages, hints, poster and profile text, docstrings) and in the lessons.
Code is not prose: doctest lines, text in backticks and identifiers (``normalise_code``) are skipped.
The few exceptions left are listed below, each with its reason. In the lessons, the text cells, the
comments and strings of code cells, and what the stored outputs print are all checked.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: British spelling (as a regular expression for the whole word) -> the US spelling.
BRITISH = {
    r"neighbour(s|hood|hoods|ing|ly)?": "neighbor...",
    r"(organis|recognis|realis|summaris|prioritis|visualis|standardis|minimis|maximis|categoris|characteris"
    r"|utilis|customis|finalis|normalis|optimis|specialis|generalis|localis|apologis|initialis|stabilis|memoris"
    r"|emphasis)(e|ed|es|ing|ation|ations)": "-ize, -ization",
    r"(kilo)?metre(s)?": "meter",
    r"colour(s|ed|ful|ing|blind)?": "color",
    r"grey(s|ed|ish|scale)?": "gray",
    r"licence(s|d)?": "license",
    r"programme(s)?": "program",
    r"analys(e|ed|ing)": "analyze",
    r"catalogue(s|d)?": "catalog",
    r"centre(s|d)?": "center",
    r"behaviour(s|al)?": "behavior",
    r"favour(s|ed|ite|ites|able)?": "favor",
    r"honour(s|ed)?": "honor",
    r"labour": "labor",
    r"travell(ed|er|ers|ing)": "traveled",
    r"modell(ed|ing)": "modeled",
    r"cancell(ed|ing)": "canceled",
    r"whilst": "while",
    r"amongst": "among",
    r"learnt": "learned",
    r"spelt": "spelled",
    r"maths": "math",
    r"fibre(s)?": "fiber",
    r"artefact(s)?": "artifact",
    r"sceptic(al|ism)?": "skeptic",
    r"ageing": "aging",
    r"enquir(y|ies|e|ed)": "inquiry",
    r"practis(e|ed|ing)": "practice",
    r"defence": "defense",
    r"offence": "offense",
    r"judgement(s)?": "judgment",
    r"per cent": "percent",
    r"cheque(s)?": "check",
    r"labell(ed|ing)": "labeled",
    r"(stigmatis|parameteris)(e|ed|es|ing|ation)": "-ize",
    r"dialogue(s)?": "dialog",
    r"enrol(ment)?": "enroll",
    r"fulfil": "fulfill",
}
PATTERN = re.compile(r"(?<![\w-])(" + "|".join(BRITISH) + r")(?![\w-])", re.I)

PAGES = ["README.md", "ARCHITECTURE.md", "CONTRIBUTING.md", "data/README.md", *[
    str(p.relative_to(ROOT)) for p in sorted((ROOT / "workshop").rglob("*.md"))], *[
    str(p.relative_to(ROOT)) for p in sorted((ROOT / "notebooks").glob("*.md"))]]

#: (file, British word as written) -> why it stays for now.
EXCEPTIONS = {
    ("civicdata/classroom/exercises.py", "organisation"):
        "a column name: the partner worksheet of the ecosystem lesson still uses it, and worksheets saved "
        "with it must keep passing",
}


def british_words(text: str) -> list[str]:
    return [m.group(0) for m in PATTERN.finditer(text)]


def prose_of_markdown(text: str) -> str:
    """Markdown without code blocks, inline code and link targets (URLs and file names are not prose)."""
    text = re.sub(r"(?ms)^ {0,3}(```|~~~).*?^ {0,3}\1", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def prose_of_python_string(text: str) -> str:
    """A string from the package without its doctest code, backticked code and identifiers."""
    lines = [line for line in text.splitlines() if not line.strip().startswith((">>>", "..."))]
    text = re.sub(r"``[^`]*``|`[^`]*`", " ", "\n".join(lines))
    return re.sub(r"\w*_\w*", " ", text)  # normalise_code, S2801_C02_019E...


def package_strings() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "civicdata").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((str(path.relative_to(ROOT)), prose_of_python_string(node.value)))
    return found


def test_the_word_list_finds_british_spellings_and_spares_us_ones():
    assert british_words("neighbourhood organisation metres colour licence programme analyse centre grey") == \
        ["neighbourhood", "organisation", "metres", "colour", "licence", "programme", "analyse", "centre", "grey"]
    assert british_words("neighborhood organization meters color license program analyze center gray "
                         "analyses emphasis realistic Department of Labor greyhound") == []


@pytest.mark.parametrize("page", PAGES)
def test_markdown_pages_use_us_spelling(page):
    found = british_words(prose_of_markdown((ROOT / page).read_text(encoding="utf-8")))
    assert not found, f"{page}: British spellings {sorted(set(found))}"


def test_package_strings_use_us_spelling():
    problems = []
    for path, text in package_strings():
        for word in british_words(text):
            if (path, word) not in EXCEPTIONS:
                problems.append(f"{path}: {word}")
    assert not problems, "British spellings in civicdata's strings:\n" + "\n".join(sorted(set(problems)))


def test_every_exception_is_still_needed():
    used = {(path, word) for path, text in package_strings() for word in british_words(text)}
    assert set(EXCEPTIONS) <= used, f"no longer needed, remove: {set(EXCEPTIONS) - used}"


def lesson_prose(path: Path) -> str:
    """A lesson's Markdown cells, and its code cells' comments and strings (what a learner reads)."""
    parts = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            parts.append(prose_of_markdown(source))
        else:
            parts += re.findall(r"#.*$", source, re.M) + re.findall(r"\"[^\"\n]*\"|'[^'\n]*'", source)
    return "\n".join(parts)


def test_lessons_use_us_spelling():
    problems = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        found = british_words(lesson_prose(path))
        if found:
            problems[path.name] = sorted(set(found))
    assert not problems, f"British spellings in the lessons: {problems}"


def test_lessons_print_us_spelling():
    """What the lessons' stored outputs say (messages from civicdata, legends, tables) is US English too."""
    problems = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        found = set()
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                text = "".join(output.get("text", "")) + "".join(output.get("data", {}).get("text/plain", ""))
                found |= set(british_words(re.sub(r"https?://\S+", " ", text)))
        if found:
            problems[path.name] = sorted(found)
    assert not problems, f"British spellings in the lessons' outputs: {problems}"
