"""Live ACS data from the Census Data API, through the ``census`` package, with a cache and clear errors.

The workbook runs on bundled data; this module is only used when a key and a network are there (a
facilitator preparing a place with ``civicdata prefetch``, or ``get_acs(source="live")``).

What it adds to the ``census`` package (datamade, 0.8.27):

* a **timeout** on every request (the package has none) and a **persistent cache** of answers in
  :func:`civicdata.config.cache_dir` (outside the repository). The cache ignores the ``key`` query
  parameter, so the key is never written to disk, and two people with different keys share answers.
  Only complete JSON answers are cached, never an error page.
* **fewer requests**: the package asks ``.../variables/FIELD.json`` once per column to decide whether
  to turn values into numbers (a 30-variable tract pull costs 35 requests). Our clients read every value
  as text and :func:`fetch_acs` converts the columns with pandas instead, so a pull of up to 48
  variables costs one request, and none when it is cached. See :func:`count_requests_for_tract_pull`.
* **errors a learner can act on** (:mod:`civicdata.errors`): no key, invalid key, offline or timeout,
  server trouble, malformed answers, empty answers, unknown variables, unsupported years. The key never
  appears in a message, a log line, a cache file or a ``repr``.

``CIVICDATA_OFFLINE=1`` makes every function here fail at once, before any socket is opened.

Example (needs a key and a network, so it is not run as a doctest):

    from civicdata.live import fetch_acs
    df = fetch_acs("tract", ["B19013_001E", "B19013_001M"], state_fips="37", county_fips="135")
    df.columns.tolist()   # ['GEOID', 'NAME', 'B19013_001E', 'B19013_001M']
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Sequence
from datetime import timedelta
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import requests
import requests_cache
from census import Census
from census.core import ACS5Client, ACS5DpClient, ACS5StClient, APIKeyError, CensusException

from civicdata import config
from civicdata.errors import (
    CensusServerError,
    CensusUnreachableError,
    CivicDataError,
    EmptyResultError,
    InvalidApiKeyError,
    NoApiKeyError,
    PlaceNotFoundError,
    VariableNotFoundError,
    YearNotSupportedError,
)

#: Seconds to wait for the Census API (or the boundary file server) before giving up.
TIMEOUT_SECONDS = 20.0
#: ACS 5-year releases the ``census`` package (and the API) serve: 2005-2009 through 2020-2024.
ACS5_YEARS = tuple(range(2009, 2025))
#: The newest ACS 5-year release; what ``fetch_acs`` uses unless told otherwise.
LATEST_YEAR = 2024
#: The API accepts 50 variables per query. We send NAME plus at most 48 codes, so the ``census``
#: package never starts its own chunking (which adds GEO_ID and a sort).
MAX_CODES_PER_REQUEST = 48
#: Cached answers are reused for this long. ACS releases do not change after publication (errata are
#: rare), so a month keeps the workshop offline-friendly without freezing a wrong answer forever.
CACHE_EXPIRE_AFTER = timedelta(days=30)
CACHE_NAME = "census-api"
API_HOST = "api.census.gov"
API_BASE = "https://api.census.gov/data"
KEY_SIGNUP_URL = "https://api.census.gov/data/key_signup.html"
GEOGRAPHIES = ("tract", "county", "state", "us")

_KEY_IN_TEXT = re.compile(r"(?i)(\bkey=)[^&\s'\"<>]+")
_CODE = re.compile(r"^[A-Z][A-Z0-9]*_[A-Z0-9_]+$")
_UNKNOWN_VARIABLE = re.compile(r"unknown variable[s]?\s*'?([A-Za-z0-9_, ]+)'?", re.IGNORECASE)

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------------
# Keeping the key secret
# --------------------------------------------------------------------------------------------------


def scrub(text: object, key: str | None = None) -> str:
    """Remove an API key from any text (URLs, error pages, log lines).

    Example:
        >>> scrub("https://api.census.gov/data/2024/acs/acs5?get=NAME&key=abc123&for=us:1")
        'https://api.census.gov/data/2024/acs/acs5?get=NAME&key=REDACTED&for=us:1'
    """
    text = _KEY_IN_TEXT.sub(r"\1REDACTED", str(text))
    for secret in {key, config.get_api_key()}:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "REDACTED")
    return text


class _ScrubKeyFilter(logging.Filter):
    """Logging filter that rewrites a record's message without the key (urllib3 logs full URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is not ours to fix
            return True
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


_SCRUB_FILTER = _ScrubKeyFilter()
_LOGGER_PREFIXES = ("urllib3", "requests", "requests_cache", "responses", "census", "civicdata")


def _install_log_filter() -> None:
    """Attach the key-scrubbing filter to every logger that may see a request URL."""
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in _LOGGER_PREFIXES]
    for name in [*_LOGGER_PREFIXES, *names]:
        logger = logging.getLogger(name)
        if _SCRUB_FILTER not in logger.filters:
            logger.addFilter(_SCRUB_FILTER)


# --------------------------------------------------------------------------------------------------
# Sessions: timeout, offline switch, cache, error translation
# --------------------------------------------------------------------------------------------------


def is_offline() -> bool:
    """True when ``CIVICDATA_OFFLINE`` is set (to anything but 0/false/no): never touch the network."""
    return os.environ.get("CIVICDATA_OFFLINE", "").strip().lower() not in ("", "0", "false", "no")


def offline_error(what: str = "the Census API") -> CensusUnreachableError:
    """The error raised when offline mode forbids a request."""
    return CensusUnreachableError(
        f"Offline mode is on (CIVICDATA_OFFLINE=1), so {what} was not contacted.",
        hint="Use the bundled place (no key or network needed), or unset CIVICDATA_OFFLINE on a "
        "computer with internet access and a Census API key.",
    )


def _network_error(err: requests.RequestException, what: str) -> CivicDataError:
    """Translate a requests exception into our error, without its text (which holds the URL and key)."""
    if isinstance(err, requests.Timeout):
        return CensusUnreachableError(
            f"{what} did not answer within {TIMEOUT_SECONDS:.0f} seconds.",
            hint="Try again in a few minutes; the bundled place works without the network.",
        )
    if isinstance(err, requests.ConnectionError | requests.exceptions.InvalidURL):
        return CensusUnreachableError(
            f"Could not connect to {what}: there seems to be no internet connection, or it is blocked.",
            hint="Check the connection (a library network may block it), or keep working with the "
            "bundled place, which needs no network.",
        )
    if isinstance(err, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError):
        return CensusServerError(
            f"The answer from {what} was cut off before it was complete.",
            hint="Try again; if it keeps happening, try later or use the bundled place.",
        )
    return CensusUnreachableError(
        f"The request to {what} failed ({type(err).__name__}).",
        hint="Try again later, or use the bundled place, which needs no network.",
    )


class TimeoutSession(requests.Session):
    """A requests session with a default timeout and the offline switch (used for file downloads).

    requests has no session-wide timeout, so ``request`` adds one when the caller gave none.

    Example:
        >>> TimeoutSession().timeout
        20.0
    """

    timeout: float = TIMEOUT_SECONDS
    what = "the Census Bureau's server"

    def request(self, method, url, *args, **kwargs):  # noqa: D102 - see class docstring
        if is_offline():
            raise offline_error(self.what)
        kwargs.setdefault("timeout", self.timeout)
        error: CivicDataError | None = None
        try:
            response = super().request(method, url, *args, **kwargs)
        except CivicDataError:
            raise
        except requests.RequestException as err:
            error = _network_error(err, self.what)
        if error is not None:
            raise error  # outside the except block: no chained exception holding the URL and key
        return response

    def __repr__(self) -> str:
        return f"<{type(self).__name__} timeout={self.timeout}s>"


def _is_complete_json(response: requests.Response) -> bool:
    """Cache filter: keep only answers that look like complete JSON data (never error pages)."""
    if response.status_code != 200:
        return False
    body = response.content.strip()
    return (body[:1], body[-1:]) in ((b"[", b"]"), (b"{", b"}"))


def _dataset_and_year(url: str) -> tuple[str, str]:
    """From ``https://api.census.gov/data/2024/acs/acs5/subject?...`` get ("acs/acs5/subject", "2024")."""
    parts = urlsplit(url).path.strip("/").split("/")
    year = parts[1] if len(parts) > 1 else "?"
    dataset = "/".join(p for p in parts[2:] if p != "variables.json" and not p.endswith(".json"))
    dataset = dataset.split("/variables")[0].split("/groups")[0]
    return dataset, year


def check_api_response(response: requests.Response, *, type_lookup: bool = False) -> None:
    """Raise the right :class:`~civicdata.errors.CivicDataError` for a Census API answer that is not data.

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


class CensusSession(requests_cache.CachedSession):
    """A cached session for api.census.gov: timeout, offline switch, redirects refused, errors translated.

    The cache lives in ``cache_dir()/census-api.sqlite``; its key ignores the ``key`` parameter, and
    requests-cache also removes ignored parameters from the stored URLs, so the key never lands on disk.

    Example:
        >>> import tempfile, pathlib
        >>> s = CensusSession(pathlib.Path(tempfile.mkdtemp()) / "demo")
        >>> s.settings.ignored_parameters
        ['key']
    """

    timeout: float = TIMEOUT_SECONDS

    def __init__(self, cache_name=None, **kwargs):
        if cache_name is None:
            cache_name = config.cache_dir() / CACHE_NAME
        if kwargs.get("backend", "sqlite") == "sqlite":
            os.makedirs(os.path.dirname(os.path.abspath(str(cache_name))) or ".", exist_ok=True)
        kwargs.setdefault("backend", "sqlite")
        kwargs.setdefault("expire_after", CACHE_EXPIRE_AFTER)
        kwargs.setdefault("allowable_codes", (200,))
        kwargs.setdefault("filter_fn", _is_complete_json)
        if kwargs["backend"] == "sqlite":
            kwargs.setdefault("fast_save", True)  # no fsync per answer: a lost cache entry is just re-fetched
        super().__init__(cache_name, ignored_parameters=["key"], **kwargs)

    def request(self, method, url, *args, **kwargs):  # noqa: D102 - see class docstring
        if is_offline():
            raise offline_error()
        kwargs.setdefault("timeout", self.timeout)
        # A missing or bad key makes the API redirect to an HTML page; see it instead of following it
        # (requests' get() asks to follow redirects, so this is not a default but a rule).
        kwargs["allow_redirects"] = False
        error: CivicDataError | None = None
        try:
            response = super().request(method, url, *args, **kwargs)
        except CivicDataError:
            raise
        except requests.RequestException as err:
            error = _network_error(err, "the Census API")
        if error is not None:
            raise error
        parts = urlsplit(response.url or url)
        if parts.hostname == API_HOST:
            check_api_response(response, type_lookup="/variables/" in parts.path)
        return response

    def __repr__(self) -> str:
        return f"<CensusSession cache={self.cache.cache_name!s} timeout={self.timeout}s>"


_SESSIONS: dict[str, CensusSession] = {}
_install_log_filter()


def get_session() -> CensusSession:
    """The shared cached session for the current cache folder (one per folder, reused)."""
    _install_log_filter()
    path = str(config.cache_dir() / CACHE_NAME)
    if path not in _SESSIONS:
        _SESSIONS[path] = CensusSession(path)
    return _SESSIONS[path]


def clear_cache() -> None:
    """Forget every cached Census answer (for example after the Census Bureau published errata)."""
    get_session().cache.clear()


# --------------------------------------------------------------------------------------------------
# census package clients that do not look up each field's type over HTTP
# --------------------------------------------------------------------------------------------------


class _TextValues:
    """Mixin for ``census`` clients: read every value as text instead of asking the API for its type.

    The package's ``Client._field_type`` requests ``.../variables/FIELD.json`` for every column of every
    answer (and caches it only for the life of one client). :func:`fetch_acs` converts the columns
    itself, so the lookup is not needed: this override returns ``str`` without a request.
    """

    def _field_type(self, field, year):  # noqa: ARG002 - same signature as census.core.Client
        return str


class TextACS5Client(_TextValues, ACS5Client):
    """ACS 5-year detailed tables (B..., C...), values as text."""


class TextACS5SubjectClient(_TextValues, ACS5StClient):
    """ACS 5-year subject tables (S...), values as text."""


class TextACS5ProfileClient(_TextValues, ACS5DpClient):
    """ACS 5-year data profiles (DP...), values as text."""


def census_client(key: str, year: int | None = None, session: requests.Session | None = None) -> Census:
    """A ``census.Census`` on our cached session whose ACS 5-year clients skip the per-field type requests.

    Example:
        >>> c = census_client("not-a-real-key", session=requests.Session())
        >>> type(c.acs5).__name__, c.acs5.dataset, c.acs5st.dataset
        ('TextACS5Client', 'acs5', 'acs5/subject')
    """
    session = session if session is not None else get_session()
    client = Census(key, year=year, session=session)
    client.acs5 = TextACS5Client(key, year, session)
    client.acs5st = TextACS5SubjectClient(key, year, session)
    client.acs5dp = TextACS5ProfileClient(key, year, session)
    return client


# --------------------------------------------------------------------------------------------------
# Checking arguments (no network)
# --------------------------------------------------------------------------------------------------


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
    """Return the API key to use (argument, else ``config.get_api_key()``) or raise NoApiKeyError."""
    key = (key or "").strip() or config.get_api_key()
    if not key:
        raise NoApiKeyError(
            "Live Census data needs a free Census API key, and none is set up.",
            hint=f"Request one at {KEY_SIGNUP_URL} and put it in the CENSUS_API_KEY environment variable "
            f"or in the file ~/.config/civicdata/{config.KEY_FILE_NAME}. Until then, everything works with the "
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


# --------------------------------------------------------------------------------------------------
# Fetching
# --------------------------------------------------------------------------------------------------


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
    them; :mod:`civicdata.cleaning` turns them into missing values. ``.attrs`` records the source.

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


def _tidy_label(label: str) -> str:
    """'Estimate!!Total:!!Male:' -> 'Total!!Male' (the form used in the bundled variables.csv)."""
    label = re.sub(r"^Estimate!!", "", str(label))
    return re.sub(r":(?=!!|$)", "", label)


def _metadata_frame(variables: dict) -> pd.DataFrame:
    """Estimate variables of a ``variables.json`` / ``groups/X.json`` answer as name, label, concept."""
    rows = []
    for name, meta in variables.items():
        if not isinstance(meta, dict) or not name.endswith("E") or name.endswith(("EA", "MA")):
            continue
        group = meta.get("group", "N/A")
        if not group or group == "N/A":
            continue
        rows.append(
            {
                "name": name[:-1],
                "label": _tidy_label(meta.get("label", "")),
                "concept": str(meta.get("concept", "")),
                "table": group,
            }
        )
    frame = pd.DataFrame(rows, columns=["name", "label", "concept", "table"])
    return frame.sort_values("name", ignore_index=True)


def _get_json(url: str, key: str | None, session: requests.Session | None) -> dict:
    key = require_key(key)
    if is_offline():
        raise offline_error()
    session = session if session is not None else get_session()
    response = session.get(url, params={"key": key})
    error: CivicDataError | None = None
    try:
        payload = response.json()
        if not isinstance(payload, dict) or not isinstance(payload.get("variables"), dict):
            raise ValueError("no variables")
        return payload
    except ValueError:
        error = CensusServerError(
            "The variable list from the Census API was not complete (malformed or cut off).",
            hint="Try again in a few minutes.",
        )
    raise error


def fetch_variable_labels(
    year: int = LATEST_YEAR, dataset: str = "acs/acs5", *, key: str | None = None, session=None
) -> pd.DataFrame:
    """All estimate variables of an ACS dataset, from one (cached) request to its ``variables.json``.

    Returns name (without the E suffix, like the bundled ``variables.csv``), label, concept, table.
    ``search_variables`` uses it when live data is available.

    Example (needs a key and a network):

        labels = fetch_variable_labels(2024)
        labels[labels.label.str.contains("internet", case=False)]
    """
    year = check_year(year)
    dataset = dataset.strip("/")
    payload = _get_json(f"{API_BASE}/{year}/{dataset}/variables.json", key, session)
    return _metadata_frame(payload["variables"])


def fetch_table_variables(table: str, year: int = LATEST_YEAR, *, key: str | None = None, session=None) -> pd.DataFrame:
    """The estimate variables of one table (name, label, concept, table) from ``groups/TABLE.json``.

    One small cached request per table; prefetch uses it to know which codes a table has.

    Example (needs a key and a network):

        fetch_table_variables("B28002", 2024).name.tolist()[:2]   # ['B28002_001', 'B28002_002']
    """
    year = check_year(year)
    table = str(table).strip().upper()
    dataset = "acs/" + dataset_for(table + "_")
    error: CivicDataError | None = None
    try:
        payload = _get_json(f"{API_BASE}/{year}/{dataset}/groups/{table}.json", key, session)
    except YearNotSupportedError:  # the API answers 404 for a table it does not have
        error = VariableNotFoundError(
            f"The Census API has no table {table} in the {year - 4}-{year} ACS 5-year data.",
            hint="Check the table id (e.g. B28002) with search_variables(...); some tables start later.",
        )
    if error is not None:
        raise error
    frame = _metadata_frame(payload["variables"])
    if frame.empty:
        raise VariableNotFoundError(f"The Census API lists no estimates for table {table} in {year}.")
    return frame


# --------------------------------------------------------------------------------------------------
# Measuring the request count (for the benchmark)
# --------------------------------------------------------------------------------------------------


def count_requests_for_tract_pull(n: int = 30, *, year: int = 2023) -> dict[str, int]:
    """Count HTTP requests for an ``n``-variable tract pull, cold and warm cache, stock package vs ours.

    Runs fully offline against a mocked Census API (``responses``, which refuses any URL it was not
    given, so no real request can escape) whose answers are built from the bundled default place (real
    ACS values); a throw-away cache folder is used. Returns a dict:

    * ``stock_cold`` / ``stock_warm``: the plain ``census`` package on a plain session, first call and a
      second call with a new client (what a notebook re-run does);
    * ``stock_cached_cold`` / ``stock_cached_warm``: the plain package on our cached session;
    * ``cold`` / ``warm``: :func:`fetch_acs` (text clients + cache).

    Example:
        >>> counts = count_requests_for_tract_pull(30)   # doctest: +SKIP
        >>> counts["cold"], counts["warm"]                # doctest: +SKIP
        (1, 0)
    """
    import tempfile

    import responses

    from civicdata import mock_census

    place = mock_census.default_place_data()
    codes = mock_census.tract_codes(place, n)
    state, county = place.state_fips, place.county_fips
    counts: dict[str, int] = {}
    saved = {name: os.environ.get(name) for name in ("CIVICDATA_OFFLINE", "XDG_CACHE_HOME")}
    with tempfile.TemporaryDirectory() as tmp, responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        os.environ.pop("CIVICDATA_OFFLINE", None)
        os.environ["XDG_CACHE_HOME"] = tmp
        try:
            mock_census.register(mock, place, year=year)
            fields = ["NAME", *codes]

            def stock_pull(session):
                Census("mock-key", session=session).acs5.state_county_tract(fields, state, county, "*", year=year)

            plain = requests.Session()
            for label in ("stock_cold", "stock_warm"):
                before = len(mock.calls)
                stock_pull(plain)
                counts[label] = len(mock.calls) - before
            cached = CensusSession(os.path.join(tmp, "stock"))
            for label in ("stock_cached_cold", "stock_cached_warm"):
                before = len(mock.calls)
                stock_pull(cached)
                counts[label] = len(mock.calls) - before
            session = CensusSession(os.path.join(tmp, "ours"))
            for label in ("cold", "warm"):
                before = len(mock.calls)
                fetch_acs("tract", codes, state, county, year=year, key="mock-key", session=session)
                counts[label] = len(mock.calls) - before
            for used in (plain, cached, session):
                used.close()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    return counts
