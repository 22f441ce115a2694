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
_TEXT = {"GEOID": str, "NAME": str, "geography": str}


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


def check_place(slug: str) -> Path:
    """The folder of a place, after checking that it exists and matches its manifest."""
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
    if problems:
        shown = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
        raise DataIntegrityError(
            f"The data of place {slug!r} is damaged or was edited: {shown}.",
            hint="Restore the data folder (`git checkout -- data`, or download the workbook again); for a "
            "prefetched place, run `civicdata prefetch` again.",
        )
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
    meta = json.loads((folder / "place.json").read_text(encoding="utf-8"))
    tracts = pd.read_csv(folder / "tracts.csv", dtype=_TEXT)
    summary = pd.read_csv(folder / "summary.csv", dtype=_TEXT)
    variables = pd.read_csv(folder / "variables.csv", dtype=str, keep_default_na=False)
    libraries_file = folder / "libraries.csv"
    libraries = (pd.read_csv(libraries_file, dtype=str, keep_default_na=False)
                 if libraries_file.exists() else pd.DataFrame())
    return PlaceData(folder.name, folder, meta, tracts, summary, variables, libraries)


def load_boundaries(slug: str | None = None) -> gpd.GeoDataFrame:
    """Tract boundaries of a place (EPSG:4326): GEOID, NAME (+ legacy_geoid for Connecticut), geometry."""
    import geopandas as gpd

    folder = check_place(slug or settings.current_place())
    frame = gpd.read_file(folder / "tracts.geojson")
    frame["GEOID"] = frame["GEOID"].astype(str)
    return frame.sort_values("GEOID", ignore_index=True)
