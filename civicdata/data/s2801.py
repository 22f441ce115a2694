"""S2801 (types of computers and internet subscriptions) for every US county, from the bundled exports.

Two non-overlapping 5-year periods are bundled (2013-2017 and 2018-2022), as downloaded from
data.census.gov (``data/digital-equity/``); notebook 04 compares them.

Example:
    >>> s2801 = load_s2801("2018-2022")
    >>> len(s2801), s2801.attrs["vintage"]
    (3222, '2018-2022')
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

import pandas as pd

from civicdata.core import settings
from civicdata.core.errors import PlaceNotFoundError
from civicdata.data.checksums import require_bundled_file

S2801_PERIODS = {"2013-2017": 2017, "2018-2022": 2022}


def s2801_path(period: str | int = "2018-2022") -> Path:
    """The S2801 export of every county for a period ("2013-2017" or "2018-2022"; 2017 and 2022 work too)."""
    text = str(period).strip()
    year = S2801_PERIODS.get(text) or (int(text) if text in ("2017", "2022") else None)
    if year is None:
        raise PlaceNotFoundError(
            f"There is no bundled S2801 table for {period!r}.",
            hint="Use '2013-2017' or '2018-2022' (two 5-year periods that do not overlap).",
        )
    path = settings.data_dir() / "digital-equity" / f"ACSST5Y{year}.S2801-Data.csv"
    require_bundled_file(path)
    return path


def load_s2801(period: str | int = "2018-2022") -> pd.DataFrame:
    """S2801 (computers and internet) for every US county: GEOID (5 digits), NAME, numeric columns.

    Symbols become missing values (see :mod:`civicdata.data.cleaning`); ``.attrs["labels"]`` has the label
    of every column and ``.attrs["replaced"]`` the replaced cells. Columns ending in E are estimates,
    M margins of error; C01 columns are counts and C02 percentages.

    Example:
        >>> s2801 = load_s2801("2018-2022")
        >>> len(s2801), s2801.attrs["vintage"]
        (3222, '2018-2022')
    """
    path = s2801_path(period)
    cached, attrs = _read_s2801(str(path), path.stat().st_mtime_ns)
    frame = cached.copy()
    frame.attrs = {key: copy.copy(value) for key, value in attrs.items()}
    return frame


@lru_cache(maxsize=2)
def _read_s2801(path: str, mtime_ns: int) -> tuple[pd.DataFrame, dict]:
    """Read and clean one S2801 export once per session (3,222 counties x 400 columns takes seconds).

    The attributes are kept apart because pandas deep-copies ``.attrs`` on every copy, and the record
    of replaced cells has tens of thousands of entries.
    """
    from civicdata.data.downloads import read_census_download

    frame = read_census_download(path)
    year = int(Path(path).name[7:11])
    attrs = {**frame.attrs, "source": "bundled", "table": "S2801", "year": year, "vintage": f"{year - 4}-{year}"}
    frame.attrs = {}
    return frame, attrs


def s2801_variables(period: str | int = "2018-2022") -> pd.DataFrame:
    """Labels of the S2801 estimate columns: name (without E), label, concept."""
    path = s2801_path(period)
    meta = pd.read_csv(path.with_name(path.name.replace("-Data.csv", "-Column-Metadata.csv")), dtype=str)
    meta = meta[meta["Column Name"].str.match(r"^S2801_C\d+_\d+E$")]
    return pd.DataFrame({
        "name": meta["Column Name"].str[:-1],
        "label": meta["Label"].str.replace(r"^Estimate!!", "", regex=True).str.replace(
            r":(?=!!|$)", "", regex=True),
        "concept": "Types of Computers and Internet Subscriptions (S2801)",
    }).reset_index(drop=True)
