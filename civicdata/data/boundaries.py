"""Census tract boundaries from the Census Bureau's cartographic boundary files, downloaded once and cached.

The cartographic boundary ("cb") files are generalized for maps at 1:500,000, so they are far smaller
than full TIGER/Line files and clipped to the shoreline. One zip per state and year lives at
``https://www2.census.gov/geo/tiger/GENZ{year}/shp/cb_{year}_{state}_tract_500k.zip``; it is kept in
``civicdata.core.settings.cache_dir()/boundaries/`` so each state is downloaded only once.

ACS estimates for a year use that year's tract geography, so ask for the same year as the data (tracts
changed in 2020, and Connecticut's county codes became planning regions in 2022). Years before 2014
use the 2014 file (2010 tracts).

Example (needs the network the first time):

    from civicdata.data.boundaries import fetch_tract_boundaries
    tracts = fetch_tract_boundaries("37", "135", 2024)   # Orange County, NC
    tracts.columns.tolist()   # ['GEOID', 'NAME', 'ALAND', 'AWATER', 'geometry']
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import requests

from civicdata.core import settings
from civicdata.core.errors import (
    CensusServerError,
    CivicDataError,
    DataNotAvailableError,
    EmptyResultError,
    PlaceNotFoundError,
    YearNotSupportedError,
)
from civicdata.data.census_api.session import TimeoutSession, is_offline, offline_error

BASE_URL = "https://www2.census.gov/geo/tiger"
#: Years with cartographic boundary tract files at GENZ{year}/shp/.
CB_YEARS = tuple(range(2014, 2025))
#: ACS years before the first cb file still use 2010 tracts, as the 2014 file does.
EARLIEST_CB_YEAR = 2014
COLUMNS = ["GEOID", "NAME", "ALAND", "AWATER"]


def boundary_year(year: int | str) -> int:
    """The cb file year to use for ACS data of ``year`` (2009-2013 use 2014's file: same 2010 tracts).

    Example:
        >>> boundary_year(2011), boundary_year(2024)
        (2014, 2024)
    """
    try:
        value = int(year)
    except (TypeError, ValueError):
        value = None
    if value is not None and 2009 <= value < EARLIEST_CB_YEAR:
        return EARLIEST_CB_YEAR
    if value not in CB_YEARS:
        raise YearNotSupportedError(
            f"There is no cartographic boundary tract file for {year!r}.",
            hint=f"Use a year from 2009 to {CB_YEARS[-1]} (the same year as the ACS data).",
        )
    return value


def boundary_url(state_fips: str, year: int) -> str:
    """The address of one state's cb tract file.

    Example:
        >>> boundary_url("37", 2024)
        'https://www2.census.gov/geo/tiger/GENZ2024/shp/cb_2024_37_tract_500k.zip'
    """
    return f"{BASE_URL}/GENZ{year}/shp/cb_{year}_{state_fips}_tract_500k.zip"


def boundary_cache_path(state_fips: str, year: int) -> Path:
    """Where the downloaded zip is kept (outside the repository)."""
    return settings.cache_dir() / "boundaries" / f"cb_{year}_{state_fips}_tract_500k.zip"


def _download(url: str, target: Path, session: requests.Session | None) -> None:
    """Download ``url`` to ``target`` via a temporary file, so a broken download never looks cached."""
    if is_offline():
        raise offline_error("the Census boundary file server")
    session = session if session is not None else TimeoutSession()
    response = session.get(url, stream=True)
    if response.status_code == 404:
        raise DataNotAvailableError(
            f"The Census Bureau has no boundary file at {url}.",
            hint="Check the state and year; the newest year's files appear some months after the data.",
        )
    if response.status_code != 200:
        raise CensusServerError(
            f"The Census boundary file server answered HTTP {response.status_code}.",
            hint="Try again in a few minutes.",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".part")
    error: CivicDataError | None = None
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in response.iter_content(chunk_size=1 << 16):
                out.write(chunk)
        if not zipfile.is_zipfile(tmp_name):
            error = CensusServerError("The boundary file download was incomplete or not a zip file.", hint="Try again.")
        else:
            os.replace(tmp_name, target)
    except requests.RequestException:
        error = CensusServerError("The boundary file download was interrupted.", hint="Try again.")
    finally:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)
    if error is not None:
        raise error


def fetch_tract_boundaries(
    state_fips: str | int,
    county_fips: str | int,
    year: int = 2024,
    *,
    session: requests.Session | None = None,
) -> gpd.GeoDataFrame:
    """Tract polygons of one county: GEOID (11-character text), NAME, ALAND, AWATER, geometry in EPSG:4326.

    The state's zip is downloaded on first use and cached; later calls (and offline work) read the cache.
    Raises CensusUnreachableError offline or without a connection, DataNotAvailableError if the Census
    Bureau has no such file, EmptyResultError if the county has no tracts in it.
    """
    state = str(state_fips).strip().zfill(2)
    county = str(county_fips).strip().zfill(3)
    if not (state.isdigit() and county.isdigit() and len(state) == 2 and len(county) == 3):
        raise PlaceNotFoundError(
            f"{state_fips!r}/{county_fips!r} are not state and county FIPS codes.",
            hint="Look the place up with civicdata.find_place('State', 'County').",
        )
    file_year = boundary_year(year)
    path = boundary_cache_path(state, file_year)
    if not path.exists():
        _download(boundary_url(state, file_year), path, session)

    error: CivicDataError | None = None
    try:
        frame = gpd.read_file(path, where=f"COUNTYFP = '{county}'")
    except Exception:  # noqa: BLE001 - pyogrio raises several types for a damaged file
        path.unlink(missing_ok=True)
        error = CensusServerError(
            "The cached boundary file could not be read, so it was removed.", hint="Run the command again."
        )
    if error is not None:
        raise error
    if frame.empty:
        raise EmptyResultError(
            f"The {file_year} boundary file of state {state} has no tracts in county {county}.",
            hint="Check the county code with civicdata.find_place(...); Connecticut uses planning-region "
            "codes (e.g. 110) from 2022 on and old county codes before.",
        )
    if "NAMELSAD" in frame.columns:
        names = frame["NAMELSAD"].astype(str)
    else:
        names = "Census Tract " + frame["NAME"].astype(str)
    out = gpd.GeoDataFrame(
        {
            "GEOID": frame["GEOID"].astype(str).str.zfill(11),
            "NAME": names,
            "ALAND": frame["ALAND"] if "ALAND" in frame else None,
            "AWATER": frame["AWATER"] if "AWATER" in frame else None,
        },
        geometry=frame.geometry,
        crs=frame.crs,
    )
    if out.crs is None:
        out = out.set_crs("EPSG:4269")  # cb files are NAD83
    out = out.to_crs("EPSG:4326").sort_values("GEOID", ignore_index=True)
    out.attrs.update({"source": "live", "boundary_file": path.name, "boundary_year": file_year})
    return out
