"""Data Walk posters: a facilitator cover sheet and one letter-size poster per station, plus station cards.

A Data Walk (Urban Institute) has small groups walk between poster stations, each with data to look at
and 2-3 questions to talk about, then a debrief. :func:`make_posters` builds the set for a place from its
bundled data, as two PDF files:

- **the posters** (``posters.pdf``): a cover sheet for the facilitator, then one poster per station with
  nothing but the data: a large title, what is mapped with the figure for the whole area and its margin
  of error (or the reason it has none), the tract map as wide as the page (classes, hatching of very
  uncertain estimates, gray for no estimate, library outlets as hollow rings), the legend as a strip of
  colored boxes under the map, a note on reliability in plain words and the source line;
- **the station cards** (``posters-station-cards.pdf``): one page per station, to stand or hang beside
  its poster: the station number and title again, the 2-3 discussion prompts in large type, and ruled
  space for a group's notes.

The prompts moved from the posters to the cards so that the map could take the page's whole printable
width: at sizes read from six feet away (title 32-40 pt, legend 18 pt, notes and source 14 pt), a
letter page cannot hold a page-wide map *and* three prompts. The map is drawn as vectors, so it stays
sharp when a print shop enlarges the page. ``tests/test_posters.py`` reads the type sizes and the map's
width back from the PDF.

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

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from civicdata.core.errors import ArgumentError, DataNotAvailableError, VariableNotFoundError
from civicdata.core.files import check_output_path, save_new_file, write_file
from civicdata.maps.poster_topics import STANDARD_ORDER, TOPICS, Topic, default_topics, prompts_for

LETTER = (8.5, 11.0)  # inches: US letter, portrait
TITLE_PT = 40  # the largest title size; a long title shrinks to fit one line, down to TITLE_MIN_PT
TITLE_MIN_PT = 32
STATION_PT = 18  # "STATION 3" above the title
LEGEND_PT = 18
NOTE_PT = 14
CARD_PROMPT_PT = 24  # the prompts on a station card
SIDE_IN, TOP_IN, BOTTOM_IN = 0.28, 0.3, 0.32  # page margins, inches (printers leave about 0.25)
#: The printable width of a poster: the map spans it whenever the place's shape leaves the height for it.
PRINT_WIDTH_IN = LETTER[0] - 2 * SIDE_IN
GAP_IN = 0.1  # between the blocks of a poster
MAP_PAD = 0.01  # the margin around the tracts, as a share of the map's longer side (room for a library ring)
SIMPLIFY_PT = 0.5  # tract outlines are simplified to this precision on paper (0.007 inch), shared borders kept
LIBRARY_SOURCE = "Libraries: IMLS Public Libraries Survey FY2019."
#: The four questions that open any station (lesson 10 and workshop/data-walk.md), printed on each card.
OPEN_QUESTIONS = ("What surprises you?", "Does it match your experience?", "Who is missing?",
                  "What would you ask next?")


def station_cards_path(posters: str | Path) -> Path:
    """Where :func:`make_posters` writes the station cards of the posters at ``posters``: beside them.

    >>> station_cards_path("my-work/data-walk-posters.pdf").as_posix()
    'my-work/data-walk-posters-station-cards.pdf'
    """
    posters = Path(posters)
    return posters.with_name(f"{posters.stem}-station-cards{posters.suffix}")


@dataclass
class PosterPlace:
    """What every poster of a set shares, prepared once: the tracts joined to the data and projected
    to their local UTM zone (meters), the library outlets in the same projection, the county row and
    the place's facts (``meta``). Drawing several maps of the same tracts then costs no re-projection."""

    tracts: object  # GeoDataFrame
    county: pd.DataFrame
    libraries: object | None  # GeoDataFrame of points, or None
    meta: dict
    crs: object

    @property
    def aspect(self) -> float:
        """Width / height of the map as draw_map draws it (with MAP_PAD on every side)."""
        minx, miny, maxx, maxy = self.tracts.total_bounds
        pad = MAP_PAD * max(maxx - minx, maxy - miny)
        return (maxx - minx + 2 * pad) / (maxy - miny + 2 * pad)

    @property
    def has_moe(self) -> bool:
        return bool(self.meta.get("has_moe", True))

    @property
    def name(self) -> str:
        return str(self.meta.get("name", self.meta.get("slug", "")))


def load_poster_place(slug: str, tables: set[str] | None = None) -> PosterPlace:
    """Tracts (cleaned of annotation codes) joined to boundaries and projected, the county row,
    libraries and the place's facts, read once for a whole poster set. With ``tables``, only the
    columns of those ACS tables are kept and cleaned (a place folder holds hundreds)."""
    from civicdata.data.cleaning import clean_values
    from civicdata.data.libraries import load_libraries
    from civicdata.data.places import load_boundaries, load_place

    place = load_place(slug)

    def wanted(frame: pd.DataFrame) -> pd.DataFrame:
        if tables is None:
            return frame
        return frame[[c for c in frame.columns if c in ("GEOID", "NAME") or str(c).split("_")[0] in tables]]

    tracts, _ = clean_values(wanted(place.tracts))
    gdf = load_boundaries(slug).merge(tracts.drop(columns=["NAME"], errors="ignore"), on="GEOID", how="left")
    gdf.attrs["vintage"] = place.meta.get("vintage")
    crs = gdf.geometry.estimate_utm_crs()
    gdf = gdf.to_crs(crs)
    # Detail finer than half a point on paper cannot be printed: drop it, keeping shared borders shared.
    minx, miny, maxx, maxy = gdf.total_bounds
    meters_per_point = max(maxx - minx, maxy - miny) / (PRINT_WIDTH_IN * 72)
    gdf["geometry"] = gdf.geometry.simplify_coverage(SIMPLIFY_PT * meters_per_point)
    county = place.summary[place.summary["geography"] == "county"]
    county = clean_values(wanted(county))[0] if len(county) else county
    try:
        libraries = load_libraries(slug=slug).to_crs(crs) if len(place.libraries) else None
    except (KeyError, ValueError):
        libraries = None
    return PosterPlace(gdf, county, libraries, place.meta, crs)


#: Why a figure for the whole area can lack a margin of error, in plain words.
NO_MOE_DATA = "no margin of error in these data"
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
    """The poster's note on reliability, in plain words (no "coefficient of variation"), with how many
    tracts are hatched. The legend says what gray means.

    >>> from types import SimpleNamespace
    >>> print(plain_reliability_note(SimpleNamespace(has_moe=True, n_unreliable=6, tracts=[0] * 249)))
    Hatched tracts (6 of 249) have a very uncertain estimate: its margin of error (at 90% confidence) is \
large next to it, so its color may be wrong.
    """
    if not data.has_moe:
        return "These estimates come without margins of error, so nobody can tell how uncertain each one is."
    return (f"Hatched tracts ({data.n_unreliable} of {len(data.tracts)}) have a very uncertain estimate: its margin "
            "of error (at 90% confidence) is large next to it, so its color may be wrong.")


@lru_cache(maxsize=1)
def _text_to_path():
    from matplotlib.textpath import TextToPath

    return TextToPath()


@lru_cache(maxsize=4096)
def _text_width_pt(text: str, size: float, weight: str = "normal") -> float:
    """The width of ``text`` in points, measured with matplotlib's font (remembered: posters, cards and
    the cover sheet measure the same words many times)."""
    from matplotlib.font_manager import FontProperties

    props = FontProperties(size=size, weight=weight)
    return _text_to_path().get_text_width_height_descent(text, props, ismath=False)[0]


def fit_lines(text: str, size: float, width_in: float, weight: str = "normal") -> list[str]:
    """Break ``text`` into lines that fit ``width_in`` inches at ``size`` points (measured, not guessed):
    each line takes as many words as fit (at least one).

    The words' own widths give a first guess of where each line breaks; the guess is then checked, and
    moved a word at a time, by measuring the line itself. So only two or three lines are measured per
    line printed, with the same result as adding the words one by one.

    >>> fit_lines("Median household income", 40, 7.4, weight="bold")
    ['Median household', 'income']
    """
    words = text.split()
    limit = width_in * 72

    def fits(start: int, end: int) -> bool:
        return end - start <= 1 or _text_width_pt(" ".join(words[start:end]), size, weight) <= limit

    space = _text_width_pt("a a", size, weight) - 2 * _text_width_pt("a", size, weight)
    lines: list[str] = []
    start = 0
    while start < len(words):
        end, guess = start + 1, _text_width_pt(words[start], size, weight)
        while end < len(words) and guess + space + _text_width_pt(words[end], size, weight) <= limit:
            guess += space + _text_width_pt(words[end], size, weight)
            end += 1
        while not fits(start, end):
            end -= 1
        while end < len(words) and fits(start, end + 1):
            end += 1
        lines.append(" ".join(words[start:end]))
        start = end
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


# ----------------------------------------------------------------------------- the legend under the map


def _text_color_on(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG relative luminance).

    >>> _text_color_on("#fde725"), _text_color_on("#440154")
    ('black', 'white')
    """
    from matplotlib.colors import to_rgb

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(fill))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "white"


def _class_box_lines(label: str) -> list[str]:
    """A class label ("$15,833 – $55,170") as the two lines printed in its box."""
    low, sep, high = label.partition(" – ")
    return [f"{low} –", high] if sep else [label]


_BOX_GAP_IN = 0.0  # the boxes touch: one strip, low to high
_BOX_PAD_IN = 0.04
_BOX_SPACING = 1.1


def _class_boxes_height() -> float:
    return 2 * LEGEND_PT * _BOX_SPACING / 72 + 2 * _BOX_PAD_IN


def _draw_class_boxes(fig, data, left_in: float, top_in: float, width_in: float) -> float:
    """The classes as a strip of colored boxes, low to high, each with its range printed inside."""
    from matplotlib.patches import Rectangle

    from civicdata.maps.static_maps import plain

    labels, colors = data.classes.labels, data.classes.colors
    box_w = (width_in - (len(labels) - 1) * _BOX_GAP_IN) / len(labels)
    box_h = _class_boxes_height()
    for i, (label, color) in enumerate(zip(labels, colors, strict=True)):
        x = left_in + i * (box_w + _BOX_GAP_IN)
        fig.add_artist(Rectangle((x / LETTER[0], 1 - (top_in + box_h) / LETTER[1]), box_w / LETTER[0],
                                 box_h / LETTER[1], transform=fig.transFigure, facecolor=color,
                                 edgecolor="#444444", linewidth=0.6))
        fig.text((x + box_w / 2) / LETTER[0], 1 - (top_in + box_h / 2) / LETTER[1],
                 plain("\n".join(_class_box_lines(label))), fontsize=LEGEND_PT, ha="center", va="center",
                 color=_text_color_on(color), linespacing=_BOX_SPACING, multialignment="center")
    return box_h


def _legend_style(ncols: int) -> dict:
    return dict(loc="upper center", ncols=ncols, fontsize=LEGEND_PT, frameon=False, handlelength=1.3,
                handleheight=1.0, handletextpad=0.4, labelspacing=0.35, columnspacing=0.8, borderpad=0.1,
                borderaxespad=0)


@lru_cache(maxsize=1)
def _scratch():
    """A figure with a canvas, only to measure legends on (never the poster itself: a canvas on the
    poster would make geopandas redraw the whole page after every layer it adds)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    scratch = Figure(figsize=LETTER)
    return scratch, FigureCanvasAgg(scratch).get_renderer()


_legend_sizes: dict[tuple, tuple[float, float]] = {}


def _legend_size_in(handles, ncols: int) -> tuple[float, float]:
    """Width and height (inches) a legend of ``handles`` takes in ``ncols`` columns, measured by drawing
    it (remembered by its labels: the marks of every poster in a set are the same)."""
    key = (tuple(handle.get_label() for handle in handles), tuple(type(h).__name__ for h in handles), ncols)
    if key not in _legend_sizes:
        scratch, renderer = _scratch()
        legend = scratch.legend(handles=handles, **_legend_style(ncols))
        box = legend.get_window_extent(renderer)
        legend.remove()
        _legend_sizes[key] = (box.width / scratch.dpi, box.height / scratch.dpi)
    return _legend_sizes[key]


def _columns_that_fit(handles, width_in: float) -> tuple[int, float]:
    """The fewest rows (so the most columns) in which a legend of ``handles`` fits ``width_in``: the
    number of columns and the legend's height."""
    for rows in range(1, len(handles) + 1):
        ncols = -(-len(handles) // rows)
        width, height = _legend_size_in(handles, ncols)
        if width <= width_in or ncols == 1:
            return ncols, height
    raise AssertionError("unreachable")


@dataclass
class _Legend:
    """How a poster's legend sits under the map, in one of three arrangements:

    - ``"boxes, marks below"``: the classes as a strip of colored boxes across the page, low to high, each
      with its range inside; the other marks (hatched, gray, library) in a row under it;
    - ``"boxes, marks beside"``: the boxes only as wide as their labels need, the marks in a column to
      their right (chosen when it is lower, which leaves the map more height);
    - ``"columns"``: every entry in columns, when the class labels do not fit in boxes.
    """

    arrangement: str
    height: float
    boxes_width: float = 0.0
    ncols: int = 1
    marks_width: float = 0.0

    def draw(self, fig, data, handles, top_in: float) -> None:
        k = data.classes.k
        if self.arrangement == "columns":
            fig.legend(handles=handles, bbox_to_anchor=(0.5, 1 - top_in / LETTER[1]), **_legend_style(self.ncols))
        elif self.arrangement == "boxes, marks below":
            _draw_class_boxes(fig, data, SIDE_IN, top_in, self.boxes_width)
            top_in += _class_boxes_height() + 0.08
            fig.legend(handles=handles[k:], bbox_to_anchor=(0.5, 1 - top_in / LETTER[1]),
                       **_legend_style(self.ncols))
        else:
            left = SIDE_IN + (PRINT_WIDTH_IN - self.boxes_width - _MARKS_GAP_IN - self.marks_width) / 2
            _draw_class_boxes(fig, data, left, top_in + (self.height - _class_boxes_height()) / 2, self.boxes_width)
            marks_top = top_in + (self.height - _legend_size_in(handles[k:], 1)[1]) / 2
            fig.legend(handles=handles[k:], bbox_to_anchor=((left + self.boxes_width + _MARKS_GAP_IN) / LETTER[0],
                                                             1 - marks_top / LETTER[1]),
                       **dict(_legend_style(1), loc="upper left"))


_MARKS_GAP_IN = 0.3


def _plan_legend(data, handles) -> _Legend:
    """The arrangement of the legend that takes the least height (so the map gets the most)."""
    k = data.classes.k
    marks = handles[k:]
    widest = max(_text_width_pt(line, LEGEND_PT) for label in data.classes.labels
                 for line in _class_box_lines(label)) / 72
    options = []
    if k * (widest + 2 * _BOX_PAD_IN) <= PRINT_WIDTH_IN:
        ncols, rows_height = _columns_that_fit(marks, PRINT_WIDTH_IN)
        options.append(_Legend("boxes, marks below", _class_boxes_height() + 0.08 + rows_height, PRINT_WIDTH_IN,
                               ncols))
        boxes_width = k * (widest + 2 * _BOX_PAD_IN + 0.15)  # a little air around each label
        marks_width, marks_height = _legend_size_in(marks, 1)
        if boxes_width + _MARKS_GAP_IN + marks_width <= PRINT_WIDTH_IN:
            options.append(_Legend("boxes, marks beside", max(_class_boxes_height(), marks_height), boxes_width,
                                   1, marks_width))
    ncols, height = _columns_that_fit(handles, PRINT_WIDTH_IN)
    options.append(_Legend("columns", height, ncols=ncols))
    return min(options, key=lambda legend: legend.height)


# ----------------------------------------------------------------------------- pages


def _topic_map_data(topic: Topic, place: PosterPlace, scheme: str, k: int):
    from civicdata.maps.map_data import map_data, source_line

    frame = place.tracts.copy()
    # Named after the table, so median income keeps its "$250,000+" top code in legend and notes.
    column = f"{topic.tables[0]}_value"
    frame[column], moe = topic.compute(frame, place.has_moe)
    if moe is not None:
        frame["_moe"] = moe
    source = source_line(topic.tables[0], place.meta.get("vintage"))
    return map_data(frame, column, "_moe" if moe is not None else None, scheme=scheme, k=k,
                    label=topic.title, title=topic.title, source=source, fmt=topic.fmt)


def _header(fig, number: int, title: str) -> _Flow:
    flow = _Flow(fig, left_in=SIDE_IN, right_in=SIDE_IN, top_in=TOP_IN)
    flow.text(f"STATION {number}", STATION_PT, "bold", color="#555555", after_in=0.04)
    flow.text(title, title_size(title, flow.width), "bold", spacing=1.05, after_in=0.06)
    return flow


def _poster_page(topic: Topic, number: int, place: PosterPlace, scheme: str, k: int):
    """One station's poster: title, what is mapped and the whole area's figure, the map across the
    page's printable width (or as tall as the page allows, for a place taller than wide), the legend
    under it, the reliability note and the source."""
    from matplotlib.figure import Figure

    from civicdata.maps.static_maps import UNRELIABLE_PLAIN, draw_map

    data = _topic_map_data(topic, place, scheme, k)
    fig = Figure(figsize=LETTER)
    flow = _header(fig, number, topic.title)
    region = _region_line(topic, place.county, place.has_moe, data.fmt) or f"{place.name}."
    flow.text(f"{topic.description}, by census tract. {region}", NOTE_PT, color="#222222", spacing=1.15,
              after_in=GAP_IN)
    map_top = flow.y

    note = f"{plain_reliability_note(data)} {data.source}. {LIBRARY_SOURCE}"
    notes_top = LETTER[1] - BOTTOM_IN - _block_height([note], NOTE_PT, PRINT_WIDTH_IN, 1.18, 0.0)

    ax = fig.add_axes((0, 0, 1, 1))  # placed below, once its size is known
    handles = draw_map(ax, data, points=place.libraries, point_name="Public library",
                       unreliable_label=UNRELIABLE_PLAIN, counts=False, crs=place.crs, pad=MAP_PAD)
    legend = _plan_legend(data, handles)
    room = notes_top - GAP_IN - legend.height - 0.1 - map_top
    map_w = min(PRINT_WIDTH_IN, room * place.aspect)
    map_h = map_w / place.aspect
    spare = room - map_h  # height the map cannot use (its width is the page's): half above it, half below
    map_top += spare / 2
    ax.set_position(((LETTER[0] - map_w) / 2 / LETTER[0], 1 - (map_top + map_h) / LETTER[1],
                     map_w / LETTER[0], map_h / LETTER[1]))
    legend.draw(fig, data, handles, map_top + map_h + 0.1)

    _Flow(fig, left_in=SIDE_IN, right_in=SIDE_IN, top_in=notes_top).text(note, NOTE_PT, color="#222222")
    return fig, data


def _card_page(topic: Topic, number: int, place: PosterPlace):
    """One station's card, to set beside its poster: station and title, the prompts in large type, the
    four questions that open any station, and ruled room for the group's notes."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=LETTER)
    flow = _header(fig, number, topic.title)
    flow.text("Station card: set it beside the poster. Look at the map first, then talk.", NOTE_PT + 2,
              color="#333333", after_in=0.3)
    flow.text("Talk about it", 30, "bold", after_in=0.14)
    for i, prompt in enumerate(prompts_for(topic, place.has_moe), start=1):
        top = flow.y
        fig.text(flow.left / LETTER[0], 1 - top / LETTER[1], f"{i}.", fontsize=CARD_PROMPT_PT, fontweight="bold",
                 va="top")
        flow.text(prompt, CARD_PROMPT_PT, indent_in=0.5, spacing=1.15, after_in=0.16)
    flow.y += 0.08
    flow.text("Then, if there is time: " + " ".join(OPEN_QUESTIONS), LEGEND_PT, color="#222222", spacing=1.2,
              after_in=0.3)
    flow.text("Our notes", 20, "bold", after_in=0.05)
    foot = [f"Write what you notice and what you would ask, here or on sticky notes on the poster. No names. "
            f"Poster: {topic.title}, {place.name}, ACS {place.meta.get('vintage')} 5-year estimates, "
            f"table {', '.join(topic.tables)}."]
    foot_top = LETTER[1] - BOTTOM_IN - _block_height(foot, NOTE_PT, PRINT_WIDTH_IN, 1.18, 0.0)
    y = flow.y + 0.45
    while y <= foot_top - 0.2:
        fig.add_artist(Line2D([SIDE_IN / LETTER[0], 1 - SIDE_IN / LETTER[0]], [1 - y / LETTER[1]] * 2,
                              transform=fig.transFigure, color="#999999", linewidth=0.8))
        y += 0.45
    _Flow(fig, left_in=SIDE_IN, right_in=SIDE_IN, top_in=foot_top).text(foot[0], NOTE_PT, color="#333333")
    return fig


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


def _place_tables(slug: str) -> list[str]:
    from civicdata.data.places import load_place

    return list(load_place(slug).meta.get("tables", []))


def _pdf_bytes(figures: list) -> bytes:
    """The pages as one PDF: real fonts (text can be searched and copied), no time stamps."""
    import io

    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        with PdfPages(buffer, metadata={"Creator": None, "Producer": None, "CreationDate": None}) as pdf:
            for fig in figures:
                pdf.savefig(fig)
    return buffer.getvalue()


def _split_pdf(content: bytes, parts: list[tuple[int, str]]) -> list[bytes]:
    """Cut one PDF into consecutive files of ``(pages, title)`` each. Rendering posters and cards as one
    PDF and cutting it is quicker than two PDFs: each font is subset once (half a second a font)."""
    import io

    from pypdf import PdfReader, PdfWriter

    pages = PdfReader(io.BytesIO(content)).pages
    files, start = [], 0
    for count, title in parts:
        writer = PdfWriter()
        for page in pages[start:start + count]:
            writer.add_page(page)
        writer.metadata = {"/Title": title}  # and no producer or date: the same set gives the same bytes
        buffer = io.BytesIO()
        writer.write(buffer)
        files.append(buffer.getvalue())
        start += count
    return files


def _save(content: bytes, path: Path, overwrite: bool) -> Path:
    if overwrite:
        return write_file(content, path)
    return save_new_file(content, path)


def make_posters(place: str | None = None, topics: list[str] | None = None, out: str | Path = "posters.pdf",
                 *, scheme: str = "quantiles", k: int = 5, overwrite: bool = False,
                 station_cards: bool = True) -> Path:
    """Write the posters PDF (a facilitator cover sheet, then one poster per station) and, beside it,
    the station cards PDF (one card with the station's prompts per station, see :func:`station_cards_path`).

    ``place`` is a place slug (default: the configured place); ``topics`` are keys of
    :data:`TOPICS` (default: :func:`default_topics` of the place). Letter size, portrait.
    A different file already at ``out`` is never replaced unless ``overwrite=True``: the posters go
    to the next free name (``posters-2.pdf``...), and their cards beside them
    (``posters-2-station-cards.pdf``). ``station_cards=False`` writes the posters only.
    Returns the path of the posters.

    Example:
        >>> make_posters(out="posters.pdf")          # doctest: +SKIP
        PosixPath('posters.pdf')
    """
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
    tables = set(_place_tables(slug))
    for key in topics:
        missing = set(TOPICS[key].tables) - tables
        if missing:
            raise DataNotAvailableError(
                f"The place {slug!r} has no table {', '.join(sorted(missing))}, needed for the poster {key!r}.",
                hint=f"Its posters can use: {', '.join(default_topics(slug)) or 'none of the standard topics'}.")
    poster_place = load_poster_place(slug, {table for key in topics for table in TOPICS[key].tables})
    meta = poster_place.meta

    posters = [_poster_page(TOPICS[key], n, poster_place, scheme, k) for n, key in enumerate(topics, start=1)]
    stations = [(n, TOPICS[key], data) for n, (key, (_, data)) in enumerate(zip(topics, posters, strict=True), start=1)]
    pages = [_cover_page(meta, stations, poster_place.has_moe)] + [fig for fig, _ in posters]
    parts = [(len(pages), f"Data Walk posters: {poster_place.name}")]
    if station_cards:
        pages += [_card_page(TOPICS[key], n, poster_place) for n, key in enumerate(topics, start=1)]
        parts.append((len(topics), f"Data Walk station cards: {poster_place.name}"))
    files = _split_pdf(_pdf_bytes(pages), parts)
    path = _save(files[0], Path(out), overwrite)
    if station_cards:
        _save(files[1], station_cards_path(path), overwrite)
    return path
