"""Variable labels from the Census API: a dataset's ``variables.json`` and one table's ``groups/TABLE.json``.

``search_variables`` uses :func:`fetch_variable_labels` when live data is available; ``prefetch`` uses
:func:`fetch_table_variables` to know which codes a table has.

Example:
    >>> _tidy_label("Estimate!!Total:!!Male:")
    'Total!!Male'
"""

from __future__ import annotations

import re

import pandas as pd
import requests

from civicdata.core.errors import CensusServerError, CivicDataError, VariableNotFoundError, YearNotSupportedError
from civicdata.data.census_api.arguments import LATEST_YEAR, check_year, dataset_for, require_key
from civicdata.data.census_api.session import get_session, is_offline, offline_error

API_BASE = "https://api.census.gov/data"


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
