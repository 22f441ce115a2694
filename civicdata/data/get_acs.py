"""``get_acs``: American Community Survey 5-year estimates, shaped like tidycensus's ``get_acs``.

It answers from the bundled data when that covers the request (no key, no network) and from the
live Census API otherwise, and it always says which one answered. Annotation values become missing
values, and ``.attrs["replaced"]`` lists every replaced cell with the reason.

Example:
    >>> income = get_acs(variables={"income": "B19013_001"}, quiet=True)
    >>> income.columns.tolist()
    ['GEOID', 'NAME', 'incomeE', 'incomeM']
    >>> len(income), income.attrs["source"], income.attrs["vintage"]
    (249, 'bundled', '2019-2023')
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from civicdata.core import settings
from civicdata.core.errors import (
    ArgumentError,
    CensusUnreachableError,
    CivicDataError,
    DataNotAvailableError,
    VariableNotFoundError,
    YearNotSupportedError,
)
from civicdata.data.cleaning import clean_values
from civicdata.data.geography import Place, find_place
from civicdata.data.places import PlaceData, list_places, load_boundaries, load_place
from civicdata.data.s2801 import load_s2801, load_s2801_columns, s2801_columns
from civicdata.data.variables import (
    bundled_variables,
    looks_like_code,
    normalise_code,
    table_codes,
    unknown_variable_error,
)

if TYPE_CHECKING:  # geopandas is imported only for geometry=True
    import geopandas as gpd

GEOGRAPHIES = ("tract", "county", "state", "us")
OUTPUTS = ("wide", "tidy")
SOURCES = ("auto", "bundled", "live")
#: ACS 5-year estimates in the Census API: 2009 (2005-2009) to 2024 (2020-2024).
FIRST_YEAR, LATEST_YEAR = 2009, 2024
#: Connecticut reports planning regions instead of counties from this ACS year on.
CT_REGIONS_FROM = 2022
S2801_YEARS = (2017, 2022)
KEY_SIGNUP_URL = "https://api.census.gov/data/key_signup.html"


@dataclass
class _Request:
    """A request after its arguments were checked: what, where, when."""

    geography: str
    names: dict[str, str]  # output name -> code without E/M, in the caller's order
    table: str | None
    state: Place | None
    county: Place | None
    year: int | None
    default_slug: str | None  # set when state and county were not given (the current place)
    notes: list[str] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(self.names.values()))

    @property
    def where(self) -> str:
        if self.geography == "us":
            return "the United States"
        if self.geography == "state" or self.county is None:
            scope = self.state.state_name if self.state else "?"
            return f"every {self.geography} of {scope}" if self.geography in ("tract", "county") else scope
        return self.county.label


# --------------------------------------------------------------------------------------------------
# checking the arguments
# --------------------------------------------------------------------------------------------------
def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    text = value.strip().lower() if isinstance(value, str) else None
    if text not in allowed:
        raise ArgumentError(f"Unknown {what} {value!r}.", hint=f"Use one of: {', '.join(allowed)}.")
    return text


def whole_number(value: object) -> int | None:
    """``value`` as an int when it is a whole number (2023, "2023", 2023.0), else None (2023.5, True, "soon").

    Example:
        >>> whole_number("2023"), whole_number(2023.0), whole_number(2023.5), whole_number(True)
        (2023, 2023, None, None)
    """
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if float(value).is_integer() else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def check_flag(value: object, name: str) -> bool:
    """``True``/``False`` arguments (geometry, quiet): refuse text such as "no", which Python counts as true."""
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, (int, np.integer)) and value in (0, 1)):
        return bool(value)
    raise ArgumentError(f"{name} must be True or False, not {value!r}.",
                        hint=f"Write {name}=True or {name}=False (without quotes).")


def check_year(year: int | str | None) -> int | None:
    """``None`` or an int between 2009 and 2024; YearNotSupportedError otherwise.

    Example:
        >>> check_year("2023")
        2023
    """
    if year is None:
        return None
    value = whole_number(year)
    if value is None or not FIRST_YEAR <= value <= LATEST_YEAR:
        raise YearNotSupportedError(
            f"There are no ACS 5-year estimates for {year!r}.",
            hint=f"Use a year from {FIRST_YEAR} to {LATEST_YEAR}: the year names the last year of the five "
            f"(2023 means 2019-2023). Leave year out to use the bundled place's year.",
        )
    return value


def _names(variables, table) -> tuple[dict[str, str], str | None]:
    """{output name: code} from a code, a list of codes or a dict of friendly names; or a table id."""
    if variables is not None and table is not None:
        raise CivicDataError("Give either variables or a table, not both.",
                             hint="e.g. get_acs(table='B19013') or get_acs(variables=['B19013_001']).")
    if table is not None:
        if not isinstance(table, str) or not table.strip():
            raise ArgumentError(f"table must be a table id as text, such as 'B19013', not {table!r}.",
                                hint="Put the id in quotes: get_acs(table='B19013').")
        return {}, table.strip().upper()
    if variables is None:
        raise VariableNotFoundError(
            "No variables or table were given.",
            hint="e.g. get_acs(variables={'income': 'B19013_001'}) or get_acs(table='B19013'); find codes "
            "with search_variables('income').",
        )
    if isinstance(variables, str):
        variables = [variables]
    if isinstance(variables, dict):
        pairs = [(name, code) for name, code in variables.items()]
    elif isinstance(variables, (list, tuple, pd.Series, pd.Index, np.ndarray)):
        pairs = [(None, code) for code in list(variables)]
    else:
        raise ArgumentError(
            f"variables must be a code such as 'B19013_001', a list of codes or a dict of names to codes, "
            f"not {type(variables).__name__} {variables!r}.",
            hint="Put codes in quotes: get_acs(variables=['B19013_001']) or get_acs(variables={'income': "
            "'B19013_001'}).",
        )
    if not pairs:
        raise VariableNotFoundError(
            "The list of variables is empty.",
            hint="Give at least one code, e.g. get_acs(variables=['B19013_001']); find codes with "
            "search_variables('income').",
        )
    bad = [(name, code) for name, code in pairs if not isinstance(code, str)
           or (name is not None and not (isinstance(name, str) and name.strip()))]
    if bad:
        name, code = bad[0]
        what = f"the name {name!r}" if isinstance(code, str) else f"{code!r} ({type(code).__name__})"
        raise ArgumentError(
            f"Every variable must be a code written as text, with a non-empty text name; {what} is not.",
            hint="Put codes in quotes, e.g. 'B19013_001', and give each a short name: {'income': 'B19013_001'}.",
        )
    pairs = [(name.strip() if name is not None else None, code) for name, code in pairs]
    names: dict[str, str] = {}
    for name, code in pairs:
        clean = normalise_code(code)
        if not looks_like_code(clean):
            raise VariableNotFoundError(
                f"{str(code)!r} is not an ACS variable code.",
                hint=f"Codes look like B19013_001 (table B19013, line 001). To find codes by words, use "
                f"search_variables({str(code).lower()!r}).",
            )
        names[name or clean] = clean
    return names, None


def _resolve_place(geography: str, state, county) -> tuple[Place | None, Place | None, str | None]:
    """(state place, county place, slug of the current place when neither was given)."""
    if state is None and county is None:
        if geography == "us":
            return None, None, settings.current_place()
        slug = settings.current_place()
        meta = load_place(slug).meta
        state_place = find_place(meta["state_fips"])
        county_place = Place(state_place.state_name, state_place.state_abbr, state_place.state_fips,
                             meta.get("county_name"), meta.get("county_fips"), slug=slug)
        return state_place, county_place, slug
    if state is None:
        raise CivicDataError(
            f"A county ({county!r}) was given without its state.",
            hint="Give the state too, e.g. get_acs(state='NC', county='Orange', ...).",
        )
    state_place = find_place(state)
    county_place = find_place(state, county) if county is not None else None
    return state_place, county_place, None


def _check_ct_geography(request: _Request) -> None:
    """Connecticut's old counties stop in 2021; its planning regions start in 2022."""
    county, year = request.county, request.year
    if year is None:  # the year that would be used: S2801's latest bundled year, else the latest API year
        s2801 = request.table == "S2801" or (request.names and all(c.startswith("S2801_") for c in request.codes))
        year = S2801_YEARS[-1] if s2801 else LATEST_YEAR
    if county is None or county.state_fips != "09":
        return
    if county.status == "former" and year >= CT_REGIONS_FROM:
        raise DataNotAvailableError(
            f"{county.label} is a former county: from the {CT_REGIONS_FROM - 4}-{CT_REGIONS_FROM} ACS on, "
            f"Connecticut is reported by planning regions, so there are no {year} estimates for it.",
            hint="Use a planning region, e.g. county='Capitol' (Greater Hartford), or a year up to 2021. "
            "See civicdata.list_counties('CT').",
        )
    if county.status == "current" and year < CT_REGIONS_FROM:
        raise DataNotAvailableError(
            f"{county.label} is a planning region; the ACS uses Connecticut's planning regions only from "
            f"{CT_REGIONS_FROM} on, so there are no {year} estimates for it.",
            hint=f"Use year {CT_REGIONS_FROM} or later, or one of the former counties (e.g. 'Hartford') for "
            "earlier years.",
        )


# --------------------------------------------------------------------------------------------------
# the bundled answer
# --------------------------------------------------------------------------------------------------
def _candidate_slugs(request: _Request) -> list[str]:
    """Place folders that might answer, the current place first."""
    places = list_places()
    current = request.default_slug or settings.current_place()
    order = sorted(places["slug"], key=lambda s: (s != current, s))
    places = places.set_index("slug").loc[order].reset_index()
    if request.geography in ("tract", "county"):
        if request.county is None:
            return []
        match = places[(places["state_fips"] == request.county.state_fips)
                       & (places["county_fips"] == request.county.county_fips)]
        return match["slug"].tolist()
    if request.geography == "state":
        return places[places["state_fips"] == request.state.state_fips]["slug"].tolist()
    return places["slug"].tolist()


def _rows_for(place: PlaceData, geography: str) -> pd.DataFrame:
    if geography == "tract":
        return place.tracts
    return place.summary[place.summary["geography"] == geography]


def _bundled_plan(request: _Request) -> tuple[PlaceData | None, str]:
    """(place that answers, or None with the reason in plain words)."""
    slugs = _candidate_slugs(request)
    if not slugs:
        return None, f"{request.where} is not in the bundled data"
    reasons = []
    for slug in slugs:
        place = load_place(slug)
        meta = place.meta
        if request.year is not None and int(meta["year"]) != request.year:
            reasons.append(f"the bundled data for {place.label} is the ACS {meta['vintage']} (year "
                           f"{meta['year']}), not {request.year}")
            continue
        rows = _rows_for(place, request.geography)
        if rows.empty:
            reasons.append(f"the bundled data for {place.label} has no {request.geography} row")
            continue
        available = place.variables["name"].tolist()
        if request.table is not None:
            if not any(c.split("_")[0] == request.table for c in available):
                reasons.append(f"table {request.table} is not in the bundled data for {place.label}")
                continue
        else:
            missing = [c for c in request.codes if f"{c}E" not in rows.columns]
            if missing:
                reasons.append(f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not in the "
                               f"bundled data for {place.label}")
                continue
        return place, ""
    return None, reasons[0]


def _frame_from(rows: pd.DataFrame, names: dict[str, str], has_moe: bool) -> pd.DataFrame:
    """GEOID, NAME, <name>E, <name>M from a frame with <code>E/<code>M columns."""
    out = {"GEOID": rows["GEOID"].astype(str).to_numpy(), "NAME": rows["NAME"].astype(str).to_numpy()}
    for name, code in names.items():
        out[f"{name}E"] = pd.to_numeric(rows[f"{code}E"]).to_numpy(dtype="float64")
        moe = rows.get(f"{code}M") if has_moe else None
        out[f"{name}M"] = (np.full(len(rows), np.nan) if moe is None
                           else pd.to_numeric(moe).to_numpy(dtype="float64"))
    return pd.DataFrame(out)


def _answer_bundled(request: _Request, place: PlaceData) -> tuple[pd.DataFrame, dict]:
    names = request.names or {c: c for c in table_codes(request.table, place.variables["name"].tolist())}
    request.names = names
    rows = _rows_for(place, request.geography)
    frame = _frame_from(rows, names, place.has_moe)
    meta = place.meta
    label = {"state": meta.get("state_name"), "us": "United States"}.get(request.geography, place.label)
    info = {
        "source": "bundled", "place": place.slug, "year": int(meta["year"]), "vintage": meta["vintage"],
        "has_moe": place.has_moe, "label": label,
    }
    if request.geography == "county" and meta.get("summary_note"):
        info["note"] = meta["summary_note"]
    return frame, info


def _s2801_plan(request: _Request) -> bool:
    """True when the bundled S2801 exports (every county, 2017 and 2022) can answer."""
    return (request.geography == "county" and request.table in (None, "S2801") and request.state is not None
            and (request.table == "S2801" or all(c.startswith("S2801_") for c in request.codes))
            and (request.year is None or request.year in S2801_YEARS))


def _answer_s2801(request: _Request) -> tuple[pd.DataFrame, dict]:
    year = request.year or S2801_YEARS[-1]
    columns = s2801_columns(str(year))
    if request.table == "S2801":
        request.names = {c[:-1]: c[:-1] for c in columns if c.startswith("S2801_") and c.endswith("E")}
    missing = [c for c in request.codes if f"{c}E" not in columns]
    if missing:
        raise unknown_variable_error(missing[0], [c[:-1] for c in columns if c.endswith("E")],
                                     f"the bundled S2801 table ({year - 4}-{year})")
    # A few variables (the usual case): read only their columns, not all 400 (about 50 MB less per kernel).
    data = (load_s2801(str(year)) if request.table == "S2801"
            else load_s2801_columns(sorted(set(request.codes)), str(year)))
    rows = data[data["GEOID"].str[:2] == request.state.state_fips]
    if request.county is not None:
        rows = rows[rows["GEOID"] == request.county.geoid]
    if rows.empty:
        raise DataNotAvailableError(
            f"The bundled S2801 table for {year - 4}-{year} has no row for {request.where}.",
            hint="Connecticut has its old counties in 2013-2017 and planning regions in 2018-2022.",
        )
    frame = _frame_from(rows, request.names, True)
    frame.attrs["replaced_before"] = [r for r in data.attrs.get("replaced", [])
                                      if r["GEOID"] in set(frame["GEOID"])]
    label = request.county.label if request.county else f"every county of {request.state.state_name}"
    info = {"source": "bundled", "place": None, "year": year, "vintage": f"{year - 4}-{year}",
            "has_moe": True, "label": f"S2801, {label}"}
    return frame, info


# --------------------------------------------------------------------------------------------------
# the live answer
# --------------------------------------------------------------------------------------------------
def _offline() -> bool:
    return os.environ.get("CIVICDATA_OFFLINE", "").strip() not in ("", "0")


def _live_module():
    """The live Census API (:mod:`civicdata.data.census_api`), or None where its libraries cannot be imported."""
    try:
        from civicdata.data import census_api
    except ImportError:
        return None
    return census_api


def _cannot_answer(request: _Request, reason: str) -> DataNotAvailableError:
    """The error for 'nothing can answer', saying why and what to do."""
    if not settings.get_api_key():
        why = f"{reason[0].upper()}{reason[1:]} and there is no Census API key."
    elif _offline():
        why = f"{reason[0].upper()}{reason[1:]} and this session is offline (CIVICDATA_OFFLINE=1)."
    else:
        why = f"{reason[0].upper()}{reason[1:]} and live Census access is not available here."
    place = request.county or request.state
    prefetch = ""
    if place is not None and place.county_name:
        prefetch = f" (`civicdata prefetch --state {place.state_abbr} --county \"{place.county_name}\"`)"
    hint = (
        f"Get a free key at {KEY_SIGNUP_URL} and set CENSUS_API_KEY (needs a network); or ask your "
        f"facilitator to prefetch this place{prefetch}; or use the bundled default place: call get_acs "
        f"without state and county (bundled places: {', '.join(list_places()['slug']) or 'none'})."
    )
    return DataNotAvailableError(why, hint=hint)


def _answer_live(request: _Request, strict: bool, reason: str) -> tuple[pd.DataFrame, dict]:
    """Ask the live Census API (:mod:`civicdata.data.census_api`).

    ``strict`` (source="live") lets its own errors through unchanged.
    """
    live = _live_module()
    if not strict and (live is None or not settings.get_api_key() or _offline()):
        raise _cannot_answer(request, reason)
    if live is None:
        raise DataNotAvailableError("Live Census access (civicdata.data.census_api) is not installed here.",
                                    hint="Use the bundled data (source='auto' or 'bundled').")
    year = request.year or LATEST_YEAR
    state_fips = request.state.state_fips if request.state else None
    county_fips = request.county.county_fips if request.county else None
    try:
        if not request.names:
            variables = live.fetch_table_variables(request.table, year)
            request.names = {c: c for c in variables["name"]}
        api_codes = [f"{c}{suffix}" for c in request.codes for suffix in ("E", "M")]
        raw = live.fetch_acs(request.geography, api_codes, state_fips, county_fips, year)
    except CensusUnreachableError as err:
        if strict:
            raise
        # source="auto": neither the bundled data nor the network could answer. Say both, as "not available".
        raise DataNotAvailableError(
            f"{reason[0].upper()}{reason[1:]}, and the live Census API could not be reached: {err.message}",
            hint=f"{err.hint} Or ask your facilitator to prefetch this place, or use the bundled default place "
            "(call get_acs without state and county).",
        ) from None
    frame = _frame_from(raw, request.names, True)
    info = {"source": "live", "place": request.county.slug if request.county else None, "year": year,
            "vintage": f"{year - 4}-{year}", "has_moe": True, "label": request.where}
    return frame, info


# --------------------------------------------------------------------------------------------------
# shaping the result
# --------------------------------------------------------------------------------------------------
def _tidy(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    parts = []
    for order, name in enumerate(names):
        parts.append(pd.DataFrame({
            "GEOID": frame["GEOID"], "NAME": frame["NAME"], "variable": name,
            "estimate": frame[f"{name}E"], "moe": frame[f"{name}M"], "_order": order,
        }))
    tidy = pd.concat(parts, ignore_index=True).sort_values(["GEOID", "_order"], kind="stable")
    return tidy.drop(columns="_order").reset_index(drop=True)


def _geometry(frame: pd.DataFrame, request: _Request, info: dict) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import shapely

    if info["source"] == "bundled" and info.get("place") and request.geography in ("tract", "county"):
        shapes = load_boundaries(info["place"])[["GEOID", "geometry"]]
        if request.geography == "county":
            shapes = gpd.GeoDataFrame({"GEOID": [frame["GEOID"].iloc[0]]},
                                      geometry=[shapely.union_all(shapes.geometry.values)], crs=shapes.crs)
        return gpd.GeoDataFrame(frame.merge(shapes, on="GEOID", how="left"), geometry="geometry",
                                crs="EPSG:4326")
    if info["source"] == "live" and request.geography == "tract":
        try:
            from civicdata.data import boundaries
        except ImportError:
            boundaries = None
        fetch = getattr(boundaries, "fetch_tract_boundaries", None)
        if fetch is not None:
            shapes = fetch(request.county.state_fips, request.county.county_fips, info["year"])
            shapes = shapes[["GEOID", "geometry"]].to_crs("EPSG:4326")
            return gpd.GeoDataFrame(frame.merge(shapes, on="GEOID", how="left"), geometry="geometry",
                                    crs="EPSG:4326")
    raise DataNotAvailableError(
        f"There are no boundaries for {request.geography} geography here ({info['label']}).",
        hint="Use geometry=False, or geography='tract' for a map of the place's tracts.",
    )


def _source_line(info: dict) -> str:
    if info["source"] == "live":
        line = f"Source: live Census API (ACS {info['vintage']} 5-year, {info['label']})."
    else:
        line = f"Source: bundled data (ACS {info['vintage']} 5-year, {info['label']}), no network used."
    if not info["has_moe"]:
        line += " Margins of error are missing in this data (estimates only), so reliability cannot be judged."
    return line


# --------------------------------------------------------------------------------------------------
# the public function
# --------------------------------------------------------------------------------------------------
def get_acs(
    geography: str = "tract",
    variables: str | list[str] | dict[str, str] | None = None,
    table: str | None = None,
    state: str | int | None = None,
    county: str | int | None = None,
    year: int | None = None,
    geometry: bool = False,
    output: str = "wide",
    source: str = "auto",
    quiet: bool = False,
) -> pd.DataFrame | gpd.GeoDataFrame:
    """ACS 5-year estimates with margins of error, like tidycensus's ``get_acs``.

    - ``geography``: "tract", "county", "state" or "us".
    - ``variables``: a code ("B19013_001", with or without E), a list of codes, or a dict of friendly
      names to codes ({"income": "B19013_001"}); or ``table="B19013"`` for every variable of a table.
    - ``state``, ``county``: name, abbreviation or FIPS ("CT", "Capitol"); both left out = the current
      place (Greater Hartford unless a facilitator switched it).
    - ``year``: last year of the 5-year period (2009-2024); left out = the place's year.
    - ``geometry=True`` returns a GeoDataFrame (EPSG:4326) ready for mapping.
    - ``output``: "wide" (GEOID, NAME, <name>E, <name>M) or "tidy" (GEOID, NAME, variable, estimate, moe).
    - ``source``: "auto" (bundled when it covers the request, else live), "bundled" or "live".

    Annotation values become missing values (controlled estimates get MOE 0); ``.attrs["replaced"]``
    lists them. ``.attrs`` also has source, place, year, vintage, tables and has_moe. One line says
    which source answered, unless ``quiet=True``.

    Example:
        >>> tidy = get_acs(variables=["B01003_001"], output="tidy", quiet=True)
        >>> tidy.columns.tolist()
        ['GEOID', 'NAME', 'variable', 'estimate', 'moe']
        >>> get_acs("county", variables="B01003_001").iloc[0]["NAME"]
        Source: bundled data (ACS 2019-2023 5-year, Capitol Planning Region, CT), no network used.
        'Capitol Planning Region, Connecticut'
    """
    geography = _choice(geography, GEOGRAPHIES, "geography")
    output = _choice(output, OUTPUTS, "output")
    source = _choice(source, SOURCES, "source")
    geometry, quiet = check_flag(geometry, "geometry"), check_flag(quiet, "quiet")
    year = check_year(year)
    names, table = _names(variables, table)
    state_place, county_place, default_slug = _resolve_place(geography, state, county)
    request = _Request(geography, names, table, state_place, county_place, year, default_slug)
    if geography == "tract" and county_place is None:
        reason = f"tracts of all of {state_place.state_name} are not in the bundled data"
    else:
        reason = ""
    _check_ct_geography(request)

    frame = info = None
    if source != "live":
        place, why = _bundled_plan(request) if not reason else (None, reason)
        reason = reason or why
        if place is not None:
            frame, info = _answer_bundled(request, place)
        elif _s2801_plan(request):
            frame, info = _answer_s2801(request)
        else:
            _check_known_codes(request)
    if frame is None:
        if source == "bundled":
            raise DataNotAvailableError(
                f"{reason[0].upper()}{reason[1:]}.",
                hint="Use source='auto' (live data when a key and a network are there), leave state and "
                "county out to use the bundled place, or ask your facilitator to prefetch this place.",
            )
        frame, info = _answer_live(request, strict=source == "live", reason=reason or request.where)

    replaced_before = frame.attrs.pop("replaced_before", [])
    columns = [c for c in frame.columns if c not in ("GEOID", "NAME")]
    frame, replaced = clean_values(frame, columns=columns)
    replaced = replaced_before + replaced
    tables = list(dict.fromkeys(code.split("_")[0] for code in request.names.values()))
    if output == "tidy":
        frame = _tidy(frame, request.names)
    if geometry:
        frame = _geometry(frame, request, info)
    frame.attrs = {
        "source": info["source"], "place": info["place"], "year": info["year"], "vintage": info["vintage"],
        "survey": "acs5", "geography": geography, "tables": tables, "variables": dict(request.names),
        "has_moe": info["has_moe"], "replaced": replaced,
    }
    if not info["has_moe"]:
        frame.attrs["moe_note"] = "Estimates only: margins of error are missing in this data."
    if info.get("note"):
        frame.attrs["note"] = info["note"]
    if not quiet:
        print(_source_line(info))
    return frame


def _check_known_codes(request: _Request) -> None:
    """Offline, a code no bundled list knows is more likely a typo than a gap: say so with close matches."""
    if _live_module() is not None and settings.get_api_key() and not _offline():
        return  # the live API knows every code; let it judge
    slugs = list_places()["slug"].tolist()
    known: list[str] = []
    for slug in slugs:
        known += bundled_variables(slug)["name"].tolist()
    known = list(dict.fromkeys(known))
    if request.table is not None:
        table_codes(request.table, known)  # raises VariableNotFoundError with close tables
        return
    for code in request.codes:
        if code not in known:
            raise unknown_variable_error(code, known, "any bundled variable list (and no live data is "
                                         "available to check it)")
