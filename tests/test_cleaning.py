"""Annotation values and symbols become missing values (controlled MOE -> 0), with a record of each change."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from civicdata.core.settings import data_dir
from civicdata.data.cleaning import ANNOTATION_CODES, CONTROLLED_CODE, SYMBOLS, clean_values, describe
from civicdata.data.downloads import geoid_from_geo_id, read_census_download
from civicdata.data.s2801 import load_s2801

BRONX_B19013 = data_dir() / "downloads/bronx-ny/ACSDT5Y2022.B19013-Data_bronx_36005.csv"


@pytest.mark.parametrize("code", sorted(ANNOTATION_CODES))
def test_every_api_code_is_replaced_and_recorded(code):
    frame = pd.DataFrame({"GEOID": ["1", "2"], "B19013_001E": [code, 50000], "B19013_001M": [code, 1000]})
    cleaned, replaced = clean_values(frame)
    expected = 0.0 if code == CONTROLLED_CODE else None
    for column in ("B19013_001E", "B19013_001M"):
        value = cleaned.loc[0, column]
        assert (np.isnan(value) if expected is None else value == expected)
        assert cleaned.loc[1, column] in (50000, 1000)
    assert [(r["GEOID"], r["value"]) for r in replaced] == [("1", code), ("1", code)]
    assert all(r["reason"] == ANNOTATION_CODES[code] for r in replaced)


@pytest.mark.parametrize("symbol", sorted(SYMBOLS))
def test_every_download_symbol_is_replaced(symbol):
    frame = pd.DataFrame({"GEOID": ["1", "2"], "B19013_001M": [symbol, "1,234"]})
    cleaned, replaced = clean_values(frame)
    value = cleaned.loc[0, "B19013_001M"]
    assert (value == 0.0) if symbol == "*****" else np.isnan(value)
    assert cleaned.loc[1, "B19013_001M"] == 1234
    assert replaced == [{"GEOID": "1", "column": "B19013_001M", "value": symbol, "reason": SYMBOLS[symbol]}]


def test_open_ended_medians_missing_by_default_or_kept_as_bound():
    frame = pd.DataFrame({"GEOID": ["1", "2"], "B19013_001E": ["250,000+", "2,500-"]})
    cleaned, replaced = clean_values(frame)
    assert cleaned["B19013_001E"].isna().all()
    assert [r["reason"].split(":")[0] for r in replaced] == ["top-coded median", "bottom-coded median"]
    bound, _ = clean_values(frame, coded_medians="bound")
    assert bound["B19013_001E"].tolist() == [250000.0, 2500.0]


def test_non_value_columns_are_left_alone():
    frame = pd.DataFrame({"GEOID": ["1"], "NAME": ["-"], "B01003_001E": [-666666666]})
    cleaned, _ = clean_values(frame)
    assert cleaned.loc[0, "NAME"] == "-"
    assert describe(-666666666) and describe("(X)") and describe(42) is None


def test_geoid_from_geo_id():
    assert geoid_from_geo_id("1400000US36005000100") == "36005000100"
    assert geoid_from_geo_id("0500000US09110") == "09110"


def test_read_census_download_bronx():
    with open(BRONX_B19013, encoding="utf-8-sig", newline="") as handle:
        raw = list(csv.reader(handle))
    codes, labels, rows = raw[0], raw[1], raw[2:]
    frame = read_census_download(BRONX_B19013)
    assert frame.columns.tolist() == ["GEOID", "NAME", "B19013_001E", "B19013_001M"]
    assert len(frame) == len(rows)
    assert frame["GEOID"].str.len().eq(11).all() and frame["GEOID"].str.startswith("36005").all()
    assert frame.attrs["labels"]["B19013_001E"] == labels[codes.index("B19013_001E")]
    symbols = sum(1 for row in rows for value in row[2:4] if value in SYMBOLS)
    assert symbols > 0 and len(frame.attrs["replaced"]) == symbols
    numeric = [float(row[2]) for row in rows if row[2] not in SYMBOLS]
    assert frame["B19013_001E"].dropna().tolist() == numeric


def test_read_census_download_raw_text():
    frame = read_census_download(BRONX_B19013, clean=False)
    assert (frame["B19013_001E"] == "-").any()
    assert frame.attrs["replaced"] == []


def test_load_s2801_both_periods():
    new, old = load_s2801("2018-2022"), load_s2801("2013-2017")
    assert new["GEOID"].str.len().eq(5).all()
    assert "09110" in set(new["GEOID"]) and "09003" in set(old["GEOID"])
    assert new.attrs["vintage"] == "2018-2022" and old.attrs["vintage"] == "2013-2017"
    percent = new["S2801_C02_019E"].dropna()
    assert percent.between(0, 100).all()
