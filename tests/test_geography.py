"""find_place: names, abbreviations, FIPS codes, CT planning regions, DC, Puerto Rico, helpful errors."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from civicdata.core.errors import PlaceNotFoundError
from civicdata.core.settings import data_dir
from civicdata.data.geography import COUNTIES_FILE, find_place, list_counties


@pytest.mark.parametrize("state", ["Connecticut", "connecticut", "CT", "ct", "09", "9", 9])
def test_state_by_name_abbreviation_or_fips(state):
    place = find_place(state)
    assert (place.state_name, place.state_abbr, place.state_fips, place.geoid) == ("Connecticut", "CT", "09", "09")
    assert place.county_fips is None


@pytest.mark.parametrize("county", ["Capitol", "capitol", "Capitol Planning Region", "110", 110, "09110"])
def test_ct_planning_region(county):
    place = find_place("CT", county)
    assert place.county_name == "Capitol Planning Region"
    assert place.geoid == "09110"
    assert place.slug == "ct-capitol-region"
    assert place.status == "current"


def test_dc_and_puerto_rico():
    assert find_place("DC").state_fips == "11"
    assert find_place("District of Columbia", "District of Columbia").geoid == "11001"
    assert find_place("PR", "San Juan").geoid == "72127"
    assert find_place("Puerto Rico", "Mayaguez").county_name == "Mayagüez Municipio"


def test_county_by_short_name_and_kinds():
    assert find_place("Pennsylvania", "Allegheny").slug == "allegheny-pa"
    assert find_place("NC", "Orange County").geoid == "37135"
    assert find_place("LA", "Orleans").county_name == "Orleans Parish"
    assert find_place("MO", "St Louis").county_name == "St. Louis County"
    assert find_place("NM", "Dona Ana").county_name == "Doña Ana County"


def test_former_ct_county_is_found_and_marked():
    place = find_place("CT", "Hartford")
    assert place.status == "former"
    assert place.geoid == "09003"


def test_misspelt_state_gets_a_suggestion():
    with pytest.raises(PlaceNotFoundError) as info:
        find_place("Conneticut")
    assert "Did you mean Connecticut?" in str(info.value)


def test_misspelt_county_gets_a_suggestion():
    with pytest.raises(PlaceNotFoundError) as info:
        find_place("CT", "Hartfrod")
    assert "Did you mean Hartford County" in str(info.value)
    with pytest.raises(PlaceNotFoundError, match="Allegheny County"):
        find_place("PA", "Alegheny")


def test_county_not_in_that_state_says_so():
    with pytest.raises(PlaceNotFoundError) as info:
        find_place("CT", "Orange")
    message = str(info.value)
    assert "in Connecticut" in message and "NC" in message
    with pytest.raises(PlaceNotFoundError, match="not in Connecticut"):
        find_place("CT", "42003")


def test_unknown_state_and_code():
    with pytest.raises(PlaceNotFoundError):
        find_place("Atlantis")
    with pytest.raises(PlaceNotFoundError, match="FIPS code 999"):
        find_place("CT", "999")


def test_county_list_matches_the_s2801_export():
    with open(data_dir() / "digital-equity/ACSST5Y2022.S2801-Data.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))[2:]
    counties = pd.read_csv(COUNTIES_FILE, dtype=str)
    current = counties[counties["status"] == "current"]
    assert len(current) == len(rows)
    assert set(current["GEOID"]) == {row[0].split("US")[1] for row in rows}
    assert (counties["status"] == "former").sum() == 8
    assert list_counties("CT")["county_name"].str.endswith("Planning Region").sum() == 9
