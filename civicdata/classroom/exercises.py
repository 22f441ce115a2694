"""The notebook exercises: for each id, how its expected answer is computed from the data, the usual
mistakes, and a hint.

Each exercise has an id such as ``"00-allegheny-tracts"``. Its expected answer is *computed* from the
bundled data by a small function in this module (no answer is typed in as a number), so the checks stay
true if the data is rebuilt or a facilitator switches the workbook to another place. Learners call
``check_answer`` (:mod:`civicdata.classroom.self_check`), which compares.

Each exercise also knows its **usual mistakes**: a wrong answer computed from the same data with the
wrong method (the ratio formula instead of the proportion formula, the owners' line instead of the
renters'...), with a hint that names the mistake. ``check_answer`` recognizes them, so a learner hears
"that is the ratio formula" instead of a plain "not yet". Tolerances are tight enough that no listed
mistake passes as right (``tests/test_exercises.py`` checks this for every exercise).

Example:
    >>> allegheny_tract_count() > 0, EXERCISES["00-allegheny-tracts"].tolerance
    (True, 0.0)
    >>> len(EXERCISES["06-renter-share-moe"].mistakes) >= 2
    True

Adding an exercise (notebook authors): write a function that returns the expected answer from the data,
then add one entry to :data:`EXERCISES`, with the likely mistakes next to it::

    EXERCISES["05-my-exercise"] = Exercise(
        my_expected_function, "a hint that does not give it away", tolerance=0.5,
        mistakes=(Mistake(my_wrong_method, "that is ...; use ... instead"),))

For answers that are not one value (a table, a file), give ``validate``: a function that returns a list
of problems in plain words (an empty list means correct); each problem it can find is then its own
hint. How answers are compared is in :mod:`civicdata.classroom.self_check`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import us

from civicdata.core import settings
from civicdata.core.errors import CivicDataError


@dataclass(frozen=True)
class Mistake:
    """A likely wrong answer, computed from the data with the wrong method, and the hint that names it.

    ``tolerance`` is how close an answer must be to count as this mistake (default: the exercise's).
    """

    answer: Callable[[], Any]
    hint: str
    tolerance: float | None = None


@dataclass(frozen=True)
class Exercise:
    """One self-check: how to compute the expected answer, how close is close enough, a hint, the usual
    mistakes."""

    expected: Callable[[], Any] | None
    hint: str
    tolerance: float = 0.0
    validate: Callable[[Any], list[str]] | None = None
    mistakes: tuple[Mistake, ...] = ()


# ---------------------------------------------------------------------------------------------------
# Small readers of the bundled data (plain pandas, so the expected values are easy to audit)
# ---------------------------------------------------------------------------------------------------


def _place_tracts(slug: str | None = None) -> pd.DataFrame:
    """The tract table of a bundled place (the current place by default)."""
    path = settings.places_dir() / (slug or settings.current_place()) / "tracts.csv"
    return _read_tracts(str(path), path.stat().st_mtime_ns).copy()


@lru_cache(maxsize=4)
def _read_tracts(path: str, mtime_ns: int) -> pd.DataFrame:  # mtime_ns: re-read after a rebuild
    return pd.read_csv(path, dtype={"GEOID": str})


def _tract_sum(column: str, slug: str | None = None) -> float:
    """A column of the tract table added up over all tracts (a whole number when it is one)."""
    total = _place_tracts(slug)[column].sum()
    return int(total) if float(total).is_integer() else float(total)


def _bronx_download(table: str) -> pd.DataFrame:
    """A raw data.census.gov Bronx export, read as text, without its second (label) header row."""
    folder = settings.data_dir() / "downloads" / "bronx-ny"
    path = next(iter(sorted(folder.glob(f"*{table}-Data*.csv"))))
    return pd.read_csv(path, dtype=str, skiprows=[1], encoding="utf-8-sig", keep_default_na=False)


def _state_data_centers() -> pd.DataFrame:
    """The verified State Data Center entries bundled in ``data/reference``."""
    return pd.read_csv(settings.data_dir() / "reference" / "state_data_centers_verified.csv", dtype=str)


def _states(abbreviations) -> set[str]:
    """Two-letter abbreviations and full names of some states: either one is an accepted answer."""
    return {text for abbr in abbreviations for text in (abbr, us.states.lookup(abbr).name)}


def _place_name(slug: str | None = None) -> str:
    """The name of a bundled or prefetched place, as its posters and profiles print it."""
    from civicdata.data.places import load_place

    meta = load_place(slug or settings.current_place()).meta
    return str(meta.get("name", meta.get("slug", slug)))


#: A real tract GEOID from the Allegheny County table (lesson 02 asks learners to decode it).
GEOID_TO_DECODE = "42003020100"

#: The columns of the partner worksheet in lesson 01 ("organisation", the British spelling of the first
#: lessons, is accepted in place of "organization" so that worksheets saved earlier still pass).
WORKSHEET_COLUMNS = ["organization", "type", "contact", "what_data", "date_checked"]
_WORKSHEET_ALIASES = {"organisation": "organization"}


# ---------------------------------------------------------------------------------------------------
# 00-03: expected answers and the usual mistakes, one small function each
# ---------------------------------------------------------------------------------------------------


def total_population() -> int:
    """00: everyone living in the current place, adding up B01003_001E (total population) over tracts."""
    return int(_place_tracts()["B01003_001E"].sum())


def sdc_in_department_of_labor() -> set[str]:
    """01: the state whose verified State Data Center sits in a Department of Labor (abbreviation or name)."""
    sdc = _state_data_centers()
    hits = sdc[sdc["host_organization"].str.contains("Department of Labor", case=False)]
    return _states(hits["state_abbr"].iloc[:1])


def _sdc_labor_row() -> pd.Series:
    sdc = _state_data_centers()
    return sdc[sdc["host_organization"].str.contains("Department of Labor", case=False)].iloc[0]


def _sdc_at_university() -> set[str]:
    """01, mistake: the states whose Data Center is at a university (the filter the lesson shows)."""
    sdc = _state_data_centers()
    return _states(sdc.loc[sdc["host_organization"].str.contains("University"), "state_abbr"])


def check_worksheet(answer: Any) -> list[str]:
    """01: a partner worksheet is a table with the agreed columns and at least one filled-in row."""
    if not isinstance(answer, pd.DataFrame):
        return ["the answer should be your worksheet table (the variable `worksheet`)"]
    original_columns = list(answer.columns)
    answer = answer.rename(columns=_WORKSHEET_ALIASES)
    missing = [c for c in WORKSHEET_COLUMNS if c not in answer.columns]
    if missing:
        return ["the worksheet is missing the column(s) " + ", ".join(missing)]
    filled = answer["organization"].fillna("").astype(str).str.strip() != ""
    if not filled.any():  # named as the learner's own column is ("organisation" in worksheets made earlier)
        column = next(c for c in original_columns if _WORKSHEET_ALIASES.get(c, c) == "organization")
        return [f"add at least one row with an {column}'s name"]
    problems = []
    dates = pd.to_datetime(answer.loc[filled, "date_checked"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        problems.append("write each date checked as year-month-day, for example 2026-03-31")
    return problems


def decode_geoid() -> tuple[str, str, str]:
    """02: the state, county and tract codes inside :data:`GEOID_TO_DECODE` (2 + 3 + 6 digits)."""
    geoids = set(_place_tracts("allegheny-pa")["GEOID"])
    if GEOID_TO_DECODE not in geoids:  # the example must be a real tract of the bundled data
        raise CivicDataError(f"{GEOID_TO_DECODE} is not in the Allegheny tracts.", hint="Rebuild data/.")
    return GEOID_TO_DECODE[:2], GEOID_TO_DECODE[2:5], GEOID_TO_DECODE[5:]


def _example_geoid_parts() -> tuple[str, str, str]:
    """02, mistake: the codes of the lesson's example tract (the first tract of the current place)."""
    geoid = _place_tracts()["GEOID"].iloc[0]
    return geoid[:2], geoid[2:5], geoid[5:]


def _geoid_county_with_state() -> tuple[str, str, str]:
    """02, mistake: state and county together (5 digits) given as the county code."""
    return GEOID_TO_DECODE[:2], GEOID_TO_DECODE[:5], GEOID_TO_DECODE[5:]


def _geoid_tract_as_named() -> tuple[str, str, str]:
    """02, mistake: the tract as the number in its name ("Census Tract 201"), not its 6-digit code."""
    return GEOID_TO_DECODE[:2], GEOID_TO_DECODE[2:5], str(int(GEOID_TO_DECODE[5:9]))


def allegheny_tract_count() -> int:
    """00: how many census tracts Allegheny County, PA has (rows of its bundled table)."""
    return int(_place_tracts("allegheny-pa")["GEOID"].nunique())


def renter_households() -> int:
    """03: renter-occupied homes in the current place: B25003_003E added up over its tracts."""
    return int(_place_tracts()["B25003_003E"].sum())


def renter_share() -> float:
    """03: renters as a percent of all occupied homes (B25003_003E / B25003_001E), whole place."""
    tracts = _place_tracts()
    return float(tracts["B25003_003E"].sum() / tracts["B25003_001E"].sum() * 100)


def _mean_of_tract_renter_shares() -> float:
    """03, mistake: the average of the tracts' percentages (each tract counts the same, however small)."""
    tracts = _place_tracts()
    return float((tracts["B25003_003E"] / tracts["B25003_001E"].where(tracts["B25003_001E"] > 0) * 100).mean())


def bronx_tracts_without_income() -> int:
    """03: Bronx tracts whose median household income is the symbol "-" (no estimate) in the download."""
    return int((_bronx_download("B19013")["B19013_001E"].str.strip() == "-").sum())


def _bronx_rows_as_read() -> int:
    """03, mistake: ``len(raw["B19013_001E"] == "-")``: every row of the plain read (labels row included)."""
    return len(_bronx_download("B19013")) + 1


def _bronx_gaps_in_all_columns() -> int:
    """03, mistake: the cleaned table's gaps counted over every column (estimate and MOE together)."""
    from civicdata.data.downloads import read_census_download

    folder = settings.data_dir() / "downloads" / "bronx-ny"
    cleaned = read_census_download(next(iter(sorted(folder.glob("*B19013-Data*.csv")))))
    return int(cleaned.isna().sum().sum())


# ---------------------------------------------------------------------------------------------------
# The registry: exercise id -> Exercise. Notebook authors add their own entries here.
# ---------------------------------------------------------------------------------------------------

EXERCISES: dict[str, Exercise] = {
    "00-total-population": Exercise(
        total_population,
        "add up the column B01003_001E with .sum(), the same way the example added up households.",
        mistakes=(
            Mistake(lambda: _tract_sum("B25003_001E"),
                    "that is the number of households (B25003_001E, the example's column); this exercise "
                    "counts people: add up B01003_001E instead."),
            Mistake(lambda: len(_place_tracts()),
                    "that is the number of tracts (rows); add up the column B01003_001E with .sum()."),
            Mistake(lambda: float(_place_tracts()["B01003_001E"].mean()),
                    "that is the average tract (.mean()); add up all tracts with .sum() instead.", tolerance=1),
        ),
    ),
    "00-allegheny-tracts": Exercise(
        allegheny_tract_count,
        "read data/places/allegheny-pa/tracts.csv and count its rows with len(...).",
        mistakes=(
            Mistake(lambda: len(_place_tracts()),
                    "that is the number of tracts of the current place (the table `tracts` from earlier in "
                    "this notebook); read ../data/places/allegheny-pa/tracts.csv and count its rows."),
            Mistake(lambda: len(_place_tracts("allegheny-pa").columns),
                    "that is the number of columns; len(table) counts the rows, one per tract."),
            Mistake(lambda: int(_place_tracts("allegheny-pa").size),
                    "that is .size, the number of cells (rows times columns); len(table) counts the rows."),
        ),
    ),
    "01-sdc-labor": Exercise(
        sdc_in_department_of_labor,
        "look at the host_organization column; .str.contains(\"Labor\") picks the matching row. "
        "Answer with the state's two-letter abbreviation in quotes.",
        mistakes=(
            Mistake(_sdc_at_university,
                    "that State Data Center is at a university (the filter shown above); filter "
                    "host_organization for \"Labor\" instead."),
            Mistake(lambda: _sdc_labor_row()["host_organization"],
                    "that is the name of the host organization; answer with its state's two-letter "
                    "abbreviation, from the state_abbr column."),
            Mistake(lambda: _sdc_labor_row()["state_fips"],
                    "that is the state's FIPS code (state_fips); answer with its two-letter abbreviation "
                    "(state_abbr)."),
        ),
    ),
    "01-worksheet": Exercise(
        None,
        "keep the five columns, fill in at least one organization, and write dates like 2026-03-31.",
        validate=check_worksheet,
    ),
    "02-decode-geoid": Exercise(
        decode_geoid,
        "count the digits from the left: 2 for the state, the next 3 for the county, the last 6 for the "
        "tract. Keep each part in quotes so that leading zeros survive.",
        mistakes=(
            Mistake(_example_geoid_parts,
                    "those are the codes of the example tract above; decode the_geoid of this exercise."),
            Mistake(_geoid_county_with_state,
                    "the county code is only the 3 digits after the 2-digit state code; you gave the state "
                    "and county codes together (the county's own GEOID)."),
            Mistake(_geoid_tract_as_named,
                    "that is the tract number in its name (\"Census Tract ...\"); the tract code is all of "
                    "the last 6 digits, leading zeros and the two digits after the decimal point included."),
        ),
    ),
    "03-renters": Exercise(
        renter_households,
        "B25003_003 counts renter-occupied homes; add up the column B25003_003E over all tracts with .sum().",
        mistakes=(
            Mistake(lambda: _tract_sum("B25003_002E"),
                    "that is line 002, owner-occupied homes; renters are line 003 (B25003_003E)."),
            Mistake(lambda: _tract_sum("B25003_001E"),
                    "that is line 001, all occupied homes (the total); renters are line 003 (B25003_003E)."),
            Mistake(lambda: _tract_sum("B25003_003M"),
                    "that is the margin-of-error column (it ends in M); add up the estimate column, "
                    "B25003_003E."),
        ),
    ),
    "03-renter-share": Exercise(
        renter_share,
        "divide all renters (B25003_003E summed) by all occupied homes (B25003_001E summed), then x 100.",
        tolerance=0.5,
        mistakes=(
            Mistake(lambda: 100 - renter_share(),
                    "that is the share of owners (line 002); renters are line 003."),
            Mistake(lambda: renter_share() / 100,
                    "that is a fraction between 0 and 1; multiply by 100 for a percentage.", tolerance=0.005),
            Mistake(_mean_of_tract_renter_shares,
                    "that is the average of the tracts' percentages, where a tract of 50 homes counts as "
                    "much as one of 3,000; add up the renters and the homes first, then divide."),
            Mistake(lambda: _tract_sum("B25003_003E") / _tract_sum("B01003_001E") * 100,
                    "you divided by the population (people); divide by all occupied homes, B25003_001E."),
        ),
    ),
    "04-bronx-no-income": Exercise(
        bronx_tracts_without_income,
        "in the raw table, count the rows whose B19013_001E is the text \"-\" "
        "(for example (raw[\"B19013_001E\"] == \"-\").sum()).",
        mistakes=(
            Mistake(_bronx_rows_as_read,
                    "that is every row of the table: len(...) counts all rows, True or False; .sum() "
                    "counts only the True ones."),
            Mistake(_bronx_gaps_in_all_columns,
                    "that counts the gaps in every column of the cleaned table (the MOE column too); "
                    "count only the estimate column, B19013_001E."),
        ),
    ),
}


# --- Notebook 04 (margins of error). Formulas written out in plain pandas here, on purpose not with
# civicdata.moe, so that these checks test the helpers as well as the learner.

#: Notebook 04 works on the default place (it has margins of error) and on one county's S2801 rows.
MOE_PLACE = "ct-capitol-region"
INTERNET_COUNTY = "Philadelphia County, Pennsylvania"
#: The county lesson 07 uses as its worked example (a likely slip in the exercise).
INTERNET_EXAMPLE_COUNTY = "Allegheny County, Pennsylvania"


def _no_vehicle_counts() -> tuple[pd.Series, pd.Series]:
    tracts = _place_tracts(MOE_PLACE)
    return tracts["B08201_002E"], tracts["B08201_002M"]


def _count_cv_labels(cv: pd.Series) -> pd.Series:
    """Esri's convention, as lesson 05 teaches it: high up to 12%, medium up to 40%, low above."""
    return pd.Series(pd.cut(cv, [-float("inf"), 12, 40, float("inf")], labels=["high", "medium", "low"]))


def low_reliability_no_vehicle() -> int:
    """04: tracts whose count of households with no vehicle (B08201_002) has a CV above 40% ("low")."""
    estimate, moe = _no_vehicle_counts()
    cv = (moe / 1.645) / estimate.where(estimate != 0) * 100
    return int((cv > 40).sum())


def _medium_reliability_no_vehicle() -> int:
    estimate, moe = _no_vehicle_counts()
    return int((_count_cv_labels((moe / 1.645) / estimate.where(estimate != 0) * 100) == "medium").sum())


def _cv_without_1645() -> int:
    """04, mistake: CV computed from the MOE itself (MOE / estimate), skipping the standard error."""
    estimate, moe = _no_vehicle_counts()
    return int((moe / estimate.where(estimate != 0) * 100 > 40).sum())


def _moe_bigger_than_estimate() -> int:
    """04, mistake: the tracts where estimate minus MOE is below zero (an earlier cell's count)."""
    estimate, moe = _no_vehicle_counts()
    return int((estimate - moe < 0).sum())


def _low_reliability_of_the_share() -> int:
    """04, mistake: CV of the *share* without a vehicle (proportion formula), not of the count."""
    tracts = _place_tracts(MOE_PLACE)
    num, den = tracts["B08201_002E"], tracts["B08201_001E"]
    share = num / den.where(den > 0)
    under = tracts["B08201_002M"] ** 2 - share**2 * tracts["B08201_001M"] ** 2
    under = under.where(under > 0, tracts["B08201_002M"] ** 2 + share**2 * tracts["B08201_001M"] ** 2)
    share_moe = under**0.5 / den.where(den > 0)
    return int(((share_moe / 1.645) / share.where(share != 0) * 100 > 40).sum())


def _region_tenure() -> tuple[float, float, float, float]:
    """Renters and all households of the region (its published "county" row), with their MOEs."""
    summary = pd.read_csv(settings.places_dir() / MOE_PLACE / "summary.csv", dtype={"GEOID": str})
    row = summary[summary["geography"] == "county"].iloc[0]
    return row["B25003_003E"], row["B25003_001E"], row["B25003_003M"], row["B25003_001M"]


def region_renter_share_moe() -> float:
    """04: MOE in percentage points of the region's renter share (B25003_003 / B25003_001), proportion formula."""
    renters, households, renters_moe, households_moe = _region_tenure()
    share = renters / households
    under_root = renters_moe**2 - share**2 * households_moe**2
    if under_root <= 0:  # the Census Bureau's fallback: the ratio formula
        under_root = renters_moe**2 + share**2 * households_moe**2
    return float(under_root**0.5 / households * 100)


def _renter_share_moe_ratio_formula() -> float:
    """04, mistake: the ratio formula (plus sign under the root) for a share that is a proportion."""
    renters, households, renters_moe, households_moe = _region_tenure()
    share = renters / households
    return float((renters_moe**2 + share**2 * households_moe**2) ** 0.5 / households * 100)


def _renter_share_moe_numerator_only() -> float:
    """04, mistake: the renters' MOE divided by households, leaving out the households' own MOE."""
    renters, households, renters_moe, _ = _region_tenure()
    return float(renters_moe / households * 100)


def _renter_share_moe_from_tracts() -> float:
    """04, mistake: the proportion formula on tract sums, with MOEs approximated by the sum formula."""
    tracts = _place_tracts(MOE_PLACE)
    renters, households = tracts["B25003_003E"].sum(), tracts["B25003_001E"].sum()
    renters_moe = (tracts["B25003_003M"] ** 2).sum() ** 0.5
    households_moe = (tracts["B25003_001M"] ** 2).sum() ** 0.5
    share = renters / households
    return float((renters_moe**2 - share**2 * households_moe**2) ** 0.5 / households * 100)


def _renter_share_moe_swapped() -> float:
    """04, mistake: the two MOEs given in the wrong order (households' MOE as the renters')."""
    renters, households, renters_moe, households_moe = _region_tenure()
    share = renters / households
    under_root = households_moe**2 - share**2 * renters_moe**2
    return float(abs(under_root) ** 0.5 / households * 100)


def s2801_percent_without_internet(county: str) -> list[tuple[float, float]]:
    """(percent without an internet subscription, its MOE) of ``county`` in 2013-2017 and 2018-2022 (S2801).

    >>> s2801_percent_without_internet(INTERNET_COUNTY)[0][0] > 0
    True
    """
    values = []
    for year in (2017, 2022):
        path = settings.data_dir() / "digital-equity" / f"ACSST5Y{year}.S2801-Data.csv"
        table = _read_s2801(str(path), path.stat().st_mtime_ns)
        row = table[table["NAME"] == county].iloc[0]
        values.append((float(row["S2801_C02_019E"]), float(row["S2801_C02_019M"])))
    return values


@lru_cache(maxsize=2)
def _read_s2801(path: str, mtime_ns: int) -> pd.DataFrame:  # mtime_ns: re-read after a rebuild
    return pd.read_csv(path, dtype=str, skiprows=[1], encoding="utf-8-sig",
                       usecols=["NAME", "S2801_C02_019E", "S2801_C02_019M"])


def _z_of_change(county: str, se_factor: float = 1.645) -> float:
    (old, old_moe), (new, new_moe) = s2801_percent_without_internet(county)
    return float((old - new) / ((old_moe / se_factor) ** 2 + (new_moe / se_factor) ** 2) ** 0.5)


def internet_change_z() -> float:
    """04: z-score of the change in % of households without an internet subscription (S2801_C02_019),
    2013-2017 minus 2018-2022, for :data:`INTERNET_COUNTY`; SE = MOE / 1.645."""
    return _z_of_change(INTERNET_COUNTY)


EXERCISES["05-low-reliability"] = Exercise(
    low_reliability_no_vehicle,
    "compute the CV of B08201_002E with cv(estimate, moe), label it with reliability(...), then count "
    "the \"low\" labels, e.g. (labels == \"low\").sum().",
    mistakes=(
        Mistake(_medium_reliability_no_vehicle,
                "that is the number of \"medium\" labels; count the \"low\" ones (CV above 40%)."),
        Mistake(_cv_without_1645,
                "you divided the MOE itself by the estimate; the CV uses the standard error, "
                "SE = MOE / 1.645 (cv(estimate, moe) does this for you)."),
        Mistake(_moe_bigger_than_estimate,
                "that counts the tracts whose MOE is bigger than the estimate (estimate minus MOE below "
                "zero); this exercise asks for a CV above 40%."),
        Mistake(_low_reliability_of_the_share,
                "that is the reliability of the share (percent) without a vehicle; this exercise asks about "
                "the count of households, B08201_002E with B08201_002M."),
    ),
)
EXERCISES["06-renter-share-moe"] = Exercise(
    region_renter_share_moe,
    "use the region row (region[...]) and moe_prop(renters, households, renters' MOE, households' MOE); "
    "multiply by 100 for percentage points, and keep at least two decimal places.",
    tolerance=0.005,
    mistakes=(
        Mistake(_renter_share_moe_ratio_formula,
                "that is the ratio formula; renters are part of all households, so use the proportion "
                "formula (a minus sign under the square root: moe_prop)."),
        Mistake(_renter_share_moe_numerator_only,
                "you used only the renters' MOE; the households' MOE counts too: "
                "moe_prop(renters, households, renters' MOE, households' MOE)."),
        Mistake(_renter_share_moe_from_tracts,
                "that is built from the tracts added up; use the region's own published row (region[...]), "
                "whose MOEs the Census Bureau computed directly."),
        Mistake(lambda: region_renter_share_moe() / 100,
                "that is a fraction; multiply by 100 to get percentage points.", tolerance=0.00005),
        Mistake(_renter_share_moe_swapped,
                "the two MOEs are swapped: the renters' MOE (B25003_003M) goes with the renters and the "
                "households' MOE (B25003_001M) with the households."),
    ),
)
EXERCISES["07-internet-change-z"] = Exercise(
    internet_change_z,
    "get Philadelphia's row for year=2017 and for year=2022 with get_acs(..., variables={\"percent\": "
    "\"S2801_C02_019\"}), then z_score(old percentE, new percentE, old percentM, new percentM), older period first.",
    tolerance=0.15,
    mistakes=(
        Mistake(lambda: -internet_change_z(),
                "the sign is flipped: put the older period (2013-2017) first, z_score(old %, new %, old MOE, "
                "new MOE)."),
        Mistake(lambda: _z_of_change(INTERNET_COUNTY, se_factor=1),
                "you used the MOEs as standard errors; divide each MOE by 1.645 first (z_score does it)."),
        Mistake(lambda: _z_of_change(INTERNET_EXAMPLE_COUNTY),
                "that is Allegheny County, the example above; pick the rows of Philadelphia County, "
                "Pennsylvania."),
    ),
)


# --- Notebooks 05 (mapping), 06 (Data Walk) and 07 (capstone). Written out with plain pandas, geopandas,
# shapely and mapclassify, independently of civicdata.maps and the notebooks' own code.


def _no_vehicle_percent() -> pd.Series:
    """05: percent of households with no vehicle (B08201_002 / B08201_001 x 100) per tract of the current place."""
    tracts = _place_tracts()
    return tracts["B08201_002E"] / tracts["B08201_001E"] * 100


def _no_vehicle_classes(scheme: str):
    import warnings

    import mapclassify

    values = _no_vehicle_percent().dropna()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")  # an optional speed-up
        return {"equal": mapclassify.EqualInterval, "quantiles": mapclassify.Quantiles,
                "natural": mapclassify.FisherJenks}[scheme](values, k=5)


def palest_class_equal_interval() -> int:
    """05: tracts in the lowest of 5 equal-interval classes of the no-vehicle percent (missing values dropped)."""
    values = _no_vehicle_percent().dropna()
    width = (values.max() - values.min()) / 5
    return int((values <= values.min() + width).sum())


def tract_library_miles(crs: str | None = None, slug: str | None = None) -> pd.DataFrame:
    """09: each tract's straight-line distance from its centroid to the nearest library outlet.

    Measured in ``crs`` (default: the place's UTM zone, in meters) and divided by 1609.344 (meters in a
    mile), with the columns GEOID, B08201_001E, B08201_002E, share (percent without a vehicle) and miles,
    for the place ``slug`` (default: the current place).
    """
    folder = settings.places_dir() / (slug or settings.current_place())
    stamp = (folder / "tracts.geojson").stat().st_mtime_ns
    return _library_miles(str(folder), crs, stamp).copy()


@lru_cache(maxsize=4)
def _library_miles(folder: str, crs: str | None, mtime_ns: int) -> pd.DataFrame:  # mtime_ns: after a rebuild
    import geopandas as gpd

    from civicdata.data.place_files import read_geojson

    shapes = read_geojson(Path(folder) / "tracts.geojson")[["GEOID", "geometry"]]
    counts = _place_tracts(Path(folder).name)[["GEOID", "B08201_001E", "B08201_002E"]]
    shapes = shapes.merge(counts, on="GEOID")
    shapes["share"] = shapes["B08201_002E"] / shapes["B08201_001E"].where(shapes["B08201_001E"] > 0) * 100
    crs = crs or shapes.estimate_utm_crs()
    projected = shapes.to_crs(crs)
    libraries = pd.read_csv(Path(folder) / "libraries.csv")
    outlets = gpd.GeoSeries(gpd.points_from_xy(libraries["longitude"], libraries["latitude"]), crs=4326).to_crs(crs)
    shapes["miles"] = [outlets.distance(point).min() / 1609.344 for point in projected.centroid]
    return pd.DataFrame(shapes.drop(columns="geometry"))


def miles_to_library_from_most_carless_tract() -> float:
    """05: straight-line miles from the centroid of the tract with the most households without a vehicle
    (largest B08201_002E) to the nearest library outlet, measured in the place's UTM zone."""
    distances = tract_library_miles()
    return float(distances.loc[distances["B08201_002E"].idxmax(), "miles"])


def _miles_from_highest_share_tract() -> float:
    """05, mistake: the tract with the largest *share* without a vehicle (often a tiny tract), not count."""
    distances = tract_library_miles()
    return float(distances.loc[distances["share"].idxmax(), "miles"])


def _farthest_of_the_many() -> float:
    """05, mistake: the first row of section 7's list (the farthest of the tracts with many carless homes)."""
    distances = tract_library_miles()
    many = distances[distances["B08201_002E"] >= distances["B08201_002E"].quantile(0.75)]
    return float(many["miles"].max())


def _miles_in_connecticut_feet() -> float:
    """05, mistake: distance measured in EPSG:6434 (Connecticut State Plane, US survey feet) but divided by
    meters per mile."""
    distances = tract_library_miles(crs="EPSG:6434")
    return float(distances.loc[distances["B08201_002E"].idxmax(), "miles"])


#: What lesson 10's exercise asks for: a poster set for this place with exactly these stations.
POSTER_EXERCISE_PLACE = "allegheny-pa"
POSTER_EXERCISE_TOPICS = ("no-internet", "no-computer")


def _pdf_text(path: Path, first_page_only: bool = False) -> tuple[int, list[str]]:
    """The number of pages of a PDF and the text of its pages (or of its first page only, which is
    quicker: a page with a map is slow to read), with runs of white space made single spaces."""
    from pypdf import PdfReader

    pages = PdfReader(path).pages
    chosen = pages[:1] if first_page_only else pages
    return len(pages), [" ".join((page.extract_text() or "").split()) for page in chosen]


def _stations_listed(cover: str) -> list[str]:
    """The poster topics a Data Walk cover sheet lists, in the order it lists them."""
    from civicdata.maps.poster_topics import TOPICS

    return [key for _, key in sorted((cover.find(t.title), key) for key, t in TOPICS.items() if t.title in cover)]


def _bundled_place_names() -> dict[str, str]:
    from civicdata.data.places import list_places

    places = list_places()
    return dict(zip(places["slug"], places["name"], strict=True))


def check_poster_set(answer: Any) -> list[str]:
    """06: the PDF that make_posters() wrote, for :data:`POSTER_EXERCISE_PLACE` with exactly the stations
    :data:`POSTER_EXERCISE_TOPICS`, read from the PDF itself: its cover sheet names the place and lists
    the stations, and it has one poster page per station."""
    from civicdata.maps.poster_topics import TOPICS, default_topics

    if not isinstance(answer, (str, Path)):
        return ["the answer should be the file path that make_posters() gave back"]
    path = Path(answer)
    if not path.is_file():
        return [f"there is no file called {path.name}; run make_posters() first"]
    if path.suffix.lower() != ".pdf":
        return ["the poster set should be a PDF file (its name ends in .pdf)"]
    n_pages, (cover,) = _pdf_text(path, first_page_only=True)
    if "Station card" in cover:
        return ["that is the file of station cards, which make_posters() writes beside the posters; pass the "
                "posters file, the path make_posters() gave back"]
    stations = _stations_listed(cover)
    if "Data Walk" not in cover or "Facilitator sheet" not in cover or n_pages != len(stations) + 1:
        return ["that PDF is not a poster set: make_posters() writes a Data Walk cover sheet and then one "
                "poster per station"]
    wanted_place = _place_name(POSTER_EXERCISE_PLACE)
    if wanted_place not in cover:
        other = next((name for name in _bundled_place_names().values() if name in cover), "another place")
        return [f"these posters are for {other}; the exercise asks for {wanted_place}: add "
                f"place=\"{POSTER_EXERCISE_PLACE}\""]
    wanted = list(POSTER_EXERCISE_TOPICS)
    topics_text = ", ".join(f'"{key}"' for key in wanted)
    if stations == default_topics(POSTER_EXERCISE_PLACE) and stations != wanted:
        return [f"this is the place's default set of stations (make_posters() without topics=); ask for "
                f"only the two stations of the exercise: topics=[{topics_text}]"]
    missing = [TOPICS[key].title for key in wanted if key not in stations]
    extra = [TOPICS[key].title for key in stations if key not in wanted]
    problems = []
    if missing:
        problems.append(f"the station(s) {', '.join(missing)} are missing: topics=[{topics_text}]")
    if extra:
        problems.append(f"this set also has the station(s) {', '.join(extra)}; the exercise asks for only "
                        f"topics=[{topics_text}]")
    return problems


#: Notebook 07's parameters cell as shipped: a profile of this topic for the current place is the
#: unchanged default, which the exercise asks learners to change. The title is the topic's label in
#: lesson 11's TOPICS without its unit (tests/test_exercises.py checks both against the notebook).
PROFILE_DEFAULT_TOPIC = "vehicles"
PROFILE_DEFAULT_TITLE = "Households with no vehicle"


def _profile_heading(page: str) -> tuple[str, str]:
    """The title and subtitle of a profile's HTML page (empty texts when they cannot be found)."""
    title = re.search(r"<h1>(.*?)</h1>", page, flags=re.S)
    subtitle = re.search(r'<p class="subtitle">(.*?)</p>', page, flags=re.S)
    return tuple(" ".join(html.unescape(m.group(1)).split()) if m else "" for m in (title, subtitle))


def check_profile(answer: Any) -> list[str]:
    """07: a profile is two files from the same run, an HTML page with a map and notes and a one-page PDF,
    for a topic or place other than the unchanged default (:data:`PROFILE_DEFAULT_TOPIC`, current place)."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return ["the answer should be a list of two files: [html_path, pdf_path]"]
    paths = {Path(p).suffix.lower(): Path(p) for p in answer if isinstance(p, (str, Path))}
    if set(paths) != {".html", ".pdf"}:
        return ["give one .html file and one .pdf file"]
    problems = [f"there is no file called {p.name}" for p in paths.values() if not p.is_file()]
    if problems:
        return problems
    page = paths[".html"].read_text(encoding="utf-8")
    if "<img" not in page or "Notes" not in page:
        return ["the HTML page should have a map and notes; run the whole notebook again"]
    n_pages, pdf_pages = _pdf_text(paths[".pdf"], first_page_only=True)
    if n_pages != 1:
        return ["the PDF should be exactly one page"]
    title, subtitle = _profile_heading(page)
    if not title or title not in pdf_pages[0] or subtitle not in pdf_pages[0]:
        return ["the HTML page and the PDF are not the same profile (their titles or places differ); pass "
                "html_path and pdf_path from the same run of the notebook"]
    if title == PROFILE_DEFAULT_TITLE and subtitle.startswith(_place_name()):
        return [f"these are the files of the unchanged default ({title}, {_place_name()}); change topic (or, "
                "with your facilitator, the place) in the parameters cell at the top, choose Run > Run All "
                "Cells, then check the new html_path and pdf_path"]
    return []


EXERCISES["08-palest-class"] = Exercise(
    palest_class_equal_interval,
    "make mapclassify.EqualInterval(values, k=5) with the missing values dropped, then take the first "
    "number of its .counts (the lowest class).",
    mistakes=(
        Mistake(lambda: int(_no_vehicle_classes("equal").counts[-1]),
                "that is the darkest class (the last number of .counts); the lightest is the first."),
        Mistake(lambda: int(_no_vehicle_classes("quantiles").counts[0]),
                "that is the lowest class of quantiles (a fifth of the tracts each); use "
                "mapclassify.EqualInterval."),
        Mistake(lambda: int(_no_vehicle_classes("natural").counts[0]),
                "that is the lowest class of natural breaks (FisherJenks); use mapclassify.EqualInterval."),
        Mistake(lambda: float(_no_vehicle_classes("equal").bins[0]),
                "that is the top of the lowest class (a percentage, from .bins); the number of tracts in it "
                "is in .counts."),
    ),
)
EXERCISES["09-farthest-library"] = Exercise(
    miles_to_library_from_most_carless_tract,
    "sort the nearest table by B08201_002E from largest to smallest, take the first row's miles and round "
    "to one decimal place.",
    tolerance=0.051,
    mistakes=(
        Mistake(_miles_from_highest_share_tract,
                "that tract has the largest share (percent) of households without a vehicle; the exercise "
                "asks for the most households, the largest count B08201_002E."),
        Mistake(_farthest_of_the_many,
                "that is the farthest tract of section 7's list; the exercise asks about the one tract with "
                "the most households without a vehicle, however near or far it is."),
        Mistake(lambda: miles_to_library_from_most_carless_tract() * 1.609344,
                "that is in kilometers (meters divided by 1,000); divide the meters by 1609.344 for miles."),
        Mistake(lambda: miles_to_library_from_most_carless_tract() * 1609.344,
                "that is in meters, the unit of the projected CRS; divide by 1609.344 for miles.",
                tolerance=1),
        Mistake(_miles_in_connecticut_feet,
                "that distance was measured in EPSG:6434, whose unit is the US survey foot, not the meter; "
                "measure in the UTM zone of estimate_utm_crs() (meters) and divide by 1609.344."),
    ),
)
EXERCISES["10-poster-set"] = Exercise(
    None,
    "call civicdata.make_posters(place=..., topics=[...], out=...) and pass the path it returns.",
    validate=check_poster_set,
)
EXERCISES["11-profile"] = Exercise(
    None,
    "change topic at the top, run all cells, then pass [html_path, pdf_path].",
    validate=check_profile,
)
