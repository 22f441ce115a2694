"""describe_map: the text alternative printed under a map, checked against the bundled data read another way."""

from __future__ import annotations

import csv
import math

import pytest

import civicdata
from civicdata.core import settings
from civicdata.maps.describe import describe_map
from civicdata.maps.map_data import map_data

PLACE = "ct-capitol-region"


def rows(slug=PLACE) -> list[dict]:
    with open(settings.places_dir() / slug / "tracts.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def no_car():
    """Notebook 05's map: percent of households with no vehicle and its MOE (proportion formula)."""
    tracts = civicdata.get_acs(variables=["B08201_001", "B08201_002"], state="CT", county="Capitol",
                               geometry=True, quiet=True)
    tracts["no_car_pct"] = tracts["B08201_002E"] / tracts["B08201_001E"] * 100
    tracts["no_car_moe"] = civicdata.moe_prop(tracts["B08201_002E"], tracts["B08201_001E"],
                                              tracts["B08201_002M"], tracts["B08201_001M"]) * 100
    return tracts


def expected_share(row) -> tuple[float, float]:
    """Percent and its MOE by the Census Bureau's proportion formula (ratio formula as fallback)."""
    x, y, mx, my = (float(row[k]) for k in ("B08201_002E", "B08201_001E", "B08201_002M", "B08201_001M"))
    p = x / y
    under = mx**2 - p**2 * my**2
    if under <= 0:
        under = mx**2 + p**2 * my**2
    return p * 100, math.sqrt(under) / y * 100


def describe(no_car, **kwargs):
    return describe_map(no_car, "no_car_pct", "no_car_moe", scheme="natural_breaks",
                        label="Households with no vehicle", fmt="{:.1f}%", width=None, **kwargs)


def test_on_the_learner_surface():
    assert civicdata.describe_map is describe_map


def test_extremes_counts_and_ties_come_from_the_data(no_car):
    text = describe(no_car, place="Greater Hartford")
    data = [r for r in rows() if float(r["B08201_001E"]) > 0]
    shares = {r["GEOID"]: expected_share(r) for r in data}
    top = max(data, key=lambda r: (shares[r["GEOID"]][0], -int(r["GEOID"])))
    share, moe = shares[top["GEOID"]]
    assert f"Highest: {top['NAME'].split(';')[0]}, {share:.1f}% ± {moe:.1f}%, a very uncertain estimate." in text
    lowest = min(shares.values())[0]
    at_lowest = sorted(r["GEOID"] for r in data if shares[r["GEOID"]][0] == lowest)
    first = next(r for r in data if r["GEOID"] == at_lowest[0])
    low_moe = shares[first["GEOID"]][1]
    assert (f"Lowest: {first['NAME'].split(';')[0]}, {lowest:.1f}% ± {low_moe:.1f}% "
            f"({len(at_lowest) - 1} other tracts have the same estimate).") in text
    unreliable = sum(1 for s, m in shares.values() if s > 0 and m / 1.645 / s * 100 > 40)
    no_households = len(rows()) - len(data)
    assert (f"{unreliable} of {len(rows())} tracts have a very uncertain estimate (its margin of error is large "
            f"next to it: a coefficient of variation above 40%), hatched on the map; {no_households} have no "
            "estimate.") in text
    assert text.startswith(f"Map: households with no vehicle, for {len(rows())} census tracts in Greater Hartford, "
                           "in 5 classes (natural breaks); darker colors mean higher values.")


def test_same_text_whatever_the_row_order(no_car):
    shuffled = no_car.sample(frac=1, random_state=7)
    assert describe(shuffled) == describe(no_car)


def test_map_data_in_gives_the_same_text(no_car):
    data = map_data(no_car, "no_car_pct", "no_car_moe", scheme="natural_breaks", label="Households with no vehicle",
                    fmt="{:.1f}%")
    assert describe_map(data, width=None) == describe(no_car)


def test_wrapped_lines_keep_estimate_and_moe_together(no_car):
    text = describe_map(no_car, "no_car_pct", "no_car_moe", width=60)
    assert all(len(line) <= 60 for line in text.splitlines())
    assert not any(line.endswith("±") or line.startswith("±") for line in text.splitlines())


def test_without_margins_of_error_it_says_so():
    tracts = civicdata.get_acs(variables=["B28002_001", "B28002_013"], state="PA", county="Allegheny",
                               geometry=True, quiet=True)
    tracts["pct"] = tracts["B28002_013E"] / tracts["B28002_001E"] * 100
    text = describe_map(tracts, "pct", None, label="Households without an internet subscription (%)",
                        fmt="{:.1f}%", width=None)
    missing = sum(1 for r in rows("allegheny-pa") if r["B28002_001E"] in ("", "0", "0.0"))
    assert "(no MOE)" in text and "hatched" not in text
    assert f"cannot be judged; {missing} of {len(rows('allegheny-pa'))} tracts have no estimate." in text


def test_top_coded_income_is_named_as_such(income_tracts):
    text = describe_map(income_tracts, "B19013_001E", label="Median household income", width=None)
    top = max(float(r["B19013_001E"]) for r in rows() if r["B19013_001E"] not in ("", "-666666666"))
    assert top == 250001 and "Highest: " in text and "$250,000+" in text


def test_a_column_is_needed(no_car):
    with pytest.raises(civicdata.MapError, match="needs the column"):
        describe_map(no_car)


def test_a_map_without_hatching_is_not_said_to_hatch(no_car):
    text = describe(no_car, hatched=False)
    assert "not marked on this map;" in text and "hatched" not in text
    assert text.replace("not marked on this map", "hatched on the map") == describe(no_car)
