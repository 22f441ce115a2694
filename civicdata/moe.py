"""Margins of error (MOE) for American Community Survey estimates: the Census Bureau's formulas.

Every ACS number is an estimate from a sample, published with a 90% margin of error. This module
does the arithmetic the notebooks first write out by hand: the MOE of a sum, a proportion, a ratio
or a product of estimates; standard errors, coefficients of variation and confidence intervals;
whether two estimates really differ; and a plain reliability label.

The function names are those of the R package tidycensus (``moe_sum``, ``moe_prop``,
``moe_ratio``, ``moe_product``, ``significance``), which many census users already know.
Formulas: U.S. Census Bureau, "Understanding and Using American Community Survey Data: What All
Data Users Need to Know" (2020), chapters 7 and 8.

Every function accepts plain numbers, numpy arrays and pandas Series (and returns the same kind:
a Series keeps its index). A missing value (NaN) in gives a missing value out. A negative MOE
raises an error: it is almost always a Census annotation code such as -222222222 that was not
cleaned away.

Example:
    >>> round(cv(564757, 10127), 1)
    1.1
    >>> confidence_interval(564757, 10127)
    (554630.0, 574884.0)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from civicdata.errors import CivicDataError

__all__ = [
    "Z90",
    "z_value",
    "moe_sum",
    "moe_prop",
    "moe_ratio",
    "moe_product",
    "z_score",
    "significance",
    "se_from_moe",
    "cv",
    "confidence_interval",
    "rescale_moe",
    "reliability",
    "MoeValueError",
]

#: The z value the Census Bureau uses for its 90% margins of error (rounded by the Bureau to 1.645).
Z90 = 1.645


class MoeValueError(CivicDataError, ValueError):
    """A value that cannot be a margin of error (negative), or a confidence level outside 0-1."""


# ----------------------------------------------------------------------------- small helpers


def _is_scalar(x: Any) -> bool:
    return not isinstance(x, (pd.Series, pd.DataFrame)) and np.ndim(x) == 0


def _num(x: Any) -> Any:
    """Turn ``x`` into float64 numbers (Series stay Series; missing values become NaN)."""
    if isinstance(x, (pd.Series, pd.DataFrame)):
        try:
            return x.astype("float64")
        except (TypeError, ValueError):
            return x.apply(pd.to_numeric, errors="coerce").astype("float64")
    if x is None or x is pd.NA:
        return np.float64("nan")
    return np.asarray(x, dtype="float64")


def _out(result: Any, *inputs: Any) -> Any:
    """Give back a Python float when every input was a single number, else the array/Series."""
    if all(_is_scalar(i) for i in inputs):
        return float(np.asarray(result))
    return result


def _check_moe(*moes: Any) -> None:
    for m in moes:
        values = np.asarray(m, dtype="float64")
        if np.any(values < 0):  # NaN compares False, so missing values pass
            bad = values[values < 0].ravel()[0]
            raise MoeValueError(
                f"A margin of error cannot be negative, but one is {bad:g}.",
                hint="Large negative numbers such as -222222222 or -333333333 are Census annotation "
                "codes, not data: turn them into missing values first (civicdata.cleaning does this).",
            )


def z_value(clevel: float = 0.90) -> float:
    """The z value for a two-sided confidence level (how many standard errors wide a MOE is).

    For 0.90 this is exactly 1.645, the value the Census Bureau uses for published ACS margins of
    error; for any other level it is the normal quantile ``scipy.stats.norm.ppf(0.5 + clevel / 2)``
    (for example about 1.960 for 95% and 2.576 for 99%).

    >>> z_value(0.90)
    1.645
    >>> round(z_value(0.95), 3)
    1.96
    """
    try:
        level = float(clevel)
    except (TypeError, ValueError):
        level = float("nan")
    if not 0 < level < 1:
        raise MoeValueError(
            f"A confidence level must be a number between 0 and 1, not {clevel!r}.",
            hint="Write 90% as 0.90 and 95% as 0.95.",
        )
    if math.isclose(level, 0.90):
        return Z90
    from scipy.stats import norm  # imported only when needed: scipy takes a moment to load

    return float(norm.ppf(0.5 + level / 2))


def _columns(values: Any) -> tuple[np.ndarray, pd.Index | None, bool]:
    """Return (2-D float array with components in columns, row index or None, rowwise?)."""
    if isinstance(values, pd.DataFrame):
        return values.astype("float64").to_numpy(), values.index, True
    if isinstance(values, (list, tuple)) and values and not all(_is_scalar(v) for v in values):
        if any(isinstance(v, pd.Series) for v in values):
            frame = pd.concat([_num(pd.Series(v)) if not isinstance(v, pd.Series) else _num(v)
                               for v in values], axis=1)
            return frame.to_numpy(), frame.index, True
        return np.column_stack([_num(v) for v in values]), None, True
    array = _num(values)
    array = array.to_numpy() if isinstance(array, pd.Series) else np.atleast_1d(array)
    if array.ndim == 2:
        return array, None, True
    return array.reshape(1, -1), None, False


# ----------------------------------------------------------------------------- derived estimates


def moe_sum(moes: Any, estimates: Any = None) -> Any:
    """MOE of a sum (or difference) of estimates: the square root of the sum of the squared MOEs.

    In words: square each MOE, add the squares up, take the square root. When ``estimates`` are
    given, estimates that are zero follow the Census Bureau's rule: if several of the estimates
    being added are zero, only the largest MOE among those zero estimates is counted, once.

    What you can pass (``estimates``, if given, must have the same shape):

    - a list, array or Series of MOEs -> one number, the MOE of their total
      (e.g. all the tract MOEs of one column to approximate the county MOE);
    - a DataFrame whose columns are ``...M`` columns, or a list of Series/arrays -> one MOE per row
      (e.g. the MOE of "1 vehicle + 2 vehicles" for every tract). Columns are matched by position,
      so pass the ``...E`` columns in the same order as the ``...M`` columns.

    A missing MOE or estimate in a sum makes that sum's MOE missing. This is an approximation: it
    treats the parts as independent (it ignores covariance), so it can differ from a MOE the
    Census Bureau publishes for the same total.

    >>> moe_sum([3, 4])
    5.0
    >>> moe_sum([3, 4, 12], estimates=[0, 0, 50])   # two zero estimates: only the MOE 4 counts
    12.649110640673518
    >>> frame = pd.DataFrame({"a_M": [3.0, 6.0], "b_M": [4.0, 8.0]})
    >>> moe_sum(frame).tolist()
    [5.0, 10.0]
    """
    m, index, rowwise = _columns(moes)
    _check_moe(m)
    if estimates is None:
        terms = m
    else:
        e, _, _ = _columns(estimates)
        if e.shape != m.shape:
            raise MoeValueError(
                f"moe_sum got {m.shape[1]} MOEs per row but {e.shape[1]} estimates per row "
                f"({m.shape[0]} vs {e.shape[0]} rows).",
                hint="Pass one estimate for every MOE, in the same order.",
            )
        zero = e == 0
        largest_zero = np.where(zero, m, 0.0).max(axis=1)
        terms = np.column_stack([np.where(zero, 0.0, m), largest_zero])
        terms[np.isnan(e).any(axis=1), :] = np.nan
    # sqrt(sum of squares), scaled by the largest term so tiny or huge values neither under- nor overflow
    scale = terms.max(axis=1, initial=0.0)
    scale = np.where(scale > 0, scale, 1.0)
    result = scale * np.sqrt(((terms / scale[:, None]) ** 2).sum(axis=1))
    if not rowwise:
        return float(result[0])
    return pd.Series(result, index=index) if index is not None else result


def moe_ratio(num: Any, den: Any, moe_num: Any, moe_den: Any) -> Any:
    """MOE of a ratio ``R = num / den`` where ``num`` is NOT a part of ``den``.

    In words: square the numerator's MOE, add R squared times the denominator's MOE squared, take
    the square root and divide by the denominator:
    ``sqrt(moe_num**2 + R**2 * moe_den**2) / den``. A zero denominator gives a missing value.
    Use it for things like "people per household"; for a share of a total use :func:`moe_prop`.

    >>> moe_ratio(50, 100, 6, 8)
    0.07211102550927978
    """
    num, den, moe_num, moe_den = _num(num), _num(den), _num(moe_num), _num(moe_den)
    _check_moe(moe_num, moe_den)
    with np.errstate(all="ignore"):
        ratio = num / den
        result = np.sqrt(moe_num**2 + ratio**2 * moe_den**2) / np.abs(den)
    result = np.where(den == 0, np.nan, result)
    return _out(_like(result, num, den, moe_num, moe_den), num, den, moe_num, moe_den)


def moe_prop(num: Any, den: Any, moe_num: Any, moe_den: Any) -> Any:
    """MOE of a proportion ``P = num / den`` where ``num`` is a part of ``den`` (a share of a total).

    In words: square the numerator's MOE, SUBTRACT P squared times the denominator's MOE squared,
    take the square root and divide by the denominator: ``sqrt(moe_num**2 - P**2 * moe_den**2) / den``.
    Multiply by 100 for a MOE in percentage points.

    When the value under the square root is not positive (zero or negative), the Census Bureau
    advises using the ratio formula instead (:func:`moe_ratio`, which ADDS the second term); we do
    that, like tidycensus. The ratio formula gives a larger (more cautious) MOE, so the result
    never exceeds ``moe_ratio``. A zero denominator gives a missing value.

    >>> round(moe_prop(50, 100, 6, 8), 4)        # 50 of 100 households, MOEs 6 and 8
    0.0447
    >>> round(moe_prop(50, 100, 3, 8), 4)        # 9 - 0.25 * 64 < 0: falls back to the ratio formula
    0.05
    """
    num, den, moe_num, moe_den = _num(num), _num(den), _num(moe_num), _num(moe_den)
    _check_moe(moe_num, moe_den)
    with np.errstate(all="ignore"):
        prop = num / den
        under_root = moe_num**2 - prop**2 * moe_den**2
        as_prop = np.sqrt(np.where(under_root > 0, under_root, np.nan)) / np.abs(den)
        as_ratio = np.sqrt(moe_num**2 + prop**2 * moe_den**2) / np.abs(den)
    result = np.where(under_root > 0, as_prop, as_ratio)
    result = np.where(den == 0, np.nan, result)
    return _out(_like(result, num, den, moe_num, moe_den), num, den, moe_num, moe_den)


def moe_product(est1: Any, est2: Any, moe1: Any, moe2: Any) -> Any:
    """MOE of a product ``est1 * est2``.

    In words: ``sqrt(est1**2 * moe2**2 + est2**2 * moe1**2)`` - each estimate squared times the
    other one's MOE squared, added, then the square root. Use it, for example, to turn a share and
    its MOE back into a count (share x total).

    >>> moe_product(0.25, 400, 0.05, 20)
    20.615528128088304
    """
    est1, est2, moe1, moe2 = _num(est1), _num(est2), _num(moe1), _num(moe2)
    _check_moe(moe1, moe2)
    result = np.sqrt(est1**2 * moe2**2 + est2**2 * moe1**2)
    return _out(result, est1, est2, moe1, moe2)


def _like(result: Any, *inputs: Any) -> Any:
    """np.where returns a bare array: give it back the index of a Series input, if any."""
    for item in inputs:
        if isinstance(item, pd.Series):
            return pd.Series(np.asarray(result, dtype="float64"), index=item.index, name=item.name)
    return result


# ----------------------------------------------------------------------------- standard errors


def se_from_moe(moe: Any, clevel: float = 0.90) -> Any:
    """Standard error from a margin of error: ``SE = MOE / z``.

    ``z`` is 1.645 for the 90% MOEs the Census Bureau publishes (the Bureau's own value); for a
    MOE at another level pass ``clevel`` (see :func:`z_value`).

    >>> se_from_moe(1645)
    1000.0
    """
    moe = _num(moe)
    _check_moe(moe)
    return _out(moe / z_value(clevel), moe)


def cv(estimate: Any, moe: Any) -> Any:
    """Coefficient of variation in percent: ``CV = SE / estimate * 100``, with ``SE = MOE / 1.645``.

    In words: how big the sampling error is compared with the estimate itself. A CV of 10 means the
    standard error is a tenth of the estimate. The CV of a zero estimate is undefined (a division by
    zero), so it is missing (NaN); a negative estimate uses its size (absolute value).

    >>> round(cv(564757, 10127), 2)
    1.09
    """
    estimate, moe = _num(estimate), _num(moe)
    _check_moe(moe)
    with np.errstate(all="ignore"):
        result = (moe / Z90) / np.abs(estimate) * 100
    result = np.where(estimate == 0, np.nan, result)
    return _out(_like(result, estimate, moe), estimate, moe)


def confidence_interval(estimate: Any, moe: Any, lower: float | None = 0,
                        upper: float | None = None) -> tuple[Any, Any]:
    """The interval ``estimate - MOE`` to ``estimate + MOE``, clipped at natural limits.

    With a 90% MOE this is a 90% confidence interval: a range built so that, in 90 of 100 samples,
    it would contain the true value. Counts cannot be negative, so by default the low end stops at
    0 (``lower=0``); for percentages pass ``upper=100`` (or ``upper=1`` for proportions). Pass
    ``lower=None`` for values that may be negative, such as a change between two periods.
    Returns ``(low, high)``.

    >>> confidence_interval(564757, 10127)
    (554630.0, 574884.0)
    >>> confidence_interval(30, 45)
    (0.0, 75.0)
    >>> confidence_interval(97.0, 4.5, upper=100)
    (92.5, 100.0)
    """
    estimate, moe = _num(estimate), _num(moe)
    _check_moe(moe)
    low, high = estimate - moe, estimate + moe
    if lower is not None:  # np.maximum/np.minimum keep NaN as NaN
        low, high = np.maximum(low, lower), np.maximum(high, lower)
    if upper is not None:
        low, high = np.minimum(low, upper), np.minimum(high, upper)
    return _out(low, estimate, moe), _out(high, estimate, moe)


def rescale_moe(moe: Any, from_level: float = 0.90, to_level: float = 0.95) -> Any:
    """Convert a MOE from one confidence level to another: ``MOE * z(to_level) / z(from_level)``.

    ACS MOEs are 90% MOEs. Some reports use 95%: the same uncertainty, a wider range.

    >>> round(rescale_moe(1645), 1)                # 90% -> 95%: z 1.645 -> 1.960
    1960.0
    """
    moe = _num(moe)
    _check_moe(moe)
    return _out(moe * (z_value(to_level) / z_value(from_level)), moe)


# ----------------------------------------------------------------------------- comparing estimates


def z_score(est1: Any, est2: Any, moe1: Any, moe2: Any, clevel: float = 0.90) -> Any:
    """How many standard errors apart two estimates are: ``(est1 - est2) / sqrt(SE1**2 + SE2**2)``.

    ``SE = MOE / z`` (1.645 for the published 90% MOEs; ``clevel`` is the level of the MOEs you
    pass). Positive when ``est1`` is larger. Two equal estimates give 0, even when both MOEs are 0.

    >>> round(z_score(120, 100, 16.45, 16.45), 3)
    1.414
    """
    est1, est2, moe1, moe2 = _num(est1), _num(est2), _num(moe1), _num(moe2)
    _check_moe(moe1, moe2)
    z = z_value(clevel)
    difference = est1 - est2
    with np.errstate(all="ignore"):
        result = difference / np.sqrt((moe1 / z) ** 2 + (moe2 / z) ** 2)
    result = np.where(difference == 0, 0.0, result)
    return _out(_like(result, est1, est2, moe1, moe2), est1, est2, moe1, moe2)


def significance(est1: Any, est2: Any, moe1: Any, moe2: Any, clevel: float = 0.90) -> Any:
    """True when two estimates differ significantly: ``|z_score| > z`` (1.645 at 90%).

    In words: the difference between the estimates is larger than the combined sampling error
    would explain at that confidence level. False means "we cannot tell them apart", not "they are
    equal". Both MOEs must be at the level ``clevel`` (ACS MOEs are 90%).

    Returns ``True``/``False`` for single numbers (``pd.NA`` when an input is missing), and a
    pandas nullable-boolean Series (or array) with ``<NA>`` for missing inputs otherwise.

    >>> significance(120, 100, 16.45, 16.45)
    False
    >>> significance(140, 100, 16.45, 16.45)
    True
    """
    scores = z_score(est1, est2, moe1, moe2, clevel=clevel)
    values = np.atleast_1d(np.asarray(scores, dtype="float64"))
    verdict = pd.array(np.abs(values) > z_value(clevel), dtype="boolean")
    verdict[np.isnan(values)] = pd.NA
    if isinstance(scores, pd.Series):
        return pd.Series(verdict, index=scores.index, name=scores.name)
    if _is_scalar(scores):
        return pd.NA if pd.isna(verdict[0]) else bool(verdict[0])
    return verdict


def reliability(cv: Any, high: float = 12, low: float = 40) -> Any:
    """Label each coefficient of variation (CV, in percent) "high", "medium" or "low" reliability.

    - "high": CV at most ``high`` (12%): the sampling error is small next to the estimate.
    - "medium": CV above 12% and at most ``low`` (40%): use with caution.
    - "low": CV above 40%: the estimate is very unreliable.
    - missing (NaN) CV -> missing label (``None`` for a single number).

    The 12/40 thresholds are a common convention, not a Census Bureau rule: they are the ones Esri
    uses for its ACS reliability symbols (Esri Business Analyst, "Esri Reliability Symbols Improve
    ACS Reports"). Other guides draw the lines elsewhere (e.g. 15% and 30%); the Bureau itself sets
    no fixed thresholds, so pass your own ``high`` and ``low`` if your organisation uses others.

    >>> reliability(5.0), reliability(25.0), reliability(55.0), reliability(float("nan"))
    ('high', 'medium', 'low', None)
    >>> reliability(pd.Series([3.2, 14.0, 80.0])).tolist()
    ['high', 'medium', 'low']
    """
    if high > low:
        raise MoeValueError(f"reliability(): high={high} must not be above low={low}.",
                            hint="high is the smaller CV threshold (e.g. 12), low the larger (e.g. 40).")
    values = _num(cv)
    array = np.atleast_1d(np.asarray(values, dtype="float64"))
    labels = np.select([array <= high, array <= low, array > low], ["high", "medium", "low"], default="")
    result = np.where(np.isnan(array), None, labels.astype(object))
    if isinstance(values, pd.Series):
        return pd.Series(result, index=values.index, name=values.name, dtype="str")
    if _is_scalar(cv):
        return result[0]
    return result.reshape(np.shape(values))
