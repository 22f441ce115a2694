"""Save a learner's own files safely: never replace one that is there, never leave half a file, say why not.

pandas' ``table.to_csv("my-work/partners.csv")`` silently replaces a file of the same name, which
could wipe out a worksheet a learner filled in earlier. :func:`save_new_csv` never does: if the name
is taken by a different file it picks the next free name (``partners-2.csv``, ``partners-3.csv``...);
if an identical file is already there it keeps it and writes nothing.

Every writer here first checks the place it writes to (:func:`check_output_path`): a name that is a
folder, a folder that does not exist, a read-only folder or a full disk is reported with what to do,
before any long work starts. A missing folder is created only inside the workbook (its repository
folder, the data folder, or a ``my-work`` folder of the learner's); anywhere else it is refused, so a
typing mistake never creates folders somewhere unexpected. Content is written to a temporary file
first and moved into place in one step, so a full disk or an interruption never leaves half a file.

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

import errno
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from civicdata.core import settings
from civicdata.core.errors import ArgumentError, CivicDataError, OutputPathError

#: The folder for learners' own files, relative to the notebooks (ignored by git).
MY_WORK = "my-work"

_MAX_COPIES = 999
#: Free space a writer wants beyond the bytes it knows it will write (file system overhead).
SPARE_BYTES = 64 * 1024


def _shown(path: Path) -> str:
    return settings.display_path(path)


def as_path(path: object, what: str = "file name") -> Path:
    """``path`` as a Path; ArgumentError for anything that is not text or a path.

    Example:
        >>> as_path("my-work/map.html").name
        'map.html'
    """
    if isinstance(path, (str, os.PathLike)) and str(os.fspath(path)).strip():
        return Path(os.fspath(path)).expanduser()
    raise ArgumentError(
        f"The {what} must be text such as 'my-work/map.html', not {type(path).__name__} {path!r}.",
        hint="Put the name in quotes, e.g. \"my-work/income-map.html\".",
    )


def workbook_folders() -> list[Path]:
    """Folders inside which a missing folder may be created: the repository, the data folder, ``./my-work``."""
    return [settings.REPO_ROOT.resolve(), settings.data_dir().resolve(), (Path.cwd() / MY_WORK).resolve()]


def _may_create(folder: Path) -> bool:
    """A missing folder is created only inside the workbook, or when it is a ``my-work`` folder (the
    learner's own) in a folder that exists."""
    target = folder.resolve()
    if target.name == MY_WORK and target.parent.is_dir():
        return True
    return any(target == root or target.is_relative_to(root) for root in workbook_folders())


def oserror_to_output_error(err: OSError, path: Path, done: str = "nothing was saved") -> OutputPathError:
    """The learner's version of an OSError met while writing ``path``."""
    shown, folder = _shown(path), _shown(path.parent)
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputPathError(f"The disk is full, so {shown} could not be written ({done}).",
                               hint="Free some space (delete large files you no longer need) or save elsewhere.")
    if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        why = "is read-only" if err.errno == errno.EROFS else "does not allow you to write in it"
        return OutputPathError(f"The folder {folder} {why}, so {shown} could not be written ({done}).",
                               hint="Save into a folder of your own, such as my-work next to the notebooks.")
    if err.errno == errno.ENOENT:
        return OutputPathError(f"The folder {folder} does not exist, so {shown} could not be written ({done}).",
                               hint=f"Create the folder first (mkdir -p {folder}) or save into my-work.")
    if err.errno == errno.EISDIR:
        return OutputPathError(f"{shown} is a folder, not a file name ({done}).",
                               hint=f"Add a file name, e.g. {shown}/result{path.suffix or '.html'}.")
    return OutputPathError(f"{shown} could not be written: {err.strerror or type(err).__name__} ({done}).",
                           hint="Try another file name or folder, e.g. in my-work next to the notebooks.")


def check_output_path(path: object, *, needed_bytes: int = 0, what: str = "file name") -> Path:
    """Check, before any long work, that a file can be written at ``path``; return it as a Path.

    Raises :class:`OutputPathError` when the name is a folder, its folder is missing (and outside the
    workbook, where no folder is created silently), a file, read-only, or on a disk without
    ``needed_bytes`` free. A missing folder inside the workbook is created.

    Example:
        >>> import tempfile
        >>> check_output_path(Path(tempfile.mkdtemp()) / "map.html").name
        'map.html'
        >>> check_output_path("/no/such/folder/map.html")
        Traceback (most recent call last):
        ...
        civicdata.core.errors.OutputPathError: The folder /no/such/folder does not exist, so nothing was saved.
        What to do: Create it first (mkdir -p /no/such/folder), or save into my-work next to the notebooks.
    """
    path = as_path(path, what)
    shown, folder = _shown(path), path.parent
    if path.is_dir():
        raise OutputPathError(f"{shown} is a folder, not a file name.",
                              hint=f"Add a file name, e.g. {shown}/result{path.suffix or '.html'}.")
    if not folder.exists():
        if folder.is_symlink() or not _may_create(folder):
            raise OutputPathError(
                f"The folder {_shown(folder)} does not exist, so nothing was saved.",
                hint=f"Create it first (mkdir -p {_shown(folder)}), or save into my-work next to the notebooks.",
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise oserror_to_output_error(err, path) from None
    if not folder.is_dir():
        raise OutputPathError(f"{_shown(folder)} is a file, not a folder, so {path.name} cannot be saved in it.",
                              hint="Choose another folder, such as my-work next to the notebooks.")
    try:  # the only honest test of "can I write here" (file modes say nothing for root or read-only disks)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".civicdata-check-")
        os.close(handle)
        os.remove(probe)
    except OSError as err:
        raise oserror_to_output_error(err, path) from None
    free = shutil.disk_usage(folder).free
    if free < needed_bytes + SPARE_BYTES:
        raise OutputPathError(
            f"The disk holding {_shown(folder)} is full ({free // 1024} KB free, about "
            f"{(needed_bytes + SPARE_BYTES) // 1024 + 1} KB needed), so nothing was saved.",
            hint="Free some space (delete large files you no longer need) or save elsewhere.",
        )
    return path


def _temporary_copy(data: bytes, path: Path) -> Path:
    """Write ``data`` to a hidden temporary file next to ``path``; on any failure remove it."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
    except BaseException as err:
        Path(name).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise oserror_to_output_error(err, path) from None
        raise
    return Path(name)


def write_file(data: bytes | str, path: object) -> Path:
    """Write (or replace) ``path`` in one step: the old file stays whole until the new one is complete.

    Example:
        >>> import tempfile
        >>> out = write_file("a", Path(tempfile.mkdtemp()) / "note.txt")
        >>> write_file("b", out).read_text()
        'b'
    """
    data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    path = check_output_path(path, needed_bytes=len(data))
    tmp = _temporary_copy(data, path)
    try:
        os.replace(tmp, path)
    except OSError as err:
        raise oserror_to_output_error(err, path) from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _link_new(tmp: Path, candidate: Path) -> None:
    """Give the complete temporary file the name ``candidate``; FileExistsError if that name is taken."""
    try:
        os.link(tmp, candidate)  # atomic, and never replaces an existing file
    except FileExistsError:
        raise
    except OSError as err:
        if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
            raise
        with candidate.open("xb") as handle:  # a file system without hard links: exclusive create
            handle.write(tmp.read_bytes())


def save_new_file(content: str | bytes, path: str | Path) -> Path:
    """Write ``content`` to ``path`` unless a *different* file is there; then use the next free name.

    Returns the path that holds the content. An identical file already at a candidate name is kept as
    it is (nothing is written), so re-running a notebook is harmless. The place is checked first
    (:func:`check_output_path`), and the file appears complete or not at all.

    Example:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> save_new_file("a", f"{folder}/note.txt").name, save_new_file("b", f"{folder}/note.txt").name
        ('note.txt', 'note-2.txt')
    """
    if not isinstance(content, (str, bytes, bytearray)):
        raise ArgumentError(f"save_new_file saves text or bytes, not {type(content).__name__}.",
                            hint="For a table use save_new_csv(table, 'name.csv'); for a map use save_map(m, ...).")
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    path = check_output_path(path, needed_bytes=len(data))
    tmp = _temporary_copy(data, path)
    try:
        for number in range(1, _MAX_COPIES + 1):
            candidate = path if number == 1 else path.with_name(f"{path.stem}-{number}{path.suffix}")
            try:
                _link_new(tmp, candidate)
                return candidate
            except FileExistsError:
                if candidate.is_file() and candidate.stat().st_size == len(data) and candidate.read_bytes() == data:
                    return candidate  # the very same content is already saved
            except OSError as err:
                raise oserror_to_output_error(err, candidate) from None
    finally:
        tmp.unlink(missing_ok=True)
    raise CivicDataError(
        f"There are already {_MAX_COPIES} copies of {path.name} in {_shown(path.parent)}.",
        hint="Choose another name, or tidy up that folder.",
    )


def save_new_csv(table: pd.DataFrame, name: str, folder: str | Path = MY_WORK, quiet: bool = False) -> Path:
    """Save ``table`` as CSV in ``folder`` (created if needed) without replacing an existing file.

    Returns the path of the file that holds the table. Prints where it is unless ``quiet``.
    """
    if not isinstance(table, pd.DataFrame):
        raise ArgumentError(f"save_new_csv saves a table (a pandas DataFrame), not {type(table).__name__}.",
                            hint="Pass the table first and the file name second: save_new_csv(table, 'name.csv').")
    name = str(as_path(name))
    if not name.endswith(".csv"):
        name += ".csv"
    path = save_new_file(table.to_csv(index=False, lineterminator="\n"), as_path(folder, "folder") / name)
    if not quiet:
        print(f"Your table ({len(table)} rows) is saved in {path.as_posix()}")
    return path
