"""Numbers, arrays and Series in, the same kind out: the small helpers every margin-of-error formula shares.

Every formula accepts plain numbers, numpy arrays and pandas Series and returns the same kind (a
Series keeps its index). What cannot give a right answer is refused with
:class:`~civicdata.core.errors.MoeValueError`, saying what to do:

* a negative MOE (almost always a Census annotation code such as -222222222 left in the data);
* text where numbers belong ("**", "-", a NAME column...);
* inputs of different lengths, or Series whose row labels (index) differ: pandas would pair rows by
  label and quietly fill the gaps with missing values, or numpy would pair the wrong rows.

Example:
    >>> scalar_or_array(as_float(3) * 2, 3)
    6.0
    >>> numbers("cv", estimate=[1, 2, 3], moe=[1, 2])
    Traceback (most recent call last):
    ...
    civicdata.core.errors.MoeValueError: cv got inputs of different lengths: estimate has 3 values, moe has 2 values.
    What to do: Pass one value per row for each input, from the same table (for example two columns of one DataFrame).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from civicdata.core.errors import MoeValueError

_TEXT_HINT = ("Use numbers: the cleaned table from get_acs or read_census_download (symbols such as '**' "
              "become missing values there), or convert a column with pd.to_numeric(...).")


def is_scalar(x: Any) -> bool:
    """True for one number (or None), False for a list, array, Series or DataFrame."""
    return not isinstance(x, (pd.Series, pd.DataFrame)) and np.ndim(x) == 0


def _first_text(values: Any) -> str | None:
    """The first text value among ``values`` (a Series, array or list), or None."""
    flat = values.to_numpy().ravel() if isinstance(values, (pd.Series, pd.DataFrame)) else np.asarray(
        values, dtype=object).ravel()
    for value in flat:
        if isinstance(value, (str, bytes)):
            return value if isinstance(value, str) else value.decode("utf-8", "replace")
    return None


def as_float(x: Any, name: str = "a value") -> Any:
    """Turn ``x`` into float64 numbers (Series stay Series; missing values become NaN); refuse text.

    Example:
        >>> as_float(pd.Series([1, None])).tolist()
        [1.0, nan]
    """
    if isinstance(x, (pd.Series, pd.DataFrame)):
        dtypes = list(x.dtypes) if isinstance(x, pd.DataFrame) else [x.dtype]
        if any(d.kind in "OSU" or isinstance(d, pd.StringDtype) for d in dtypes):
            text = _first_text(x)
            if text is not None:
                raise MoeValueError(f"{name} holds text where numbers are expected, such as {text!r}.",
                                    hint=_TEXT_HINT)
        try:
            return x.astype("float64")
        except (TypeError, ValueError):
            raise MoeValueError(f"{name} holds values that are not numbers.", hint=_TEXT_HINT) from None
    if x is None or x is pd.NA:
        return np.float64("nan")
    if isinstance(x, (str, bytes)):
        raise MoeValueError(f"{name} is text ({x!r}), not a number.", hint=_TEXT_HINT)
    try:
        array = np.asarray(x)
        if array.dtype.kind in "OSU":
            text = _first_text(array)
            if text is not None:
                raise MoeValueError(f"{name} holds text where numbers are expected, such as {text!r}.",
                                    hint=_TEXT_HINT)
            array = np.asarray([np.nan if v is None or v is pd.NA else v for v in array.ravel()],
                               dtype="float64").reshape(array.shape)
        return array.astype("float64")
    except (TypeError, ValueError):
        raise MoeValueError(f"{name} is not a number or a list of numbers ({type(x).__name__}).",
                            hint=_TEXT_HINT) from None


def check_aligned(function: str, named: dict[str, Any]) -> None:
    """Refuse inputs that cannot be paired row by row: different lengths, or Series with different labels."""
    sized = {name: value for name, value in named.items() if not is_scalar(value)}
    lengths = {name: len(value) if isinstance(value, (pd.Series, pd.DataFrame)) else np.shape(value)[0]
               for name, value in sized.items()}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{name} has {n} value{'s' if n != 1 else ''}" for name, n in lengths.items())
        raise MoeValueError(
            f"{function} got inputs of different lengths: {shown}.",
            hint="Pass one value per row for each input, from the same table (for example two columns of one "
            "DataFrame).",
        )
    indexed = {name: value.index for name, value in sized.items() if isinstance(value, (pd.Series, pd.DataFrame))}
    if len(indexed) > 1:
        first_name, first = next(iter(indexed.items()))
        for name, index in indexed.items():
            if not index.equals(first):
                raise MoeValueError(
                    f"{function} got Series whose rows do not line up: {first_name} and {name} have different row "
                    "labels (index), so rows would be paired by label and gaps filled with missing values.",
                    hint="Take both from the same table, or line them up first, e.g. with .reset_index(drop=True) "
                    "on both (same order) or by merging the tables on GEOID.",
                )


def numbers(function: str, **named: Any) -> list[Any]:
    """Convert every named input with :func:`as_float` and check that they line up (:func:`check_aligned`)."""
    converted = {name: as_float(value, name) for name, value in named.items()}
    check_aligned(function, converted)
    return list(converted.values())


def scalar_or_array(result: Any, *inputs: Any) -> Any:
    """Give back a Python float when every input was a single number, else the array/Series."""
    if all(is_scalar(i) for i in inputs):
        return float(np.asarray(result))
    return result


def check_moe(*moes: Any) -> None:
    for m in moes:
        values = np.asarray(m, dtype="float64")
        if np.any(values < 0):  # NaN compares False, so missing values pass
            bad = values[values < 0].ravel()[0]
            raise MoeValueError(
                f"A margin of error cannot be negative, but one is {bad:g}.",
                hint="Large negative numbers such as -222222222 or -333333333 are Census annotation "
                "codes, not data: turn them into missing values first (get_acs and read_census_download do this).",
            )


def as_columns(values: Any, name: str = "moes") -> tuple[np.ndarray, pd.Index | None, bool]:
    """Return (2-D float array with components in columns, row index or None, rowwise?)."""
    if isinstance(values, pd.DataFrame):
        return as_float(values, name).to_numpy(), values.index, True
    if isinstance(values, (list, tuple)) and values and not all(is_scalar(v) for v in values):
        parts = {f"{name}[{i}]": v for i, v in enumerate(values)}
        converted = numbers("moe_sum", **parts)
        series = [v for v in converted if isinstance(v, pd.Series)]
        if series:
            index = series[0].index
            columns = [v.to_numpy() if isinstance(v, pd.Series) else np.broadcast_to(v, len(index))
                       for v in converted]
            return np.column_stack(columns), index, True
        width = max(np.size(v) for v in converted)
        return np.column_stack([np.broadcast_to(v, width) for v in converted]), None, True
    array = as_float(values, name)
    array = array.to_numpy() if isinstance(array, pd.Series) else np.atleast_1d(array)
    if array.ndim == 2:
        return array, None, True
    return array.reshape(1, -1), None, False


def keep_index(result: Any, *inputs: Any) -> Any:
    """np.where returns a bare array: give it back the index of a Series input, if any."""
    for item in inputs:
        if isinstance(item, pd.Series):
            return pd.Series(np.asarray(result, dtype="float64"), index=item.index, name=item.name)
    return result
