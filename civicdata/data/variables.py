"""Find ACS variables by words in their labels, and check codes, offline first.

Searches the labels of the current place (``variables.csv``) and of the bundled S2801 computers and
internet table. With a Census API key and a network it also searches the full list of the year's ACS
5-year variables (from the live Census API, :mod:`civicdata.data.census_api`).

Example:
    >>> hits = search_variables("internet")
    >>> hits.columns.tolist()
    ['name', 'label', 'concept', 'source']
    >>> "S2801_C01_019" in set(hits["name"])
    True
"""

from __future__ import annotations

import difflib
import os
import re

import pandas as pd

from civicdata.core import settings
from civicdata.core.errors import CivicDataError, VariableNotFoundError

#: A variable code like B19013_001 (with or without E/M), C17002_002, S2801_C01_019.
CODE_PATTERN = re.compile(r"^([A-Z]{1,2}\d{4,5}[A-Z]{0,2})_(\d{3}|C\d{2}_\d{3})([EM]|PE|PM)?$")
TABLE_PATTERN = re.compile(r"^[A-Z]{1,2}\d{4,5}[A-Z]{0,2}$")
COLUMNS = ["name", "label", "concept", "source"]


def normalise_code(code: str) -> str:
    """Upper case, without the E/M suffix: ``"b19013_001e"`` -> ``"B19013_001"``.

    Example:
        >>> normalise_code("b19013_001E"), normalise_code("S2801_C02_019")
        ('B19013_001', 'S2801_C02_019')
    """
    text = str(code).strip().upper()
    match = CODE_PATTERN.match(text)
    if not match:
        return text
    return f"{match.group(1)}_{match.group(2)}"


def looks_like_code(code: str) -> bool:
    """True for text shaped like an ACS variable code (it may still not exist)."""
    return bool(CODE_PATTERN.match(str(code).strip().upper()))


def bundled_variables(slug: str | None = None) -> pd.DataFrame:
    """Labels of the place's variables plus the S2801 (2018-2022) columns: name, label, concept, source."""
    from civicdata.data.places import load_place
    from civicdata.data.s2801 import s2801_variables

    frames = []
    place = load_place(slug)
    own = place.variables.reindex(columns=["name", "label", "concept"]).fillna("")
    frames.append(own.assign(source=f"bundled: {place.slug}"))
    try:
        frames.append(s2801_variables("2018-2022").assign(source="bundled: S2801 2018-2022"))
    except CivicDataError:
        pass
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def _live_variables(year: int | None) -> pd.DataFrame | None:
    """The year's full variable list via civicdata.data.census_api, when a key and a network are there; else None."""
    if os.environ.get("CIVICDATA_OFFLINE", "").strip() not in ("", "0") or not settings.get_api_key():
        return None
    try:
        from civicdata.data import census_api as live
    except ImportError:
        return None
    fetch = getattr(live, "fetch_variable_labels", None)
    if fetch is None:
        return None
    try:
        frame = fetch(year) if year else fetch()
    except CivicDataError:
        return None
    frame = frame.reindex(columns=["name", "label", "concept"]).fillna("")
    return frame.assign(source=f"live: ACS {year or 'latest'} 5-year")


def search_variables(text: str, year: int | None = None, slug: str | None = None) -> pd.DataFrame:
    """Variables whose code, label or concept contains every word of ``text`` (case does not matter).

    Returns name (code without E/M), label, concept and source (which list it came from). Live results
    are added only when a key and a network are available.

    Example:
        >>> search_variables("median household income")["name"].tolist()
        ['B19013_001']
    """
    words = [w for w in str(text).lower().split() if w]
    frames = [bundled_variables(slug)]
    live = _live_variables(year)
    if live is not None:
        frames.append(live)
    pool = pd.concat(frames, ignore_index=True).drop_duplicates("name", keep="first")
    haystack = (pool["name"] + " " + pool["label"] + " " + pool["concept"]).str.lower()
    mask = pd.Series(True, index=pool.index)
    for word in words:
        mask &= haystack.str.contains(word, regex=False)
    return pool[mask].reset_index(drop=True)


def known_codes(slug: str | None = None) -> list[str]:
    """Every code we can name offline: the current place's variables and the bundled S2801 columns."""
    return bundled_variables(slug)["name"].tolist()


def close_matches(code: str, candidates: list[str], n: int = 5) -> list[str]:
    """Codes that look like ``code`` (same table first, then similar spelling)."""
    code = normalise_code(code)
    table = code.split("_")[0]
    same_table = [c for c in candidates if c.split("_")[0] == table]
    pool = same_table or candidates
    return difflib.get_close_matches(code, pool, n=n, cutoff=0.5)


def unknown_variable_error(code: str, candidates: list[str], where: str) -> VariableNotFoundError:
    """A VariableNotFoundError for ``code`` with close matches from ``candidates``."""
    close = close_matches(code, candidates)
    if not looks_like_code(code):
        hint = (f"{code!r} is not shaped like a code (e.g. B19013_001). To find codes by words, use "
                f"search_variables({str(code).lower()!r}).")
    else:
        hint = "Find codes with search_variables('words'), e.g. search_variables('internet')."
    if close:
        hint = f"Close matches: {', '.join(close)}. " + hint
    return VariableNotFoundError(f"The variable {code!r} is not in {where}.", hint=hint)


def variable_label(code: str, slug: str | None = None) -> str:
    """The label of a bundled variable code.

    Example:
        >>> variable_label("B19013_001E", "ct-capitol-region")
        'Median household income in the past 12 months (in 2023 inflation-adjusted dollars)'
    """
    name = normalise_code(code)
    pool = bundled_variables(slug)
    match = pool[pool["name"] == name]
    if match.empty:
        raise unknown_variable_error(code, pool["name"].tolist(), "the bundled variable lists")
    return str(match["label"].iloc[0])


def table_codes(table: str, candidates: list[str]) -> list[str]:
    """The codes of ``table`` among ``candidates``; VariableNotFoundError (with close tables) if none."""
    table = str(table).strip().upper()
    codes = [c for c in candidates if c.split("_")[0] == table]
    if codes:
        return codes
    tables = sorted({c.split("_")[0] for c in candidates})
    close = difflib.get_close_matches(table, tables, n=4, cutoff=0.5)
    hint = (f"Close matches: {', '.join(close)}. " if close else "") + f"Tables here: {', '.join(tables)}."
    raise VariableNotFoundError(f"There is no table {table!r} in this data.", hint=hint)
