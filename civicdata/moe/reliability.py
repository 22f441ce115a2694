"""How far to trust an ACS estimate: coefficient of variation, confidence interval, significance, reliability.

Formulas: U.S. Census Bureau, "Understanding and Using American Community Survey Data: What All Data
Users Need to Know" (2020), chapters 7 and 8; the function names ``significance`` and the z-score follow
tidycensus. Inputs are numbers, arrays or Series, as in :mod:`civicdata.moe.formulas`.

Example:
    >>> round(cv(564757, 10127), 1)
    1.1
    >>> confidence_interval(564757, 10127)
    (554630.0, 574884.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from civicdata.core.errors import MoeValueError
from civicdata.moe.arrays import as_float, check_moe, is_scalar, keep_index, numbers, scalar_or_array
from civicdata.moe.formulas import Z90, z_value

__all__ = ["cv", "confidence_interval", "z_score", "significance", "reliability"]


def cv(estimate: Any, moe: Any) -> Any:
    """Coefficient of variation in percent: ``CV = SE / estimate * 100``, with ``SE = MOE / 1.645``.

    In words: how big the sampling error is compared with the estimate itself. A CV of 10 means the
    standard error is a tenth of the estimate. The CV of a zero estimate is undefined (a division by
    zero), so it is missing (NaN); a negative estimate uses its size (absolute value).

    >>> round(cv(564757, 10127), 2)
    1.09
    """
    estimate, moe = numbers("cv", estimate=estimate, moe=moe)
    check_moe(moe)
    with np.errstate(all="ignore"):
        result = (moe / Z90) / np.abs(estimate) * 100
    result = np.where(estimate == 0, np.nan, result)
    return scalar_or_array(keep_index(result, estimate, moe), estimate, moe)


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
    estimate, moe = numbers("confidence_interval", estimate=estimate, moe=moe)
    check_moe(moe)
    low, high = estimate - moe, estimate + moe
    if lower is not None:  # np.maximum/np.minimum keep NaN as NaN
        low, high = np.maximum(low, lower), np.maximum(high, lower)
    if upper is not None:
        low, high = np.minimum(low, upper), np.minimum(high, upper)
    return scalar_or_array(low, estimate, moe), scalar_or_array(high, estimate, moe)


# ----------------------------------------------------------------------------- comparing estimates


def z_score(est1: Any, est2: Any, moe1: Any, moe2: Any, clevel: float = 0.90) -> Any:
    """How many standard errors apart two estimates are: ``(est1 - est2) / sqrt(SE1**2 + SE2**2)``.

    ``SE = MOE / z`` (1.645 for the published 90% MOEs; ``clevel`` is the level of the MOEs you
    pass). Positive when ``est1`` is larger. Two equal estimates give 0, even when both MOEs are 0.

    >>> round(z_score(120, 100, 16.45, 16.45), 3)
    1.414
    """
    est1, est2, moe1, moe2 = numbers("z_score", est1=est1, est2=est2, moe1=moe1, moe2=moe2)
    check_moe(moe1, moe2)
    z = z_value(clevel)
    difference = est1 - est2
    with np.errstate(all="ignore"):
        result = difference / np.sqrt((moe1 / z) ** 2 + (moe2 / z) ** 2)
    result = np.where(difference == 0, 0.0, result)
    return scalar_or_array(keep_index(result, est1, est2, moe1, moe2), est1, est2, moe1, moe2)


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
    if is_scalar(scores):
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
    no fixed thresholds, so pass your own ``high`` and ``low`` if your organization uses others.

    >>> reliability(5.0), reliability(25.0), reliability(55.0), reliability(float("nan"))
    ('high', 'medium', 'low', None)
    >>> reliability(pd.Series([3.2, 14.0, 80.0])).tolist()
    ['high', 'medium', 'low']
    """
    for name, value in (("high", high), ("low", low)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise MoeValueError(f"reliability(): {name}={value!r} must be a number (a CV in percent).",
                                hint="e.g. reliability(cv_values, high=12, low=40).")
    if high > low:
        raise MoeValueError(f"reliability(): high={high} must not be above low={low}.",
                            hint="high is the smaller CV threshold (e.g. 12), low the larger (e.g. 40).")
    values = as_float(cv, "cv")
    array = np.atleast_1d(np.asarray(values, dtype="float64"))
    labels = np.select([array <= high, array <= low, array > low], ["high", "medium", "low"], default="")
    result = np.where(np.isnan(array), None, labels.astype(object))
    if isinstance(values, pd.Series):
        return pd.Series(result, index=values.index, name=values.name, dtype="str")
    if is_scalar(cv):
        return result[0]
    return result.reshape(np.shape(values))
