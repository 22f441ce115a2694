"""Tests for civicdata.moe: the Census Bureau formulas, properties, edge cases and the docstring examples.

Expected values are either the one worked check in ../shared/REFERENCE.md or are derived here from the
formulas themselves (written out independently with ``math``), never tuned to an output.
"""

from __future__ import annotations

import doctest
import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civicdata.core.errors import CivicDataError
from civicdata.moe import arrays, formulas
from civicdata.moe import reliability as reliability_module
from civicdata.moe.formulas import moe_product, moe_prop, moe_ratio, moe_sum, rescale_moe, se_from_moe, z_value
from civicdata.moe.reliability import confidence_interval, cv, reliability, significance, z_score

# --------------------------------------------------------------------------------------------------
# The check in REFERENCE.md: 564,757 +/- 10,127 -> 90% CI 554,630 .. 574,884 and CV 1.1%
# --------------------------------------------------------------------------------------------------


def test_reference_check_interval_and_cv():
    low, high = confidence_interval(564757, 10127)
    assert (low, high) == (554630, 574884)
    assert round(cv(564757, 10127), 1) == 1.1


def test_doctests_of_moe_modules_pass():
    attempted = 0
    for module in (arrays, formulas, reliability_module):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
        attempted += result.attempted
    assert attempted >= 15


# --------------------------------------------------------------------------------------------------
# z values
# --------------------------------------------------------------------------------------------------


def test_z_for_90_percent_is_the_bureau_constant():
    assert z_value(0.90) == 1.645
    assert z_value(0.9) == 1.645


@pytest.mark.parametrize("level", [0.80, 0.95, 0.99])
def test_z_for_other_levels_is_the_normal_quantile(level):
    assert z_value(level) == pytest.approx(NormalDist().inv_cdf(0.5 + level / 2), rel=1e-12)


@pytest.mark.parametrize("level", [0, 1, 90, -0.5, "ninety", float("nan")])
def test_bad_confidence_level_is_a_clear_error(level):
    with pytest.raises(CivicDataError, match="between 0 and 1"):
        z_value(level)


# --------------------------------------------------------------------------------------------------
# Formulas against hand-written math
# --------------------------------------------------------------------------------------------------


def test_moe_sum_is_root_of_sum_of_squares():
    assert moe_sum([3, 4]) == 5.0
    assert moe_sum([120, 35, 90]) == pytest.approx(math.sqrt(120**2 + 35**2 + 90**2))
    assert moe_sum(np.array([7.0])) == 7.0


def test_moe_sum_zero_estimates_use_largest_moe_once():
    moes, ests = [10, 20, 30, 5], [0, 0, 100, 0]
    assert moe_sum(moes, ests) == pytest.approx(math.sqrt(20**2 + 30**2))
    # one zero estimate: counted normally
    assert moe_sum([10, 30], [0, 100]) == pytest.approx(math.sqrt(10**2 + 30**2))
    # no estimates given: every MOE counts
    assert moe_sum(moes) == pytest.approx(math.sqrt(10**2 + 20**2 + 30**2 + 5**2))


def test_moe_sum_rowwise_on_a_wide_frame_with_zero_rule_per_row():
    m = pd.DataFrame({"a_M": [3.0, 10.0, 6.0], "b_M": [4.0, 20.0, 8.0], "c_M": [12.0, 30.0, 1.0]},
                     index=["t1", "t2", "t3"])
    e = pd.DataFrame({"a_E": [5, 0, 0], "b_E": [5, 0, 9], "c_E": [5, 0, 0]}, index=m.index)
    plain = moe_sum(m)
    assert isinstance(plain, pd.Series) and list(plain.index) == ["t1", "t2", "t3"]
    assert plain.tolist() == pytest.approx([13.0, math.sqrt(1400), math.sqrt(101)])
    ruled = moe_sum(m, e)
    # row t1: no zero estimate; t2: all zero -> only the largest MOE (30); t3: zeros a, c -> max(6, 1)
    assert ruled.tolist() == pytest.approx([13.0, 30.0, 10.0])


def test_moe_sum_list_of_series_equals_dataframe():
    a, b = pd.Series([3.0, 5.0]), pd.Series([4.0, 12.0])
    assert moe_sum([a, b]).tolist() == moe_sum(pd.concat([a, b], axis=1)).tolist() == [5.0, 13.0]
    assert moe_sum([a.to_numpy(), b.to_numpy()]).tolist() == [5.0, 13.0]


def test_moe_sum_shape_mismatch_is_a_clear_error():
    with pytest.raises(CivicDataError, match="one estimate for every MOE"):
        moe_sum(pd.DataFrame({"a": [1.0], "b": [2.0]}), pd.DataFrame({"a": [1.0]}))


def test_moe_prop_formula():
    num, den, mn, md = 300.0, 1200.0, 60.0, 90.0
    p = num / den
    assert moe_prop(num, den, mn, md) == pytest.approx(math.sqrt(mn**2 - p**2 * md**2) / den)


def test_moe_prop_falls_back_to_ratio_when_root_negative_or_zero():
    # 10**2 - 0.5**2 * 40**2 = 100 - 400 < 0 -> ratio formula
    assert moe_prop(50, 100, 10, 40) == pytest.approx(moe_ratio(50, 100, 10, 40))
    assert moe_prop(50, 100, 10, 40) == pytest.approx(math.sqrt(10**2 + 0.25 * 40**2) / 100)
    # exactly zero under the root (num == den, equal MOEs) -> ratio formula too
    assert moe_prop(80, 80, 9, 9) == pytest.approx(moe_ratio(80, 80, 9, 9))


def test_moe_ratio_and_product_formulas():
    r = 250 / 100
    assert moe_ratio(250, 100, 30, 12) == pytest.approx(math.sqrt(30**2 + r**2 * 12**2) / 100)
    assert moe_product(0.3, 500, 0.04, 25) == pytest.approx(math.sqrt(0.3**2 * 25**2 + 500**2 * 0.04**2))


def test_se_cv_rescale():
    assert se_from_moe(1645) == pytest.approx(1000)
    assert se_from_moe(1960, clevel=0.95) == pytest.approx(1960 / z_value(0.95))
    assert cv(200, 32.9) == pytest.approx(32.9 / 1.645 / 200 * 100)
    assert rescale_moe(1645) == pytest.approx(1000 * z_value(0.95))
    assert rescale_moe(100, from_level=0.90, to_level=0.90) == 100


def test_confidence_interval_clips_at_natural_limits():
    assert confidence_interval(30, 45) == (0.0, 75.0)
    assert confidence_interval(30, 45, lower=None) == (-15.0, 75.0)
    assert confidence_interval(96.0, 5.0, upper=100) == (91.0, 100.0)
    low, high = confidence_interval(pd.Series([10.0, 500.0], index=["a", "b"]), pd.Series([20.0, 50.0]).values)
    assert low.tolist() == [0.0, 450.0] and high.tolist() == [30.0, 550.0]
    assert list(low.index) == ["a", "b"]


def test_z_score_and_significance():
    # SE 10 each: z = 20 / sqrt(200)
    assert z_score(120, 100, 16.45, 16.45) == pytest.approx(20 / math.sqrt(200))
    assert z_score(100, 120, 16.45, 16.45) == pytest.approx(-20 / math.sqrt(200))
    assert significance(120, 100, 16.45, 16.45) is False
    assert significance(140, 100, 16.45, 16.45) is True
    # at 99% the same MOEs (now read as 99% MOEs) mean smaller SEs
    z99 = z_value(0.99)
    expected = abs(140 - 100) / math.sqrt(2 * (16.45 / z99) ** 2) > z99
    assert significance(140, 100, 16.45, 16.45, clevel=0.99) is expected


@pytest.mark.parametrize(
    ("value", "label"),
    [(0.0, "high"), (11.9, "high"), (12.0, "high"), (12.01, "medium"), (40.0, "medium"), (40.1, "low"),
     (250.0, "low")],
)
def test_reliability_thresholds(value, label):
    assert reliability(value) == label


def test_reliability_vectorised_and_custom_thresholds():
    s = pd.Series([5.0, np.nan, 20.0, 35.0], index=list("wxyz"))
    out = reliability(s)
    assert list(out.index) == list("wxyz")
    assert out.tolist()[0] == "high" and pd.isna(out["x"]) and out["y"] == "medium"
    assert reliability(s, high=15, low=30).tolist()[2:] == ["medium", "low"]
    arr = reliability(np.array([1.0, np.nan]))
    assert arr.tolist() == ["high", None]
    with pytest.raises(CivicDataError):
        reliability(10, high=50, low=40)


# --------------------------------------------------------------------------------------------------
# Edge cases
# --------------------------------------------------------------------------------------------------


def test_zero_denominators_give_missing():
    assert math.isnan(moe_prop(0, 0, 5, 5))
    assert math.isnan(moe_prop(3, 0, 5, 5))
    assert math.isnan(moe_ratio(3, 0, 5, 5))
    assert math.isnan(cv(0, 12))
    out = moe_prop(pd.Series([1.0, 2.0]), pd.Series([0.0, 4.0]), 1.0, 1.0)
    assert math.isnan(out.iloc[0]) and not math.isnan(out.iloc[1])


def test_all_zero_estimates():
    assert moe_sum([12, 19, 7], [0, 0, 0]) == 19.0
    # a zero numerator: proportion MOE is moe_num / den (nothing subtracted)
    assert moe_prop(0, 500, 19, 40) == pytest.approx(19 / 500)
    assert z_score(0, 0, 0, 0) == 0.0
    assert significance(0, 0, 0, 0) is False
    assert significance(5, 0, 0, 0) is True  # both exact and different


def test_nan_propagates_everywhere():
    nan = float("nan")
    assert math.isnan(moe_sum([3, nan]))
    assert math.isnan(moe_sum([3, 4], [nan, 1]))
    assert math.isnan(moe_prop(nan, 10, 1, 1))
    assert math.isnan(moe_ratio(1, 10, nan, 1))
    assert math.isnan(moe_product(1, nan, 1, 1))
    assert math.isnan(se_from_moe(nan))
    assert math.isnan(cv(nan, 1))
    assert math.isnan(rescale_moe(nan))
    assert math.isnan(z_score(1, 2, nan, 1))
    low, high = confidence_interval(nan, 3)
    assert math.isnan(low) and math.isnan(high)
    assert significance(1, nan, 1, 1) is pd.NA
    assert reliability(nan) is None
    sig = significance(pd.Series([50.0, nan]), pd.Series([10.0, 1.0]), 1.0, 1.0)
    assert sig.dtype == "boolean" and bool(sig.iloc[0]) and pd.isna(sig.iloc[1])


def test_nullable_pandas_dtypes_are_accepted():
    est = pd.Series([100, None], dtype="Int64")
    m = pd.Series([16.45, None], dtype="Float64")
    out = cv(est, m)
    assert out.iloc[0] == pytest.approx(10.0) and math.isnan(out.iloc[1])


def test_negative_moe_is_refused_with_a_hint():
    with pytest.raises(CivicDataError, match="annotation"):
        moe_sum([10, -222222222])
    with pytest.raises(CivicDataError):
        cv(100, pd.Series([-333333333.0]))


def test_scalars_give_floats_arrays_give_arrays():
    assert type(cv(10, 1)) is float
    assert isinstance(cv(np.array([10.0, 20.0]), 1), np.ndarray)
    assert isinstance(moe_ratio(pd.Series([1.0]), 2, 1, 1), pd.Series)


# --------------------------------------------------------------------------------------------------
# Properties (hypothesis)
# --------------------------------------------------------------------------------------------------

moes = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False, allow_subnormal=False)
estimates = st.floats(min_value=0, max_value=1e8, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@settings(max_examples=100, deadline=None)
@given(st.lists(moes, min_size=1, max_size=20))
def test_sum_moe_at_least_largest_component(values):
    assert moe_sum(values) >= max(values) * (1 - 1e-12)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(moes, estimates), min_size=1, max_size=20))
def test_sum_moe_with_zero_rule_at_least_largest_nonzero_component(pairs):
    m, e = [p[0] for p in pairs], [p[1] for p in pairs]
    result = moe_sum(m, e)
    assert result <= moe_sum(m) * (1 + 1e-12)  # the rule can only drop terms
    assert result >= max(m) * (1 - 1e-12)  # the largest MOE always counts (zero estimate or not)


@settings(max_examples=100, deadline=None)
@given(estimates, estimates, moes, moes, st.sampled_from([0.80, 0.90, 0.95, 0.99]))
def test_significance_is_symmetric(e1, e2, m1, m2, level):
    assert significance(e1, e2, m1, m2, clevel=level) == significance(e2, e1, m2, m1, clevel=level)
    assert z_score(e1, e2, m1, m2) == pytest.approx(-z_score(e2, e1, m2, m1))


@settings(max_examples=100, deadline=None)
@given(moes, st.sampled_from([0.80, 0.90, 0.95, 0.99]), st.sampled_from([0.80, 0.90, 0.95, 0.99]))
def test_rescale_round_trips(m, a, b):
    assert rescale_moe(rescale_moe(m, a, b), b, a) == pytest.approx(m, rel=1e-12, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(estimates, st.floats(min_value=1, max_value=1e8, allow_subnormal=False), moes, moes)
def test_prop_moe_never_exceeds_ratio_moe(part, total, m_part, m_total):
    part = min(part, total)  # a proportion's numerator is a subset of its denominator
    assert moe_prop(part, total, m_part, m_total) <= moe_ratio(part, total, m_part, m_total) * (1 + 1e-12)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(estimates, moes), min_size=1, max_size=10))
def test_vectorised_equals_elementwise(pairs):
    e = np.array([p[0] for p in pairs])
    m = np.array([p[1] for p in pairs])
    vector = cv(e, m)
    for i in range(len(pairs)):
        single = cv(e[i], m[i])
        assert (math.isnan(single) and math.isnan(vector[i])) or single == vector[i]
