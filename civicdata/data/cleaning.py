"""Turn Census annotation values and symbols into missing values, and say which cells changed and why.

The Census Data API marks estimates it could not compute with large negative numbers ("jam values",
e.g. ``-666666666``); data.census.gov downloads use text symbols instead (``-``, ``**``, ``(X)``, ...).
Neither is data: left in place, a ``-666666666`` would wreck an average or a map. This module replaces
them and keeps a record of every replacement.

Choices (the same as tidycensus for API values):

* every annotation value becomes a missing value (``NaN``), except the "controlled estimate" codes
  (API ``-555555555``, download symbol ``*****``): those estimates have no sampling error, so their
  margin of error becomes ``0``;
* open-ended medians in downloads (``250,000+``, ``2,500-``) become missing by default, because the
  true value is unknown (only a bound is given). Pass ``coded_medians="bound"`` to keep the bound
  (250000, 2500) as a number instead; either way the cell is listed in the record. (The API itself
  reports such medians as plain numbers, e.g. ``250001``, which tidycensus and we leave as they are.)

Example:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"GEOID": ["36005000100"], "B19013_001E": ["-"], "B19013_001M": ["**"]})
    >>> cleaned, replaced = clean_values(frame)
    >>> cleaned["B19013_001E"].isna().item(), len(replaced)
    (True, 2)
    >>> replaced[0]["reason"]
    'no estimate: too few sample observations, or a median in an open-ended interval'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

#: Census API annotation values -> what they mean. All become missing values except -555555555.
ANNOTATION_CODES: dict[int, str] = {
    -666666666: "estimate not computed: too few sample cases, or a median in an open-ended interval",
    -999999999: "estimate or margin of error cannot be displayed: too few sample cases",
    -888888888: "not applicable: this estimate is not calculated for this geography",
    -222222222: "margin of error not computed: too few sample cases",
    -333333333: "margin of error not computed: the median is in an open-ended interval",
    -555555555: "controlled estimate: it has no sampling error, so its margin of error is 0",
    -111111111: "annotation code (treated as missing, as tidycensus does)",
    -444444444: "annotation code (treated as missing, as tidycensus does)",
    -777777777: "annotation code (treated as missing, as tidycensus does)",
}
#: The one code whose cell becomes 0 rather than missing.
CONTROLLED_CODE = -555555555

#: data.census.gov text symbols -> what they mean (see the *-Table-Notes.txt of an export).
SYMBOLS: dict[str, str] = {
    "-": "no estimate: too few sample observations, or a median in an open-ended interval",
    "N": "cannot be displayed: too few sample cases in this area",
    "(X)": "not applicable or not available",
    "**": "margin of error not computed: too few sample observations",
    "***": "margin of error not computed: the median is in an open-ended interval",
    "*****": "controlled estimate: no sampling error, so its margin of error is 0",
}
CONTROLLED_SYMBOL = "*****"

_CODED_MEDIAN = re.compile(r"^(\d[\d,]*)([+-])$")
_VALUE_COLUMN = re.compile(r"^[A-Z][A-Z0-9]*_[A-Z0-9_]*\d(E|M|PE|PM)$")


def describe(value: object) -> str | None:
    """What an annotation value or symbol means, or ``None`` if it is ordinary data.

    Example:
        >>> describe(-666666666)
        'estimate not computed: too few sample cases, or a median in an open-ended interval'
        >>> describe("250,000+")
        'top-coded median: the true value is above 250,000'
        >>> describe(1234) is None
        True
    """
    if isinstance(value, str):
        text = value.strip()
        if text in SYMBOLS:
            return SYMBOLS[text]
        match = _CODED_MEDIAN.match(text)
        if match:
            side = "above" if match.group(2) == "+" else "below"
            kind = "top" if side == "above" else "bottom"
            return f"{kind}-coded median: the true value is {side} {match.group(1)}"
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if number.is_integer() and int(number) in ANNOTATION_CODES:
        return ANNOTATION_CODES[int(number)]
    return None


def value_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that hold Census values: codes ending in E, M, PE or PM (e.g. ``B19013_001E``)."""
    return [c for c in frame.columns if isinstance(c, str) and _VALUE_COLUMN.match(c)]


def clean_values(
    frame: pd.DataFrame,
    columns: Iterable[str] | None = None,
    id_column: str = "GEOID",
    coded_medians: str = "missing",
) -> tuple[pd.DataFrame, list[dict]]:
    """Replace annotation values and symbols in ``columns``; return the new frame and the record.

    ``columns`` defaults to :func:`value_columns`. Text columns are converted to numbers. Each record
    entry is ``{"GEOID": ..., "column": ..., "value": <original>, "reason": ...}`` (``value`` as it was:
    a number for API codes, the text for symbols). ``coded_medians`` is ``"missing"`` (default) or
    ``"bound"`` (keep 250000 for "250,000+").

    Example:
        >>> frame = pd.DataFrame({"GEOID": ["42003010301"], "B19013_001E": [-666666666],
        ...                       "B01003_001M": [-555555555]})
        >>> cleaned, replaced = clean_values(frame)
        >>> cleaned["B19013_001E"].isna().item(), cleaned["B01003_001M"].item()
        (True, 0.0)
        >>> [r["column"] for r in replaced]
        ['B19013_001E', 'B01003_001M']
    """
    if coded_medians not in ("missing", "bound"):
        raise ValueError('coded_medians must be "missing" or "bound"')
    out = frame.copy()
    columns = value_columns(out) if columns is None else list(columns)
    ids = out[id_column].astype(str).tolist() if id_column in out.columns else [str(i) for i in out.index]
    replaced: list[dict] = []
    cleaned: dict[str, pd.Series] = {}
    for column in columns:
        numbers, notes = _clean_series(out[column], coded_medians)
        for position, (value, reason) in notes.items():
            replaced.append({"GEOID": ids[position], "column": column, "value": value, "reason": reason})
        cleaned[column] = numbers
    if cleaned:  # one assignment, not one per column (keeps wide frames fast)
        order = list(out.columns)
        out = pd.concat([out.drop(columns=list(cleaned)), pd.DataFrame(cleaned, index=out.index)], axis=1)
        out = out[order]
    order = {c: i for i, c in enumerate(columns)}
    replaced.sort(key=lambda r: (order[r["column"]], r["GEOID"]))
    return out, replaced


def _clean_series(series: pd.Series, coded_medians: str) -> tuple[pd.Series, dict[int, tuple]]:
    """Numbers for one column, plus {row position: (original value, reason)} for replaced cells."""
    notes: dict[int, tuple] = {}
    if pd.api.types.is_numeric_dtype(series):
        numbers = series.astype("float64")
    else:  # text: parse numbers in one go, then look only at the cells that did not parse
        raw = series.to_numpy(dtype=object)
        values = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(dtype="float64", copy=True)
        empty = pd.isna(raw) | (raw == "")
        for position in np.flatnonzero(np.isnan(values) & ~empty):
            item = str(raw[position]).strip()
            match = _CODED_MEDIAN.match(item)
            if item in SYMBOLS:
                notes[int(position)] = (item, SYMBOLS[item])
                if item == CONTROLLED_SYMBOL:
                    values[position] = 0.0
            elif match:
                notes[int(position)] = (item, describe(item))
                if coded_medians == "bound":
                    values[position] = float(match.group(1).replace(",", ""))
            else:
                try:
                    number = float(item.replace(",", ""))
                except ValueError:
                    notes[int(position)] = (item, "not a number")
                else:
                    values[position] = number
        numbers = pd.Series(values, index=series.index, dtype="float64")
    codes = numbers.isin(list(ANNOTATION_CODES))
    for position in np.flatnonzero(codes.to_numpy()):
        code = int(numbers.iloc[position])
        notes[int(position)] = (code, ANNOTATION_CODES[code])
    if codes.any():
        numbers = numbers.where(~codes, np.nan)
        numbers = numbers.mask(numbers.isna() & _is_controlled(series), 0.0)
    return numbers, notes


def _is_controlled(series: pd.Series) -> pd.Series:
    """True where the original cell was the controlled-estimate code -555555555."""
    return pd.to_numeric(series, errors="coerce") == CONTROLLED_CODE


def replaced_frame(replaced: list[dict]) -> pd.DataFrame:
    """The replacement record as a table (GEOID, column, value, reason), easy to show in a notebook.

    Example:
        >>> replaced_frame([]).columns.tolist()
        ['GEOID', 'column', 'value', 'reason']
    """
    return pd.DataFrame(replaced, columns=["GEOID", "column", "value", "reason"])
