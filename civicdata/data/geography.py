"""Find a state and county by name, abbreviation or FIPS code, offline, with "Did you mean ...?" help.

States, DC and the territories come from the ``us`` package. Counties and county equivalents come
from ``civicdata/data/counties.csv``, built by ``data/build_data.py`` from the ACS 2018-2022 S2801 export
of every county (3,222, with Connecticut's 9 planning regions and Puerto Rico's municipios), plus
Connecticut's 8 former counties (``status == "former"``), which the ACS used until 2021.

Example:
    >>> place = find_place("CT", "Capitol")
    >>> place.county_name, place.geoid
    ('Capitol Planning Region', '09110')
    >>> find_place("Pennsylvania", "003").county_name
    'Allegheny County'
    >>> find_place("dc").state_fips
    '11'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import us

from civicdata.core.errors import PlaceNotFoundError

COUNTIES_FILE = Path(__file__).with_name("counties.csv")

#: Words that name the kind of county equivalent; "Orange" finds "Orange County".
_KIND_WORDS = (
    "city and borough", "census area", "planning region", "county", "parish", "borough", "municipio",
    "municipality", "city",
)


@dataclass(frozen=True)
class Place:
    """A state, or a county (or county equivalent) in a state.

    ``status`` is ``"current"``, or ``"former"`` for Connecticut's old counties (ACS 2021 and earlier).
    ``slug`` names the bundled or prefetched place folder with this county's data, if there is one.
    """

    state_name: str
    state_abbr: str
    state_fips: str
    county_name: str | None = None
    county_fips: str | None = None
    status: str = "current"
    slug: str | None = None

    @property
    def geoid(self) -> str:
        """``"09"`` for a state, ``"09110"`` for a county."""
        return self.state_fips + (self.county_fips or "")

    @property
    def label(self) -> str:
        """A short readable name, e.g. ``"Capitol Planning Region, CT"``."""
        return f"{self.county_name}, {self.state_abbr}" if self.county_name else self.state_name

    def __str__(self) -> str:
        return f"{self.label} ({self.geoid})"


# --------------------------------------------------------------------------------------------------
# states
# --------------------------------------------------------------------------------------------------
def _states() -> list:
    return list(us.states.STATES_AND_TERRITORIES)


def find_state(state: str | int) -> us.states.State:
    """A ``us`` State for a name, a postal abbreviation or a FIPS code; PlaceNotFoundError otherwise.

    Example:
        >>> find_state("Conneticut")
        Traceback (most recent call last):
        ...
        civicdata.core.errors.PlaceNotFoundError: There is no US state or territory called 'Conneticut'.
        What to do: Did you mean Connecticut? Use a full name, a postal abbreviation (CT) or a FIPS code (09).
    """
    text = str(state).strip()
    if not text:
        raise PlaceNotFoundError("No state was given.", hint="Give a state name, abbreviation or FIPS code.")
    for item in _states():
        if text.isdigit() and text.zfill(2) == item.fips:
            return item
        if text.upper() == item.abbr or _norm(text) == _norm(item.name):
            return item
    names = [s.name for s in _states()]
    close = difflib.get_close_matches(text.title(), names, n=3, cutoff=0.6)
    hint = "Use a full name, a postal abbreviation (CT) or a FIPS code (09)."
    if close:
        hint = f"Did you mean {' or '.join(close)}? " + hint
    raise PlaceNotFoundError(f"There is no US state or territory called {text!r}.", hint=hint)


# --------------------------------------------------------------------------------------------------
# counties
# --------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _counties() -> pd.DataFrame:
    frame = pd.read_csv(COUNTIES_FILE, dtype=str, keep_default_na=False)
    frame["key"] = frame["county_name"].map(_norm)
    frame["base"] = frame["county_name"].map(_base)
    return frame


def list_counties(state: str | int) -> pd.DataFrame:
    """Every county or county equivalent of a state: GEOID, county_fips, county_name, status.

    Example:
        >>> int(list_counties("CT")["county_name"].str.endswith("Planning Region").sum())
        9
    """
    found = find_state(state)
    frame = _counties()
    rows = frame[frame["state_fips"] == found.fips]
    return rows[["GEOID", "county_fips", "county_name", "status"]].reset_index(drop=True)


def _norm(text: str) -> str:
    """Lower case, no accents or punctuation, "St." spelled out: "Doña Ana" and "dona ana" match."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("&", "and")
    text = re.sub(r"\bst\.?\s", "saint ", text)
    text = re.sub(r"\bste\.?\s", "sainte ", text)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _base(text: str) -> str:
    key = _norm(text)
    for word in _KIND_WORDS:
        if key.endswith(" " + word):
            return key[: -len(word) - 1].strip()
    return key


def _pick(rows: pd.DataFrame, county: str) -> pd.Series:
    """One row out of several matches: current before former, then the one called '... County'."""
    if len(rows) > 1 and (rows["status"] == "current").any():
        rows = rows[rows["status"] == "current"]
    if len(rows) > 1:
        counties = rows[rows["county_name"].str.endswith(" County")]
        if len(counties) == 1:
            rows = counties
    if len(rows) > 1:
        options = ", ".join(rows["county_name"])
        raise PlaceNotFoundError(
            f"{county!r} matches several places: {options}.", hint="Give the full name, or the FIPS code."
        )
    return rows.iloc[0]


def find_county(state: us.states.State, county: str | int) -> pd.Series:
    """The counties.csv row for ``county`` in ``state`` (name, short name, 3- or 5-digit FIPS)."""
    frame = _counties()
    in_state = frame[frame["state_fips"] == state.fips]
    text = str(county).strip()
    if in_state.empty:
        raise PlaceNotFoundError(
            f"The bundled county list has no counties for {state.name}.",
            hint="It covers the 50 states, DC and Puerto Rico (the areas of the ACS 5-year estimates).",
        )
    if text.isdigit():
        code = text.zfill(3) if len(text) <= 3 else text.zfill(5)
        if len(code) == 5 and code[:2] != state.fips:
            raise PlaceNotFoundError(
                f"The FIPS code {code} is not in {state.name} (its state code is {state.fips}).",
                hint=f"Use a code that starts with {state.fips}, or the 3-digit county code.",
            )
        rows = in_state[in_state["county_fips"] == code[-3:]]
        if rows.empty:
            raise PlaceNotFoundError(
                f"There is no county with FIPS code {code} in {state.name}.",
                hint=f"See civicdata.list_counties({state.abbr!r}) for the codes.",
            )
        return _pick(rows, text)
    for column, value in (("key", _norm(text)), ("base", _base(text))):
        rows = in_state[in_state[column] == value]
        if not rows.empty:
            return _pick(rows, text)
    # Not in this state: is it a misspelling, or a county of another state?
    names = in_state["county_name"].tolist()
    close = difflib.get_close_matches(text, names, n=3, cutoff=0.6)
    close += [n for n in difflib.get_close_matches(_base(text), in_state["base"].tolist(), n=3, cutoff=0.75)
              for n in in_state.loc[in_state["base"] == n, "county_name"] if n not in close]
    elsewhere = frame[(frame["base"] == _base(text)) & (frame["state_fips"] != state.fips)]
    if close:
        former = set(in_state.loc[in_state["status"] == "former", "county_name"])
        shown = [f"{n} (a former county, used by the ACS until 2021)" if n in former else n for n in close[:3]]
        hint = f"Did you mean {' or '.join(shown)}?"
    else:
        hint = f"See civicdata.list_counties({state.abbr!r}) for the names."
    if not elsewhere.empty:
        states = sorted({_state_abbr(f) for f in elsewhere["state_fips"]})
        message = f"There is no county called {text!r} in {state.name}; it exists in {', '.join(states)}."
        if not close:
            hint = "Check the state, e.g. find_place(" + repr(states[0]) + ", " + repr(text) + ")."
    else:
        message = f"There is no county called {text!r} in {state.name}."
    raise PlaceNotFoundError(message, hint=hint)


def _state_abbr(fips: str) -> str:
    found = us.states.lookup(fips)
    return found.abbr if found else fips


# --------------------------------------------------------------------------------------------------
# the public function
# --------------------------------------------------------------------------------------------------
def find_place(state: str | int, county: str | int | None = None) -> Place:
    """Look up a state (and optionally a county) by name, abbreviation or FIPS code, offline.

    Works for DC ("DC", "District of Columbia", "11"), Puerto Rico ("PR", municipios) and Connecticut's
    planning regions ("Capitol", "Capitol Planning Region", "110", "09110"). Misspellings get a
    suggestion; a county that is not in the state says so.

    Example:
        >>> str(find_place("Connecticut", "09110"))
        'Capitol Planning Region, CT (09110)'
        >>> find_place("CT", "Hartfrod")
        Traceback (most recent call last):
        ...
        civicdata.core.errors.PlaceNotFoundError: There is no county called 'Hartfrod' in Connecticut.
        What to do: Did you mean Hartford County (a former county, used by the ACS until 2021)?
    """
    found = find_state(state)
    if county is None or str(county).strip() == "":
        return Place(found.name, found.abbr, found.fips)
    row = find_county(found, county)
    return Place(
        state_name=found.name,
        state_abbr=found.abbr,
        state_fips=found.fips,
        county_name=row["county_name"],
        county_fips=row["county_fips"],
        status=row["status"],
        slug=_place_folder_for(found.fips, row["county_fips"]),
    )


def _place_folder_for(state_fips: str, county_fips: str) -> str | None:
    """The slug of a bundled or prefetched place folder for this county, if one exists."""
    from civicdata.data.places import list_places  # local import: places reads data files

    try:
        places = list_places()
    except (OSError, ValueError, KeyError):  # a damaged data folder must not break a lookup
        return None
    match = places[(places["state_fips"] == state_fips) & (places["county_fips"] == county_fips)]
    return None if match.empty else str(match["slug"].iloc[0])
