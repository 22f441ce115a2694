"""Numbers, arrays and Series in, the same kind out: the small helpers every margin-of-error formula shares.

Every formula accepts plain numbers, numpy arrays and pandas Series and returns the same kind (a
Series keeps its index). A negative MOE raises :class:`~civicdata.core.errors.MoeValueError`.

Example:
    >>> scalar_or_array(as_float(3) * 2, 3)
    6.0
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from civicdata.core.errors import MoeValueError


def is_scalar(x: Any) -> bool:
    return not isinstance(x, (pd.Series, pd.DataFrame)) and np.ndim(x) == 0


def as_float(x: Any) -> Any:
    """Turn ``x`` into float64 numbers (Series stay Series; missing values become NaN)."""
    if isinstance(x, (pd.Series, pd.DataFrame)):
        try:
            return x.astype("float64")
        except (TypeError, ValueError):
            return x.apply(pd.to_numeric, errors="coerce").astype("float64")
    if x is None or x is pd.NA:
        return np.float64("nan")
    return np.asarray(x, dtype="float64")


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


def as_columns(values: Any) -> tuple[np.ndarray, pd.Index | None, bool]:
    """Return (2-D float array with components in columns, row index or None, rowwise?)."""
    if isinstance(values, pd.DataFrame):
        return values.astype("float64").to_numpy(), values.index, True
    if isinstance(values, (list, tuple)) and values and not all(is_scalar(v) for v in values):
        if any(isinstance(v, pd.Series) for v in values):
            frame = pd.concat([as_float(pd.Series(v)) if not isinstance(v, pd.Series) else as_float(v)
                               for v in values], axis=1)
            return frame.to_numpy(), frame.index, True
        return np.column_stack([as_float(v) for v in values]), None, True
    array = as_float(values)
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

