"""The environment notebooks run in, for the tests and for ``make notebooks`` alike.

Offline and keyless on purpose: a developer's own key, place setting or cache must never change
what a stored notebook output says.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

_SCRATCH = Path(tempfile.gettempdir()) / "civicdata-notebook-env"


def workbook_environment() -> dict[str, str]:
    """Variables to set: private config and cache folders, a fixed hash seed, no network for the API."""
    return {
        "XDG_CONFIG_HOME": str(_SCRATCH / "config"),
        "XDG_CACHE_HOME": str(_SCRATCH / "cache"),
        "PYTHONHASHSEED": "0",
        "CIVICDATA_OFFLINE": "1",
        "MPLBACKEND": "Agg",
    }


UNSET = ("CENSUS_API_KEY", "CIVICDATA_PLACE", "CIVICDATA_KEY_FILE")
