"""Turn the learner support pages (cheat sheet, glossary, "when you're stuck") into printable HTML.

`make handouts` runs this after it converts the lessons. Each page becomes one self-contained HTML file
with a print style for US letter paper; links between the pages point to the HTML versions. The Markdown
renderer is mistune, which JupyterLab's nbconvert already installs.

    python tools/markdown_handouts.py notebooks/cheat-sheet.md notebooks/glossary.md --out workshop/handouts
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path

import mistune

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #111; line-height: 1.35;
       max-width: 52rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 0.4rem; } h2 { font-size: 1.2rem; margin: 1rem 0 0.3rem; }
h3 { font-size: 1.02rem; margin: 0.8rem 0 0.2rem; }
table { border-collapse: collapse; margin: 0.3rem 0; } th, td { border: 1px solid #999; padding: 0.15rem 0.4rem;
       text-align: left; vertical-align: top; }
code, pre { font-family: "DejaVu Sans Mono", Consolas, monospace; }
pre { background: #f3f3f3; padding: 0.4rem 0.6rem; overflow-x: auto; }
@page { size: letter; margin: 0.45in; }
@media print { body { margin: 0; max-width: none; } a { color: #111; } }
"""
#: The cheat sheet must fit one sheet of paper: smaller type, tighter spacing.
COMPACT = """
body { font-size: 9.6pt; line-height: 1.22; } h1 { font-size: 15pt; }
h2 { font-size: 11.5pt; margin: 0.45rem 0 0.15rem; }
p, ul, table, pre { margin: 0.2rem 0; } pre { font-size: 8.2pt; padding: 0.25rem 0.4rem; } td, th { font-size: 8.8pt; }
"""


def render(markdown_text: str, title: str, compact: bool = False) -> str:
    """One self-contained HTML page for ``markdown_text``; links to ``page.md`` become ``page.html``."""
    body = mistune.html(markdown_text)
    body = re.sub(r'href="([^":#]+)\.md(#[^"]*)?"', r'href="\1.html\2"', body)
    body = re.sub(r'href="([^":#]+)\.html#?"', r'href="\1.html"', body)
    body = _add_heading_ids(body)
    style = STYLE + (COMPACT if compact else "")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{style}</style></head>\n<body>\n{body}</body></html>\n")


def _slug(text: str) -> str:
    """GitHub's anchor for a heading (what the pages link to): lower case, punctuation dropped."""
    text = re.sub(r"<[^>]+>", "", html.unescape(text)).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _add_heading_ids(body: str) -> str:
    seen: dict[str, int] = {}

    def with_id(match: re.Match) -> str:
        slug = _slug(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        slug = slug if count == 0 else f"{slug}-{count}"
        return f'<{match.group(1)} id="{slug}">{match.group(2)}</{match.group(1)}>'

    return re.sub(r"<(h[1-6])>(.*?)</\1>", with_id, body, flags=re.S)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for page in args.pages:
        text = page.read_text(encoding="utf-8")
        title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), page.stem)
        target = args.out / f"{page.stem}.html"
        target.write_text(render(text, title, compact=page.stem == "cheat-sheet"), encoding="utf-8")
        print(f"Wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
