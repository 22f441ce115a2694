"""Place folders: the bundled places in ``data/places/`` and those a facilitator prefetched. No network, ever.

Every place folder (``data/places/<slug>/``) has the same files: ``place.json``, ``tracts.csv``,
``summary.csv``, ``variables.csv``, ``tracts.geojson``, ``libraries.csv`` and ``MANIFEST.sha256``.
:func:`load_place` checks the manifest first, so a damaged or edited file is reported instead of
silently giving wrong numbers. Other bundled files have their own readers: :mod:`.s2801` (computers
and internet for every county), :mod:`.libraries` (library outlets), :mod:`.state_data_centers`.

Example:
    >>> place = load_place("ct-capitol-region")
    >>> len(place.tracts), place.meta["vintage"]
    (249, '2019-2023')
    >>> sorted(list_places()["slug"])[:2]
    ['allegheny-pa', 'ct-capitol-region']
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from civicdata.core import settings
from civicdata.core.errors import DataIntegrityError, PlaceNotFoundError
from civicdata.data.checksums import verify_manifest

if TYPE_CHECKING:  # geopandas is imported only when boundaries are asked for
    import geopandas as gpd

PLACE_FILES = ("place.json", "tracts.csv", "summary.csv", "variables.csv", "tracts.geojson", "libraries.csv")
#: What every place.json must say (the readers rely on each of these).
REQUIRED_KEYS = ("name", "state_abbr", "state_fips", "county_name", "county_fips", "year", "vintage")
_TEXT = {"GEOID": str, "NAME": str, "geography": str}
# Hidden folders of a run in progress: ".<slug>.prefetch-<pid>-<token>" (the new place being written) and
# ".<slug>.previous-<pid>-<token>" (the old place, during the swap). Older versions used mkdtemp names.
UNFINISHED = re.compile(r"^\.(?P<slug>[a-z0-9-]+)\.(?P<kind>prefetch|previous)-(?P<pid>\d+)-[0-9a-f]+$")
UNFINISHED_OLD = re.compile(r"^\.(?P<slug>[a-z0-9-]+?)-(?P<kind>old-)?[a-z0-9_]{8}$")


@dataclass
class PlaceData:
    """One place folder, read: ``meta`` (place.json), ``tracts``, ``summary``, ``variables``, ``libraries``.

    ``boundaries`` (a GeoDataFrame of the tracts) is read when first used.
    """

    slug: str
    folder: Path
    meta: dict
    tracts: pd.DataFrame
    summary: pd.DataFrame
    variables: pd.DataFrame
    libraries: pd.DataFrame

    @property
    def boundaries(self) -> gpd.GeoDataFrame:
        return load_boundaries(self.slug)

    @property
    def has_moe(self) -> bool:
        return bool(self.meta.get("has_moe", True))

    @property
    def label(self) -> str:
        """E.g. ``"Capitol Planning Region, CT"``."""
        return f"{self.meta.get('county_name')}, {self.meta.get('state_abbr')}"

    def __repr__(self) -> str:
        return (f"PlaceData({self.slug!r}: {self.label}, ACS {self.meta.get('vintage')} 5-year, "
                f"{len(self.tracts)} tracts, {len(self.variables)} variables)")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours
        return True
    return True


def _looks_like_staging(folder: Path) -> bool:
    """An older version's staging folder holds place files (or nothing): never touch another hidden folder."""
    names = {p.name for p in folder.iterdir()}
    return not names or bool(names & {"place.json", "MANIFEST.sha256", "tracts.csv"}) or any(
        (folder / n / "place.json").exists() for n in names)


def unfinished_prefetches(root: str | Path | None = None) -> list[Path]:
    """Hidden staging folders left in ``root`` (default ``data/places``) by a prefetch that did not finish.

    Folders of a prefetch still running (its process is alive) are not listed.

    Example:
        >>> unfinished_prefetches()
        []
    """
    root = Path(root) if root is not None else settings.places_dir()
    found = []
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        match = UNFINISHED.match(path.name)
        if match and path.is_dir() and not _pid_alive(int(match["pid"])):
            found.append(path)
        elif not match and path.is_dir() and UNFINISHED_OLD.match(path.name) and _looks_like_staging(path):
            found.append(path)
    return found


def place_folder(slug: str) -> Path:
    return settings.places_dir() / slug


def list_places() -> pd.DataFrame:
    """The bundled and prefetched places: slug, name, state/county codes, year, vintage, has_moe.

    Example:
        >>> list_places().columns.tolist()[:3]
        ['slug', 'name', 'state_abbr']
    """
    rows = []
    root = settings.places_dir()
    for meta_file in sorted(root.glob("*/place.json")) if root.is_dir() else []:
        if meta_file.parent.name.startswith("."):
            continue  # a prefetch still being written
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        rows.append({
            "slug": meta_file.parent.name,
            "name": meta.get("name", meta_file.parent.name),
            "state_abbr": meta.get("state_abbr"),
            "state_fips": meta.get("state_fips"),
            "county_name": meta.get("county_name"),
            "county_fips": meta.get("county_fips"),
            "year": meta.get("year"),
            "vintage": meta.get("vintage"),
            "has_moe": bool(meta.get("has_moe", True)),
        })
    columns = ["slug", "name", "state_abbr", "state_fips", "county_name", "county_fips", "year", "vintage",
               "has_moe"]
    return pd.DataFrame(rows, columns=columns)


def _damaged(slug: str, problems: list[str]) -> DataIntegrityError:
    shown = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
    return DataIntegrityError(
        f"The data of place {slug!r} is damaged or was edited: {shown}.",
        hint="Restore the data folder (`git checkout -- data`, or download the workbook again); for a "
        "prefetched place, run `civicdata prefetch` again.",
    )


def meta_problems(meta: object) -> list[str]:
    """What is wrong with a place.json's content (empty list: nothing).

    Example:
        >>> for problem in meta_problems({"name": "X", "state_fips": "9", "county_fips": "110", "year": 2023}):
        ...     print(problem)
        place.json has no state_abbr
        place.json has no county_name
        place.json has no vintage
        place.json's state_fips '9' is not a 2-digit code
    """
    if not isinstance(meta, dict):
        return ["place.json does not hold a JSON object"]
    problems = [f"place.json has no {key}" for key in REQUIRED_KEYS if key not in meta]
    for key, width in (("state_fips", 2), ("county_fips", 3)):
        value = meta.get(key)
        if key in meta and not (isinstance(value, str) and value.isdigit() and len(value) == width):
            problems.append(f"place.json's {key} {value!r} is not a {width}-digit code")
    year = meta.get("year")
    if "year" in meta and not (isinstance(year, int) and not isinstance(year, bool) and 2005 <= year <= 2100):
        problems.append(f"place.json's year {year!r} is not a year")
    return problems


def read_meta(folder: Path) -> dict:
    """The place.json of a place folder, checked (DataIntegrityError naming what is wrong)."""
    try:
        meta = json.loads((folder / "place.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise _damaged(folder.name, [f"place.json cannot be read ({type(err).__name__})"]) from None
    problems = meta_problems(meta)
    if problems:
        raise _damaged(folder.name, problems)
    return meta


def check_place(slug: str) -> Path:
    """The folder of a place, after checking that it exists, matches its manifest and has a complete place.json."""
    if not isinstance(slug, str) or not slug.strip() or "/" in slug or "\\" in slug or slug.startswith("."):
        raise PlaceNotFoundError(
            f"{slug!r} is not a place folder name.",
            hint=f"Use a name from list_places(), e.g. {settings.DEFAULT_PLACE!r}.",
        )
    folder = place_folder(slug)
    if not (folder / "place.json").exists():
        known = list_places()["slug"].tolist()
        close = difflib.get_close_matches(str(slug), known, n=2, cutoff=0.5)
        hint = (f"Did you mean {' or '.join(close)}? " if close else "") + (
            f"Available places: {', '.join(known) or 'none'}. A facilitator can add one with "
            "`civicdata prefetch --state XX --county NAME`."
        )
        raise PlaceNotFoundError(f"There is no place folder called {slug!r}.", hint=hint)
    problems = verify_manifest(folder / "MANIFEST.sha256")
    problems += [f"{name} is missing" for name in PLACE_FILES
                 if not (folder / name).is_file() and f"{name} is missing" not in problems]
    if problems:
        raise _damaged(slug, problems)
    read_meta(folder)
    return folder


def _stamp(folder: Path) -> int:
    manifest = folder / "MANIFEST.sha256"
    return manifest.stat().st_mtime_ns if manifest.exists() else 0


def load_place(slug: str | None = None) -> PlaceData:
    """Read a place folder (default: :func:`civicdata.core.settings.current_place`), checking its manifest.

    Example:
        >>> load_place("allegheny-pa").has_moe
        False
    """
    slug = slug or settings.current_place()
    folder = check_place(slug)
    return _read_place(str(folder), _stamp(folder))


@lru_cache(maxsize=8)
def _read_place(folder_text: str, stamp: int) -> PlaceData:  # stamp: re-read after a new prefetch
    folder = Path(folder_text)
    meta = read_meta(folder)
    try:
        tracts = pd.read_csv(folder / "tracts.csv", dtype=_TEXT)
        summary = pd.read_csv(folder / "summary.csv", dtype=_TEXT)
        variables = pd.read_csv(folder / "variables.csv", dtype=str, keep_default_na=False)
        libraries_file = folder / "libraries.csv"
        libraries = (pd.read_csv(libraries_file, dtype=str, keep_default_na=False)
                     if libraries_file.exists() else pd.DataFrame())
    except (OSError, UnicodeDecodeError, ValueError) as err:  # pandas' parser errors are ValueErrors
        raise _damaged(folder.name, [f"a table cannot be read ({type(err).__name__})"]) from None
    missing = [c for c in ("GEOID", "NAME") if c not in tracts.columns]
    missing += [f"variables.csv's {c}" for c in ("name",) if c not in variables.columns]
    if missing:
        raise _damaged(folder.name, [f"tracts.csv has no column {', '.join(missing)}"])
    return PlaceData(folder.name, folder, meta, tracts, summary, variables, libraries)


def load_boundaries(slug: str | None = None) -> gpd.GeoDataFrame:
    """Tract boundaries of a place (EPSG:4326): GEOID, NAME (+ legacy_geoid for Connecticut), geometry.

    Read without GDAL (:func:`civicdata.data.place_files.read_geojson`): the same table as
    ``geopandas.read_file``, for less memory.
    """
    from civicdata.data.place_files import read_geojson

    folder = check_place(slug or settings.current_place())
    try:
        frame = read_geojson(folder / "tracts.geojson")
    except Exception:  # noqa: BLE001 - json, shapely or pyogrio raise several kinds of error for a damaged file
        raise _damaged(folder.name, ["tracts.geojson cannot be read"]) from None
    frame["GEOID"] = frame["GEOID"].astype(str)
    return frame.sort_values("GEOID", kind="stable", ignore_index=True)
