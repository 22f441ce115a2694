"""The workshop kit and the project's Markdown pages: links resolve, images have alt text, agendas add up.

Links are checked the way GitHub renders them: a relative path is resolved from the page's folder
(a leading ``/`` means the repository root) and an ``#anchor`` must match a heading's GitHub slug
(lower case, punctuation dropped, spaces to hyphens, ``-1``/``-2`` for repeated headings).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from civicdata.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
WORKSHOP = ROOT / "workshop"
PROJECT_PAGES = ["README.md", "CONTRIBUTING.md", "data/README.md", "notebooks/README.md", "notebooks/glossary.md",
                 "notebooks/cheat-sheet.md", "notebooks/when-stuck.md"]
WORKSHOP_PAGES = [
    "README.md",
    "facilitator-guide.md",
    "setup-checklist.md",
    "learner-setup.md",
    "data-walk.md",
    "follow-up.md",
    "templates/data-walk-notes.md",
    "templates/feedback-survey.md",
    "handouts/README.md",
]
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".tif", ".tiff"}


def pages() -> list[Path]:
    found = sorted(p for p in WORKSHOP.rglob("*.md") if "handouts" not in p.relative_to(WORKSHOP).parts[:-1])
    found += [ROOT / name for name in PROJECT_PAGES if (ROOT / name).exists()]
    return found


def page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- Markdown parsing (just enough of CommonMark/GFM for our pages) -------------------------------

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
HTML_HREF = re.compile(r"<a\s[^>]*?href=\"([^\"]*)\"", re.I)
HTML_IMG = re.compile(r"<img\b[^>]*>", re.I)
HTML_ALT = re.compile(r"\balt=\"([^\"]*)\"", re.I)
HTML_SRC = re.compile(r"\bsrc=\"([^\"]*)\"", re.I)
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def prose_lines(text: str) -> list[str]:
    """The page's lines with fenced code blocks blanked out (links in code are not links)."""
    lines, fence = [], None
    for line in text.splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * len(match.group(1))
            lines.append("")
        elif fence is not None:
            if line.strip().startswith(fence) and set(line.strip()) <= {fence[0]}:
                fence = None
            lines.append("")
        else:
            lines.append(line)
    return lines


def prose(text: str) -> str:
    """The page without code blocks and code spans."""
    return CODE_SPAN.sub(" ", "\n".join(prose_lines(text)))


def code_text(text: str) -> str:
    """Only the code: fenced blocks and code spans, where commands are written."""
    without_blocks = "\n".join(prose_lines(text))
    blocks = [line for line, kept in zip(text.splitlines(), without_blocks.splitlines(), strict=True) if kept != line]
    spans = [m.group(2) for m in CODE_SPAN.finditer(without_blocks)]
    return "\n".join(blocks + spans)


def images(text: str) -> list[tuple[str, str]]:
    """(alt, src) of every Markdown and HTML image."""
    body = prose(text)
    found = [(m.group(1), m.group(2)) for m in IMAGE.finditer(body)]
    for tag in HTML_IMG.findall(body):
        alt, src = HTML_ALT.search(tag), HTML_SRC.search(tag)
        found.append((alt.group(1) if alt else "", src.group(1) if src else ""))
    return found


def links(text: str) -> list[str]:
    """Targets of every Markdown link, reference definition, HTML link and image."""
    body = prose(text)
    targets = [src for _, src in images(text)]
    body = IMAGE.sub(lambda m: m.group(1), body)  # [![badge](img)](url): keep the outer link
    targets += [m.group(2) for m in LINK.finditer(body)]
    targets += [m.group(2) for m in REFERENCE.finditer(body)]
    targets += HTML_HREF.findall(body)
    return targets


def heading_text(raw: str) -> str:
    """The text GitHub shows for a heading (formatting marks removed, code and link text kept)."""
    text = IMAGE.sub(lambda m: m.group(1), raw)
    text = LINK.sub(lambda m: m.group(1), text)
    text = re.sub(r"<[^>]+>", "", text)
    spans: list[str] = []
    text = CODE_SPAN.sub(lambda m: spans.append(m.group(2).strip()) or f"\0{len(spans) - 1}\0", text)
    text = text.replace("*", "")
    text = re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"\1", text)
    return re.sub(r"\0(\d+)\0", lambda m: spans[int(m.group(1))], text)


def github_slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, drop punctuation except - and _, spaces become -.

    >>> github_slug("Step 3: Finding ACS data (20 min)")
    'step-3-finding-acs-data-20-min'
    """
    text = heading_text(heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    result = set()
    for line in prose_lines(path.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if not match:
            continue
        slug = github_slug(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    result |= {m.lower() for m in re.findall(r"<a\s+(?:name|id)=\"([^\"]+)\"", path.read_text(encoding="utf-8"))}
    return result


# --- The tests ------------------------------------------------------------------------------------


def test_the_workshop_kit_is_complete():
    missing = [name for name in WORKSHOP_PAGES if not (WORKSHOP / name).is_file()]
    assert not missing, f"workshop/ lacks {missing}"


@pytest.mark.parametrize("page", pages(), ids=page_id)
def test_internal_links_resolve(page):
    problems = []
    for target in links(page.read_text(encoding="utf-8")):
        if not target:
            problems.append("an empty link target")
            continue
        if SCHEME.match(target) or target.startswith("//"):
            continue
        path_part, _, anchor = target.partition("#")
        path_part = unquote(path_part)
        if path_part.startswith("/"):
            resolved = (ROOT / path_part.lstrip("/")).resolve()
        elif path_part:
            resolved = (page.parent / path_part).resolve()
        else:
            resolved = page
        if not resolved.is_relative_to(ROOT):
            problems.append(f"{target}: points outside the repository")
        elif not resolved.exists():
            problems.append(f"{target}: no such file")
        elif anchor:
            if resolved.suffix != ".md":
                problems.append(f"{target}: anchors can only be checked in Markdown pages")
            elif unquote(anchor).lower() not in anchors(resolved):
                problems.append(f"{target}: no heading with that anchor in {resolved.relative_to(ROOT)}")
    assert not problems, f"{page_id(page)}: " + "; ".join(problems)


@pytest.mark.parametrize("page", pages(), ids=page_id)
def test_every_image_has_alt_text(page):
    missing = [src for alt, src in images(page.read_text(encoding="utf-8")) if not alt.strip()]
    assert not missing, f"{page_id(page)}: images without alt text: {missing}"


def test_no_hand_made_images_in_the_workshop_kit():
    # Pictures of data drift from the data; the kit links to the commands that build them instead.
    files = [p for p in WORKSHOP.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES]
    files = [p for p in files if p.relative_to(WORKSHOP).parts[0] != "handouts"]
    assert not files, f"image files in workshop/: {files}"
    for page in WORKSHOP.rglob("*.md"):
        local = [src for _, src in images(page.read_text(encoding="utf-8")) if not SCHEME.match(src)]
        assert not local, f"{page_id(page)} shows local images {local}; link to the command that builds them"


def test_github_slug_rules():
    slug = github_slug("Agenda B: 3 hours (180 minutes), with a Data Walk")
    assert slug == "agenda-b-3-hours-180-minutes-with-a-data-walk"
    assert github_slug("What is `CIVICDATA_PLACE`?") == "what-is-civicdata_place"
    assert github_slug("**No Wi-Fi** at all") == "no-wi-fi-at-all"
    assert github_slug("[Binder](https://mybinder.org) limits") == "binder-limits"
    assert github_slug("Caf\u00e9  and  data") == "caf\u00e9--and--data"


def test_slugs_number_repeated_headings(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Notes\n\n## Notes\n\n```\n# not a heading\n```\n\n## Notes\n")
    assert anchors(page) == {"notes", "notes-1", "notes-2"}


def test_link_parser_sees_badges_references_and_html_but_not_code():
    text = (
        "[![Launch](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/a/b/HEAD)\n"
        "See [the guide](guide.md#agenda) and [ref][r].\n\n[r]: other.md\n"
        '<a href="x.md">x</a> <img src="y.png">\n'
        "```\n[not](a-link.md)\n```\n`[nor](this.md)`\n"
    )
    assert links(text) == [
        "https://mybinder.org/badge_logo.svg", "y.png",
        "https://mybinder.org/v2/gh/a/b/HEAD", "guide.md#agenda", "other.md", "x.md",
    ]
    assert images(text) == [("Launch", "https://mybinder.org/badge_logo.svg"), ("", "y.png")]


# --- Agendas --------------------------------------------------------------------------------------

AGENDA_HEADING = re.compile(r"^##\s+Agenda\b.*?\b(\d+) minutes", re.I)


def tables_after_headings(path: Path, heading: re.Pattern) -> dict[int, list[dict[str, str]]]:
    """For each heading matching ``heading`` (its group 1 is the planned total), the first table below it."""
    result: dict[int, list[dict[str, str]]] = {}
    current = None
    header: list[str] | None = None
    for line in prose_lines(path.read_text(encoding="utf-8")):
        match = heading.match(line)
        if match:
            current, header = int(match.group(1)), None
            result[current] = []
            continue
        if line.startswith("#"):
            if current is not None and result[current]:
                current = None
            continue
        if current is None:
            continue
        if line.strip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if header is None:
                header = [c.lower() for c in cells]
            elif not set("".join(cells)) <= set("-: "):
                result[current].append(dict(zip(header, cells, strict=True)))
        elif result[current]:
            current = None
    return result


def clock(text: str) -> int:
    hours, minutes = re.fullmatch(r"(\d+):(\d\d)", text).groups()
    return int(hours) * 60 + int(minutes)


def check_schedule(rows: list[dict[str, str]], total: int, where: str) -> None:
    assert rows, f"{where}: no table rows"
    assert {"start", "minutes"} <= set(rows[0]), f"{where}: the table needs Start and Minutes columns"
    start = 0
    for row in rows:
        assert clock(row["start"]) == start, f"{where}: row {row} should start at {start // 60}:{start % 60:02d}"
        minutes = int(row["minutes"])
        assert minutes > 0, f"{where}: {row}"
        start += minutes
    assert start == total, f"{where}: the minutes add up to {start}, not {total}"


def test_agendas_add_up_to_90_and_180_minutes():
    tables = tables_after_headings(WORKSHOP / "facilitator-guide.md", AGENDA_HEADING)
    assert set(tables) == {90, 180}, f"agenda headings found for {sorted(tables)} minutes"
    for total, rows in tables.items():
        check_schedule(rows, total, f"agenda of {total} minutes")


# Lessons by the workshop's four verbs: every agenda touches each of them.
VERBS = {"find": {"01", "02", "03", "04"}, "judge": {"05", "06", "07"}, "map": {"08", "09"}, "discuss": {"10"}}
MODES = {"demo", "hands-on", "break"}
#: A demo step needs at least this share of a newcomer's minutes for the sections it shows (the facilitator
#: runs the cells and talks; nobody types). A hands-on step needs all of them. See "How the agendas work".
DEMO_SHARE = 0.4
LINKED_PART = re.compile(r"(?=\[\d\d [^\]]+\]\()")
LESSON_LINK = re.compile(r"\[\d\d [^\]]+\]\(\.\./(notebooks/[\w-]+\.ipynb)\)")
QUOTED = re.compile(r'"([^"]+)"(?:\s+to\s+"([^"]+)")?')


def agenda_tables() -> dict[int, list[dict[str, str]]]:
    return tables_after_headings(WORKSHOP / "facilitator-guide.md", AGENDA_HEADING)


def agenda_text(total: int) -> str:
    """The text of one agenda's section of the guide (its table, the paragraphs around it)."""
    text = (WORKSHOP / "facilitator-guide.md").read_text(encoding="utf-8")
    start = next(m.start() for m in re.finditer(r"^## Agenda.*$", text, re.M) if f"{total} minutes" in m.group(0))
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def notebook_column(row: dict[str, str]) -> str:
    return row[next(name for name in row if name.startswith("notebook"))]


def step_sections(row: dict[str, str]) -> list[tuple[Path, str, str | None]]:
    """(notebook, first heading, last heading or None) for every section a step names."""
    found = []
    for part in LINKED_PART.split(notebook_column(row)):
        link = LESSON_LINK.match(part)
        if link:
            for first, last in QUOTED.findall(part):
                found.append((ROOT / link.group(1), first, last or None))
    return found


def step_estimate(row: dict[str, str]) -> float:
    """A newcomer's minutes for the sections a step names (each cell counted once)."""
    import nbformat

    sys.path.insert(0, str(ROOT / "tools"))
    import lesson_minutes

    cells_by_notebook: dict[Path, set[int]] = {}
    for path, first, last in step_sections(row):
        cells_by_notebook.setdefault(path, set()).update(lesson_minutes.span_cells(path, first, last))
    total = 0.0
    for path, indexes in cells_by_notebook.items():
        cells = nbformat.read(path, as_version=4).cells
        total += lesson_minutes.count([cells[i] for i in sorted(indexes)], path.stem).exact
    return total


def test_every_agenda_step_is_marked_demo_or_hands_on():
    for total, rows in agenda_tables().items():
        assert "mode" in rows[0], f"agenda of {total} minutes: add a Mode column (demo, hands-on or break)"
        for row in rows:
            mode = row["mode"].strip("* ").lower()
            assert mode in MODES, f"agenda of {total} minutes: {row['step']!r} has mode {row['mode']!r}"
            if mode == "break":
                assert not step_sections(row), f"a break cannot use notebook sections: {row['step']!r}"


def test_agenda_minutes_cover_the_sections_they_use():
    problems = []
    for total, rows in agenda_tables().items():
        for row in rows:
            mode, minutes = row["mode"].strip("* ").lower(), int(row["minutes"])
            needed = step_estimate(row)
            if mode == "hands-on" and minutes < needed - 0.5:
                problems.append(f"{total}-minute agenda, {row['step']!r}: hands-on sections need about "
                                f"{needed:.0f} minutes of a newcomer, the step gives {minutes}")
            if mode == "demo" and minutes < DEMO_SHARE * needed - 0.5:
                problems.append(f"{total}-minute agenda, {row['step']!r}: showing these sections needs about "
                                f"{DEMO_SHARE * needed:.0f} minutes, the step gives {minutes}")
    assert not problems, "\n".join(problems)


def test_agendas_touch_every_verb_and_say_what_they_leave_out():
    for total, rows in agenda_tables().items():
        named = {n for row in rows for n in re.findall(r"notebooks/(\d\d)-[\w-]+\.ipynb", notebook_column(row))}
        assert "00" in named and "11" in named, f"agenda of {total} minutes must open with 00 and close with 11"
        for verb, lessons in VERBS.items():
            assert named & lessons, f"agenda of {total} minutes has no step to {verb} (lessons {sorted(lessons)})"
        left_out = agenda_text(total).split("Left out for time", 1)
        assert len(left_out) == 2, f"agenda of {total} minutes: say what is 'Left out for time'"
        every = {p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")}
        for lesson in sorted(every - named):
            assert f"lesson {lesson}" in left_out[1], f"agenda of {total} minutes skips lesson {lesson} silently"


def test_the_90_minute_agenda_has_a_digital_equity_moment():
    rows = agenda_tables()[90]
    moments = [row for row in rows if row["step"].lower().startswith("digital equity")]
    assert moments, "the 90-minute agenda needs a step starting 'Digital equity'"
    for row in moments:
        assert any("internet" in first.lower() for _, first, _ in step_sections(row)), row


def notebook_headings(path: Path) -> list[str]:
    import nbformat

    headings = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in prose_lines(cell.source):
                match = HEADING.match(line)
                if match:
                    headings.append(heading_text(match.group(2)).strip())
    return headings


def test_agenda_sections_are_real_notebook_headings():
    # "Section name" in quotes after a notebook link must be (the start of) a heading in that notebook,
    # so the agendas follow the notebooks when their authors rename a section.
    tables = tables_after_headings(WORKSHOP / "facilitator-guide.md", AGENDA_HEADING)
    problems = []
    for total, rows in tables.items():
        column = next(name for name in rows[0] if name.startswith("notebook"))
        for row in rows:
            for part in re.split(r"(?=\[\d\d [^\]]+\]\()", row[column]):
                link = re.match(r"\[\d\d [^\]]+\]\(\.\./(notebooks/[\w-]+\.ipynb)\)", part)
                if not link:
                    continue
                headings = notebook_headings(ROOT / link.group(1))
                for name in re.findall(r'"([^"]+)"', part):
                    if not any(h == name or h.startswith(name) for h in headings):
                        problems.append(f"agenda of {total} minutes: {link.group(1)} has no section {name!r}")
    assert not problems, "\n".join(problems)


def test_data_walk_schedule_adds_up_and_fits_75_to_90_minutes():
    heading = re.compile(r"^##\s+Timing\b.*?\b(\d+) minutes", re.I)
    tables = tables_after_headings(WORKSHOP / "data-walk.md", heading)
    assert tables, "data-walk.md needs a '## Timing ... NN minutes' section with a table"
    for total, rows in tables.items():
        assert 75 <= total <= 90
        check_schedule(rows, total, f"Data Walk of {total} minutes")


# --- Commands the kit tells people to run ---------------------------------------------------------


def kit_code() -> str:
    return "\n".join(code_text(p.read_text(encoding="utf-8")) for p in WORKSHOP.rglob("*.md"))


def test_every_civicdata_command_in_the_kit_exists():
    parser = build_parser()
    choices = next(a for a in parser._actions if a.dest == "command").choices
    named = set(re.findall(r"(?:^|[ \t/])civicdata[ \t]+([a-z][a-z-]+)", kit_code(), re.M))
    assert named, "the kit names no civicdata commands"
    assert named <= set(choices), f"the kit names commands that do not exist: {sorted(named - set(choices))}"


def test_every_make_target_in_the_kit_exists():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))
    named = set(re.findall(r"(?:^|[ \t])make[ \t]+([a-z][\w-]*)", kit_code(), re.M))
    assert named, "the kit names no make targets"
    assert named <= targets, f"the kit names make targets that do not exist: {sorted(named - targets)}"


def test_generated_handouts_stay_out_of_git():
    ignore = (ROOT / ".gitignore").read_text().splitlines()
    assert "workshop/handouts/*" in ignore and "!workshop/handouts/README.md" in ignore
    assert re.search(r"^handouts:", (ROOT / "Makefile").read_text(), re.M)


def test_data_walk_notes_csv_matches_the_markdown_template():
    with open(WORKSHOP / "templates" / "data-walk-notes.csv", newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[:3] == ["station", "topic", "prompt"], header  # as notebook 06's notes table
    template = (WORKSHOP / "templates" / "data-walk-notes.md").read_text(encoding="utf-8")
    for column in header:
        assert column in template, f"data-walk-notes.md does not explain the CSV column {column!r}"
