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
import io
from pathlib import Path

import pandas as pd

from civicdata.core.errors import ArgumentError, DataIntegrityError
from civicdata.core.files import as_path
from civicdata.data.checksums import is_bundled, require_bundled_file
from civicdata.data.cleaning import clean_values, value_columns

_AGAIN = "Download the table again from data.census.gov (CSV) and read its '-Data.csv' file."


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
    header, labels, _ = _read_rows(as_path(path))
    return {code: label for code, label in zip(header, labels, strict=True) if code}


def _read_rows(path: Path) -> tuple[list[str], list[str], list[list[str]]]:
    """(codes of line 1, labels of line 2, data rows), after checking that every row is as wide as line 1."""
    if is_bundled(path):
        require_bundled_file(path)  # a bundled download cut short must not give fewer rows
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataIntegrityError(f"There is no file {path.name} in {path.parent.as_posix() or '.'}.",
                                 hint="Check the file name and folder (upload the file next to the notebook "
                                 "first if it is on your own computer).") from None
    except UnicodeDecodeError:
        raise DataIntegrityError(f"{path.name} is not a text (UTF-8) CSV file.",
                                 hint="Use the '-Data.csv' file of the download; do not open and re-save it in "
                                 "a spreadsheet program first. " + _AGAIN) from None
    except OSError as err:
        raise DataIntegrityError(f"{path.name} cannot be read ({err.strerror or type(err).__name__}).",
                                 hint="Check that it is a file you may read, not a folder.") from None
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline="")) if row]
    except csv.Error as err:
        raise DataIntegrityError(f"{path.name} is not a well-formed CSV file ({err}).", hint=_AGAIN) from None
    if not rows:
        raise DataIntegrityError(f"{path.name} is empty.", hint="The download did not finish. " + _AGAIN)
    if len(rows) < 3:
        raise DataIntegrityError(f"{path.name} has no data rows (only {len(rows)} header line"
                                 f"{'s' if len(rows) > 1 else ''}).", hint=_AGAIN)
    width = len(rows[0])
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            more = "more" if len(row) > width else "fewer"
            raise DataIntegrityError(
                f"Row {number} of {path.name} has {len(row)} values but line 1 names {width} columns ({more} "
                "values than columns), so its values cannot be matched to their columns.",
                hint="The file was cut short or edited (a value with an unquoted comma?). " + _AGAIN)
    named = [code for code in rows[0] if code]
    twice = sorted({code for code in named if named.count(code) > 1})
    if twice:
        raise DataIntegrityError(f"{path.name} names the column {twice[0]} more than once.", hint=_AGAIN)
    return rows[0], rows[1], rows[2:]


def read_census_download(path: str | Path, clean: bool = True, coded_medians: str = "missing") -> pd.DataFrame:
    """Read a data.census.gov CSV export into GEOID, NAME and numeric value columns.

    ``clean=True`` turns symbols (``-``, ``**``, ``(X)``, ``250,000+`` ...) into missing values with
    :func:`civicdata.data.cleaning.clean_values`; the replaced cells are in ``.attrs["replaced"]``. The
    labels of line 2 are in ``.attrs["labels"]``. ``clean=False`` keeps every value as the text of the
    file (useful to show learners what the raw file holds).

    A file that is empty, has no data rows, or has a row with more (or fewer) values than line 1 has
    column names is refused with :class:`~civicdata.core.errors.DataIntegrityError`: such a row cannot be
    matched to its columns, and guessing would give wrong numbers.
    """
    path = as_path(path, "file name of the download")
    if coded_medians not in ("missing", "bound"):
        raise ArgumentError(f"coded_medians={coded_medians!r} is not an option.",
                            hint='Use "missing" (the default) or "bound".')
    header, labels, data = _read_rows(path)
    keep = [i for i, code in enumerate(header) if code and not code.startswith("Unnamed:")]
    frame = pd.DataFrame([[row[i] for i in keep] for row in data], columns=[header[i] for i in keep], dtype=str)
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
    label_of = {code: label for code, label in zip(header, labels, strict=True) if code}
    out.attrs.update({
        "source": "download",
        "file": path.name,
        "labels": {c: label_of.get(c, "") for c in out.columns if c in label_of},
        "replaced": replaced,
    })
    return out
