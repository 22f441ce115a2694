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
import csv
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
    meta_path = require_bundled_file(path.with_name(path.name.replace("-Data.csv", "-Column-Metadata.csv")))
    meta = pd.read_csv(meta_path, dtype=str)
    meta = meta[meta["Column Name"].str.match(r"^S2801_C\d+_\d+E$")]
    return pd.DataFrame({
        "name": meta["Column Name"].str[:-1],
        "label": meta["Label"].str.replace(r"^Estimate!!", "", regex=True).str.replace(
            r":(?=!!|$)", "", regex=True),
        "concept": "Types of Computers and Internet Subscriptions (S2801)",
    }).reset_index(drop=True)


def s2801_columns(period: str | int = "2018-2022") -> list[str]:
    """The column codes on line 1 of a period's S2801 export (GEO_ID, NAME, then E and M columns)."""
    return list(_read_header(str(s2801_path(period))))


@lru_cache(maxsize=2)
def _read_header(path: str) -> tuple[str, ...]:
    with open(path, encoding="utf-8-sig", newline="") as file:
        return tuple(next(csv.reader(file)))


def load_s2801_columns(codes: list[str], period: str | int = "2018-2022") -> pd.DataFrame:
    """GEOID, NAME and the E and M columns of ``codes`` (e.g. ``["S2801_C02_019"]``), for every county.

    The same values and ``.attrs`` as :func:`load_s2801` gives for those columns, but only they are read:
    the whole table (3,222 counties x 400 columns) keeps about 50 MB in the kernel for the rest of the
    session, these few columns almost nothing (``tests/test_acs_bundled.py`` compares the two). The
    bundled files are checked against their checksums first, so reading columns with pandas alone is safe.

    Example:
        >>> frame = load_s2801_columns(["S2801_C02_019"], "2013-2017")
        >>> list(frame.columns), frame.attrs["vintage"]
        (['GEOID', 'NAME', 'S2801_C02_019E', 'S2801_C02_019M'], '2013-2017')
    """
    path = s2801_path(period)
    cached, attrs = _read_s2801_columns(str(path), path.stat().st_mtime_ns, tuple(codes))
    frame = cached.copy()
    frame.attrs = {key: copy.copy(value) for key, value in attrs.items()}
    return frame


@lru_cache(maxsize=8)
def _read_s2801_columns(path: str, mtime_ns: int, codes: tuple[str, ...]) -> tuple[pd.DataFrame, dict]:
    from civicdata.data.cleaning import clean_values
    from civicdata.data.downloads import geoid_from_geo_id

    header = _read_header(path)
    wanted = [c for c in header if c and c[:-1] in codes and c[-1] in "EM"]
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                      usecols=["GEO_ID", "NAME", *wanted])
    labels, raw = raw.iloc[0], raw.iloc[1:].reset_index(drop=True)  # line 2 holds the labels
    frame = pd.DataFrame({"GEOID": raw["GEO_ID"].map(geoid_from_geo_id).astype(str), "NAME": raw["NAME"]})
    frame = pd.concat([frame, raw[wanted]], axis=1)
    frame, replaced = clean_values(frame, columns=wanted)
    year = int(Path(path).name[7:11])
    attrs = {"source": "bundled", "file": Path(path).name, "labels": {c: labels[c] for c in ["NAME", *wanted]},
             "replaced": replaced, "table": "S2801", "year": year, "vintage": f"{year - 4}-{year}"}
    return frame, attrs
