"""Data Walk posters: one letter-size PDF page per station, plus a facilitator cover sheet.

A Data Walk (Urban Institute) has small groups walk between 5-7 poster stations, each with a map
and 2-3 questions to talk about, then a debrief. :func:`make_posters` builds the posters for a
place from its bundled data: each has a large title, the map (classes, hatching of unreliable
estimates, grey for no estimate, library outlets), discussion prompts, a reliability note computed
from the data and the source line. Text is sized to be read from a metre away (title 40 pt,
prompts 20 pt).

From a terminal:
    $ civicdata posters --out posters.pdf
    $ civicdata posters --place allegheny-pa --topics income no-internet --out pittsburgh.pdf

The stations themselves (what each maps and asks) are in :mod:`civicdata.maps.poster_topics`; this
module lays out the pages.

Example:
    >>> fit_lines("Households with no internet", 40, 7.4, weight="bold")
    ['Households with no', 'internet']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from civicdata.core.errors import DataNotAvailableError, VariableNotFoundError
from civicdata.core.files import save_new_file
from civicdata.maps.poster_topics import STANDARD_ORDER, TOPICS, Topic, default_topics, prompts_for

LETTER = (8.5, 11.0)  # inches: US letter, portrait
TITLE_PT = 40
PROMPT_PT = 20


def _load(slug: str):
    """Tracts (cleaned of annotation codes) joined to boundaries, the county row, libraries, meta."""
    from civicdata.data.cleaning import clean_values
    from civicdata.data.libraries import load_libraries
    from civicdata.data.places import load_boundaries, load_place

    place = load_place(slug)
    tracts, _ = clean_values(place.tracts)
    gdf = load_boundaries(slug).merge(tracts.drop(columns=["NAME"], errors="ignore"), on="GEOID", how="left")
    gdf.attrs["vintage"] = place.meta.get("vintage")
    county = place.summary[place.summary["geography"] == "county"]
    county = clean_values(county)[0] if len(county) else county
    try:
        libraries = load_libraries(slug=slug) if len(place.libraries) else None
    except (KeyError, ValueError):
        libraries = None
    return gdf, county, libraries, place.meta


def _region_line(topic: Topic, county: pd.DataFrame, has_moe: bool, fmt) -> str | None:
    if county is None or not len(county):
        return None
    try:
        est, moe = topic.compute(county.reset_index(drop=True), has_moe)
    except VariableNotFoundError:
        return None
    value = est.iloc[0]
    if pd.isna(value):
        return None
    name = str(county["NAME"].iloc[0]) if "NAME" in county.columns else "Whole area"
    text = fmt(value)
    if moe is not None and not pd.isna(moe.iloc[0]):
        text += f" ± {fmt(moe.iloc[0])}"
    return f"{name}, all tracts together: {text}"


def _text_width_pt(text: str, size: float, weight: str = "normal") -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    props = FontProperties(size=size, weight=weight)
    return TextToPath().get_text_width_height_descent(text, props, ismath=False)[0]


def fit_lines(text: str, size: float, width_in: float, weight: str = "normal") -> list[str]:
    """Break ``text`` into lines that fit ``width_in`` inches at ``size`` points (measured, not guessed).

    >>> fit_lines("Median household income", 40, 7.4, weight="bold")
    ['Median household', 'income']
    """
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width_pt(f"{lines[-1]} {word}", size, weight) <= width_in * 72:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


class _Flow:
    """Places text blocks top-down on a letter page, in inches from the top edge."""

    def __init__(self, fig, left_in: float = 0.55, right_in: float = 0.55, top_in: float = 0.45):
        self.fig, self.left, self.y = fig, left_in, top_in
        self.width = LETTER[0] - left_in - right_in

    def text(self, text: str, size: float, weight: str = "normal", color: str = "#111111",
             indent_in: float = 0.0, spacing: float = 1.18, after_in: float = 0.0) -> float:
        """Write wrapped ``text``; return the y (inches from top) where it started."""
        from civicdata.maps.static_maps import plain

        lines = fit_lines(text, size, self.width - indent_in, weight)
        top = self.y
        self.fig.text((self.left + indent_in) / LETTER[0], 1 - top / LETTER[1], plain("\n".join(lines)),
                      fontsize=size, fontweight=weight, color=color, va="top", linespacing=spacing)
        self.y += len(lines) * size * spacing / 72 + after_in
        return top


def _poster_page(topic: Topic, number: int, gdf, county, libraries, meta: dict, scheme: str, k: int):
    from matplotlib.figure import Figure

    from civicdata.maps.map_data import map_data, source_line
    from civicdata.maps.static_maps import draw_map, plain

    has_moe = bool(meta.get("has_moe", True))
    frame = gdf.copy()
    # Named after the table, so median income keeps its "$250,000+" top code in legend and notes.
    column = f"{topic.tables[0]}_value"
    frame[column], moe = topic.compute(frame, has_moe)
    if moe is not None:
        frame["_moe"] = moe
    vintage = meta.get("vintage")
    source = source_line(topic.tables[0], vintage)
    data = map_data(frame, column, "_moe" if moe is not None else None, scheme=scheme, k=k,
                    label=topic.title, title=topic.title, source=source, fmt=topic.fmt)

    fig = Figure(figsize=LETTER)
    flow = _Flow(fig)
    flow.text(f"STATION {number}", 18, "bold", color="#555555", after_in=0.08)
    flow.text(topic.title, TITLE_PT, "bold", spacing=1.05, after_in=0.1)
    place_name = meta.get("name", meta.get("slug", ""))
    flow.text(f"{topic.description}. {place_name}, ACS {vintage} 5-year estimates, by census tract.", 13,
              color="#222222", after_in=0.1)

    # The bottom block (notes and source) is anchored to the page foot; prompts sit above it.
    region = _region_line(topic, county, has_moe, data.fmt)
    notes = [region] if region else []
    notes.append(data.reliability_note())
    foot = _Flow(fig)
    foot.y = LETTER[1] - 1.05
    for note in notes:
        foot.text(note, 10.5, color="#222222", spacing=1.2, after_in=0.03)
    foot.text(source + ". Libraries: IMLS Public Libraries Survey FY2019.", 10.5, color="#222222", spacing=1.2)

    prompts = prompts_for(topic, has_moe)
    prompt_lines = [fit_lines(p, PROMPT_PT, flow.width - 0.4) for p in prompts]
    prompts_height = 0.5 + sum(len(lines) * PROMPT_PT * 1.15 / 72 + 0.14 for lines in prompt_lines)
    prompts_top = LETTER[1] - 1.15 - prompts_height
    map_top, map_bottom = flow.y, prompts_top - 0.1
    ax = fig.add_axes((0.02, 1 - map_bottom / LETTER[1], 0.59, (map_bottom - map_top) / LETTER[1]))
    handles = draw_map(ax, data, points=libraries, point_name="Public library")
    fig.legend(handles=handles, title=plain("Legend (tracts)"), loc="upper left",
               bbox_to_anchor=(0.615, 1 - map_top / LETTER[1]), fontsize=11.5, title_fontsize=13,
               frameon=False, handlelength=1.6, labelspacing=0.5, alignment="left")

    flow.y = prompts_top
    flow.text("Talk about it", 26, "bold", after_in=0.12)
    for i, prompt in enumerate(prompts, start=1):
        top = flow.y
        fig.text(flow.left / LETTER[0], 1 - top / LETTER[1], f"{i}.", fontsize=PROMPT_PT, fontweight="bold",
                 va="top")
        flow.text(prompt, PROMPT_PT, indent_in=0.4, spacing=1.15, after_in=0.14)
    return fig, data


def _cover_page(meta: dict, stations: list[tuple[int, Topic, object]], has_moe: bool):
    from matplotlib.figure import Figure

    fig = Figure(figsize=LETTER)
    flow = _Flow(fig, top_in=0.6)
    place_name = meta.get("name", meta.get("slug", ""))
    flow.text("Data Walk", TITLE_PT, "bold", after_in=0.1)
    flow.text(place_name, 22, after_in=0.08)
    flow.text(f"Facilitator sheet · ACS {meta.get('vintage')} 5-year estimates · {len(stations)} stations",
              14, color="#333333", after_in=0.35)
    flow.text("Stations", 20, "bold", after_in=0.12)
    for number, topic, data in stations:
        extra = (f"{data.n_unreliable} of {len(data.tracts)} tracts unreliable (hatched), "
                 f"{data.n_missing} without estimate" if has_moe
                 else f"{data.n_missing} of {len(data.tracts)} tracts without estimate; no margins of error")
        top = flow.y
        fig.text(flow.left / LETTER[0], 1 - top / LETTER[1], f"{number}.", fontsize=16, fontweight="bold",
                 va="top")
        flow.text(topic.title, 16, "bold", indent_in=0.45, after_in=0.03)
        flow.text(f"Table {', '.join(topic.tables)} · {extra}", 12, color="#333333", indent_in=0.45,
                  after_in=0.16)
    steps = [
        "Hang the posters around the room. Groups of 3-5 people spend about 10 minutes at each station.",
        "At each station, read the title and the legend first, then talk through the prompts.",
        "Point out hatched tracts: their estimates are unreliable (CV over 40%). Gray tracts have no estimate.",
        "Ask each group to write questions and local knowledge on sticky notes on the poster.",
        "Debrief together (15-20 minutes): what surprised you, what is missing, what should we do next?",
    ]
    if not has_moe:
        steps[2] = ("These data have no margins of error, so reliability cannot be judged: say so at every "
                    "station. Gray tracts have no estimate.")
    flow.y += 0.2
    flow.text("How to run it (75-90 minutes)", 20, "bold", after_in=0.12)
    for step in steps:
        top = flow.y
        fig.text(flow.left / LETTER[0], 1 - top / LETTER[1], "•", fontsize=14, va="top")
        flow.text(step, 14, indent_in=0.3, spacing=1.2, after_in=0.08)
    fig.text(flow.left / LETTER[0], 0.03, "Source: U.S. Census Bureau, American Community Survey 5-year "
             "estimates; IMLS Public Libraries Survey FY2019.", fontsize=10, va="bottom", color="#333333")
    return fig


def make_posters(place: str | None = None, topics: list[str] | None = None, out: str | Path = "posters.pdf",
                 *, scheme: str = "quantiles", k: int = 5, overwrite: bool = False) -> Path:
    """Write a multi-page PDF: a facilitator cover sheet, then one poster per station.

    ``place`` is a place slug (default: the configured place); ``topics`` are keys of
    :data:`TOPICS` (default: :func:`default_topics` of the place). Letter size, portrait.
    A different file already at ``out`` is never replaced unless ``overwrite=True``: the posters go
    to the next free name (``posters-2.pdf``...). Returns the path written.

    Example:
        >>> make_posters(out="posters.pdf")          # doctest: +SKIP
        PosixPath('posters.pdf')
    """
    import io

    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from civicdata.core import settings

    slug = place or settings.current_place()
    topics = list(topics) if topics else default_topics(slug)
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        raise VariableNotFoundError(f"Unknown poster topic(s): {', '.join(unknown)}.",
                                    hint=f"Choose from: {', '.join(STANDARD_ORDER)}.")
    if not topics:
        raise DataNotAvailableError(f"The place {slug!r} has none of the tables the standard posters use.",
                                    hint=f"Pass topics= from: {', '.join(STANDARD_ORDER)}.")
    gdf, county, libraries, meta = _load(slug)
    tables = set(meta.get("tables", []))
    for key in topics:
        missing = set(TOPICS[key].tables) - tables
        if missing:
            raise DataNotAvailableError(
                f"The place {slug!r} has no table {', '.join(sorted(missing))}, needed for the poster {key!r}.",
                hint=f"Its posters can use: {', '.join(default_topics(slug)) or 'none of the standard topics'}.")
    has_moe = bool(meta.get("has_moe", True))

    out = Path(out)
    pages = [(_poster_page(TOPICS[key], n, gdf, county, libraries, meta, scheme, k), key)
             for n, key in enumerate(topics, start=1)]
    stations = [(n, TOPICS[key], data) for n, ((_, data), key) in enumerate(pages, start=1)]
    cover = _cover_page(meta, stations, has_moe)
    buffer = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}):  # real fonts: text can be searched and copied
        with PdfPages(buffer, metadata={"Creator": None, "Producer": None, "CreationDate": None,
                                        "Title": f"Data Walk posters: {meta.get('name', slug)}"}) as pdf:
            pdf.savefig(cover)
            for (fig, _), _key in pages:
                pdf.savefig(fig)
    for fig in [cover] + [fig for (fig, _), _key in pages]:
        plt.close(fig)
    if overwrite:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(buffer.getvalue())
        return out
    return save_new_file(buffer.getvalue(), out)
