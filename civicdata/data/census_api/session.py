"""Sessions for the Census Bureau's servers: a timeout, the offline switch, a cache that never stores the key.

* :class:`TimeoutSession` (file downloads such as boundary files): a default timeout and the offline switch;
* :class:`CensusSession` (api.census.gov): the same, plus a persistent cache of complete JSON answers in
  :func:`civicdata.core.settings.cache_dir` whose key ignores the ``key`` parameter (so the key never
  lands on disk), redirects refused, and every answer checked by
  :func:`~civicdata.data.census_api.answers.check_api_response`.

``CIVICDATA_OFFLINE=1`` makes both fail at once, before any socket is opened.

Example:
    >>> TimeoutSession().timeout
    20.0
"""

from __future__ import annotations

import os
from datetime import timedelta
from urllib.parse import urlsplit

import requests
import requests_cache

from civicdata.core import settings
from civicdata.core.errors import CensusServerError, CensusUnreachableError, CivicDataError
from civicdata.data.census_api.answers import check_api_response
from civicdata.data.census_api.secrecy import install_log_filter

#: Seconds to wait for the Census API (or the boundary file server) before giving up.
TIMEOUT_SECONDS = 20.0
#: Cached answers are reused for this long. ACS releases do not change after publication (errata are
#: rare), so a month keeps the workshop offline-friendly without freezing a wrong answer forever.
CACHE_EXPIRE_AFTER = timedelta(days=30)
CACHE_NAME = "census-api"
API_HOST = "api.census.gov"


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
            cache_name = settings.cache_dir() / CACHE_NAME
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
install_log_filter()


def get_session() -> CensusSession:
    """The shared cached session for the current cache folder (one per folder, reused)."""
    install_log_filter()
    path = str(settings.cache_dir() / CACHE_NAME)
    if path not in _SESSIONS:
        _SESSIONS[path] = CensusSession(path)
    return _SESSIONS[path]


def clear_cache() -> None:
    """Forget every cached Census answer (for example after the Census Bureau published errata)."""
    get_session().cache.clear()

