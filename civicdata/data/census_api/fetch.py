"""``fetch_acs``: ACS 5-year estimates from the Census Data API, one request per 48 variables, cached.

Example (needs a key and a network, so it is not run as a doctest):

    from civicdata.data.census_api import fetch_acs
    df = fetch_acs("tract", ["B19013_001E", "B19013_001M"], state_fips="37", county_fips="135")
    df.columns.tolist()   # ['GEOID', 'NAME', 'B19013_001E', 'B19013_001M']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import requests
from census.core import APIKeyError, CensusException

from civicdata.core.errors import (
    CensusServerError,
    CivicDataError,
    EmptyResultError,
    InvalidApiKeyError,
    PlaceNotFoundError,
    YearNotSupportedError,
)
from civicdata.data.census_api.arguments import (
    ACS5_YEARS,
    GEOGRAPHIES,
    KEY_SIGNUP_URL,
    LATEST_YEAR,
    check_year,
    dataset_for,
    normalise_codes,
    require_key,
)
from civicdata.data.census_api.client import census_client
from civicdata.data.census_api.session import get_session, is_offline, offline_error

#: The API accepts 50 variables per query. We send NAME plus at most 48 codes, so the ``census``
#: package never starts its own chunking (which adds GEO_ID and a sort).
MAX_CODES_PER_REQUEST = 48


def _fips(value: object, width: int, what: str) -> str:
    text = str(value).strip()
    if text == "*":
        return text
    if not text.isdigit() or len(text) > width:
        raise PlaceNotFoundError(
            f"{value!r} is not a {what} FIPS code ({width} digits).",
            hint="Look the place up with civicdata.find_place('State', 'County').",
        )
    return text.zfill(width)


def _geo_call(geography: str, state_fips, county_fips) -> tuple[str, tuple]:
    """The census client method and positional arguments for a geography."""
    if geography not in GEOGRAPHIES:
        raise PlaceNotFoundError(f"Unknown geography {geography!r}.", hint=f"Use one of {', '.join(GEOGRAPHIES)}.")
    if geography == "us":
        return "us", ()
    if geography == "state":
        return "state", (_fips(state_fips if state_fips is not None else "*", 2, "state"),)
    if state_fips is None:
        raise PlaceNotFoundError(
            f"A {geography} pull needs a state.", hint="Pass state_fips, e.g. '37' for North Carolina."
        )
    state = _fips(state_fips, 2, "state")
    if geography == "county":
        return "state_county", (state, _fips(county_fips if county_fips is not None else "*", 3, "county"))
    if county_fips is None or str(county_fips).strip() == "*":
        raise PlaceNotFoundError(
            "A tract pull needs one county.", hint="Pass county_fips, e.g. '135' for Orange County, NC."
        )
    return "state_county_tract", (state, _fips(county_fips, 3, "county"), "*")


def _geoid(row: dict, geography: str) -> str:
    if geography == "us":
        return "1"
    state = str(row.get("state", "")).zfill(2)
    if geography == "state":
        return state
    county = str(row.get("county", "")).zfill(3)
    if geography == "county":
        return state + county
    return state + county + str(row.get("tract", "")).zfill(6)


def _query(client, method: str, fields: list[str], args: tuple, year: int) -> list[dict]:
    """Call one census client method and translate whatever goes wrong inside the package."""
    error: CivicDataError | None = None
    try:
        return getattr(client, method)(fields, *args, year=year)
    except CivicDataError:
        raise
    except APIKeyError:
        error = InvalidApiKeyError(
            "The Census API did not accept the API key.",
            hint=f"Check the key or request a new one at {KEY_SIGNUP_URL}.",
        )
    except CensusException as err:
        if "not available in" in str(err):
            error = YearNotSupportedError(
                f"The census package does not serve this table for {year}.",
                hint=f"Use a year from {ACS5_YEARS[0]} to {ACS5_YEARS[-1]}.",
            )
        else:
            error = CensusServerError(
                "The Census API answered with an error.", hint="Try again later; the bundled place works offline."
            )
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        # requests' JSONDecodeError is a ValueError; a dict or a ragged list breaks the package's parsing.
        error = CensusServerError(
            "The answer from the Census API was not complete data (malformed or cut off).",
            hint="Try again in a few minutes; if it keeps happening, use the bundled place.",
        )
    raise error


def _to_number(values: list) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """Whole numbers as int64, other numbers as float64 (null -> NaN), else the text unchanged.

    Annotation codes such as -666666666 are numbers and stay as they are. Plain Python loops: this runs
    for every column of every answer, and is many times faster than pandas.to_numeric on short columns.

    Example:
        >>> _to_number(["12", "-666666666"]).tolist(), _to_number(["1.5", None]).tolist()
        ([12, -666666666], [1.5, nan])
    """
    try:
        return np.array([int(v) for v in values], dtype="int64")
    except (TypeError, ValueError, OverflowError):
        pass
    try:
        return np.array([np.nan if v is None else float(v) for v in values], dtype="float64")
    except (TypeError, ValueError):
        return pd.array(values, dtype="str")


def fetch_acs(
    geography: str,
    codes: Sequence[str] | str,
    state_fips: str | int | None = None,
    county_fips: str | int | None = None,
    year: int = LATEST_YEAR,
    key: str | None = None,
    *,
    session: requests.Session | None = None,
) -> pd.DataFrame:
    """Fetch ACS 5-year estimates from the Census API: one row per geography, one column per code.

    ``geography`` is "tract" (needs state and county), "county" (one, or all in the state), "state" or
    "us". ``codes`` are full API names: ``B19013_001E`` (estimate), ``B19013_001M`` (margin of error),
    also subject (``S2801_C02_019E``) and profile (``DP02_0001PE``) codes. More than 48 codes are split
    into several requests and joined on GEOID.

    Returns GEOID (zero-padded text: state 2, county 5, tract 11 characters, the US "1"), NAME and the
    code columns as numbers. Annotation values (e.g. -666666666 "not computed") are kept as the API sent
    them; :mod:`civicdata.data.cleaning` turns them into missing values. ``.attrs`` records the source.

    Raises NoApiKeyError, InvalidApiKeyError, CensusUnreachableError (offline, timeout, no connection),
    CensusServerError (5xx, malformed JSON), EmptyResultError, VariableNotFoundError,
    YearNotSupportedError; never a raw requests or json error.

    Example (needs a key and a network):

        fetch_acs("county", ["B28002_013E", "B28002_013M"], state_fips="37", county_fips="135")
    """
    year = check_year(year)
    wanted = normalise_codes(codes)
    method, args = _geo_call(geography, state_fips, county_fips)
    key = require_key(key)
    if is_offline():
        raise offline_error()
    session = session if session is not None else get_session()
    client = census_client(key, year=year, session=session)
    clients = {"acs5": client.acs5, "acs5/subject": client.acs5st, "acs5/profile": client.acs5dp}

    by_dataset: dict[str, list[str]] = {}
    for code in wanted:
        by_dataset.setdefault(dataset_for(code), []).append(code)

    pieces: list[pd.DataFrame] = []
    names: pd.Series | None = None
    for dataset, dataset_codes in by_dataset.items():
        for start in range(0, len(dataset_codes), MAX_CODES_PER_REQUEST):
            chunk = dataset_codes[start : start + MAX_CODES_PER_REQUEST]
            rows = _query(clients[dataset], method, ["NAME", *chunk], args, year)
            if not rows:
                raise _empty(geography, state_fips, county_fips, year)
            missing = [code for code in chunk if code not in rows[0]]
            if missing:
                raise CensusServerError(
                    f"The Census API answer lacks the columns {', '.join(missing)}.", hint="Try again later."
                )
            geoids = pd.Index([_geoid(row, geography) for row in rows], name="GEOID")
            if names is None:
                names = pd.Series([row.get("NAME") for row in rows], index=geoids, name="NAME")
            columns = {code: _to_number([row.get(code) for row in rows]) for code in chunk}
            pieces.append(pd.DataFrame(columns, index=geoids))
    assert names is not None
    data = pd.concat(pieces, axis=1, join="outer") if len(pieces) > 1 else pieces[0]
    merged = pd.concat([names.reindex(data.index), data[wanted]], axis=1)
    merged = merged.sort_index().reset_index()
    merged.attrs.update(
        {"source": "live", "year": year, "vintage": f"{year - 4}-{year}", "survey": "acs5", "geography": geography}
    )
    return merged


def _empty(geography, state_fips, county_fips, year) -> EmptyResultError:
    where = {"tract": f"state {state_fips} county {county_fips}", "county": f"state {state_fips}"}.get(
        geography, "that area"
    )
    return EmptyResultError(
        f"The Census API returned no {geography} rows for {where} in the {year - 4}-{year} ACS.",
        hint="Check the state and county codes with civicdata.find_place(...); a county that was "
        "replaced (Connecticut's counties became planning regions in 2022) has no rows in newer years.",
    )
