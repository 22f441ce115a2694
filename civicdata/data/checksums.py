"""Checksums of the bundled data: prove that ``data/`` is complete and unchanged.

The manifest is a plain ``sha256sum`` file (``data/MANIFEST.sha256``): one line per file, the hash,
two spaces, the path relative to the manifest's folder. ``sha256sum -c MANIFEST.sha256`` checks it
too. A prefetched place folder has a manifest of the same form.

Every reader of a bundled file calls :func:`require_bundled_file` (or, for a place folder,
:func:`verify_manifest`) before reading: a file that is missing, cut short or edited raises
:class:`~civicdata.core.errors.DataIntegrityError` instead of giving fewer rows or wrong numbers. Each
file is hashed once per session (again only if its size or modification time changes), so the check
costs a few milliseconds per file, once.

Example:
    >>> from civicdata.core.settings import data_dir
    >>> problems = verify_manifest(data_dir() / "MANIFEST.sha256")
    >>> problems
    []
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from civicdata.core import settings
from civicdata.core.errors import DataIntegrityError

# Files found intact in this session: (path, size, modification time, expected hash). A file that changes
# gets a new size or time and is hashed again.
_VERIFIED: set[tuple[str, int, int, str]] = set()
_RESTORE_HINT = ("Restore the data folder (`git checkout -- data`, or download the workbook again); for a "
                 "prefetched place, run `civicdata prefetch` again.")


def sha256_of(path: Path) -> str:
    """The SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(manifest: Path) -> dict[str, str]:
    """Map each relative path in a manifest to its recorded hash (DataIntegrityError if it is unreadable)."""
    entries: dict[str, str] = {}
    try:
        text = Path(manifest).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DataIntegrityError(f"The checksum list {Path(manifest).name} cannot be read ({type(err).__name__}).",
                                 hint=_RESTORE_HINT) from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2 or len(parts[0]) != 64:
            raise DataIntegrityError(f"Line {number} of the checksum list {Path(manifest).name} is damaged.",
                                     hint=_RESTORE_HINT)
        digest, name = parts
        entries[name.strip().lstrip("*")] = digest
    return entries


def file_matches(path: Path, digest: str, *, cached: bool = True) -> bool:
    """True when ``path`` has the SHA-256 ``digest``; with ``cached``, a file already found intact in this
    session (same size and modification time) is not hashed again."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, digest)
    if cached and key in _VERIFIED:
        return True
    if sha256_of(path) != digest:
        return False
    _VERIFIED.add(key)
    return True


def write_manifest(folder: Path, manifest_name: str = "MANIFEST.sha256") -> Path:
    """Write a manifest of every file below ``folder`` (except the manifest itself), sorted by path."""
    folder = Path(folder)
    manifest = folder / manifest_name
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel == manifest_name or "__pycache__" in rel or path.suffix == ".pyc":
            continue
        lines.append(f"{sha256_of(path)}  {rel}")
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def verify_manifest(manifest: Path, *, cached: bool = True) -> list[str]:
    """Check every file listed in a manifest; return one plain sentence per problem (empty = all good).

    With ``cached`` (readers), files already found intact in this session are not hashed again;
    ``civicdata doctor`` passes ``cached=False`` and hashes everything.
    """
    manifest = Path(manifest)
    if not manifest.exists():
        return [f"the checksum list {manifest.name} is missing"]
    try:
        entries = read_manifest(manifest)
    except DataIntegrityError as err:
        return [err.message.rstrip(".")]
    problems = []
    for name, digest in entries.items():
        path = manifest.parent / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif not file_matches(path, digest, cached=cached):
            problems.append(f"{name} has changed since it was bundled (cut short, damaged or edited)")
    return problems


def require_bundled_file(path: Path, manifest: Path | None = None) -> Path:
    """Check a bundled file before reading it: present, and matching its checksum (hashed once per session).

    ``manifest`` defaults to ``data/MANIFEST.sha256``. Raises DataIntegrityError, with what to do, when
    the file is missing, not listed, or differs from its checksum (for example a truncated copy).

    Example:
        >>> require_bundled_file(settings.data_dir() / "reference" / "state_data_centers_verified.csv").name
        'state_data_centers_verified.csv'
    """
    path = Path(path)
    manifest = Path(manifest) if manifest is not None else settings.data_dir() / "MANIFEST.sha256"
    if not path.is_file():
        raise DataIntegrityError(f"The bundled file {path.name} is missing.", hint=_RESTORE_HINT)
    try:
        name = path.resolve().relative_to(manifest.parent.resolve()).as_posix()
    except ValueError:
        name = path.name
    digest = read_manifest(manifest).get(name) if manifest.exists() else None
    if digest is None:
        raise DataIntegrityError(f"The bundled file {name} is not in the checksum list {manifest.name}, so it "
                                 "cannot be checked.", hint=_RESTORE_HINT)
    if not file_matches(path, digest):
        raise DataIntegrityError(
            f"The bundled file {name} does not match its checksum: it was cut short, damaged or edited, so "
            "its numbers cannot be trusted.", hint=_RESTORE_HINT)
    return path


def is_bundled(path: Path) -> bool:
    """True when ``path`` is a file listed in ``data/MANIFEST.sha256`` (so readers should check it)."""
    manifest = settings.data_dir() / "MANIFEST.sha256"
    try:
        name = Path(path).resolve().relative_to(manifest.parent.resolve()).as_posix()
        return manifest.exists() and name in read_manifest(manifest)
    except (ValueError, OSError, DataIntegrityError):
        return False
