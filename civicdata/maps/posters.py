"""Data Walk posters: one letter-size PDF page per station, plus a facilitator cover sheet.

A Data Walk (Urban Institute) has small groups walk between poster stations, each with a map and
2-3 questions to talk about, then a debrief. :func:`make_posters` builds the posters for a place from
its bundled data: each has a large title, the map (classes, hatching of very uncertain estimates, gray
for no estimate, library outlets as hollow rings), a legend, discussion prompts, the figure for the
whole area with its margin of error, a note on reliability in plain words and the source line.

Sizes are chosen to be read from six feet away on US letter paper: title 32-40 pt, legend and
prompts 18 pt, notes and source 14 pt (``tests/test_posters.py`` reads them back from the PDF). The
map is as large as the page allows: as wide as the text column when the place's shape lets it, else as
tall as the space between the title and the legend, centered. It is stored as one 300 dpi image, so
the file stays light and the map's size can be checked in the PDF.

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

from civicdata.core.errors import ArgumentError, DataNotAvailableError, VariableNotFoundError
from civicdata.core.files import check_output_path, save_new_file, write_file
from civicdata.maps.poster_topics import STANDARD_ORDER, TOPICS, Topic, default_topics, prompts_for

LETTER = (8.5, 11.0)  # inches: US letter, portrait
TITLE_PT = 40  # the largest title size; a long title shrinks to fit one line, down to TITLE_MIN_PT
TITLE_MIN_PT = 32
PROMPT_PT = 18
LEGEND_PT = 18
NOTE_PT = 14
MAP_DPI = 300  # the map image's resolution in the PDF
SIDE_IN, TOP_IN, BOTTOM_IN = 0.35, 0.4, 0.35  # page margins, inches (printers leave about 0.25)


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


#: Why a figure for the whole area can lack a margin of error, in plain words.
NO_MOE_DATA = "no margin of error: these data come without them"
CONTROLLED_TOTAL = "its total is fixed to official population estimates, so it has no margin of error"


def _region_line(topic: Topic, county: pd.DataFrame, has_moe: bool, fmt) -> str | None:
    """The figure for the whole area (the county row), always with its margin of error or the reason it
    has none. Published county rows leave the margin of error of controlled totals (total population,
    for example) empty; such a total has no sampling error, so its margin of error counts as zero."""
    if county is None or not len(county):
        return None
    row = county.reset_index(drop=True)
    name = str(row["NAME"].iloc[0]) if "NAME" in row.columns else "The whole area"
    try:
        est, moe = topic.compute(row, has_moe)
    except VariableNotFoundError:
        return None
    value = est.iloc[0]
    if pd.isna(value):
        if topic.tables[0] == "B19013":
            return f"{name}: no figure for the whole area in these data (a median cannot be added up from tracts)."
        return None
    text = f"{name}, the whole area: {fmt(value)}"
    if not has_moe:
        return f"{text} ({NO_MOE_DATA})."
    if moe is not None and not pd.isna(moe.iloc[0]):
        return f"{text} ± {fmt(moe.iloc[0])}."
    moe_columns = [c for c in row.columns if str(c).endswith("M")]
    _, filled = topic.compute(row.fillna({c: 0.0 for c in moe_columns}), has_moe)
    if filled is not None and not pd.isna(filled.iloc[0]):
        return f"{text} ± {fmt(filled.iloc[0])} ({CONTROLLED_TOTAL})."
    return f"{text} (no margin of error was published for it)."


def plain_reliability_note(data) -> str:
    """The poster's note on reliability, in plain words (no "coefficient of variation"). The legend gives
    the counts of hatched and gray tracts.

    >>> from types import SimpleNamespace
    >>> print(plain_reliability_note(SimpleNamespace(has_moe=True)))
    Hatched tracts have a very uncertain estimate (its margin of error is large next to it), so their color \
may be wrong. Gray tracts have no estimate. Margins of error are at 90% confidence.
    """
    if not data.has_moe:
        return ("These estimates come without margins of error, so nobody can tell how uncertain each one is. "
                "Gray tracts have no estimate.")
    return ("Hatched tracts have a very uncertain estimate (its margin of error is large next to it), so their "
            "color may be wrong. Gray tracts have no estimate. Margins of error are at 90% confidence.")


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


def title_size(text: str, width_in: float) -> float:
    """The largest size from TITLE_PT down to TITLE_MIN_PT at which ``text`` fits one line (else the
    smallest, and the title wraps).

    >>> title_size("Residents born abroad", 7.6), title_size("Renters who are cost-burdened", 7.6)
    (40, 32)
    """
    for size in range(TITLE_PT, TITLE_MIN_PT - 1, -1):
        if _text_width_pt(text, size, "bold") <= width_in * 72:
            return size
    return TITLE_MIN_PT


def _block_height(texts: list[str], size: float, width_in: float, spacing: float, gap_in: float) -> float:
    """Inches taken by wrapped paragraphs of ``texts`` at ``size`` points, with ``gap_in`` after each."""
    return sum(len(fit_lines(t, size, width_in)) * size * spacing / 72 + gap_in for t in texts)


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


def _legend_size_in(fig, handles, ncols: int) -> tuple[float, float]:
    """Width and height (inches) the poster legend takes with ``ncols`` columns, measured by drawing it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    legend = fig.legend(handles=handles, **_legend_style(ncols))
    renderer = FigureCanvasAgg(fig).get_renderer()
    box = legend.get_window_extent(renderer)
    legend.remove()
    return box.width / fig.dpi, box.height / fig.dpi


def _legend_style(ncols: int) -> dict:
    return dict(loc="upper center", ncols=ncols, fontsize=LEGEND_PT, frameon=False, handlelength=1.2,
                handleheight=0.9, labelspacing=0.35, columnspacing=1.2, borderpad=0.1, borderaxespad=0)


def _map_aspect(data) -> float:
    """Width / height of the map as draw_map draws it (local UTM, 2% padding on every side)."""
    tracts = data.tracts.to_crs(data.tracts.geometry.estimate_utm_crs())
    minx, miny, maxx, maxy = tracts.total_bounds
    pad = 0.02 * max(maxx - minx, maxy - miny)
    return (maxx - minx + 2 * pad) / (maxy - miny + 2 * pad)


def _poster_page(topic: Topic, number: int, gdf, county, libraries, meta: dict, scheme: str, k: int):
    from matplotlib.figure import Figure

    from civicdata.maps.map_data import map_data, source_line
    from civicdata.maps.static_maps import UNRELIABLE_PLAIN, draw_map

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
    flow = _Flow(fig, left_in=SIDE_IN, right_in=SIDE_IN, top_in=TOP_IN)
    width = flow.width

    # Top: station, title (one line when it fits), what is mapped.
    flow.text(f"STATION {number}", 18, "bold", color="#555555", after_in=0.04)
    flow.text(topic.title, title_size(topic.title, width), "bold", spacing=1.05, after_in=0.08)
    place_name = meta.get("name", meta.get("slug", ""))
    flow.text(f"{topic.description}. {place_name}, ACS {vintage} 5-year estimates, by census tract.", NOTE_PT,
              color="#222222", spacing=1.15, after_in=0.12)
    band_top = flow.y

    # Bottom, from the page foot up: the reliability note and the source, then the prompts.
    notes = [plain_reliability_note(data), source + ". Libraries: IMLS Public Libraries Survey FY2019."]
    prompts = prompts_for(topic, has_moe)
    prompts_height = 26 * 1.18 / 72 + 0.1 + _block_height(prompts, PROMPT_PT, width - 0.4, 1.15, 0.1)
    region = _region_line(topic, county, has_moe, data.fmt)

    # The legend goes beside the map (one column, with the figure for the whole area under it) or below it
    # (several columns), whichever leaves the larger map: beside suits a tall or square place, below a wide one.
    probe = fig.add_axes((0, 0, 0.01, 0.01))
    handles = draw_map(probe, data, points=libraries, point_name="Public library",
                       unreliable_label=UNRELIABLE_PLAIN, class_counts=False)
    probe.remove()
    aspect, gap = _map_aspect(data), 0.15
    side_w, side_h = _legend_size_in(fig, handles, 1)
    below_cols = 3 if _legend_size_in(fig, handles, 3)[0] <= width else 2
    below_w, below_h = _legend_size_in(fig, handles, below_cols)

    def band_for(foot_notes: list[str]) -> tuple[float, float]:
        notes_top = LETTER[1] - BOTTOM_IN - _block_height(foot_notes, NOTE_PT, width, 1.18, 0.05)
        return notes_top, notes_top - 0.12 - prompts_height - 0.12 - band_top

    # Three arrangements, the largest map wins: legend beside with the whole-area figure under it; legend
    # beside with that figure among the notes; legend below, figure among the notes.
    region_side = [region] if region else []
    region_h = _block_height(region_side, NOTE_PT, side_w, 1.18, 0.0) + (gap if region else 0)
    options = []
    for arrangement, foot in (("beside", notes), ("beside, figure below", region_side + notes),
                              ("below", region_side + notes)):
        foot_top, band = band_for(foot)
        if arrangement == "below":
            size = min(width, (band - below_h - gap) * aspect) if below_w <= width else 0
        else:
            column_h = side_h + (region_h if arrangement == "beside" else 0)
            size = min(width - side_w - gap, band * aspect) if column_h <= band else 0
        options.append((size, -len(options), arrangement, foot, foot_top))
    map_w, _, arrangement, notes, notes_top = max(options)
    beside = arrangement.startswith("beside")
    region_beside = arrangement == "beside" and region is not None
    map_h = map_w / aspect
    column_h = side_h + (region_h if region_beside else 0) if beside else 0
    used = max(map_h, column_h) if beside else map_h + gap + below_h
    spare = max(0.0, notes_top - 0.12 - prompts_height - 0.12 - band_top - used)
    band_top += spare / 3  # room the map cannot use (its shape limits it) is shared out between the blocks
    map_left = (LETTER[0] - (map_w + gap + side_w if beside else map_w)) / 2  # centered (with its legend)
    ax = fig.add_axes((map_left / LETTER[0], 1 - (band_top + map_h) / LETTER[1], map_w / LETTER[0],
                       map_h / LETTER[1]))
    handles = draw_map(ax, data, points=libraries, point_name="Public library", unreliable_label=UNRELIABLE_PLAIN,
                       rasterized=True, class_counts=False)
    if beside:
        legend_left = map_left + map_w + gap
        fig.legend(handles=handles, bbox_to_anchor=(legend_left / LETTER[0], 1 - band_top / LETTER[1]),
                   **dict(_legend_style(1), loc="upper left"))
        if region_beside:
            column = _Flow(fig, left_in=legend_left, right_in=LETTER[0] - legend_left - side_w,
                           top_in=band_top + side_h + gap)
            column.text(region, NOTE_PT, color="#222222", spacing=1.18)
    else:
        fig.legend(handles=handles, bbox_to_anchor=(0.5, 1 - (band_top + map_h + gap) / LETTER[1]),
                   **_legend_style(below_cols))
    prompts_top = band_top + used + 0.12 + spare / 3

    flow.y = prompts_top
    flow.text("Talk about it", 26, "bold", after_in=0.1)
    for i, prompt in enumerate(prompts, start=1):
        top = flow.y
        fig.text(flow.left / LETTER[0], 1 - top / LETTER[1], f"{i}.", fontsize=PROMPT_PT, fontweight="bold",
                 va="top")
        flow.text(prompt, PROMPT_PT, indent_in=0.4, spacing=1.15, after_in=0.1)

    foot = _Flow(fig, left_in=SIDE_IN, right_in=SIDE_IN, top_in=notes_top)
    for note in notes:
        foot.text(note, NOTE_PT, color="#222222", spacing=1.18, after_in=0.05)
    fig.poster_layout = {"map_width_in": float(map_w), "map_height_in": float(map_h),
                         "arrangement": arrangement}  # for tests and the benchmark
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

    out = check_output_path(out)  # before any drawing: a folder, a missing folder, a read-only or full disk
    if place is not None and not isinstance(place, str):
        raise ArgumentError(f"place must be a place folder name such as 'allegheny-pa', not {place!r}.",
                            hint="See list_places() for the names.")
    topics = [topics] if isinstance(topics, str) else topics
    if topics is not None and not isinstance(topics, (list, tuple)):
        raise ArgumentError(f"topics must be a list of topic names, not {topics!r}.",
                            hint=f"e.g. topics=['income', 'no-internet']; choose from: {', '.join(STANDARD_ORDER)}.")
    slug = place or settings.current_place()
    topics = list(topics) if topics else default_topics(slug)
    unknown = [str(t) for t in topics if not isinstance(t, str) or t not in TOPICS]
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
                pdf.savefig(fig, dpi=MAP_DPI)  # the resolution of the map image; text stays text
    for fig in [cover] + [fig for (fig, _), _key in pages]:
        plt.close(fig)
    if overwrite:
        return write_file(buffer.getvalue(), out)
    return save_new_file(buffer.getvalue(), out)
