"""A text alternative for a map: what it shows, its extremes, and how many tracts are unreliable or missing.

An interactive map is invisible to a screen reader and lost on paper. :func:`describe_map` writes the
short paragraph to print under it, from the same numbers the map draws (:func:`~civicdata.maps.map_data.
map_data`): what is mapped and how, the highest and lowest tract with their estimates and margins of
error, and how many tracts are very uncertain or have no estimate. Ties are named deterministically:
the first tract by GEOID (or by name), then how many others share the value.

Example:
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> g = gpd.GeoDataFrame({"GEOID": ["01", "02", "03", "04"], "NAME": [f"Tract {i}" for i in range(1, 5)],
    ...                       "xE": [10.0, 20.0, 30.0, 30.0], "xM": [1.0, 2.0, 20.0, 2.0]},
    ...                      geometry=[box(i, 0, i + 1, 1) for i in range(4)], crs=4326)
    >>> print(describe_map(g, "xE", k=2, label="Homes rented (%)", fmt="{:.0f}%", place="Testville"))
    Map: homes rented (%), for 4 census tracts in Testville, in 2 classes (quantiles); darker colors
    mean higher values. Highest: Tract 3, 30% ± 20%, a very uncertain estimate (1 other tract has the
    same estimate). Lowest: Tract 1, 10% ± 1%. 1 of 4 tracts has a very uncertain estimate (its margin
    of error is large next to it: a coefficient of variation above 40%), hatched on the map; 0 have no
    estimate. Margins of error are at 90% confidence.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import pandas as pd

from civicdata.core.errors import MapError
from civicdata.maps.map_data import UNRELIABLE_CV, MapData, map_data


def _ordered(tracts: pd.DataFrame, ascending: bool) -> pd.DataFrame:
    """Tracts with an estimate, by estimate (highest or lowest first), ties by GEOID then name."""
    keys = [column for column in ("GEOID", "tip_name") if column in tracts.columns]
    ranked = tracts[~tracts["missing"]].sort_values(["estimate", *keys], ascending=[ascending] + [True] * len(keys),
                                                    kind="mergesort")
    return ranked


def _extreme(tracts: pd.DataFrame, which: str) -> str:
    ranked = _ordered(tracts, ascending=which == "Lowest")
    first = ranked.iloc[0]
    ties = int((ranked["estimate"] == first["estimate"]).sum()) - 1
    text = f"{which}: {first['tip_name']}, {first['tip_value']}"
    if first["unreliable"]:
        text += ", a very uncertain estimate"
    if ties == 1:
        text += " (1 other tract has the same estimate)"
    elif ties > 1:
        text += f" ({ties} other tracts have the same estimate)"
    return text + "."


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def describe_map(
    gdf_or_data,
    column: str | None = None,
    moe_column: str | None = None,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    label: str | None = None,
    fmt: str | Callable[[float], str] | None = None,
    place: str | None = None,
    name_column: str = "NAME",
    width: int | None = 100,
    hatched: bool = True,
) -> str:
    """A short paragraph describing a tract map, for screen readers and print.

    Give the same arguments as to :func:`~civicdata.maps.choropleth.choropleth_map` (``gdf``, ``column``,
    ``moe_column``, ``scheme``, ``k``, ``label``, ``fmt``), or the :class:`MapData` that
    :func:`~civicdata.maps.map_data.map_data` returned. ``place`` names the area ("Greater Hartford");
    ``width`` wraps the lines (``None``: one line). ``hatched=False`` is for a map that does not mark its
    very uncertain tracts (a quick folium map of your own): the text then says so instead of pointing at
    hatching. Show it with ``print(describe_map(...))`` under the map.

    Example:
        >>> text = describe_map(tracts, "no_car_pct", "no_car_moe", scheme="natural_breaks",
        ...                     label="Households with no vehicle", fmt="{:.1f}%")   # doctest: +SKIP
    """
    if isinstance(gdf_or_data, MapData):
        data = gdf_or_data
    else:
        if column is None:
            raise MapError("describe_map needs the column the map shows.",
                           hint='Pass it second, e.g. describe_map(tracts, "no_car_pct", "no_car_moe").')
        data = map_data(gdf_or_data, column, moe_column, scheme=scheme, k=k, label=label, fmt=fmt,
                        name_column=name_column)
    tracts = data.tracts
    n = len(tracts)
    where = f" in {place}" if place else ""
    what = data.label[:1].lower() + data.label[1:] if data.label[1:2].islower() else data.label
    sentences = [f"Map: {what}, for {_plural(n, 'census tract', 'census tracts')}{where}, in "
                 f"{_plural(data.classes.k, 'class', 'classes')} ({data.classes.scheme.replace('_', ' ')}); "
                 "darker colors mean higher values."]
    if n - data.n_missing > 0:
        sentences.append(_extreme(tracts, "Highest"))
        sentences.append(_extreme(tracts, "Lowest"))
    if data.has_moe:
        unreliable = data.n_unreliable
        verb = "has" if unreliable == 1 else "have"
        sentences.append(
            f"{unreliable} of {n} tracts {verb} a very uncertain estimate (its margin of error is large next to "
            f"it: a coefficient of variation above {UNRELIABLE_CV}%), "
            f"{'hatched on the map' if hatched else 'not marked on this map'}; "
            f"{data.n_missing} {'has' if data.n_missing == 1 else 'have'} no estimate. "
            "Margins of error are at 90% confidence.")
    else:
        sentences.append(f"These estimates have no margins of error, so how reliable each one is cannot be "
                         f"judged; {data.n_missing} of {n} tracts have no estimate.")
    text = " ".join(sentences)
    if not width:
        return text
    # "30% ± 20%" stays on one line: no-break spaces while wrapping (textwrap splits on ASCII spaces only).
    return textwrap.fill(text.replace(" ± ", "\u00a0±\u00a0"), width=width).replace("\u00a0", " ")
