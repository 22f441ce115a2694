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

from civicdata.core.errors import CivicDataError

#: The folder for learners' own files, relative to the notebooks (ignored by git).
MY_WORK = "my-work"

_MAX_COPIES = 999


def save_new_file(content: str | bytes, path: str | Path) -> Path:
    """Write ``content`` to ``path`` unless a *different* file is there; then use the next free name.

    Returns the path that holds the content. An identical file already at a candidate name is kept as
    it is (nothing is written), so re-running a notebook is harmless.

    Example:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> save_new_file("a", f"{folder}/note.txt").name, save_new_file("b", f"{folder}/note.txt").name
        ('note.txt', 'note-2.txt')
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    for number in range(1, _MAX_COPIES + 1):
        candidate = path if number == 1 else path.with_name(f"{path.stem}-{number}{path.suffix}")
        try:
            with candidate.open("xb") as handle:  # "x": fail if the file exists
                handle.write(data)
            return candidate
        except FileExistsError:
            if candidate.read_bytes() == data:  # the very same content is already saved
                return candidate
    raise CivicDataError(
        f"There are already {_MAX_COPIES} copies of {path.name} in {path.parent}.",
        hint="Choose another name, or tidy up that folder.",
    )


def save_new_csv(table: pd.DataFrame, name: str, folder: str | Path = MY_WORK, quiet: bool = False) -> Path:
    """Save ``table`` as CSV in ``folder`` (created if needed) without replacing an existing file.

    Returns the path of the file that holds the table. Prints where it is unless ``quiet``.
    """
    if not name.endswith(".csv"):
        name += ".csv"
    path = save_new_file(table.to_csv(index=False, lineterminator="\n"), Path(folder) / name)
    if not quiet:
        print(f"Your table ({len(table)} rows) is saved in {path.as_posix()}")
    return path
