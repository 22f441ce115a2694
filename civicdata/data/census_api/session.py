"""Sessions for the Census Bureau's servers: time limits, the offline switch, a cache that never stores the key.

* :class:`TimeoutSession` (file downloads such as boundary files): a timeout for each wait, an overall
  deadline for the whole exchange (:mod:`.deadline`: a server that sends one byte every few seconds is
  cut off after :func:`~civicdata.core.settings.network_deadline` seconds) and the offline switch;
* :class:`CensusSession` (api.census.gov): the same, plus a persistent cache of complete JSON answers in
  :func:`civicdata.core.settings.cache_dir` whose key ignores the ``key`` parameter (so the key never
  lands on disk), redirects refused, and every answer checked by
  :func:`~civicdata.data.census_api.answers.check_api_response`. A damaged cache file is rebuilt and a
  busy one (another program writing to it) waited for; either way the session says so and goes on.

``CIVICDATA_OFFLINE=1`` makes both fail at once, before any socket is opened. Learners who call the
``census`` package themselves pass :func:`census_session` to it (``Census(key, session=census_session())``).

Example:
    >>> TimeoutSession().timeout
    20.0
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import requests
import requests_cache
from requests_cache.backends.sqlite import SQLiteCache

from civicdata.core import settings
from civicdata.core.errors import CensusServerError, CensusUnreachableError, CivicDataError
from civicdata.data.census_api.answers import check_api_response
from civicdata.data.census_api.deadline import Deadline, DeadlineAdapter, active_deadline
from civicdata.data.census_api.secrecy import install_log_filter

#: Seconds to wait for the Census API (or the boundary file server) before giving up.
TIMEOUT_SECONDS = 20.0
#: Cached answers are reused for this long. ACS releases do not change after publication (errata are
#: rare), so a month keeps the workshop offline-friendly without freezing a wrong answer forever.
CACHE_EXPIRE_AFTER = timedelta(days=30)
CACHE_NAME = "census-api"
API_HOST = "api.census.gov"
#: Seconds to wait for the cache when another program is writing to it, before trying again.
CACHE_WAIT_SECONDS = 3.0
#: How many times a busy cache is tried before an answer is fetched without it.
CACHE_TRIES = 3
#: After the Census API did not answer, a session fails at once for this long instead of waiting again
#: (a notebook with several live calls would otherwise wait a whole deadline for each).
QUIET_AFTER_FAILURE_SECONDS = 60.0


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


def _network_error(err: requests.RequestException | None, what: str, seconds: float) -> CivicDataError:
    """Translate a requests exception (or a deadline reached: ``err=None``) into our error, without its
    text (which holds the URL and key)."""
    if err is None or isinstance(err, requests.Timeout):
        return CensusUnreachableError(
            f"{what[:1].upper()}{what[1:]} did not answer within {seconds:.0f} seconds.",
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


def _within_deadline(send, what: str, timeout: float):
    """Run ``send()`` (one request) under the overall deadline; translate any network failure.

    The deadline is the smaller of :func:`~civicdata.core.settings.network_deadline` and what is left of
    an enclosing deadline (a download that also reads its body).
    """
    seconds = settings.network_deadline()
    per_wait = timeout if isinstance(timeout, (int, float)) else max(t for t in timeout if t is not None)
    outer = active_deadline()
    if outer is not None:
        seconds = min(seconds, max(outer.remaining(), 0.01))
    error: CivicDataError | None = None
    response = None
    with Deadline(seconds) as limit:
        try:
            response = send()
        except CivicDataError:
            raise
        except requests.RequestException as err:
            error = _network_error(None if limit.expired else err, what, seconds if limit.expired else per_wait)
    if error is None and limit.expired:
        error = _network_error(None, what, seconds)  # cut off: whatever arrived is incomplete
    if error is not None:
        raise error  # outside the except block: no chained exception holding the URL and key
    return response


def _mount_deadline(session: requests.Session) -> None:
    adapter = DeadlineAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)


class TimeoutSession(requests.Session):
    """A requests session with a timeout per wait, an overall deadline and the offline switch (file downloads).

    requests has no session-wide timeout, so ``request`` adds one when the caller gave none. With
    ``stream=True`` the deadline covers the request; wrap the body's reading in a
    :class:`~civicdata.data.census_api.deadline.Deadline` too (see :mod:`civicdata.data.boundaries`).

    Example:
        >>> TimeoutSession().timeout
        20.0
    """

    timeout: float = TIMEOUT_SECONDS
    what = "the Census Bureau's server"

    def __init__(self):
        super().__init__()
        _mount_deadline(self)

    def request(self, method, url, *args, **kwargs):  # noqa: D102 - see class docstring
        if is_offline():
            raise offline_error(self.what)
        kwargs.setdefault("timeout", self.timeout)
        return _within_deadline(lambda: super(TimeoutSession, self).request(method, url, *args, **kwargs),
                                self.what, kwargs["timeout"])

    def __repr__(self) -> str:
        return f"<{type(self).__name__} timeout={self.timeout}s>"


def _is_complete_json(response: requests.Response) -> bool:
    """Cache filter: keep only answers that look like complete JSON data (never error pages, never an
    answer cut off by the deadline)."""
    deadline = active_deadline()
    if response.status_code != 200 or (deadline is not None and deadline.expired):
        return False
    body = response.content.strip()
    return (body[:1], body[-1:]) in ((b"[", b"]"), (b"{", b"}"))


def notify(message: str) -> None:
    """Tell the learner about something the workbook fixed on its own (shown under the cell, in red)."""
    print(f"Note: {message}", file=sys.stderr)


def _is_busy(err: sqlite3.Error) -> bool:
    return isinstance(err, sqlite3.OperationalError) and ("locked" in str(err) or "busy" in str(err))


def _remove_cache_files(db_path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)


def _sqlite_cache(cache_name) -> requests_cache.BaseCache:
    """The SQLite cache at ``cache_name``; a damaged file is replaced, a busy one gives way to a memory cache."""
    db_path = Path(f"{cache_name}.sqlite" if not Path(str(cache_name)).suffix else str(cache_name))
    shown = settings.display_path(db_path)
    for attempt in range(2):
        try:
            return SQLiteCache(str(cache_name), fast_save=True, timeout=CACHE_WAIT_SECONDS)
        except sqlite3.Error as err:
            if _is_busy(err):
                notify(f"the cache of Census answers ({shown}) is busy in another program, so this session "
                       "keeps its answers in memory only.")
                return requests_cache.backends.BaseCache()
            if attempt == 0 and isinstance(err, sqlite3.DatabaseError):
                _remove_cache_files(db_path)
                notify(f"the cache of Census answers ({shown}) was damaged, so it was emptied and rebuilt; "
                       "answers will be downloaded again.")
                continue
            notify(f"the cache of Census answers ({shown}) cannot be used ({type(err).__name__}), so this "
                   "session keeps its answers in memory only.")
            return requests_cache.backends.BaseCache()
    return requests_cache.backends.BaseCache()


class CensusSession(requests_cache.CachedSession):
    """A cached session for api.census.gov: time limits, offline switch, redirects refused, errors translated.

    The cache lives in ``cache_dir()/census-api.sqlite``; its key ignores the ``key`` parameter, and
    requests-cache also removes ignored parameters from the stored URLs, so the key never lands on disk.
    A damaged cache is rebuilt; a busy one is waited for (then skipped); both are reported in one line.

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
        backend = kwargs.pop("backend", "sqlite")
        if backend == "sqlite":
            try:
                os.makedirs(os.path.dirname(os.path.abspath(str(cache_name))) or ".", exist_ok=True)
                backend = _sqlite_cache(cache_name)
            except OSError:
                notify(f"the cache folder {settings.display_path(settings.cache_dir())} cannot be written, so this "
                       "session keeps Census answers in memory only.")
                backend = requests_cache.backends.BaseCache()
        kwargs.setdefault("expire_after", CACHE_EXPIRE_AFTER)
        kwargs.setdefault("allowable_codes", (200,))
        kwargs.setdefault("filter_fn", _is_complete_json)
        super().__init__(backend=backend, ignored_parameters=["key"], **kwargs)
        _mount_deadline(self)
        self._unreachable: tuple[float, CensusUnreachableError] | None = None

    def _cached_request(self, method, url, *args, **kwargs):
        """The request through the cache; a damaged cache is rebuilt, a busy one retried, then bypassed."""
        shown = settings.display_path(Path(str(getattr(self.cache, "db_path", "") or "memory")))
        rebuilt = False
        for attempt in range(1, CACHE_TRIES + 1):
            try:
                return super().request(method, url, *args, **kwargs)
            except sqlite3.Error as err:
                if _is_busy(err):
                    if attempt < CACHE_TRIES:
                        time.sleep(0.5)
                        continue
                    notify(f"the cache of Census answers ({shown}) stayed busy in another program, so this answer "
                           "was fetched without it.")
                    with self.cache_disabled():
                        return super().request(method, url, *args, **kwargs)
                if rebuilt or not isinstance(err, sqlite3.DatabaseError):
                    raise
                self.cache.clear()  # requests-cache deletes and re-creates a file it cannot clear
                rebuilt = True
                notify(f"the cache of Census answers ({shown}) was damaged, so it was emptied and rebuilt; "
                       "answers will be downloaded again.")
        return super().request(method, url, *args, **kwargs)

    def request(self, method, url, *args, **kwargs):  # noqa: D102 - see class docstring
        if is_offline():
            raise offline_error()
        kwargs.setdefault("timeout", self.timeout)
        # A missing or bad key makes the API redirect to an HTML page; see it instead of following it
        # (requests' get() asks to follow redirects, so this is not a default but a rule).
        kwargs["allow_redirects"] = False
        if self._unreachable is not None and time.monotonic() - self._unreachable[0] < QUIET_AFTER_FAILURE_SECONDS:
            ago, error = time.monotonic() - self._unreachable[0], self._unreachable[1]
            raise CensusUnreachableError(
                f"The Census API could not be reached {ago:.0f} seconds ago ({error.message.rstrip('.')}), so it "
                "was not asked again now.", hint=f"Try again in a minute. {error.hint}")
        try:
            response = _within_deadline(lambda: self._cached_request(method, url, *args, **kwargs),
                                        "the Census API", kwargs["timeout"])
        except CensusUnreachableError as err:
            self._unreachable = (time.monotonic(), err)
            raise
        self._unreachable = None
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


def census_session() -> CensusSession:
    """The workbook's session for the ``census`` package: ``Census(key, session=census_session())``.

    The ``census`` package on its own waits for ever for a server that does not answer, and puts the
    key into the text of its errors. Through this session every request has a time limit, is answered
    from the cache when it can be, and fails with a short message that never holds the key.

    Example:
        >>> type(census_session()).__name__
        'CensusSession'
    """
    return get_session()


def clear_cache() -> None:
    """Forget every cached Census answer (for example after the Census Bureau published errata)."""
    get_session().cache.clear()

