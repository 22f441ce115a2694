"""The notebook exercises: for each id, how its expected answer is computed from the data, and a hint.

Each exercise has an id such as ``"02-allegheny-tracts"``. Its expected answer is *computed* from the
bundled data by a small function in this module (no answer is typed in as a number), so the checks stay
true if the data is rebuilt or a facilitator switches the workbook to another place. Learners call
``check_answer`` (:mod:`civicdata.classroom.self_check`), which compares.

Example:
    >>> allegheny_tract_count() > 0, EXERCISES["02-allegheny-tracts"].tolerance
    (True, 0.0)

Adding an exercise (notebook authors): write a function that returns the expected answer from the data,
then add one line to :data:`EXERCISES`::

    EXERCISES["05-my-exercise"] = Exercise(my_expected_function, "a hint that does not give it away",
                                           tolerance=0.5)

For answers that are not one value (a table, say), give ``validate``: a function that returns a list of
problems in plain words (an empty list means correct). How answers are compared is in
:mod:`civicdata.classroom.self_check`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd
import us

from civicdata.core import settings
from civicdata.core.errors import CivicDataError


@dataclass(frozen=True)
class Exercise:
    """One self-check: how to compute the expected answer, how close is close enough, and a hint."""

    expected: Callable[[], Any] | None
    hint: str
    tolerance: float = 0.0
    validate: Callable[[Any], list[str]] | None = None


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


def _bronx_download(table: str) -> pd.DataFrame:
    """A raw data.census.gov Bronx export, read as text, without its second (label) header row."""
    folder = settings.data_dir() / "downloads" / "bronx-ny"
    path = next(iter(sorted(folder.glob(f"*{table}-Data*.csv"))))
    return pd.read_csv(path, dtype=str, skiprows=[1], encoding="utf-8-sig", keep_default_na=False)


def _state_data_centers() -> pd.DataFrame:
    """The verified State Data Center entries bundled in ``data/reference``."""
    return pd.read_csv(settings.data_dir() / "reference" / "state_data_centers_verified.csv", dtype=str)


#: A real tract GEOID from the Allegheny County table (lesson 02 asks learners to decode it).
GEOID_TO_DECODE = "42003020100"

#: The columns of the partner worksheet in lesson 01.
WORKSHEET_COLUMNS = ["organization", "type", "contact", "what_data", "date_checked"]


# ---------------------------------------------------------------------------------------------------
# Expected answers, one small function each
# ---------------------------------------------------------------------------------------------------


def total_population() -> int:
    """00: everyone living in the current place, adding up B01003_001E (total population) over tracts."""
    return int(_place_tracts()["B01003_001E"].sum())


def sdc_in_department_of_labor() -> set[str]:
    """01: the state whose verified State Data Center sits in a Department of Labor (abbreviation or name)."""
    sdc = _state_data_centers()
    hits = sdc[sdc["host_organization"].str.contains("Department of Labor", case=False)]
    abbr = hits["state_abbr"].iloc[0]
    return {abbr, us.states.lookup(abbr).name}


def check_worksheet(answer: Any) -> list[str]:
    """01: a partner worksheet is a table with the agreed columns and at least one filled-in row."""
    if not isinstance(answer, pd.DataFrame):
        return ["the answer should be your worksheet table (the variable `worksheet`)"]
    missing = [c for c in WORKSHEET_COLUMNS if c not in answer.columns]
    if missing:
        return ["the worksheet is missing the column(s) " + ", ".join(missing)]
    filled = answer["organization"].fillna("").astype(str).str.strip() != ""
    if not filled.any():
        return ["add at least one row with an organization's name"]
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


def allegheny_tract_count() -> int:
    """02: how many census tracts Allegheny County, PA has (rows of its bundled table)."""
    return int(_place_tracts("allegheny-pa")["GEOID"].nunique())


def renter_households() -> int:
    """03: renter-occupied homes in the current place: B25003_003E added up over its tracts."""
    return int(_place_tracts()["B25003_003E"].sum())


def renter_share() -> float:
    """03: renters as a percent of all occupied homes (B25003_003E / B25003_001E), whole place."""
    tracts = _place_tracts()
    return float(tracts["B25003_003E"].sum() / tracts["B25003_001E"].sum() * 100)


def bronx_tracts_without_income() -> int:
    """04: Bronx tracts whose median household income is the symbol "-" (no estimate) in the download."""
    return int((_bronx_download("B19013")["B19013_001E"].str.strip() == "-").sum())


# ---------------------------------------------------------------------------------------------------
# The registry: exercise id -> Exercise. Notebook authors add their own lines here.
# ---------------------------------------------------------------------------------------------------

EXERCISES: dict[str, Exercise] = {
    "00-total-population": Exercise(
        total_population,
        "add up the column B01003_001E with .sum(), the same way the example added up households.",
    ),
    "01-sdc-labor": Exercise(
        sdc_in_department_of_labor,
        "look at the host_organization column; .str.contains(\"Labor\") picks the matching row. "
        "Answer with the state's two-letter abbreviation in quotes.",
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
    ),
    "02-allegheny-tracts": Exercise(
        allegheny_tract_count,
        "read data/places/allegheny-pa/tracts.csv and count its rows with len(...).",
    ),
    "03-renters": Exercise(
        renter_households,
        "B25003_003 counts renter-occupied homes; add up the column B25003_003E over all tracts with .sum().",
    ),
    "03-renter-share": Exercise(
        renter_share,
        "divide all renters (B25003_003E summed) by all occupied homes (B25003_001E summed), then x 100.",
        tolerance=0.5,
    ),
    "04-bronx-no-income": Exercise(
        bronx_tracts_without_income,
        "in the raw table, count the rows whose B19013_001E is the text \"-\" "
        "(for example (raw[\"B19013_001E\"] == \"-\").sum()).",
    ),
}


# --- Lessons 05-07 (margins of error). Formulas written out in plain pandas here, on purpose not with
# civicdata.moe, so that these checks test the helpers as well as the learner.

#: Lessons 05 and 06 work on the default place (it has margins of error); lesson 07 on one county's S2801 rows.
MOE_PLACE = "ct-capitol-region"
INTERNET_COUNTY = "Philadelphia County, Pennsylvania"


def low_reliability_no_vehicle() -> int:
    """05: tracts whose count of households with no vehicle (B08201_002) has a CV above 40% ("low")."""
    tracts = _place_tracts(MOE_PLACE)
    estimate, moe = tracts["B08201_002E"], tracts["B08201_002M"]
    cv = (moe / 1.645) / estimate.where(estimate != 0) * 100
    return int((cv > 40).sum())


def region_renter_share_moe() -> float:
    """06: MOE in percentage points of the region's renter share (B25003_003 / B25003_001), proportion formula."""
    summary = pd.read_csv(settings.places_dir() / MOE_PLACE / "summary.csv", dtype={"GEOID": str})
    row = summary[summary["geography"] == "county"].iloc[0]
    share = row["B25003_003E"] / row["B25003_001E"]
    under_root = row["B25003_003M"] ** 2 - share**2 * row["B25003_001M"] ** 2
    if under_root <= 0:  # the Census Bureau's fallback: the ratio formula
        under_root = row["B25003_003M"] ** 2 + share**2 * row["B25003_001M"] ** 2
    return float(under_root**0.5 / row["B25003_001E"] * 100)


def internet_change_z() -> float:
    """07: z-score of the change in % of households without an internet subscription (S2801_C02_019),
    2013-2017 minus 2018-2022, for :data:`INTERNET_COUNTY`; SE = MOE / 1.645."""
    values = []
    for year in (2017, 2022):
        path = settings.data_dir() / "digital-equity" / f"ACSST5Y{year}.S2801-Data.csv"
        table = pd.read_csv(path, dtype=str, skiprows=[1], encoding="utf-8-sig")
        row = table[table["NAME"] == INTERNET_COUNTY].iloc[0]
        values.append((float(row["S2801_C02_019E"]), float(row["S2801_C02_019M"])))
    (old, old_moe), (new, new_moe) = values
    return float((old - new) / ((old_moe / 1.645) ** 2 + (new_moe / 1.645) ** 2) ** 0.5)


EXERCISES["05-low-reliability"] = Exercise(
    low_reliability_no_vehicle,
    "compute the CV of B08201_002E with cv(estimate, moe), label it with reliability(...), then count "
    "the \"low\" labels, e.g. (labels == \"low\").sum().",
)
EXERCISES["06-renter-share-moe"] = Exercise(
    region_renter_share_moe,
    "use the region row (region[...]) and moe_prop(renters, households, renters' MOE, households' MOE); "
    "multiply by 100 for percentage points.",
    tolerance=0.05,
)
EXERCISES["07-internet-change-z"] = Exercise(
    internet_change_z,
    "get Philadelphia's row for year=2017 and for year=2022 with get_acs(..., variables={\"percent\": "
    "\"S2801_C02_019\"}), then z_score(old percentE, new percentE, old percentM, new percentM), older period first.",
    tolerance=0.15,
)


# --- Lessons 08-09 (mapping), 10 (Data Walk) and 11 (capstone). Written out with plain pandas, geopandas,
# shapely and mapclassify, independently of civicdata.maps and the notebooks' own code.


def _no_vehicle_percent() -> pd.Series:
    """08: percent of households with no vehicle (B08201_002 / B08201_001 x 100) per tract of the current place."""
    tracts = _place_tracts()
    return tracts["B08201_002E"] / tracts["B08201_001E"] * 100


def palest_class_equal_interval() -> int:
    """08: tracts in the lowest of 5 equal-interval classes of the no-vehicle percent (missing values dropped)."""
    values = _no_vehicle_percent().dropna()
    width = (values.max() - values.min()) / 5
    return int((values <= values.min() + width).sum())


def miles_to_library_from_most_carless_tract() -> float:
    """09: straight-line miles from the centroid of the tract with the most households without a vehicle
    (largest B08201_002E) to the nearest library outlet, measured in meters in the place's UTM zone."""
    import geopandas as gpd

    folder = settings.places_dir() / settings.current_place()
    shapes = gpd.read_file(folder / "tracts.geojson")
    counts = _place_tracts()[["GEOID", "B08201_002E"]]
    shapes = shapes.merge(counts, on="GEOID")
    utm = shapes.estimate_utm_crs()
    tract = shapes.loc[[shapes["B08201_002E"].idxmax()]].to_crs(utm)
    libraries = pd.read_csv(folder / "libraries.csv")
    outlets = gpd.GeoSeries(gpd.points_from_xy(libraries["longitude"], libraries["latitude"]), crs=4326).to_crs(utm)
    meters = outlets.distance(tract.centroid.iloc[0]).min()
    return float(meters / 1609.344)


def check_poster_set(answer: Any) -> list[str]:
    """10: a poster set is a PDF file with a cover sheet and at least one poster."""
    from pathlib import Path

    from pypdf import PdfReader

    if not isinstance(answer, (str, Path)):
        return ["the answer should be the file path that make_posters() gave back"]
    path = Path(answer)
    if not path.is_file():
        return [f"there is no file called {path.name}; run make_posters() first"]
    if path.suffix.lower() != ".pdf":
        return ["the poster set should be a PDF file (its name ends in .pdf)"]
    if len(PdfReader(path).pages) < 2:
        return ["the PDF should have a cover sheet and at least one poster"]
    return []


def check_profile(answer: Any) -> list[str]:
    """11: a profile is two files, an HTML page with a map and notes and a one-page PDF."""
    from pathlib import Path

    from pypdf import PdfReader

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
    if len(PdfReader(paths[".pdf"]).pages) != 1:
        return ["the PDF should be exactly one page"]
    return []


EXERCISES["08-palest-class"] = Exercise(
    palest_class_equal_interval,
    "make mapclassify.EqualInterval(values, k=5) with the missing values dropped, then take the first "
    "number of its .counts (the lowest class).",
)
EXERCISES["09-farthest-library"] = Exercise(
    miles_to_library_from_most_carless_tract,
    "sort the nearest table by B08201_002E from largest to smallest, take the first row's miles and round "
    "to one decimal place.",
    tolerance=0.051,
)
EXERCISES["10-poster-set"] = Exercise(
    None,
    "call civicdata.make_posters(topics=[...], out=...) and pass the path it returns.",
    validate=check_poster_set,
)
EXERCISES["11-profile"] = Exercise(
    None,
    "run the whole notebook, then pass [html_path, pdf_path].",
    validate=check_profile,
)
