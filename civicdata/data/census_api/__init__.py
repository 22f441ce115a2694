"""The live Census Data API, through the ``census`` package, with a cache and clear errors.

The workbook runs on bundled data; this package is only used when a key and a network are there (a
facilitator preparing a place with ``civicdata prefetch``, or ``get_acs(source="live")``).

What it adds to the ``census`` package (datamade, 0.8.27), one module each:

* :mod:`.session`: a **timeout** on every request (the package has none), the offline switch and a
  **persistent cache** of answers in :func:`civicdata.core.settings.cache_dir` (outside the repository).
  The cache ignores the ``key`` query parameter, so the key is never written to disk, and two people
  with different keys share answers. Only complete JSON answers are cached, never an error page.
* :mod:`.client`: **fewer requests**. The package asks ``.../variables/FIELD.json`` once per column to
  decide whether to turn values into numbers (a 30-variable tract pull costs 35 requests). Our clients
  read every value as text and :mod:`.fetch` converts the columns with pandas instead, so a pull of up
  to 48 variables costs one request, and none when it is cached (``make bench`` counts them).
* :mod:`.answers` and :mod:`.arguments`: **errors a learner can act on** (:mod:`civicdata.core.errors`):
  no key, invalid key, offline or timeout, server trouble, malformed answers, empty answers, unknown
  variables, unsupported years. :mod:`.secrecy` keeps the key out of every message, log line, cache file
  and ``repr``.
* :mod:`.fetch` (estimates) and :mod:`.metadata` (variable labels) are what the rest of civicdata calls;
  they are also importable from here.

``CIVICDATA_OFFLINE=1`` makes every function here fail at once, before any socket is opened.
:mod:`.fetch` shows a call; offline, the checks still answer:

    >>> normalise_codes(["b19013_001e", "B19013_001M"]), dataset_for("DP02_0001PE")
    (['B19013_001E', 'B19013_001M'], 'acs5/profile')
"""

from civicdata.data.census_api.arguments import (
    ACS5_YEARS,
    KEY_SIGNUP_URL,
    LATEST_YEAR,
    check_year,
    dataset_for,
    normalise_codes,
    require_key,
)
from civicdata.data.census_api.client import census_client
from civicdata.data.census_api.fetch import MAX_CODES_PER_REQUEST, fetch_acs
from civicdata.data.census_api.metadata import fetch_table_variables, fetch_variable_labels
from civicdata.data.census_api.secrecy import scrub
from civicdata.data.census_api.session import (
    TIMEOUT_SECONDS,
    CensusSession,
    TimeoutSession,
    clear_cache,
    get_session,
    is_offline,
    offline_error,
)

__all__ = [
    "ACS5_YEARS", "KEY_SIGNUP_URL", "LATEST_YEAR", "MAX_CODES_PER_REQUEST", "TIMEOUT_SECONDS",
    "CensusSession", "TimeoutSession", "census_client", "check_year", "clear_cache", "dataset_for",
    "fetch_acs", "fetch_table_variables", "fetch_variable_labels", "get_session", "is_offline",
    "normalise_codes", "offline_error", "require_key", "scrub",
]
