"""Checking the arguments of a live request before any network is used: year, key, variable codes.

Example:
    >>> check_year("2023"), dataset_for("S2801_C02_019E")
    (2023, 'acs5/subject')
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from civicdata.core import settings
from civicdata.core.errors import NoApiKeyError, VariableNotFoundError, YearNotSupportedError

#: ACS 5-year releases the ``census`` package (and the API) serve: 2005-2009 through 2020-2024.
ACS5_YEARS = tuple(range(2009, 2025))
#: The newest ACS 5-year release; what ``fetch_acs`` uses unless told otherwise.
LATEST_YEAR = 2024
KEY_SIGNUP_URL = "https://api.census.gov/data/key_signup.html"
GEOGRAPHIES = ("tract", "county", "state", "us")

_CODE = re.compile(r"^[A-Z][A-Z0-9]*_[A-Z0-9_]+$")


def check_year(year: int | str) -> int:
    """Return ``year`` as an int if the ACS 5-year API has it, else raise YearNotSupportedError.

    Example:
        >>> check_year("2023")
        2023
    """
    try:
        value = int(year)
    except (TypeError, ValueError):
        value = None
    if value not in ACS5_YEARS:
        raise YearNotSupportedError(
            f"There is no ACS 5-year release for {year!r} in the Census API.",
            hint=f"Use a year from {ACS5_YEARS[0]} to {ACS5_YEARS[-1]}; {LATEST_YEAR} means the "
            f"{LATEST_YEAR - 4}-{LATEST_YEAR} estimates.",
        )
    return value


def require_key(key: str | None = None) -> str:
    """Return the API key to use (argument, else ``settings.get_api_key()``) or raise NoApiKeyError."""
    key = (key or "").strip() or settings.get_api_key()
    if not key:
        raise NoApiKeyError(
            "Live Census data needs a free Census API key, and none is set up.",
            hint=f"Request one at {KEY_SIGNUP_URL} and put it in the CENSUS_API_KEY environment variable "
            f"or in the file ~/.config/civicdata/{settings.KEY_FILE_NAME}. Until then, everything works with the "
            "bundled data (the default place and any place your facilitator prefetched).",
        )
    return key


def normalise_codes(codes: str | Iterable[str]) -> list[str]:
    """Upper-case, de-duplicated API variable names (``NAME`` and ``GEO_ID`` are added by us).

    Example:
        >>> normalise_codes(["b19013_001e", "B19013_001M", "B19013_001E", "NAME"])
        ['B19013_001E', 'B19013_001M']
    """
    if isinstance(codes, str):
        codes = [codes]
    out: list[str] = []
    for code in codes:
        code = str(code).strip().upper()
        if code in ("NAME", "GEO_ID", "") or code in out:
            continue
        if not _CODE.match(code):
            raise VariableNotFoundError(
                f"{code!r} does not look like a Census variable code.",
                hint="Codes look like B19013_001E (estimate) and B19013_001M (margin of error).",
            )
        out.append(code)
    if not out:
        raise VariableNotFoundError(
            "No variables were asked for.", hint="Pass codes such as ['B19013_001E', 'B19013_001M']."
        )
    return out


def dataset_for(code: str) -> str:
    """Which ACS 5-year dataset holds a code: ``acs5`` (B, C), ``acs5/subject`` (S) or ``acs5/profile`` (DP).

    Example:
        >>> dataset_for("S2801_C02_019E"), dataset_for("DP02_0001PE"), dataset_for("B28002_013E")
        ('acs5/subject', 'acs5/profile', 'acs5')
    """
    if code.startswith("DP"):
        return "acs5/profile"
    if code.startswith("S"):
        return "acs5/subject"
    return "acs5"

