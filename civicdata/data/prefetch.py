"""Facilitator prefetch: download one county's workshop data once, then run the workshop offline.

``civicdata prefetch --state NC --county Orange`` (or :func:`prefetch`) pulls a curated set of ACS
5-year tables for the county's tracts, the county, its state and the US, the tract boundaries (Census
cartographic boundary file) and the county's public library outlets (from the bundled IMLS FY2019 list
when it covers the state), and writes a place folder ``data/places/<slug>/`` with the same files as the
bundled default place, plus a ``MANIFEST.sha256``. ``civicdata use-place <slug>``
(:mod:`civicdata.data.use_place`) then switches every notebook to it; from then on no key and no network
are needed.

Values are stored as the Census API sent them (annotation codes such as -666666666 included); the
workbook's cleaning step turns those into missing values when the data is read, and says which ones.

Example (needs a key and a network, so not run here):

    from civicdata import prefetch, use_place
    folder = prefetch("NC", "Orange", year=2024)     # data/places/orange-nc
    use_place(folder.name)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from civicdata.core import settings
from civicdata.core.errors import (
    DataNotAvailableError,
    EmptyResultError,
    PlaceExistsError,
    PlaceNotFoundError,
    VariableNotFoundError,
)
from civicdata.data.checksums import write_manifest
from civicdata.data.place_files import write_csv, write_geojson

#: The default place's 11 tables (see data/README.md) plus the digital-equity tables.
WORKSHOP_TABLES: tuple[str, ...] = (
    "B01003",  # total population
    "B01001",  # sex by age
    "B03002",  # Hispanic or Latino origin by race
    "B05001",  # nativity and citizenship
    "B25003",  # tenure (owner / renter)
    "B25106",  # tenure by housing costs as a share of income
    "B08201",  # household size by vehicles available
    "B06009",  # place of birth by educational attainment
    "B19013",  # median household income
    "C17002",  # ratio of income to poverty level
    "B17024",  # age by ratio of income to poverty level
    "B28002",  # presence and types of internet subscriptions
    "B28001",  # types of computers
)
LIBRARIES_FILE = "libraries/pls_fy2019_outlets_ct_ny_pa.csv"
LIBRARY_COLUMNS_EXTRA = ["tract_geoid"]


# --------------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------------


#: Words that name the kind of county; the slug leaves them out unless two places would share a name.
_KIND_WORDS = (
    "city and borough",
    "census area",
    "planning region",
    "county",
    "parish",
    "borough",
    "municipio",
    "municipality",
    "city",
)


def _slugify(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _short_name(county_name: str) -> str:
    lower = county_name.lower()
    for word in _KIND_WORDS:
        if lower.endswith(" " + word):
            return county_name[: -len(word) - 1]
    return county_name


def place_slug(county_name: str, state_abbr: str, others: Sequence[str] = ()) -> str:
    """Folder name for a county, like the bundled ``allegheny-pa``: short name and state, lower case.

    ``others`` are the other county names of the state: when one has the same short name (Baltimore
    city and Baltimore County), the full name is kept.

    Example:
        >>> place_slug("Orange County", "NC"), place_slug("Doña Ana County", "NM")
        ('orange-nc', 'dona-ana-nm')
        >>> place_slug("Baltimore County", "MD", others=["Baltimore city", "Baltimore County"])
        'baltimore-county-md'
    """
    short = _short_name(county_name)
    clash = any(_slugify(_short_name(o)) == _slugify(short) for o in others if o != county_name)
    return _slugify(f"{county_name if clash else short} {state_abbr}")


def _integers_where_whole(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Write 1234 rather than 1234.0 when a column holds whole numbers and some missing values."""
    frame = frame.copy()
    for column in columns:
        values = frame[column]
        if pd.api.types.is_float_dtype(values):
            present = values.dropna()
            if len(present) == 0 or np.all(np.equal(np.mod(present, 1), 0)):
                frame[column] = values.astype("Int64")
    return frame


def _libraries(state_abbr: str, tracts: gpd.GeoDataFrame) -> tuple[pd.DataFrame, str]:
    """Bundled IMLS outlets inside the county's tracts (with their tract GEOID), and a note."""
    path = settings.data_dir() / LIBRARIES_FILE
    columns: list[str] = []
    if path.exists():
        outlets = pd.read_csv(path, dtype=str, keep_default_na=False)
        columns = [*outlets.columns, *LIBRARY_COLUMNS_EXTRA]
        covered = sorted(set(outlets["state_abbr"]))
        outlets = outlets[outlets["state_abbr"] == state_abbr]
    else:
        covered, outlets = [], pd.DataFrame()
    if outlets.empty:
        note = (
            f"The bundled library list (IMLS Public Libraries Survey FY2019) covers only "
            f"{', '.join(covered) or 'no states'}, so libraries.csv is empty for {state_abbr}. The full national "
            "outlet file is published by IMLS (Public Libraries Survey data files)."
        )
        return pd.DataFrame(columns=columns or ["name", "latitude", "longitude", *LIBRARY_COLUMNS_EXTRA]), note
    points = gpd.GeoDataFrame(
        outlets,
        geometry=gpd.points_from_xy(pd.to_numeric(outlets["longitude"]), pd.to_numeric(outlets["latitude"])),
        crs="EPSG:4326",
    )
    joined = gpd.sjoin(points, tracts[["GEOID", "geometry"]], how="inner", predicate="within")
    joined = joined.rename(columns={"GEOID": "tract_geoid"}).drop(columns=["geometry", "index_right"])
    frame = pd.DataFrame(joined).sort_values(["library_id", "outlet_seq"]).reset_index(drop=True)
    note = (
        f"{len(frame)} outlets from the IMLS Public Libraries Survey FY2019 whose location lies in the county's tracts."
    )
    return frame[columns], note


# --------------------------------------------------------------------------------------------------
# prefetch
# --------------------------------------------------------------------------------------------------


#: From the 2018-2022 ACS on, Connecticut is reported by 9 planning regions instead of 8 counties.
CT_REGIONS_FROM = 2022


def _check_connecticut(found, year: int) -> None:
    """Connecticut's former counties have no ACS rows from 2022 on; its planning regions none before."""
    if found.state_fips != "09":
        return
    former = getattr(found, "status", "current") == "former"
    if former and year >= CT_REGIONS_FROM:
        raise DataNotAvailableError(
            f"{found.county_name} is a former Connecticut county; the {year - 4}-{year} ACS reports planning "
            "regions instead.",
            hint="Choose a planning region (see civicdata.list_counties('CT')), or --year 2021.",
        )
    if not former and year < CT_REGIONS_FROM:
        raise DataNotAvailableError(
            f"{found.county_name} is a planning region; ACS releases before {CT_REGIONS_FROM} use Connecticut's "
            "former counties.",
            hint=f"Use --year {CT_REGIONS_FROM} or later, or a former county such as Hartford.",
        )


def prefetch(
    state: str | int,
    county: str | int,
    year: int = 2024,
    out: str | Path | None = None,
    *,
    force: bool = False,
    tables: Sequence[str] = WORKSHOP_TABLES,
    key: str | None = None,
    echo: Callable[[str], None] = print,
) -> Path:
    """Download one county's workshop data into a place folder and return the folder.

    ``out`` is the folder that holds place folders (default ``data/places``). An existing place folder
    is never replaced unless ``force=True``. ``echo`` receives the progress messages (plain sentences;
    the key is never shown). Tables the API does not have for ``year`` are skipped and listed in
    ``place.json`` under ``tables_missing``.
    """
    from civicdata.data import census_api
    from civicdata.data.geography import find_place

    year = census_api.check_year(year)
    found = find_place(state, county)
    if found.county_fips is None:
        raise PlaceNotFoundError("Prefetch needs a county as well as a state.", hint="Add --county NAME.")
    _check_connecticut(found, year)
    key = census_api.require_key(key)
    if census_api.is_offline():
        raise census_api.offline_error()
    slug = place_slug(found.county_name, found.state_abbr, _county_names(found.state_fips))
    root = Path(out) if out is not None else settings.places_dir()
    target = root / slug
    if target.exists() and not force:
        raise PlaceExistsError(
            f"The place folder {target} exists already, so nothing was downloaded.",
            hint=f"Use it with `civicdata use-place {slug}`, or add --force to download it again.",
        )
    where = f"{found.county_name}, {found.state_name}"
    echo(f"Preparing {where} (state {found.state_fips}, county {found.county_fips}), ACS {year - 4}-{year}.")

    # 1. which variables each table has
    labels, present, missing = [], [], []
    for table in tables:
        try:
            table_vars = census_api.fetch_table_variables(table, year, key=key)
        except VariableNotFoundError:
            missing.append(table)
            echo(f"  table {table}: not in the {year - 4}-{year} ACS 5-year data; skipped.")
            continue
        labels.append(table_vars)
        present.append(table)
        concept = table_vars["concept"].iloc[0] if len(table_vars) else ""
        echo(f"  table {table} ({concept}): {len(table_vars)} variables.")
    if not present:
        raise VariableNotFoundError(
            f"None of the tables {', '.join(tables)} exist in the {year - 4}-{year} ACS 5-year data.",
            hint="Try another year.",
        )
    variables = pd.concat(labels, ignore_index=True)
    codes = [f"{name}{suffix}" for name in variables["name"] for suffix in ("E", "M")]

    # 2. the estimates
    echo(f"Downloading {len(codes)} columns for the county's tracts...")
    tract_frame = census_api.fetch_acs("tract", codes, found.state_fips, found.county_fips, year, key=key)
    echo(f"  {len(tract_frame)} tracts.")
    summaries = []
    for geography in ("county", "state", "us"):
        echo(f"Downloading the same columns for the {'US' if geography == 'us' else geography}...")
        frame = census_api.fetch_acs(geography, codes, found.state_fips, found.county_fips, year, key=key)
        frame = frame.copy()  # one block per column type before inserting
        frame.insert(2, "geography", geography)
        summaries.append(frame)
    summary = pd.concat(summaries, ignore_index=True)

    # 3. boundaries and libraries
    echo("Downloading the tract boundaries (Census cartographic boundary file)...")
    shapes = _tract_shapes(found, year, echo)
    names = tract_frame.set_index("GEOID")["NAME"]
    shapes["NAME"] = shapes["GEOID"].map(names).fillna(shapes["NAME"])
    no_data = sorted(set(shapes["GEOID"]) - set(tract_frame["GEOID"]))
    no_shape = sorted(set(tract_frame["GEOID"]) - set(shapes["GEOID"]))
    if shapes.empty:
        raise EmptyResultError(f"No tract boundaries were found for {where}.")
    libraries, library_note = _libraries(found.state_abbr, shapes)
    echo(f"  {len(shapes)} tract shapes; {library_note}")

    # 4. write everything into a new folder, then move it into place
    meta = {
        "slug": slug,
        "name": f"{found.county_name}, {found.state_abbr}",
        "state_name": found.state_name,
        "state_abbr": found.state_abbr,
        "state_fips": found.state_fips,
        "county_name": found.county_name,
        "county_fips": found.county_fips,
        "year": year,
        "vintage": f"{year - 4}-{year}",
        "survey": "acs5",
        "has_moe": True,
        "tables": present,
        "tables_missing": missing,
        "prefetched_on": dt.date.today().isoformat(),
        "libraries_note": library_note,
        "values_note": "Values as the Census API sent them; annotation codes (e.g. -666666666) become missing "
        "values when the workbook reads them.",
        "sources": [
            f"U.S. Census Bureau, ACS {year - 4}-{year} 5-year estimates, Census Data API "
            f"(api.census.gov/data/{year}/acs/acs5), fetched with civicdata prefetch",
            f"U.S. Census Bureau, cartographic boundary file {shapes.attrs.get('boundary_file', '')}",
            "IMLS Public Libraries Survey FY2019, outlet file (bundled in data/libraries)",
        ],
    }
    if shapes.attrs.get("fallback"):
        meta["boundary_note"] = shapes.attrs["fallback"]
    if no_data or no_shape:
        meta["geography_note"] = (
            f"{len(no_data)} tract shapes have no ACS row and {len(no_shape)} ACS tracts have no shape "
            "(often water-only tracts)."
        )
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{slug}-", dir=root))
    try:
        (staging / "place.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        write_csv(_integers_where_whole(tract_frame, codes), staging / "tracts.csv")
        write_csv(_integers_where_whole(summary, codes), staging / "summary.csv")
        write_csv(variables[["name", "label", "concept"]], staging / "variables.csv")
        write_geojson(shapes, staging / "tracts.geojson", ["GEOID", "NAME"])
        write_csv(libraries, staging / "libraries.csv")
        write_manifest(staging)
        os.chmod(staging, 0o755)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{slug}-old-", dir=root))
            os.replace(target, old / slug)
            os.replace(staging, target)
            shutil.rmtree(old)
        else:
            os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    echo(f"Done: {target} ({len(tract_frame)} tracts, {len(present)} tables, {len(libraries)} library outlets).")
    if root.resolve() == settings.places_dir().resolve():
        echo(f"Switch every notebook to it with:  civicdata use-place {slug}")
    else:
        echo(f"To use it, copy the folder into {settings.places_dir()} and run: civicdata use-place {slug}")
    return target


def _county_names(state_fips: str) -> list[str]:
    """Current county names of a state (to keep slugs unique)."""
    from civicdata.data.geography import list_counties

    counties = list_counties(state_fips)
    return counties.loc[counties["status"] == "current", "county_name"].tolist()


def _tract_shapes(found, year: int, echo: Callable[[str], None]) -> gpd.GeoDataFrame:
    """The county's tract shapes for ``year``; if that year's file is not published yet, the year before's
    when it has the same tracts (2020 tracts are used from 2020 on; Connecticut's codes from 2022 on)."""
    from civicdata.data import boundaries

    try:
        return boundaries.fetch_tract_boundaries(found.state_fips, found.county_fips, year)
    except DataNotAvailableError:
        same_tracts_from = CT_REGIONS_FROM if found.state_fips == "09" else 2020
        if year - 1 < same_tracts_from:
            raise
    echo(f"  The {year} boundary file is not published yet; using {year - 1}'s (the same tracts).")
    shapes = boundaries.fetch_tract_boundaries(found.state_fips, found.county_fips, year - 1)
    shapes.attrs["fallback"] = f"The {year} file was not published yet; {year - 1}'s file has the same tracts."
    return shapes
