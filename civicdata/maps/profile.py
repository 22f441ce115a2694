"""A one-page community profile (lesson 11): assemble it as HTML and PDF, and save it safely.

The notebook does the data work (estimates, margins of error, reliability, map, partners); this
module only writes the page; the notebook saves it with :func:`civicdata.core.files.save_new_file`, which
never replaces a different file that is already there.

Example:
    >>> import tempfile
    >>> import pandas as pd
    >>> page = profile_html("Households with no vehicle", "Somewhere, XX",
    ...                     table=pd.DataFrame({"Area": ["Somewhere"], "Estimate": ["10.0% ± 1.0"]}),
    ...                     notes=["Source: ACS 5-year estimates."])
    >>> "<h1>Households with no vehicle</h1>" in page
    True
"""

from __future__ import annotations

import base64
import html
import io
import textwrap
from collections.abc import Callable, Sequence

import pandas as pd

from civicdata.core.errors import ArgumentError, MapError

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; max-width: 52rem;
       margin: 1.5rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
.subtitle { color: #444; margin-top: 0; }
img { max-width: 100%; height: auto; border: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.95rem; }
th, td { border: 1px solid #bbb; padding: 0.3rem 0.6rem; text-align: left; }
th { background: #f0f0f0; }
.note { font-size: 0.9rem; color: #333; }
@media print { body { margin: 0; } }
"""


def figure_png(fig, dpi: int = 110) -> bytes:
    """The PNG bytes of a matplotlib figure (without a creation date, so the bytes are repeatable)."""
    if not callable(getattr(fig, "savefig", None)):
        raise ArgumentError(f"figure_png needs a matplotlib figure, not {type(fig).__name__}.",
                            hint="e.g. fig, ax = plt.subplots(); ...; figure_png(fig).")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def figure_pdf(fig) -> bytes:
    """The PDF bytes of a matplotlib figure, without a creation date (repeatable bytes)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="pdf", metadata={"CreationDate": None, "Creator": "civicdata", "Producer": None})
    return buffer.getvalue()


def _texts(value: object, name: str) -> list[str]:
    """A list of sentences (notes, partners); one sentence alone is refused rather than split into letters."""
    if isinstance(value, str) or not isinstance(value, (list, tuple, pd.Series)):
        raise ArgumentError(f"{name} must be a list of sentences, not {type(value).__name__}.",
                            hint=f'Put the sentences in square brackets: {name}=["First note.", "Second note."].')
    bad = [v for v in value if not isinstance(v, str)]
    if bad:
        raise ArgumentError(f"Every item of {name} must be text, not {type(bad[0]).__name__} {bad[0]!r}.",
                            hint="Write each as a sentence in quotes, or use str(...).")
    return list(value)


def _check_page(title: object, subtitle: object, table: object, extra_tables: object) -> None:
    for name, value in (("title", title), ("subtitle", subtitle)):
        if not isinstance(value, str):
            raise ArgumentError(f"The {name} must be text, not {type(value).__name__}.", hint=f'e.g. {name}="..."')
    if not isinstance(table, pd.DataFrame):
        raise ArgumentError(f"table must be a pandas DataFrame (the numbers of the profile), not "
                            f"{type(table).__name__}.", hint="Build it with pd.DataFrame(rows).")
    for item in extra_tables:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], pd.DataFrame)):
            raise ArgumentError("extra_tables must be a list of (heading, DataFrame) pairs.",
                                hint='e.g. extra_tables=[("Partners", partners_table)].')


def profile_html(title: str, subtitle: str, *, table: pd.DataFrame, notes: Sequence[str],
                 map_png: bytes | None = None, map_alt: str = "", partners: Sequence[str] = (),
                 extra_tables: Sequence[tuple[str, pd.DataFrame]] = ()) -> str:
    """A self-contained HTML page: title, map (embedded PNG with alt text), tables, notes, partners.

    Everything is inside the one file (the map is embedded, there is no external style sheet), so
    it can be emailed or opened with no network.
    """
    _check_page(title, subtitle, table, extra_tables)
    notes, partners = _texts(notes, "notes"), _texts(partners, "partners")
    if map_png is not None and not isinstance(map_png, (bytes, bytearray)):
        raise ArgumentError("map_png must be the PNG bytes of a figure, e.g. figure_png(fig).",
                            hint="Make it with map_png=figure_png(fig).")
    if map_png is not None and not (isinstance(map_alt, str) and map_alt.strip()):
        raise MapError("The map needs alt text: a sentence saying what it shows.",
                       hint='Pass map_alt="A map of ... It shows ...".')
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="subtitle">{html.escape(subtitle)}</p>',
    ]
    if map_png is not None:
        encoded = base64.b64encode(map_png).decode("ascii")
        parts.append(f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(map_alt)}">')
    parts.append("<h2>The numbers</h2>")
    parts.append(table.to_html(index=False, border=0, na_rep="–"))
    for heading, extra in extra_tables:
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        parts.append(extra.to_html(index=False, border=0, na_rep="–"))
    parts.append("<h2>Notes</h2><ul>")
    parts.extend(f'<li class="note">{html.escape(n)}</li>' for n in notes)
    parts.append("</ul>")
    if partners:
        parts.append("<h2>Data partners to contact</h2><ul>")
        parts.extend(f"<li>{html.escape(p)}</li>" for p in partners)
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def profile_pdf(title: str, subtitle: str, *, draw_map: Callable, table: pd.DataFrame, notes: Sequence[str],
                partners: Sequence[str] = (), extra_tables: Sequence[tuple[str, pd.DataFrame]] = ()) -> bytes:
    """One letter-size PDF page: title, the map drawn by ``draw_map(ax)``, tables as text, notes, partners.

    ``draw_map`` is a function that draws the map on the matplotlib axes it is given (so the same
    drawing code serves the notebook figure and the printed page). Returns the PDF's bytes.
    """
    import matplotlib.pyplot as plt

    _check_page(title, subtitle, table, extra_tables)
    notes, partners = _texts(notes, "notes"), _texts(partners, "partners")
    if not callable(draw_map):
        raise ArgumentError("draw_map must be a function that draws the map on the axes it is given.",
                            hint="e.g. draw_map=lambda ax: draw_tracts(ax, data).")
    fig = plt.figure(figsize=(8.5, 11))
    fig.text(0.06, 0.965, title, fontsize=16, weight="bold", va="top", parse_math=False)
    fig.text(0.06, 0.938, subtitle, fontsize=10, va="top", parse_math=False)
    draw_map(fig.add_axes((0.06, 0.50, 0.88, 0.37)))
    y = 0.48

    def write(text: str, size: float = 8, bold: bool = False, width: int = 118) -> None:
        nonlocal y
        for line in textwrap.wrap(text, width, subsequent_indent="   ") or [""]:
            fig.text(0.06, y, line, fontsize=size, weight="bold" if bold else "normal", va="top",
                     parse_math=False)  # "$" is money here, not the start of a formula
            y -= size * 1.4 / 72 / 11  # one line, as a fraction of the 11-inch page

    sections = [("The numbers", table)] + list(extra_tables)
    for heading, frame in sections:
        write(heading, size=10, bold=True)
        for _, row in frame.iterrows():
            write(" | ".join("–" if pd.isna(v) else str(v) for v in row.to_numpy()))
        y -= 0.008
    for heading, items in (("Notes", notes), ("Data partners to contact", partners)):
        if items:
            write(heading, size=10, bold=True)
            for item in items:
                write("- " + item)
            y -= 0.008
    data = figure_pdf(fig)
    plt.close(fig)
    return data


