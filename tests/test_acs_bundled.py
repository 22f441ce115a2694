"""get_acs on bundled data (offline), its errors, and how it hands over to the live Census API (mocked)."""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest

import civicdata
from civicdata.core.errors import (
    DataIntegrityError,
    DataNotAvailableError,
    NoApiKeyError,
    PlaceNotFoundError,
    VariableNotFoundError,
    YearNotSupportedError,
)
from civicdata.data import get_acs as acs
from civicdata.data.places import load_place
from civicdata.data.variables import search_variables, variable_label

CT = "ct-capitol-region"


@pytest.fixture()
def ct():
    return load_place(CT)


def test_wide_default_place(ct, capsys):
    frame = civicdata.get_acs(variables={"income": "B19013_001", "pop": "B01003_001E"})
    line = capsys.readouterr().out.strip()
    assert line == ("Source: bundled data (ACS 2019-2023 5-year, Capitol Planning Region, CT), "
                    "no network used.")
    assert frame.columns.tolist() == ["GEOID", "NAME", "incomeE", "incomeM", "popE", "popM"]
    assert len(frame) == len(ct.tracts)
    assert frame["GEOID"].str.len().eq(11).all()
    assert frame["popE"].tolist() == ct.tracts["B01003_001E"].tolist()
    attrs = frame.attrs
    assert attrs["source"] == "bundled" and attrs["place"] == CT
    assert (attrs["year"], attrs["vintage"], attrs["has_moe"]) == (2023, "2019-2023", True)
    assert attrs["tables"] == ["B19013", "B01003"]
    assert isinstance(attrs["replaced"], list)


def test_tidy_shape(ct):
    tidy = civicdata.get_acs(variables=["B19013_001", "B01003_001"], output="tidy", quiet=True)
    assert tidy.columns.tolist() == ["GEOID", "NAME", "variable", "estimate", "moe"]
    assert len(tidy) == 2 * len(ct.tracts)
    first = tidy[tidy["GEOID"] == ct.tracts["GEOID"].iloc[0]]
    assert first["variable"].tolist() == ["B19013_001", "B01003_001"]
    assert first["estimate"].iloc[1] == ct.tracts["B01003_001E"].iloc[0]


def test_table_gives_every_variable_of_the_table(ct):
    frame = civicdata.get_acs(table="B25003", quiet=True)
    codes = ct.variables.loc[ct.variables["name"].str.startswith("B25003_"), "name"]
    assert frame.columns.tolist()[2:] == [f"{c}{s}" for c in codes for s in "EM"]


def test_county_state_us_rows_come_from_summary(ct):
    summary = ct.summary.set_index("geography")
    for geography in ("county", "state", "us"):
        row = civicdata.get_acs(geography, variables="B19013_001", quiet=True).iloc[0]
        assert row["GEOID"] == summary.loc[geography, "GEOID"]
        assert row["B19013_001E"] == summary.loc[geography, "B19013_001E"]
        assert row["B19013_001M"] == summary.loc[geography, "B19013_001M"]


def test_region_row_equals_sum_of_tracts():
    tracts = civicdata.get_acs(variables="B01003_001", quiet=True)
    region = civicdata.get_acs("county", variables="B01003_001", quiet=True)
    assert tracts["B01003_001E"].sum() == region["B01003_001E"].item()


def test_state_and_county_by_name_reach_the_same_bundled_place():
    a = civicdata.get_acs(variables="B19013_001", state="Connecticut", county="Capitol", quiet=True)
    b = civicdata.get_acs(variables="B19013_001", state="09", county="110", year=2023, quiet=True)
    pd.testing.assert_frame_equal(a, b)


def test_geometry(ct):
    shapes = civicdata.get_acs(variables="B19013_001", geometry=True, quiet=True)
    assert shapes.__class__.__name__ == "GeoDataFrame"
    assert shapes.crs.to_epsg() == 4326
    assert shapes.geometry.notna().all() and len(shapes) == len(ct.tracts)
    region = civicdata.get_acs("county", variables="B19013_001", geometry=True, quiet=True)
    assert len(region) == 1 and region.geometry.iloc[0].is_valid


def test_allegheny_without_moe_cleans_annotation_values(capsys):
    frame = civicdata.get_acs(state="PA", county="Allegheny", variables={"income": "B19013_001"})
    line = capsys.readouterr().out
    assert "Allegheny County, PA" in line and "Margins of error are missing" in line
    raw = load_place("allegheny-pa").tracts
    jams = raw["B19013_001E"] == -666666666
    assert frame["incomeM"].isna().all()
    assert frame.attrs["has_moe"] is False
    assert frame.loc[jams.to_numpy(), "incomeE"].isna().all()
    assert (frame["incomeE"].dropna() > 0).all()
    replaced = frame.attrs["replaced"]
    assert len(replaced) == int(jams.sum())
    assert {r["value"] for r in replaced} == {-666666666}
    assert {r["GEOID"] for r in replaced} == set(raw.loc[jams, "GEOID"])


def test_bundled_s2801_for_counties():
    frame = civicdata.get_acs("county", state="PA", variables="S2801_C02_019", quiet=True)
    assert frame["GEOID"].str.startswith("42").all() and frame.attrs["vintage"] == "2018-2022"


def test_misspelt_state_and_county():
    with pytest.raises(PlaceNotFoundError, match="Did you mean Connecticut"):
        civicdata.get_acs(state="Conneticut", variables="B19013_001", quiet=True)
    with pytest.raises(PlaceNotFoundError, match="Did you mean Hartford County"):
        civicdata.get_acs(state="CT", county="Hartfrod", variables="B19013_001", quiet=True)


def test_county_not_in_state():
    with pytest.raises(PlaceNotFoundError, match="no county called 'Allegheny' in Connecticut"):
        civicdata.get_acs(state="CT", county="Allegheny", variables="B19013_001", quiet=True)


def test_unknown_variable_and_table_with_close_matches():
    with pytest.raises(VariableNotFoundError) as info:
        civicdata.get_acs(variables="B19031_001", quiet=True)
    assert "B19013_001" in str(info.value)
    with pytest.raises(VariableNotFoundError, match="B19013"):
        civicdata.get_acs(table="B19031", quiet=True)
    with pytest.raises(VariableNotFoundError, match="search_variables"):
        civicdata.get_acs(variables="internet", quiet=True)


@pytest.mark.parametrize("year", [2008, 2030, "soon"])
def test_unsupported_year(year):
    with pytest.raises(YearNotSupportedError, match="2009 to 2024"):
        civicdata.get_acs(variables="B19013_001", year=year, quiet=True)


def test_ct_geography_change_is_explained():
    with pytest.raises(DataNotAvailableError, match="planning regions only from 2022"):
        civicdata.get_acs(variables="B19013_001", year=2020, quiet=True)
    with pytest.raises(DataNotAvailableError, match="former county"):
        civicdata.get_acs(state="CT", county="Hartford", variables="B19013_001", quiet=True)


def test_no_key_offline_says_what_to_do():
    with pytest.raises(DataNotAvailableError) as info:
        civicdata.get_acs(state="NC", county="Orange", variables="B19013_001", quiet=True)
    message = str(info.value)
    assert "Orange County, NC is not in the bundled data and there is no Census API key" in message
    assert "key_signup" in message and "prefetch" in message and "default place" in message


def test_year_not_bundled_needs_live():
    with pytest.raises(DataNotAvailableError, match="ACS 2019-2023"):
        civicdata.get_acs(variables="B19013_001", year=2022, quiet=True)


def test_source_bundled_and_live_explicit():
    with pytest.raises(DataNotAvailableError, match="not in the bundled data"):
        civicdata.get_acs(state="NC", county="Orange", variables="B19013_001", source="bundled", quiet=True)
    with pytest.raises(NoApiKeyError):
        civicdata.get_acs(variables="B19013_001", source="live", quiet=True)


def test_damaged_place_is_reported(tmp_path, monkeypatch):
    import shutil

    from civicdata.core.settings import places_dir

    target = tmp_path / "places" / CT
    shutil.copytree(places_dir() / CT, target)
    (target / "tracts.csv").write_text("GEOID,NAME\n", encoding="utf-8")
    monkeypatch.setenv("CIVICDATA_DATA_DIR", str(tmp_path))
    with pytest.raises(DataIntegrityError, match="tracts.csv has changed"):
        civicdata.get_acs(variables="B19013_001", quiet=True)


def test_auto_hands_over_to_live_when_a_key_and_network_exist(monkeypatch):
    """The contract with civicdata.data.census_api.fetch_acs (mocked here): full API codes in, raw values out."""
    calls = []

    def fake_fetch_acs(geography, codes, state_fips=None, county_fips=None, year=2024):
        calls.append((geography, list(codes), state_fips, county_fips, year))
        return pd.DataFrame({
            "GEOID": ["37135010701", "37135010702"], "NAME": ["Tract A", "Tract B"],
            "B19013_001E": [-666666666, 81000], "B19013_001M": [-222222222, 9000],
            "B01003_001E": [3000, 4000], "B01003_001M": [-555555555, 300],
        })

    fake = types.SimpleNamespace(fetch_acs=fake_fetch_acs)
    monkeypatch.setattr(acs, "_live_module", lambda: fake)
    monkeypatch.setenv("CENSUS_API_KEY", "test-key-not-real")
    monkeypatch.delenv("CIVICDATA_OFFLINE", raising=False)
    frame = civicdata.get_acs(state="NC", county="Orange", variables=["B19013_001", "B01003_001"],
                              year=2022, quiet=True)
    assert calls == [("tract", ["B19013_001E", "B19013_001M", "B01003_001E", "B01003_001M"], "37", "135", 2022)]
    assert frame.attrs["source"] == "live" and frame.attrs["vintage"] == "2018-2022"
    assert np.isnan(frame.loc[0, "B19013_001E"]) and np.isnan(frame.loc[0, "B19013_001M"])
    assert frame.loc[0, "B01003_001M"] == 0  # controlled estimate: MOE 0
    assert len(frame.attrs["replaced"]) == 3


def test_search_variables_and_labels():
    hits = search_variables("internet")
    assert {"name", "label", "concept"} <= set(hits.columns)
    assert hits["label"].str.contains("internet", case=False).any()
    assert search_variables("median household income", slug=CT)["name"].tolist() == ["B19013_001"]
    label = variable_label("B19013_001E", CT)
    ct = load_place(CT).variables
    assert label == ct.loc[ct["name"] == "B19013_001", "label"].item()
    with pytest.raises(VariableNotFoundError, match="Close matches"):
        variable_label("B19031_001", CT)


@pytest.mark.parametrize("period", ["2013-2017", "2018-2022"])
def test_reading_a_few_s2801_columns_gives_what_the_whole_table_gives(period):
    """get_acs reads only the S2801 columns it is asked for (load_s2801_columns): same values, same record."""
    from civicdata.data.s2801 import load_s2801, load_s2801_columns

    full = load_s2801(period)
    for codes in (["S2801_C02_019"], ["S2801_C01_001", "S2801_C01_019"], ["S2801_C02_002", "S2801_C01_012"]):
        few = load_s2801_columns(codes, period)
        columns = ["GEOID", "NAME"] + [c for c in full.columns if c[:-1] in codes]
        assert list(few.columns) == columns
        pd.testing.assert_frame_equal(full[columns], few)
        assert few.attrs["replaced"] == [r for r in full.attrs["replaced"] if r["column"][:-1] in codes]
        assert few.attrs["labels"] == {c: label for c, label in full.attrs["labels"].items() if c in columns}
        assert {k: few.attrs[k] for k in ("source", "file", "table", "year", "vintage")} == {
            k: full.attrs[k] for k in ("source", "file", "table", "year", "vintage")}
