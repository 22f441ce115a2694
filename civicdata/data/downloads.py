"""Read a table downloaded by hand from data.census.gov.

Such a CSV has a byte-order mark, the column codes on line 1, their labels on line 2, a trailing
comma on every line, a ``GEO_ID`` like ``1400000US36005000100`` and text symbols (``-``, ``**``, ...)
among the numbers. :func:`read_census_download` deals with all of that and returns a frame shaped
like :func:`civicdata.get_acs` output: ``GEOID``, ``NAME``, then the value columns as numbers.

Example:
    >>> from civicdata.core.settings import data_dir
    >>> path = data_dir() / "downloads/bronx-ny/ACSDT5Y2022.B19013-Data_bronx_36005.csv"
    >>> bronx = read_census_download(path)
    >>> bronx.columns.tolist()
    ['GEOID', 'NAME', 'B19013_001E', 'B19013_001M']
    >>> bronx["GEOID"].iloc[0]
    '36005000100'
    >>> bronx.attrs["labels"]["B19013_001E"][:42]
    'Estimate!!Median household income in the p'
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from civicdata.core.errors import DataIntegrityError
from civicdata.data.cleaning import clean_values, value_columns


def geoid_from_geo_id(geo_id: str) -> str:
    """``"1400000US36005000100"`` -> ``"36005000100"`` (the part after "US"; the US itself is "1").

    Example:
        >>> geoid_from_geo_id("0500000US09110"), geoid_from_geo_id("0100000US")
        ('09110', '1')
    """
    tail = str(geo_id).split("US", 1)[-1]
    return tail or "1"


def read_labels(path: str | Path) -> dict[str, str]:
    """The labels on line 2 of a data.census.gov CSV, by column code (e.g. ``B19013_001E``)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        codes = next(reader)
        labels = next(reader)
    return {code: label for code, label in zip(codes, labels, strict=False) if code}


def read_census_download(path: str | Path, clean: bool = True, coded_medians: str = "missing") -> pd.DataFrame:
    """Read a data.census.gov CSV export into GEOID, NAME and numeric value columns.

    ``clean=True`` turns symbols (``-``, ``**``, ``(X)``, ``250,000+`` ...) into missing values with
    :func:`civicdata.data.cleaning.clean_values`; the replaced cells are in ``.attrs["replaced"]``. The
    labels of line 2 are in ``.attrs["labels"]``. ``clean=False`` keeps every value as the text of the
    file (useful to show learners what the raw file holds).
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, skiprows=[1], encoding="utf-8-sig", keep_default_na=False)
        labels = read_labels(path)
    except (OSError, StopIteration, UnicodeDecodeError, pd.errors.ParserError) as err:
        raise DataIntegrityError(
            f"Could not read {path.name} as a data.census.gov download ({type(err).__name__}).",
            hint="Check the file name, and that it is the '-Data.csv' file of the download (not the "
            "metadata or the notes).",
        ) from None
    frame = frame.loc[:, [c for c in frame.columns if c and not c.startswith("Unnamed:")]]
    if "GEO_ID" not in frame.columns:
        raise DataIntegrityError(
            f"{path.name} has no GEO_ID column, so it is not a data.census.gov table export.",
            hint="Download the table again from data.census.gov (CSV), and read its '-Data.csv' file.",
        )
    out = pd.DataFrame({"GEOID": frame["GEO_ID"].map(geoid_from_geo_id).astype(str)})
    out["NAME"] = frame["NAME"] if "NAME" in frame.columns else ""
    rest = [c for c in frame.columns if c not in ("GEO_ID", "NAME")]
    out = pd.concat([out, frame[rest]], axis=1)
    replaced: list[dict] = []
    if clean:
        out, replaced = clean_values(out, columns=value_columns(out), coded_medians=coded_medians)
    out.attrs.update({
        "source": "download",
        "file": path.name,
        "labels": {c: labels.get(c, "") for c in out.columns if c in labels},
        "replaced": replaced,
    })
    return out
