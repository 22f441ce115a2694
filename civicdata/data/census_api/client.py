"""``census`` package clients that read every value as text, so a pull costs one request, not one per column.

The package asks ``.../variables/FIELD.json`` once per column to decide whether to turn values into
numbers (a 30-variable tract pull costs 35 requests). These clients skip that lookup;
:func:`~civicdata.data.census_api.fetch.fetch_acs` converts the columns with pandas instead.
"""

from __future__ import annotations

import requests
from census import Census
from census.core import ACS5Client, ACS5DpClient, ACS5StClient

from civicdata.data.census_api.session import get_session


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
