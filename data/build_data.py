"""Rebuild every bundled file in ``data/`` from the shared, read-only data sources.

Run it from the repository root with the workbook's Python:

    .venv/bin/python data/build_data.py

The sources are read from ``$CIVICDATA_SOURCES`` or, by default, ``../shared/data-sources``
next to the repository. Nothing is downloaded. Re-running gives byte-identical files (the test
``tests/test_data_manifest.py`` checks the result against ``data/MANIFEST.sha256``). Every change
made to a source file is listed in ``data/README.md``.

It also writes ``civicdata/data/counties.csv``, the offline list of counties and county equivalents
that ``civicdata.find_place`` uses.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

REPO = Path(__file__).resolve().parents[1]
#: Where the files go: data/ itself, or (for the reproducibility test) $CIVICDATA_BUILD_DIR.
DATA = Path(os.environ.get("CIVICDATA_BUILD_DIR") or REPO / "data")
COUNTIES_CSV = (REPO / "civicdata" / "data" / "counties.csv" if DATA == REPO / "data"
                else DATA.parent / "counties.csv")
sys.path.insert(0, str(REPO))

from civicdata.data.checksums import sha256_of, write_manifest  # noqa: E402
from civicdata.data.place_files import polygons_only, write_csv, write_geojson  # noqa: E402

SOURCES = Path(os.environ.get("CIVICDATA_SOURCES", REPO.parent / "shared" / "data-sources"))

#: Decimal places kept in GeoJSON coordinates (5 decimals is about 1 metre).
#: Coverage simplification tolerance for full-resolution boundaries, in degrees (shared edges stay shared).
SIMPLIFY_TOLERANCE = 0.0002
BUNDLED_PLACES = ("ct-capitol-region", "allegheny-pa")

# ---- Allegheny: descriptive column names of the upstream API pull, mapped back to ACS codes. ----
# Taken from the VARIABLES dictionary of the script that made the file (genglish1/fiber-opportunity-map,
# scripts/pull_acs_data.py), whose comments give the meaning; the labels below are those comments.
ALLEGHENY_COLUMNS = {
    "hh_total": ("B28002_001", "Total households", "Internet subscriptions (B28002)"),
    "hh_internet_sub": ("B28002_002", "With an Internet subscription", "Internet subscriptions (B28002)"),
    "hh_broadband_any": ("B28002_004", "Broadband of any type", "Internet subscriptions (B28002)"),
    "hh_cellular_only": ("B28002_006", "Cellular data plan with no other type of Internet subscription",
                         "Internet subscriptions (B28002)"),
    "hh_cable_fiber_dsl": ("B28002_007", "Cable, fiber optic, or DSL", "Internet subscriptions (B28002)"),
    "hh_internet_nosub": ("B28002_012", "Internet access without a subscription",
                          "Internet subscriptions (B28002)"),
    "hh_no_internet": ("B28002_013", "No Internet access", "Internet subscriptions (B28002)"),
    "median_hh_income": ("B19013_001", "Median household income", "Income (B19013)"),
    "edu_total_25plus": ("B15003_001", "Total population 25 years and over",
                         "Educational attainment, population 25+ (B15003)"),
    "edu_hs_diploma": ("B15003_017", "Regular high school diploma",
                       "Educational attainment, population 25+ (B15003)"),
    "edu_bachelors": ("B15003_022", "Bachelor's degree", "Educational attainment, population 25+ (B15003)"),
    "edu_masters": ("B15003_023", "Master's degree", "Educational attainment, population 25+ (B15003)"),
    "edu_professional": ("B15003_024", "Professional school degree",
                         "Educational attainment, population 25+ (B15003)"),
    "edu_doctorate": ("B15003_025", "Doctorate degree", "Educational attainment, population 25+ (B15003)"),
    "emp_total_16plus": ("B23025_001", "Total population 16 years and over", "Employment status (B23025)"),
    "emp_civilian_labor": ("B23025_003", "In civilian labor force", "Employment status (B23025)"),
    "emp_unemployed": ("B23025_005", "Civilian labor force: unemployed", "Employment status (B23025)"),
    "race_total": ("B03002_001", "Total", "Hispanic or Latino origin by race (B03002)"),
    "race_nh_white": ("B03002_003", "Not Hispanic or Latino: White alone",
                      "Hispanic or Latino origin by race (B03002)"),
    "race_nh_black": ("B03002_004", "Not Hispanic or Latino: Black or African American alone",
                      "Hispanic or Latino origin by race (B03002)"),
    "race_nh_asian": ("B03002_006", "Not Hispanic or Latino: Asian alone",
                      "Hispanic or Latino origin by race (B03002)"),
    "race_hispanic": ("B03002_012", "Hispanic or Latino", "Hispanic or Latino origin by race (B03002)"),
    "total_population": ("B01003_001", "Total population", "Total population (B01003)"),
    "total_housing_units": ("B25001_001", "Total housing units", "Housing units (B25001)"),
    "median_age": ("B01002_001", "Median age", "Median age (B01002)"),
    "comp_total_hh": ("B28001_001", "Total households", "Types of computers in household (B28001)"),
    "comp_no_computer": ("B28001_011", "No computer", "Types of computers in household (B28001)"),
}
#: Medians cannot be added up, so the Allegheny county row leaves them empty.
ALLEGHENY_MEDIANS = ("B19013_001", "B01002_001")

# ---- IMLS outlets: columns kept and their new names ----
IMLS_COLUMNS = {
    "STABR": "state_abbr",
    "FSCSKEY": "library_id",
    "FSCS_SEQ": "outlet_seq",
    "LIBNAME": "name",
    "ADDRESS": "address",
    "CITY": "city",
    "ZIP": "zip",
    "CNTY": "county",
    "PHONE": "phone",
    "C_OUT_TY": "type",
    "SQ_FEET": "square_feet",
    "HOURS": "hours",
    "WKS_OPEN": "weeks_open",
    "LATITUDE": "latitude",
    "LONGITUD": "longitude",
    "INCITSST": "state_fips",
    "INCITSCO": "county_fips_2010",
    "CENTRACT": "tract_2010",
    "CENBLOCK": "block_2010",
    "LOCALE": "locale",
}
IMLS_TYPE_LABELS = {"CE": "Central library", "BR": "Branch library", "BS": "Bookmobile", "BM": "Bookmobile"}
#: Numeric IMLS columns whose negative values are missing-value codes (made empty here).
IMLS_NUMERIC = ("square_feet", "hours", "weeks_open")
IMLS_STATES = ("CT", "NY", "PA")

S2801_FILES = [
    f"ACSST5Y{year}.S2801-{part}"
    for year in (2017, 2022)
    for part in ("Data.csv", "Column-Metadata.csv", "Table-Notes.txt")
]


# --------------------------------------------------------------------------------------------------
# small writers that always produce the same bytes
# --------------------------------------------------------------------------------------------------
def write_json(obj: dict, path: Path) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def copy_raw(source: Path, target: Path) -> None:
    """Copy a file byte for byte."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def tract_name(geoid: str, area: str, state: str) -> str:
    """Census-style tract name from an 11-digit GEOID, e.g. 'Census Tract 4001.01; Capitol Planning Region;
    Connecticut' (the 6-digit tract code 400101 is written 4001.01; a suffix 00 is dropped)."""
    code = geoid[5:]
    number = str(int(code[:4])) + ("" if code[4:] == "00" else "." + code[4:])
    return f"Census Tract {number}; {area}; {state}"


# --------------------------------------------------------------------------------------------------
# inputs shared by several outputs
# --------------------------------------------------------------------------------------------------
def read_s2801_names(year: int) -> pd.DataFrame:
    """GEO_ID and NAME of every county in one S2801 export (line 2, the labels, is skipped)."""
    path = SOURCES / "us-counties-s2801" / f"ACSST5Y{year}.S2801-Data.csv"
    frame = pd.read_csv(path, dtype=str, skiprows=[1], usecols=["GEO_ID", "NAME"], encoding="utf-8-sig")
    return frame


def read_imls() -> pd.DataFrame:
    """IMLS FY2019 outlets (Latin-1 file) for CT, NY and PA, useful columns, negative codes made empty."""
    raw = pd.read_csv(SOURCES / "libraries" / "PLS_FY19_Outlet_pud19i.csv", dtype=str, encoding="latin-1")
    frame = raw[raw["STABR"].isin(IMLS_STATES)][list(IMLS_COLUMNS)].rename(columns=IMLS_COLUMNS)
    frame.insert(frame.columns.get_loc("type") + 1, "type_label", frame["type"].map(IMLS_TYPE_LABELS))
    for column in IMLS_NUMERIC:
        values = pd.to_numeric(frame[column])
        frame[column] = values.where(values >= 0).astype("Int64")
    frame = frame.sort_values(["state_abbr", "library_id", "outlet_seq"]).reset_index(drop=True)
    return frame


def libraries_in(tracts: gpd.GeoDataFrame, outlets: pd.DataFrame) -> pd.DataFrame:
    """Outlets whose point lies in one of ``tracts`` (GEOID, EPSG:4326), with that tract's GEOID added."""
    points = gpd.GeoDataFrame(
        outlets,
        geometry=gpd.points_from_xy(outlets["longitude"].astype(float), outlets["latitude"].astype(float)),
        crs="EPSG:4326",
    )
    joined = gpd.sjoin(points, tracts[["GEOID", "geometry"]], how="inner", predicate="within")
    joined = joined.rename(columns={"GEOID": "tract_geoid"}).drop(columns=["geometry", "index_right"])
    return pd.DataFrame(joined).sort_values(["library_id", "outlet_seq"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# places
# --------------------------------------------------------------------------------------------------
def build_ct(outlets: pd.DataFrame, s2801_2022: pd.DataFrame) -> dict:
    src = SOURCES / "ct-capitol-region"
    out = DATA / "places" / "ct-capitol-region"
    region_name = s2801_2022.loc[s2801_2022["GEO_ID"] == "0500000US09110", "NAME"].item()
    region_short = region_name.split(", ")[0]  # "Capitol Planning Region"

    wide = pd.read_csv(src / "acs5_2019_2023_capitol_planning_region_09110_tracts_wide.csv", dtype=str)
    value_columns = [c for c in wide.columns if c[-1] in "EM" and "_" in c]
    tracts = pd.DataFrame({"GEOID": wide["geoid"].str.zfill(11)})
    tracts["NAME"] = [tract_name(g, region_short, "Connecticut") for g in tracts["GEOID"]]
    tracts = pd.concat([tracts, wide[value_columns]], axis=1).sort_values("GEOID").reset_index(drop=True)
    write_csv(tracts, out / "tracts.csv")

    regions = pd.read_csv(src / "acs5_2019_2023_us_ct_and_9_planning_regions_wide.csv", dtype=str)
    keep = {"1": ("us", "United States"), "09": ("state", "Connecticut"), "09110": ("county", region_name)}
    summary = regions[regions["geoid"].isin(list(keep))].copy()
    summary = pd.DataFrame({
        "GEOID": summary["geoid"],
        "NAME": [keep[g][1] for g in summary["geoid"]],
        "geography": [keep[g][0] for g in summary["geoid"]],
    }).join(summary[value_columns])
    order = {"county": 0, "state": 1, "us": 2}
    summary = summary.sort_values("geography", key=lambda s: s.map(order)).reset_index(drop=True)
    write_csv(summary, out / "summary.csv")

    labels = pd.read_csv(src / "acs5_2023_variable_labels_11_tables.csv", dtype=str)
    write_csv(labels, out / "variables.csv")

    crosswalk = pd.read_csv(src / "cwi_tract2020_legacy_to_planning_region_geoid_09110.csv", dtype=str)
    shapes = gpd.read_file(src / "cb_2020_09_tract_500k_capitol_09110_legacy_geoids.geojson")
    shapes = shapes.rename(columns={"name": "legacy_geoid"}).to_crs("EPSG:4326")
    shapes = shapes.merge(crosswalk[["tract", "tract_cog"]], left_on="legacy_geoid", right_on="tract",
                          how="left", validate="one_to_one")
    assert shapes["tract_cog"].notna().all(), "a boundary did not join through the crosswalk"
    shapes["GEOID"] = shapes["tract_cog"]
    shapes = shapes.merge(tracts[["GEOID", "NAME"]], on="GEOID", how="left", validate="one_to_one")
    assert shapes["NAME"].notna().all() and len(shapes) == len(tracts) == 249
    shapes = shapes.sort_values("GEOID").reset_index(drop=True)
    write_geojson(shapes, out / "tracts.geojson", ["GEOID", "NAME", "legacy_geoid"])

    libraries = libraries_in(shapes, outlets[outlets["state_abbr"] == "CT"])
    write_csv(libraries, out / "libraries.csv")

    tables = sorted({c.split("_")[0] for c in labels["name"]}, key=list(dict.fromkeys(
        c.split("_")[0] for c in labels["name"])).index)
    place = {
        "slug": "ct-capitol-region",
        "name": f"{region_short}, CT (Greater Hartford)",
        "state_name": "Connecticut",
        "state_abbr": "CT",
        "state_fips": "09",
        "county_name": region_short,
        "county_fips": "110",
        "year": 2023,
        "vintage": "2019-2023",
        "survey": "acs5",
        "has_moe": True,
        "tables": tables,
        "geography_note": (
            "Since the 2022 ACS, Connecticut's county equivalents are 9 planning regions; tract GEOIDs "
            "changed from 09003/09013... to 09110... (legacy_geoid in tracts.geojson keeps the old one)."
        ),
        "sources": [
            "U.S. Census Bureau, ACS 2019-2023 5-year estimates (via CT-Data-Haven/2023acs, tidycensus)",
            "U.S. Census Bureau, cartographic boundary file cb_2020_09_tract_500k (via CT-Data-Haven/cwi)",
            "Tract crosswalk and variable labels: CT-Data-Haven/cwi (MIT licence)",
            "IMLS Public Libraries Survey FY2019, outlet file (via vwalden/library-eda)",
        ],
    }
    write_json(place, out / "place.json")
    write_manifest(out)
    return {"tracts": len(tracts), "variables": len(labels), "libraries": len(libraries)}


def build_allegheny(outlets: pd.DataFrame) -> dict:
    src = SOURCES / "allegheny-pa"
    out = DATA / "places" / "allegheny-pa"
    raw = pd.read_csv(src / "acs5_2020_2024_allegheny_tracts_estimates_only.csv", dtype=str)
    raw = raw[raw["GEOID"].str.zfill(11).str.startswith("42003")]

    tracts = pd.DataFrame({"GEOID": raw["GEOID"].str.zfill(11), "NAME": raw["NAME"]})
    for column, (code, _label, _concept) in ALLEGHENY_COLUMNS.items():
        tracts[f"{code}E"] = raw[column]
    tracts = tracts.sort_values("GEOID").reset_index(drop=True)
    write_csv(tracts, out / "tracts.csv")

    # County row: the sum of the tracts for counts; medians left empty (they cannot be summed).
    county = {"GEOID": "42003", "NAME": "Allegheny County, Pennsylvania", "geography": "county"}
    for code, _label, _concept in ALLEGHENY_COLUMNS.values():
        values = pd.to_numeric(tracts[f"{code}E"])
        if code in ALLEGHENY_MEDIANS:
            county[f"{code}E"] = None
        else:
            assert (values >= 0).all(), f"{code}: an annotation value in a count column"
            county[f"{code}E"] = str(int(values.sum()))
    write_csv(pd.DataFrame([county]), out / "summary.csv")

    variables = pd.DataFrame(
        [(code, label, concept) for code, label, concept in ALLEGHENY_COLUMNS.values()],
        columns=["name", "label", "concept"],
    )
    write_csv(variables, out / "variables.csv")

    shapes = gpd.read_file(src / "tl_2025_42003_tract_allegheny.geojson")[["GEOID", "geometry"]]
    shapes = shapes.to_crs("EPSG:4326") if shapes.crs and shapes.crs.to_epsg() != 4326 else shapes
    shapes = shapes.sort_values("GEOID").reset_index(drop=True)
    shapes["geometry"] = [polygons_only(g) for g in shapely.make_valid(shapes.geometry.values)]
    original = shapes.copy()
    shapes["geometry"] = shapely.coverage_simplify(shapes.geometry.values, SIMPLIFY_TOLERANCE)
    shapes = shapes.merge(tracts[["GEOID", "NAME"]], on="GEOID", how="left", validate="one_to_one")
    assert shapes["NAME"].notna().all() and len(shapes) == len(tracts)
    write_geojson(shapes, out / "tracts.geojson", ["GEOID", "NAME"])

    pa = outlets[(outlets["state_abbr"] == "PA") & (outlets["county_fips_2010"] == "003")]
    libraries = libraries_in(original, pa)
    write_csv(libraries, out / "libraries.csv")

    place = {
        "slug": "allegheny-pa",
        "name": "Allegheny County, PA (Pittsburgh)",
        "state_name": "Pennsylvania",
        "state_abbr": "PA",
        "state_fips": "42",
        "county_name": "Allegheny County",
        "county_fips": "003",
        "year": 2024,
        "vintage": "2020-2024",
        "survey": "acs5",
        "has_moe": False,
        "tables": list(dict.fromkeys(code.split("_")[0] for code, _l, _c in ALLEGHENY_COLUMNS.values())),
        "moe_note": "Estimates only: this file has no margins of error, so their reliability cannot be judged.",
        "summary_note": "The county row is the sum of the 394 tracts (medians left empty); there are no state "
                        "or US rows.",
        "sources": [
            "U.S. Census Bureau, ACS 2020-2024 5-year estimates, API pull (via genglish1/fiber-opportunity-map, "
            "MIT licence)",
            "U.S. Census Bureau, TIGER/Line 2025 tracts (via lawrenceeppard-rgb/pa-opportunity-map-data)",
            "IMLS Public Libraries Survey FY2019, outlet file (via vwalden/library-eda)",
        ],
    }
    write_json(place, out / "place.json")
    write_manifest(out)
    return {"tracts": len(tracts), "libraries": len(libraries)}


def build_bronx() -> dict:
    src = SOURCES / "bronx-ny"
    out = DATA / "downloads" / "bronx-ny"
    for name in ("ACSDT5Y2022.B19013-Data_bronx_36005.csv", "ACSDT5Y2022.B01003-Data_bronx_36005.csv"):
        copy_raw(src / name, out / name)
    shapes = gpd.read_file(src / "nyct2020_25a_bronx_36005.geojson")
    keep = ["GEOID", "CTLabel", "CT2020", "BoroName", "NTA2020", "NTAName", "CDTA2020", "CDTANAME", "PUMA"]
    shapes = shapes.to_crs("EPSG:4326").sort_values("GEOID").reset_index(drop=True)
    shapes["geometry"] = [polygons_only(g) for g in shapely.make_valid(shapes.geometry.values)]
    shapes["geometry"] = shapely.coverage_simplify(shapes.geometry.values, SIMPLIFY_TOLERANCE)
    write_geojson(shapes, out / "bronx_tracts_2020.geojson", keep)
    return {"tracts": len(shapes)}


def build_digital_equity() -> None:
    for name in S2801_FILES:
        copy_raw(SOURCES / "us-counties-s2801" / name, DATA / "digital-equity" / name)


def build_libraries(outlets: pd.DataFrame) -> dict:
    write_csv(outlets, DATA / "libraries" / "pls_fy2019_outlets_ct_ny_pa.csv")
    return outlets["state_abbr"].value_counts().sort_index().to_dict()


def build_reference() -> None:
    name = "state_data_centers_verified.csv"
    copy_raw(SOURCES / "reference" / name, DATA / "reference" / name)


def build_counties(s2801_2022: pd.DataFrame, s2801_2017: pd.DataFrame) -> int:
    """civicdata/data/counties.csv: every county or equivalent of the 2022 export, plus Connecticut's 8 former
    counties from the 2017 export (status 'former'), for find_place."""
    rows = []
    current = s2801_2022.assign(status="current")
    former = s2801_2017[s2801_2017["GEO_ID"].str[9:11] == "09"].assign(status="former")
    for frame in (current, former):
        for geo_id, name, status in zip(frame["GEO_ID"], frame["NAME"], frame["status"], strict=True):
            geoid = geo_id.split("US")[1]
            county_name, state_name = name.rsplit(", ", 1)
            rows.append({"GEOID": geoid, "state_fips": geoid[:2], "county_fips": geoid[2:],
                         "county_name": county_name, "state_name": state_name, "status": status})
    counties = pd.DataFrame(rows).sort_values(["GEOID", "status"]).reset_index(drop=True)
    write_csv(counties, COUNTIES_CSV)
    return len(counties)


def write_data_manifest() -> Path:
    """data/MANIFEST.sha256 over every bundled file (prefetched place folders are left out)."""
    lines = []
    for path in sorted(p for p in DATA.rglob("*") if p.is_file()):
        rel = path.relative_to(DATA).as_posix()
        parts = rel.split("/")
        if rel == "MANIFEST.sha256" or "__pycache__" in parts or path.suffix == ".pyc":
            continue
        if parts[0] == "places" and parts[1] not in BUNDLED_PLACES:
            continue
        lines.append(f"{sha256_of(path)}  {rel}")
    manifest = DATA / "MANIFEST.sha256"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def main() -> int:
    if not SOURCES.is_dir():
        print(f"Data sources not found at {SOURCES}; set CIVICDATA_SOURCES to their folder.", file=sys.stderr)
        return 1
    for sub in ["places/ct-capitol-region", "places/allegheny-pa", "downloads", "digital-equity",
                "libraries", "reference"]:
        shutil.rmtree(DATA / sub, ignore_errors=True)

    outlets = read_imls()
    s2801_2022 = read_s2801_names(2022)
    s2801_2017 = read_s2801_names(2017)
    report = {
        "ct-capitol-region": build_ct(outlets, s2801_2022),
        "allegheny-pa": build_allegheny(outlets),
        "bronx-ny": build_bronx(),
        "libraries": build_libraries(outlets),
        "counties.csv rows": build_counties(s2801_2022, s2801_2017),
    }
    build_digital_equity()
    build_reference()
    write_data_manifest()
    report["data/ size (bytes)"] = folder_size(DATA)
    for key, value in report.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
