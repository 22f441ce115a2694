"""The State Data Centers we could verify (notebook 01): the Census Bureau's partners in each state.

Example:
    >>> len(load_state_data_centers())
    4
"""

from __future__ import annotations

import pandas as pd

from civicdata.core import settings
from civicdata.data.checksums import require_bundled_file


def load_state_data_centers() -> pd.DataFrame:
    """The State Data Centers we could verify, with the page that says so (4 entries, not all states).

    The full, current list is the Census Bureau's member network page:
    https://www.census.gov/about/partners/sdc/member-network.html
    """
    path = settings.data_dir() / "reference" / "state_data_centers_verified.csv"
    require_bundled_file(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False)
