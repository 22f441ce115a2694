"""What a map shows, computed once for the interactive and the static map alike: classes, reliability, tooltips.

:func:`map_data` classifies an estimate column, judges each tract's reliability from its margin of error
(CV over 40% = unreliable, hatched on the map), and writes the tooltip texts ("estimate ± MOE"), the
legend labels and the source line.

Example:
    >>> source_line("B19013", "2019-2023")
    'Source: U.S. Census Bureau, American Community Survey 5-year estimates, 2019-2023, table B19013'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from civicdata.core.errors import MapError
from civicdata.maps.classification import Classification, classify
from civicdata.moe import reliability as moe_tools

#: Fill for tracts with no estimate. Not part of viridis, so never mistaken for a class.
MISSING_COLOR = "#c8c8c8"
#: Coefficient of variation (percent) above which an estimate is called unreliable.
UNRELIABLE_CV = 40

_ACS_CREDIT = "U.S. Census Bureau, American Community Survey 5-year estimates"
# Median household income (B19013) is top- and bottom-coded: the Census Bureau publishes
# "250,000+" as 250001 and "2,500-" as 2499, with no margin of error.
_CODED_INCOME = {250001: "$250,000+", 2499: "$2,500 or less"}


# ----------------------------------------------------------------------------- reliability


def reliability_columns(estimates: pd.Series, moes: pd.Series | None) -> pd.DataFrame:
    """CV (percent) and reliability ("high"/"medium"/"low"; missing when it cannot be judged).

    Uses :func:`civicdata.moe.reliability.cv` and :func:`civicdata.moe.reliability.reliability`
    (thresholds 12% and 40%). Without MOEs every reliability is missing: it cannot be judged.
    """
    est = pd.to_numeric(estimates, errors="coerce").astype("float64")
    if moes is None:
        cv = pd.Series(np.nan, index=est.index)
    else:
        cv = pd.Series(np.asarray(moe_tools.cv(est.to_numpy(), pd.to_numeric(moes, errors="coerce")
                                                .astype("float64").to_numpy()), dtype="float64"),
                       index=est.index)
    labels = pd.Series(np.asarray(moe_tools.reliability(cv.to_numpy()), dtype=object), index=est.index)
    labels = labels.where(cv.notna() & est.notna(), None)
    return pd.DataFrame({"cv": cv, "reliability": labels})


# ----------------------------------------------------------------------------- formatting


def table_of(column: str) -> str | None:
    """The ACS table id in a variable name: ``table_of("B19013_001E") == "B19013"``."""
    match = re.match(r"^([BC]\d{5}[A-Z]?)_", str(column))
    return match.group(1) if match else None


def source_line(table: str | None = None, vintage: str | None = None) -> str:
    """The source line printed on every map.

    >>> source_line("B19013", "2019-2023")
    'Source: U.S. Census Bureau, American Community Survey 5-year estimates, 2019-2023, table B19013'
    """
    parts = [f"Source: {_ACS_CREDIT}"]
    if vintage:
        parts.append(str(vintage))
    if table:
        parts.append(f"table {table}")
    return ", ".join(parts)


def value_formatter(column: str, fmt: str | Callable[[float], str] | None = None) -> Callable[[float], str]:
    """Return a function that formats one estimate for people (``fmt`` is a format string or function).

    Default: dollars for median household income (B19013), else a plain number with separators.

    >>> value_formatter("B19013_001E")(91541.0), value_formatter("x", "{:.1f}%")(12.34)
    ('$91,541', '12.3%')
    """
    if callable(fmt):
        return _checked_formatter(fmt, repr(fmt))
    if fmt is None:
        fmt = "${:,.0f}" if str(column).startswith("B19013") else "{:,.0f}"
    if not isinstance(fmt, str):
        raise MapError(f"fmt must be a format such as '{{:.1f}}%' or a function, not {fmt!r}.",
                       hint="e.g. fmt='${:,.0f}' for dollars or fmt='{:.1f}%' for percentages.")
    formatter = _checked_formatter(fmt.format, repr(fmt))
    formatter(1234.5)  # a broken format is reported now, not in the middle of drawing
    return formatter


def _checked_formatter(function: Callable[[float], str], shown: str) -> Callable[[float], str]:
    def formatted(x: float) -> str:
        try:
            return str(function(x))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as err:
            raise MapError(f"The value format {shown} does not work for the number {x!r} ({type(err).__name__}).",
                           hint="Use one pair of braces with a number format, e.g. '{:,.0f}' or '{:.1f}%'.") from None
    return formatted


def _estimate_text(est: float, moe: float | None, fmt: Callable[[float], str], coded: bool) -> str:
    if pd.isna(est):
        return "no estimate"
    if coded and int(est) in _CODED_INCOME and float(est).is_integer():
        return f"{_CODED_INCOME[int(est)]} (top or bottom of the published range; no MOE)"
    if moe is None or pd.isna(moe):
        return f"{fmt(est)} (no MOE)"
    return f"{fmt(est)} ± {fmt(moe)}"


def _reliability_text(label: str | None, cv: float, has_moe: bool, has_estimate: bool) -> str:
    if not has_estimate:
        return "no estimate"
    if not has_moe:
        return "unknown (no margin of error)"
    if label is None or pd.isna(cv):
        return "unknown"
    text = f"{label} (CV {cv:.0f}%)"
    return text + ": use with great caution" if label == "low" else text


def short_name(name: str) -> str:
    """"Census Tract 4001.01; Capitol Planning Region; Connecticut" -> "Census Tract 4001.01"."""
    return re.split(r"[;,]", str(name))[0].strip()


# ----------------------------------------------------------------------------- tract data for a map


@dataclass
class MapData:
    """Everything both map kinds (interactive and static) draw, computed once.

    ``tracts`` holds the tracts (missing geometry dropped) with columns ``estimate``, ``moe``,
    ``cv``, ``reliability``, ``cls`` (class number, -1 = no estimate), ``unreliable`` (CV > 40%),
    ``missing`` and the tooltip texts ``tip_name``, ``tip_value``, ``tip_reliability``.
    """

    tracts: object
    classes: Classification
    label: str
    title: str
    source: str
    has_moe: bool
    fmt: Callable[[float], str]

    @property
    def n_unreliable(self) -> int:
        return int(self.tracts["unreliable"].sum())

    @property
    def n_missing(self) -> int:
        return int(self.tracts["missing"].sum())

    def reliability_note(self) -> str:
        """One sentence on reliability for captions and posters, computed from the data."""
        n = len(self.tracts)
        if not self.has_moe:
            return ("These estimates come without margins of error, so their reliability cannot be judged. "
                    f"{self.n_missing} of {n} tracts have no estimate (gray).")
        return (f"{self.n_unreliable} of {n} tracts have an unreliable estimate (CV over {UNRELIABLE_CV}%, "
                f"hatched); {self.n_missing} have no estimate (gray). Margins of error are at 90% confidence.")


def check_map_table(gdf) -> None:
    """A map needs a GeoDataFrame (a table with shapes); say so plainly for anything else."""
    import geopandas as gpd

    if not isinstance(gdf, gpd.GeoDataFrame):
        kind = "a table without shapes" if isinstance(gdf, pd.DataFrame) else type(gdf).__name__
        raise MapError(f"A map needs a table of tract shapes (a GeoDataFrame), not {kind}.",
                       hint="Get one with get_acs(..., geometry=True), or merge your table with load_boundaries().")
    try:
        gdf.geometry  # noqa: B018 - a GeoDataFrame without an active geometry column raises here
    except AttributeError:
        raise MapError("This table has no geometry column, so there is nothing to draw.",
                       hint="Get the table with get_acs(..., geometry=True).") from None


def check_points(points) -> None:
    """Points (library outlets) must be a GeoDataFrame of points, or None."""
    import geopandas as gpd

    if points is not None and not isinstance(points, gpd.GeoDataFrame):
        raise MapError(f"points must be a table of points (a GeoDataFrame), not {type(points).__name__}.",
                       hint="e.g. points=load_libraries('CT'), or leave points out.")


def _check_numbers(values: pd.Series, name: str) -> None:
    """Refuse a text column (names, symbols): mapped as numbers it would silently show every tract gray."""
    numeric = pd.to_numeric(values, errors="coerce")
    text = values[values.notna() & numeric.isna()]
    if len(text):
        raise MapError(f"The column {name!r} holds text, such as {str(text.iloc[0])!r}, not numbers.",
                       hint="Map a column of estimates (numbers), e.g. 'B19013_001E'; clean symbols first "
                       "(get_acs and read_census_download do).")


def map_data(gdf, column: str, moe_column: str | None = None, *, scheme: str = "quantiles", k: int = 5,
             label: str | None = None, title: str | None = None, source: str | None = None,
             fmt: str | Callable[[float], str] | None = None, name_column: str = "NAME") -> MapData:
    """Classify ``column``, judge each tract's reliability and write its tooltip texts.

    Used by :func:`choropleth_map` and :func:`civicdata.maps.static_maps.static_map` so both show the
    same classes, marks and numbers. The MOE column defaults to ``column`` with ``E`` -> ``M``.
    """
    check_map_table(gdf)
    for name, value in (("column", column), ("moe_column", moe_column), ("name_column", name_column)):
        if value is not None and not isinstance(value, str):
            raise MapError(f"{name} must be one column name as text, not {value!r}.",
                           hint="e.g. choropleth_map(tracts, 'B19013_001E').")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise MapError(f"k (the number of classes) must be a whole number of at least 1, not {k!r}.",
                       hint="Maps usually have 4 to 7 classes, e.g. k=5.")
    if column not in gdf.columns:
        raise MapError(f"There is no column {column!r} in this table.",
                       hint=f"Pick one of: {', '.join(map(str, gdf.columns[:12]))}...")
    if moe_column is None and str(column).endswith("E") and f"{str(column)[:-1]}M" in gdf.columns:
        moe_column = f"{str(column)[:-1]}M"
    if moe_column is not None and moe_column not in gdf.columns:
        raise MapError(f"There is no margin-of-error column {moe_column!r}.",
                       hint="Pass moe_column=None if this table has no margins of error.")
    if gdf.crs is None:
        raise MapError("These boundaries have no coordinate reference system (CRS).",
                       hint="Set it first, e.g. gdf = gdf.set_crs(4326).")
    label = label or str(column)
    title = title if title is not None else label
    if source is None:
        source = source_line(table_of(column), gdf.attrs.get("vintage"))
    fmt_value = value_formatter(column, fmt)
    coded = str(column).startswith("B19013")

    tracts = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty].copy()
    if tracts.empty:
        raise MapError("There are no shapes to map: every row's geometry is missing or empty.",
                       hint="Get the table with geometry=True, e.g. get_acs(..., geometry=True).")
    for name in (column, moe_column):
        if name is not None:
            _check_numbers(tracts[name], name)
    est = pd.to_numeric(tracts[column], errors="coerce").astype("float64")
    moes = (pd.to_numeric(tracts[moe_column], errors="coerce").astype("float64") if moe_column
            else pd.Series(np.nan, index=tracts.index))
    rel = reliability_columns(est, moes if moe_column else None)
    legend_fmt = fmt_value
    if coded:  # the top class of median income ends at "$250,000+", not at the code 250001
        def legend_fmt(x: float) -> str:
            return _CODED_INCOME.get(int(x), fmt_value(x)) if float(x).is_integer() else fmt_value(x)
    classes = classify(est, scheme=scheme, k=k, fmt=legend_fmt)

    tracts["estimate"], tracts["moe"] = est, moes
    tracts["cv"], tracts["reliability"] = rel["cv"], rel["reliability"]
    tracts["cls"] = classes.classes
    tracts["missing"] = classes.classes < 0
    tracts["unreliable"] = (rel["reliability"] == "low").to_numpy() & ~tracts["missing"].to_numpy()
    names = (tracts[name_column].map(short_name) if name_column in tracts.columns
             else pd.Series([f"Tract {g}" for g in tracts.get("GEOID", range(len(tracts)))], index=tracts.index))
    tracts["tip_name"] = names.astype(str)
    tracts["tip_value"] = [_estimate_text(e, m if moe_column else None, fmt_value, coded)
                           for e, m in zip(est, moes, strict=True)]
    tracts["tip_reliability"] = [_reliability_text(r, c, bool(moe_column) and not pd.isna(m), not pd.isna(e))
                                 for r, c, m, e in zip(rel["reliability"], rel["cv"], moes, est, strict=True)]
    return MapData(tracts, classes, label, title, source, moe_column is not None, fmt_value)

