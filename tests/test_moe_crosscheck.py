"""Cross-check of civicdata.moe on the bundled Greater Hartford data (Capitol Planning Region, CT).

Adding up the region's tract estimates reproduces the published region estimate exactly (tract
estimates are built to add up), but the MOE approximated from the tract MOEs with ``moe_sum`` is not the
MOE the Census Bureau published for the region: the approximation treats the tracts as independent
(it ignores covariance), while the Bureau computes the region's MOE directly from the survey's
replicate weights. Every expected value is read from the bundled files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from civicdata.core import settings
from civicdata.moe.formulas import moe_prop, moe_sum
from civicdata.moe.reliability import cv

PLACE = "ct-capitol-region"
REGION_GEOID = "09110"


@pytest.fixture(scope="module")
def tracts() -> pd.DataFrame:
    return pd.read_csv(settings.places_dir() / PLACE / "tracts.csv", dtype={"GEOID": str, "NAME": str})


@pytest.fixture(scope="module")
def region(tracts) -> pd.Series:
    summary = pd.read_csv(settings.places_dir() / PLACE / "summary.csv", dtype={"GEOID": str, "NAME": str})
    rows = summary[(summary["geography"] == "county") & (summary["GEOID"] == REGION_GEOID)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_bundled_tracts_belong_to_the_region(tracts):
    assert tracts["GEOID"].str.len().eq(11).all()
    assert tracts["GEOID"].str.startswith(REGION_GEOID).all()
    assert tracts["GEOID"].is_unique


@pytest.mark.parametrize("variable", ["B25003_001", "B25003_002", "B25003_003", "B01003_001",
                                      "B08201_002", "C17002_001"])
def test_sum_of_tract_estimates_equals_published_region_estimate(tracts, region, variable):
    estimates = tracts[f"{variable}E"]
    assert estimates.notna().all()
    assert estimates.sum() == region[f"{variable}E"]


@pytest.mark.parametrize("variable", ["B25003_001", "B25003_002", "B25003_003", "B08201_002",
                                      "C17002_002"])
def test_approximated_moe_differs_from_published_region_moe(tracts, region, variable):
    approx = moe_sum(tracts[f"{variable}M"], tracts[f"{variable}E"])
    published = region[f"{variable}M"]
    assert np.isfinite(approx) and np.isfinite(published) and published > 0
    # Written out without the helper: the square root of the sum of squared tract MOEs, with the
    # Census rule for zero estimates (only the largest MOE among the zero estimates counts, once).
    m, e = tracts[f"{variable}M"], tracts[f"{variable}E"]
    zero = e == 0
    by_hand = np.sqrt((m[~zero] ** 2).sum() + (m[zero].max() if zero.any() else 0.0) ** 2)
    assert approx == pytest.approx(by_hand)
    # Not equal: at least 1% apart (both are whole numbers of households or people).
    assert abs(approx - published) / published > 0.01


def test_households_total_approximation_is_far_wider_than_published(tracts, region):
    """For the households total the published MOE is much smaller than the sum-of-squares approximation."""
    approx = moe_sum(tracts["B25003_001M"])
    assert approx > 2 * region["B25003_001M"]


def test_controlled_population_total_has_no_published_moe(tracts, region):
    """Total population is controlled to official population estimates: no MOE is published for the
    region, yet the tracts each carry a MOE, so an approximation from them would suggest uncertainty."""
    assert pd.isna(region["B01003_001M"])
    assert tracts["B01003_001M"].notna().all()
    assert moe_sum(tracts["B01003_001M"]) > 0


def test_tract_shares_use_proportion_formula_rowwise(tracts):
    """Share of households with no vehicle, per tract: helper equals the formula written out in pandas."""
    num, den = tracts["B08201_002E"], tracts["B08201_001E"]
    m_num, m_den = tracts["B08201_002M"], tracts["B08201_001M"]
    share = num / den
    under = m_num**2 - share**2 * m_den**2
    by_hand = np.where(under > 0, np.sqrt(under.clip(lower=0)), np.sqrt(m_num**2 + share**2 * m_den**2)) / den
    by_hand = pd.Series(by_hand, index=tracts.index).where(den != 0)
    helper = moe_prop(num, den, m_num, m_den)
    pd.testing.assert_series_equal(helper, by_hand, check_names=False)
    assert cv(num, m_num).index.equals(tracts.index)
