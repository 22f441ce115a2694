"""Static (printable) maps with matplotlib: the same classes, colors and marks as the web map.

:func:`static_map` draws a choropleth of one estimate with the classification, viridis palette,
hatching of unreliable tracts (CV over 40%), gray for tracts with no estimate, a legend and the
source line of :func:`civicdata.maps.choropleth.choropleth_map`. Save it with :func:`save_figure` as PNG
(screens, slides) or PDF (print). Show it in a notebook with
``civicdata.show_figure(fig, alt="...")``.

Example:
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> g = gpd.GeoDataFrame({"NAME": ["A", "B"], "xE": [1.0, 2.0], "xM": [0.1, 5.0]},
    ...                      geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
    >>> fig = static_map(g, "xE", k=2, title="Test")
    >>> [t.get_text() for t in fig.legends[0].get_texts()][-2:]
    ['Unreliable: CV over 40% (1)', 'No estimate (0)']
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from civicdata.core.errors import ArgumentError, MapError
from civicdata.core.files import check_output_path, write_file
from civicdata.maps.map_data import MISSING_COLOR, UNRELIABLE_CV, MapData, check_points, map_data

#: Hatch used for unreliable tracts (matplotlib pattern: diagonal lines).
HATCH = "////"
#: Library outlets: hollow rings (area in points squared), their line width and the white halo around them.
POINT_SIZE = 26
POINT_EDGE_WIDTH = 1.2
POINT_HALO_WIDTH = 3.2


def plain(text: str) -> str:
    """Escape dollar signs so matplotlib prints "$91,541" instead of reading it as math.

    >>> print(plain("$15,833 – $55,170"))
    \\$15,833 – \\$55,170
    """
    return str(text).replace("$", r"\$")


#: Legend text for unreliable tracts on maps for people who know the term (lessons, profiles).
UNRELIABLE_LABEL = f"Unreliable: CV over {UNRELIABLE_CV}%"
#: The same in plain words, for posters read by people who never met a coefficient of variation.
UNRELIABLE_PLAIN = "Very uncertain estimate"


def draw_map(ax, data: MapData, *, unreliable: str = "hatch", points=None,
             point_name: str = "Public library (IMLS FY2019)", edge_width: float = 0.3,
             unreliable_label: str = UNRELIABLE_LABEL, rasterized: bool = False, counts: bool = True,
             crs=None, pad: float = 0.02) -> list:
    """Draw the tracts of ``data`` (from :func:`civicdata.maps.map_data.map_data`) on ``ax``.

    Returns the legend handles (classes with tract counts, unreliable, no estimate, points), so the
    caller decides where the legend goes. The map is drawn in a local UTM projection (meters), so
    shapes are not stretched as they are in plain longitude/latitude. Points (library outlets) are
    small hollow rings with a white halo, so the color of the tract under them stays visible.
    ``rasterized=True`` turns the map (not the legend) into one image in a PDF: lighter files, and a
    map whose size on the page can be read back from the file. ``counts=False`` leaves the number of
    tracts out of the legend labels (posters, where space is short); the first ``k`` handles are the
    classes. ``crs`` is the projected CRS to draw in, when the caller has already chosen one (posters
    draw several maps of the same tracts); by default it is the tracts' local UTM zone. ``pad`` is the
    margin left around the tracts, as a share of the map's longer side.
    """
    if unreliable not in ("hatch", "outline"):
        raise MapError(f"unreliable={unreliable!r} is not an option.", hint='Use "hatch" or "outline".')
    check_points(points)
    tracts = data.tracts
    crs = crs if crs is not None else tracts.geometry.estimate_utm_crs()
    tracts = tracts.to_crs(crs)
    colors = data.classes.colors
    cls = tracts["cls"].to_numpy()
    low = tracts["unreliable"].to_numpy()

    for i, color in enumerate(colors):
        part = tracts[cls == i]
        if len(part):
            part.plot(ax=ax, color=color, edgecolor="#444444", linewidth=edge_width)
    missing = tracts[cls < 0]
    if len(missing):
        missing.plot(ax=ax, color=MISSING_COLOR, edgecolor="#666666", linewidth=edge_width)
    marked = tracts[low]
    if len(marked):
        if unreliable == "hatch":
            # White stripes under black ones: the hatch shows on light and dark classes alike.
            marked.plot(ax=ax, facecolor="none", edgecolor="#444444", linewidth=edge_width,
                        hatch=HATCH, hatchcolor="white", hatch_linewidth=2.4)
            marked.plot(ax=ax, facecolor="none", edgecolor="#444444", linewidth=edge_width,
                        hatch=HATCH, hatchcolor="black", hatch_linewidth=0.9)
        else:
            marked.plot(ax=ax, facecolor="none", edgecolor="black", linewidth=2.0, linestyle="--")

    handles: list = [Patch(facecolor=c, edgecolor="#444444", linewidth=0.5,
                           label=plain(f"{t} ({n})" if counts else t))
                     for c, t, n in zip(colors, data.classes.labels, data.classes.counts, strict=True)]
    if data.has_moe:
        label = f"{unreliable_label} ({data.n_unreliable})" if counts else unreliable_label
        if unreliable == "hatch":
            handles.append(Patch(facecolor="white", edgecolor="black", hatch=HATCH, linewidth=0.5, label=label))
        else:
            handles.append(Patch(facecolor="white", edgecolor="black", linestyle="--", linewidth=2, label=label))
    handles.append(Patch(facecolor=MISSING_COLOR, edgecolor="#666666", linewidth=0.5,
                         label=f"No estimate ({data.n_missing})" if counts else "No estimate"))

    if points is not None and len(points):
        pts = points.to_crs(crs)
        halo = [patheffects.withStroke(linewidth=POINT_HALO_WIDTH, foreground="white")]
        ax.scatter(pts.geometry.x, pts.geometry.y, s=POINT_SIZE, facecolor="none", edgecolor="black",
                   linewidth=POINT_EDGE_WIDTH, zorder=5, path_effects=halo)
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=POINT_SIZE**0.5,
                              markerfacecolor="none", markeredgecolor="black", markeredgewidth=POINT_EDGE_WIDTH,
                              path_effects=halo, label=plain(point_name)))

    minx, miny, maxx, maxy = tracts.total_bounds
    pad = pad * max(maxx - minx, maxy - miny)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if rasterized:
        ax.set_rasterization_zorder(10)  # every map layer (tracts, hatching, points) sits below 10
    return handles


def static_map(
    gdf,
    column: str,
    moe_column: str | None = None,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    label: str | None = None,
    title: str | None = None,
    source: str | None = None,
    fmt: str | Callable[[float], str] | None = None,
    points=None,
    point_name: str = "Public library (IMLS FY2019)",
    unreliable: str = "hatch",
    name_column: str = "NAME",
    figsize: Sequence[float] = (9, 8),
) -> Figure:
    """A matplotlib choropleth of ``column`` with the web map's classes, marks, legend and source.

    Arguments mean the same as in :func:`civicdata.maps.choropleth.choropleth_map`. Returns the ``Figure``
    (not shown): save it with :func:`save_figure` or show it with ``show_figure(fig, alt=...)``.

    Example:
        >>> fig = static_map(tracts, "B19013_001E", label="Median household income")   # doctest: +SKIP
        >>> save_figure(fig, "income.pdf")                                                # doctest: +SKIP
    """
    data = map_data(gdf, column, moe_column, scheme=scheme, k=k, label=label, title=title, source=source,
                    fmt=fmt, name_column=name_column)
    fig = Figure(figsize=tuple(figsize), layout="none")
    ax = fig.add_axes((0.02, 0.09, 0.96, 0.82))
    handles = draw_map(ax, data, unreliable=unreliable, points=points, point_name=point_name)
    fig.legend(handles=handles, title=plain(data.label), loc="lower right", bbox_to_anchor=(0.99, 0.09),
               fontsize=9, title_fontsize=10, frameon=True, framealpha=0.95)
    if data.title:
        fig.text(0.5, 0.965, plain(data.title), ha="center", va="top", fontsize=16, fontweight="bold", wrap=True)
    note = data.reliability_note()
    fig.text(0.02, 0.045, plain(note), fontsize=8.5, va="bottom", wrap=True)
    if data.source:
        fig.text(0.02, 0.015, plain(data.source), fontsize=8.5, va="bottom", wrap=True)
    return fig


def save_figure(fig: Figure, path: str | Path, dpi: int = 200) -> Path:
    """Save ``fig`` as PNG or PDF (chosen by the file name), without time stamps in the file.

    Example:
        >>> import tempfile, pathlib
        >>> from matplotlib.figure import Figure
        >>> out = save_figure(Figure(), pathlib.Path(tempfile.mkdtemp()) / "empty.png")
        >>> out.suffix
        '.png'
    """
    if not isinstance(fig, Figure):
        raise ArgumentError(f"save_figure saves a matplotlib Figure, not {type(fig).__name__}.",
                            hint="Pass the figure that static_map(...) returned: save_figure(fig, 'map.png').")
    path = check_output_path(path)  # before drawing: a folder, a missing folder, a read-only disk
    suffix = path.suffix.lower()
    if suffix not in (".png", ".pdf"):
        raise MapError(f"Cannot save a map as {suffix or 'a file without extension'}.",
                       hint="End the file name with .png (screens) or .pdf (print).")
    metadata = {"Software": None} if suffix == ".png" else {"Creator": None, "Producer": None,
                                                            "CreationDate": None}
    buffer = io.BytesIO()
    fig.savefig(buffer, format=suffix[1:], dpi=dpi, metadata=metadata, facecolor="white")
    return write_file(buffer.getvalue(), path)  # whole or not at all
