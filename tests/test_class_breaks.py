"""civicdata.maps.class_breaks gives exactly mapclassify's breaks and classes.

The maps compute their classes without importing mapclassify (it loads scikit-learn and scipy: about
90 MB per kernel). These tests are what makes that safe: every scheme, on real bundled columns and on
random data with many ties, must give the same breaks (to the last bit) and put every value in the same
class as mapclassify's Quantiles, EqualInterval and FisherJenks.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import mapclassify
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civicdata.maps.class_breaks import class_of, equal_interval_breaks, fisher_jenks_breaks, quantile_breaks
from civicdata.maps.classification import classify

PLACES = Path(__file__).resolve().parents[1] / "data" / "places"
OURS = {"quantiles": quantile_breaks, "equal_interval": equal_interval_breaks, "natural_breaks": fisher_jenks_breaks}
THEIRS = {"quantiles": mapclassify.Quantiles, "equal_interval": mapclassify.EqualInterval,
          "natural_breaks": mapclassify.FisherJenks}


def assert_same(values: np.ndarray, scheme: str, k: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed", "not enough unique values"
        theirs = THEIRS[scheme](values, k=k)
    breaks = OURS[scheme](values, k)
    assert breaks.tolist() == np.asarray(theirs.bins, dtype="float64").tolist(), (scheme, k)
    assert class_of(values, breaks).tolist() == np.asarray(theirs.yb).tolist(), (scheme, k)


def bundled_columns() -> list[tuple[str, np.ndarray]]:
    columns = []
    for place in sorted(PLACES.iterdir()):
        tracts = pd.read_csv(place / "tracts.csv", dtype={"GEOID": str})
        numeric = tracts.select_dtypes("number")
        for column in sorted(c for c in numeric.columns if c.endswith("E")):
            values = numeric[column].dropna().to_numpy(dtype="float64")
            if len(np.unique(values)) >= 8:
                columns.append((f"{place.name}:{column}", values))
    return columns


COLUMNS = bundled_columns()


def test_there_are_real_columns_to_compare():
    assert len(COLUMNS) > 100 and all(len(values) > 200 for _, values in COLUMNS)


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval"])
def test_every_bundled_column_classes_like_mapclassify(scheme):
    for _name, values in COLUMNS:
        for k in (3, 5, 7):
            assert_same(values, scheme, k)


def test_natural_breaks_of_bundled_columns_like_mapclassify():
    # mapclassify's FisherJenks is pure Python here (no numba): a sample of columns keeps this test short.
    for _name, values in COLUMNS[:: max(1, len(COLUMNS) // 12)]:
        assert_same(values, "natural_breaks", 5)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(st.integers(0, 12), min_size=8, max_size=40), k=st.integers(2, 7),
       scale=st.sampled_from([1.0, 0.1, 1000.0]))
def test_random_values_with_ties_class_like_mapclassify(values, k, scale):
    array = np.array(values, dtype="float64") * scale
    for scheme in ("quantiles", "equal_interval", "natural_breaks"):
        if len(np.unique(array)) >= k:
            assert_same(array, scheme, k)


def test_the_maps_classify_with_these_breaks():
    values = pd.Series([4.0, None, 1.0, 9.0, 9.0, 2.5, 7.0, 3.0])
    result = classify(values, scheme="natural_breaks", k=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = mapclassify.FisherJenks(values.dropna().to_numpy(), k=3)
    assert [hi for _, hi in result.bounds] == list(theirs.bins)
    expected = np.full(len(values), -1)
    expected[values.notna().to_numpy()] = theirs.yb
    assert result.classes.tolist() == expected.tolist()
    assert result.classes[1] == -1 and result.counts == np.bincount(theirs.yb).tolist()
