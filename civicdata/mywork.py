"""Save a learner's own files without ever replacing one that is already there.

pandas' ``table.to_csv("my-work/partners.csv")`` silently replaces a file of the same name, which
could wipe out a worksheet a learner filled in earlier. :func:`save_new_csv` never does: if the name
is taken by a different file it picks the next free name (``partners-2.csv``, ``partners-3.csv``...);
if an identical file is already there it keeps it and writes nothing.

Example:
    >>> import tempfile, pandas as pd
    >>> folder = tempfile.mkdtemp()
    >>> path = save_new_csv(pd.DataFrame({"a": [1]}), "test.csv", folder=folder, quiet=True)
    >>> path.name
    'test.csv'
    >>> save_new_csv(pd.DataFrame({"a": [2]}), "test.csv", folder=folder, quiet=True).name
    'test-2.csv'
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from civicdata.errors import CivicDataError

#: The folder for learners' own files, relative to the notebooks (ignored by git).
MY_WORK = "my-work"

_MAX_COPIES = 999


def save_new_csv(table: pd.DataFrame, name: str, folder: str | Path = MY_WORK, quiet: bool = False) -> Path:
    """Save ``table`` as CSV in ``folder`` (created if needed) without replacing an existing file.

    Returns the path of the file that holds the table. Prints where it is unless ``quiet``.
    """
    if not name.endswith(".csv"):
        name += ".csv"
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    text = table.to_csv(index=False, lineterminator="\n")
    stem = name[: -len(".csv")]
    for number in range(1, _MAX_COPIES + 1):
        path = folder / (name if number == 1 else f"{stem}-{number}.csv")
        try:
            with path.open("x", encoding="utf-8", newline="") as handle:  # "x": fail if it exists
                handle.write(text)
            break
        except FileExistsError:
            if path.read_text(encoding="utf-8") == text:  # the very same table is already saved
                break
    else:
        raise CivicDataError(
            f"There are already {_MAX_COPIES} files called {stem}-....csv in {folder}.",
            hint="Choose another name, or tidy up that folder.",
        )
    if not quiet:
        print(f"Your table ({len(table)} rows) is saved in {path.as_posix()}")
    return path
