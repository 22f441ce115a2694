"""Margins of error (MOE) of derived estimates: the Census Bureau's formulas.

Every ACS number is an estimate from a sample, published with a 90% margin of error. This module
does the arithmetic the notebooks first write out by hand: the MOE of a sum, a proportion, a ratio
or a product of estimates, standard errors, and MOEs at other confidence levels. How far to trust an
estimate (CV, confidence interval, significance, a reliability label) is in
:mod:`civicdata.moe.reliability`.

The function names are those of the R package tidycensus (``moe_sum``, ``moe_prop``,
``moe_ratio``, ``moe_product``, ``significance``), which many census users already know.
Formulas: U.S. Census Bureau, "Understanding and Using American Community Survey Data: What All
Data Users Need to Know" (2020), chapters 7 and 8.

Every function accepts plain numbers, numpy arrays and pandas Series (and returns the same kind:
a Series keeps its index). A missing value (NaN) in gives a missing value out. A negative MOE
raises an error: it is almost always a Census annotation code such as -222222222 that was not
cleaned away.

Example:
    >>> moe_sum([3, 4])
    5.0
    >>> se_from_moe(1645)
    1000.0
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from civicdata.core.errors import MoeValueError
from civicdata.moe.arrays import as_columns, as_float, check_moe, keep_index, scalar_or_array

__all__ = ["Z90", "z_value", "moe_sum", "moe_prop", "moe_ratio", "moe_product", "se_from_moe", "rescale_moe"]

#: The z value the Census Bureau uses for its 90% margins of error (rounded by the Bureau to 1.645).
Z90 = 1.645


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
    m, index, rowwise = as_columns(moes)
    check_moe(m)
    if estimates is None:
        terms = m
    else:
        e, _, _ = as_columns(estimates)
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
    num, den, moe_num, moe_den = as_float(num), as_float(den), as_float(moe_num), as_float(moe_den)
    check_moe(moe_num, moe_den)
    with np.errstate(all="ignore"):
        ratio = num / den
        result = np.sqrt(moe_num**2 + ratio**2 * moe_den**2) / np.abs(den)
    result = np.where(den == 0, np.nan, result)
    return scalar_or_array(keep_index(result, num, den, moe_num, moe_den), num, den, moe_num, moe_den)


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
    num, den, moe_num, moe_den = as_float(num), as_float(den), as_float(moe_num), as_float(moe_den)
    check_moe(moe_num, moe_den)
    with np.errstate(all="ignore"):
        prop = num / den
        under_root = moe_num**2 - prop**2 * moe_den**2
        as_prop = np.sqrt(np.where(under_root > 0, under_root, np.nan)) / np.abs(den)
        as_ratio = np.sqrt(moe_num**2 + prop**2 * moe_den**2) / np.abs(den)
    result = np.where(under_root > 0, as_prop, as_ratio)
    result = np.where(den == 0, np.nan, result)
    return scalar_or_array(keep_index(result, num, den, moe_num, moe_den), num, den, moe_num, moe_den)


def moe_product(est1: Any, est2: Any, moe1: Any, moe2: Any) -> Any:
    """MOE of a product ``est1 * est2``.

    In words: ``sqrt(est1**2 * moe2**2 + est2**2 * moe1**2)`` - each estimate squared times the
    other one's MOE squared, added, then the square root. Use it, for example, to turn a share and
    its MOE back into a count (share x total).

    >>> moe_product(0.25, 400, 0.05, 20)
    20.615528128088304
    """
    est1, est2, moe1, moe2 = as_float(est1), as_float(est2), as_float(moe1), as_float(moe2)
    check_moe(moe1, moe2)
    result = np.sqrt(est1**2 * moe2**2 + est2**2 * moe1**2)
    return scalar_or_array(result, est1, est2, moe1, moe2)


# ----------------------------------------------------------------------------- standard errors


def se_from_moe(moe: Any, clevel: float = 0.90) -> Any:
    """Standard error from a margin of error: ``SE = MOE / z``.

    ``z`` is 1.645 for the 90% MOEs the Census Bureau publishes (the Bureau's own value); for a
    MOE at another level pass ``clevel`` (see :func:`z_value`).

    >>> se_from_moe(1645)
    1000.0
    """
    moe = as_float(moe)
    check_moe(moe)
    return scalar_or_array(moe / z_value(clevel), moe)


def rescale_moe(moe: Any, from_level: float = 0.90, to_level: float = 0.95) -> Any:
    """Convert a MOE from one confidence level to another: ``MOE * z(to_level) / z(from_level)``.

    ACS MOEs are 90% MOEs. Some reports use 95%: the same uncertainty, a wider range.

    >>> round(rescale_moe(1645), 1)                # 90% -> 95%: z 1.645 -> 1.960
    1960.0
    """
    moe = as_float(moe)
    check_moe(moe)
    return scalar_or_array(moe * (z_value(to_level) / z_value(from_level)), moe)

