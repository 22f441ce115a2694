"""Reading a Census API answer: data passes, anything else becomes the right :class:`CivicDataError`.

A refused key, an unknown variable, a year the API does not have, server trouble: each gets its own
error with a next step. :class:`~civicdata.data.census_api.session.CensusSession` calls
:func:`check_api_response` on every answer from api.census.gov.

Example:
    >>> _dataset_and_year("https://api.census.gov/data/2024/acs/acs5/subject?get=NAME")
    ('acs/acs5/subject', '2024')
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import requests

from civicdata.core.errors import (
    CensusServerError,
    InvalidApiKeyError,
    VariableNotFoundError,
    YearNotSupportedError,
)
from civicdata.data.census_api.arguments import ACS5_YEARS, KEY_SIGNUP_URL
from civicdata.data.census_api.secrecy import scrub

_UNKNOWN_VARIABLE = re.compile(r"unknown variable[s]?\s*'?([A-Za-z0-9_, ]+)'?", re.IGNORECASE)


def _dataset_and_year(url: str) -> tuple[str, str]:
    """From ``https://api.census.gov/data/2024/acs/acs5/subject?...`` get ("acs/acs5/subject", "2024")."""
    parts = urlsplit(url).path.strip("/").split("/")
    year = parts[1] if len(parts) > 1 else "?"
    dataset = "/".join(p for p in parts[2:] if p != "variables.json" and not p.endswith(".json"))
    dataset = dataset.split("/variables")[0].split("/groups")[0]
    return dataset, year


def check_api_response(response: requests.Response, *, type_lookup: bool = False) -> None:
    """Raise the right :class:`~civicdata.core.errors.CivicDataError` for a Census API answer that is not data.

    200 answers that hold JSON and 204 (no rows) pass; everything else is translated:
    a redirect, an HTML page or the ``X-DataWebAPI-KeyError`` header mean the key was refused; 400
    "unknown variable" is a wrong code; 404 a dataset or year the API does not have; 5xx server trouble.
    With ``type_lookup=True`` (the ``census`` package's ``variables/FIELD.json`` requests) only a refused
    key raises: the package itself treats any other non-200 answer as "a text column".
    """
    status = response.status_code
    text = response.text[:2000] if response.content else ""
    dataset, year = _dataset_and_year(response.url or "")
    key_hint = (
        "Check the key (copy it again from the e-mail; a new key must first be activated with the link "
        f"in that e-mail), or request a new one at {KEY_SIGNUP_URL}. The bundled place works without a key."
    )
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        if "key" in location.lower() or not location:
            raise InvalidApiKeyError("The Census API did not accept the API key.", hint=key_hint)
        raise CensusServerError(
            f"The Census API sent us elsewhere (HTTP {status}) instead of answering.",
            hint="Try again later; if it persists, the API may have changed.",
        )
    if response.headers.get("X-DataWebAPI-KeyError"):
        raise InvalidApiKeyError("The Census API did not accept the API key.", hint=key_hint)
    if type_lookup and status != 200:
        return
    if status == 200:
        if text.lstrip().startswith("<"):
            if "key" in text.lower():
                raise InvalidApiKeyError(
                    "The Census API answered with its 'invalid key' web page instead of data.", hint=key_hint
                )
            raise CensusServerError(
                "The Census API answered with a web page instead of data.",
                hint="Try again in a few minutes; the service may be under maintenance.",
            )
        return
    if status == 204:
        return
    if status == 400:
        match = _UNKNOWN_VARIABLE.search(text)
        if match:
            names = match.group(1).strip()
            raise VariableNotFoundError(
                f"The Census API does not know the variable {names} in {dataset} {year}.",
                hint="Check the code with search_variables(...). Detailed-table codes look like "
                "B19013_001E (estimate) or B19013_001M (margin of error); tables can change between years.",
            )
        first_line = scrub(text.strip().splitlines()[0] if text.strip() else "no reason given")[:200]
        raise CensusServerError(
            f"The Census API did not accept the request: {first_line}",
            hint="Check the geography (state and county codes) and the variable codes.",
        )
    if status in (401, 403):
        raise InvalidApiKeyError(
            f"The Census API refused the request (HTTP {status}); usually the key is not valid yet.",
            hint=key_hint,
        )
    if status == 404:
        raise YearNotSupportedError(
            f"The Census API has no {dataset or 'such'} data for {year}.",
            hint=f"ACS 5-year data exists for {ACS5_YEARS[0]}-{ACS5_YEARS[-1]} (subject and profile "
            "tables for fewer years). Try another year.",
        )
    if status == 429:
        raise CensusServerError(
            "The Census API says too many requests were made in a short time.",
            hint="Wait a minute and try again.",
        )
    if status >= 500:
        raise CensusServerError(
            f"The Census API had a problem on its side (HTTP {status}).",
            hint="Try again in a few minutes. Meanwhile the bundled place works offline.",
        )
    raise CensusServerError(
        f"The Census API answered with an unexpected status (HTTP {status}).",
        hint="Try again later.",
    )

