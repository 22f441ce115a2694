"""Checksums of the bundled data: prove that ``data/`` is complete and unchanged.

The manifest is a plain ``sha256sum`` file (``data/MANIFEST.sha256``): one line per file, the hash,
two spaces, the path relative to the manifest's folder. ``sha256sum -c MANIFEST.sha256`` checks it
too. A prefetched place folder has a manifest of the same form.

Example:
    >>> from civicdata.core.settings import data_dir
    >>> problems = verify_manifest(data_dir() / "MANIFEST.sha256")
    >>> problems
    []
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from civicdata.core.errors import DataIntegrityError


def sha256_of(path: Path) -> str:
    """The SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(manifest: Path) -> dict[str, str]:
    """Map each relative path in a manifest to its recorded hash."""
    entries: dict[str, str] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        digest, name = line.split(maxsplit=1)
        entries[name.strip().lstrip("*")] = digest
    return entries


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


def verify_manifest(manifest: Path) -> list[str]:
    """Check every file listed in a manifest; return one plain sentence per problem (empty = all good)."""
    manifest = Path(manifest)
    if not manifest.exists():
        return [f"the checksum list {manifest.name} is missing"]
    problems = []
    for name, digest in read_manifest(manifest).items():
        path = manifest.parent / name
        if not path.exists():
            problems.append(f"{name} is missing")
        elif sha256_of(path) != digest:
            problems.append(f"{name} has changed since it was bundled")
    return problems


def require_bundled_file(path: Path) -> None:
    """Raise DataIntegrityError, with what to do, when a bundled file is missing."""
    if not path.exists():
        raise DataIntegrityError(
            f"The bundled file {path.name} is missing.",
            hint="Restore the data folder (`git checkout -- data`) or rebuild it with data/build_data.py.",
        )
