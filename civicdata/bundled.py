"""Read the data shipped in ``data/`` (and places a facilitator prefetched): no network, ever.

Every place folder (``data/places/<slug>/``) has the same files: ``place.json``, ``tracts.csv``,
``summary.csv``, ``variables.csv``, ``tracts.geojson``, ``libraries.csv`` and ``MANIFEST.sha256``.
:func:`load_place` checks the manifest first, so a damaged or edited file is reported instead of
silently giving wrong numbers.

Example:
    >>> place = load_place("ct-capitol-region")
    >>> len(place.tracts), place.meta["vintage"]
    (249, '2019-2023')
    >>> sorted(list_places()["slug"])[:2]
    ['allegheny-pa', 'ct-capitol-region']
"""

from __future__ import annotations

import copy
import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from civicdata import config
from civicdata.checksums import verify_manifest
from civicdata.errors import DataIntegrityError, PlaceNotFoundError

if TYPE_CHECKING:  # geopandas is imported only when boundaries or points are asked for
    import geopandas as gpd

PLACE_FILES = ("place.json", "tracts.csv", "summary.csv", "variables.csv", "tracts.geojson", "libraries.csv")
S2801_PERIODS = {"2013-2017": 2017, "2018-2022": 2022}
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
    return config.places_dir() / slug


def list_places() -> pd.DataFrame:
    """The bundled and prefetched places: slug, name, state/county codes, year, vintage, has_moe.

    Example:
        >>> list_places().columns.tolist()[:3]
        ['slug', 'name', 'state_abbr']
    """
    rows = []
    root = config.places_dir()
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
    """Read a place folder (default: :func:`civicdata.config.current_place`), checking its manifest.

    Example:
        >>> load_place("allegheny-pa").has_moe
        False
    """
    slug = slug or config.current_place()
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

    folder = check_place(slug or config.current_place())
    frame = gpd.read_file(folder / "tracts.geojson")
    frame["GEOID"] = frame["GEOID"].astype(str)
    return frame.sort_values("GEOID", ignore_index=True)


def load_libraries(states: list[str] | str | None = None, slug: str | None = None) -> gpd.GeoDataFrame:
    """Public library outlets (IMLS FY2019) as points: bundled CT, NY, PA, or one place's outlets.

    ``states`` filters by postal abbreviation. ``slug`` reads a place's ``libraries.csv`` instead.

    Example:
        >>> load_libraries("CT").shape[0]
        248
    """
    import geopandas as gpd

    if slug is not None:
        frame = load_place(slug).libraries.copy()
    else:
        path = config.data_dir() / "libraries" / "pls_fy2019_outlets_ct_ny_pa.csv"
        _require(path)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if states is not None:
        wanted = [states] if isinstance(states, str) else list(states)
        wanted = [s.strip().upper() for s in wanted]
        missing = sorted(set(wanted) - set(frame["state_abbr"]))
        if missing and slug is None:
            raise PlaceNotFoundError(
                f"The bundled library list has no outlets for {', '.join(missing)}.",
                hint="It holds Connecticut, New York and Pennsylvania; a prefetched place has its own list "
                "(load_libraries(slug=...)).",
            )
        frame = frame[frame["state_abbr"].isin(wanted)]
    for column in ("latitude", "longitude"):
        frame[column] = pd.to_numeric(frame[column])
    for column in ("square_feet", "hours", "weeks_open"):
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column].replace("", None)).astype("Float64")
    points = gpd.points_from_xy(frame["longitude"], frame["latitude"])
    return gpd.GeoDataFrame(frame.reset_index(drop=True), geometry=points, crs="EPSG:4326")


def _require(path: Path) -> None:
    if not path.exists():
        raise DataIntegrityError(
            f"The bundled file {path.name} is missing.",
            hint="Restore the data folder (`git checkout -- data`) or rebuild it with data/build_data.py.",
        )


def s2801_path(period: str | int = "2018-2022") -> Path:
    """The S2801 export of every county for a period ("2013-2017" or "2018-2022"; 2017 and 2022 work too)."""
    text = str(period).strip()
    year = S2801_PERIODS.get(text) or (int(text) if text in ("2017", "2022") else None)
    if year is None:
        raise PlaceNotFoundError(
            f"There is no bundled S2801 table for {period!r}.",
            hint="Use '2013-2017' or '2018-2022' (two 5-year periods that do not overlap).",
        )
    path = config.data_dir() / "digital-equity" / f"ACSST5Y{year}.S2801-Data.csv"
    _require(path)
    return path


def load_s2801(period: str | int = "2018-2022") -> pd.DataFrame:
    """S2801 (computers and internet) for every US county: GEOID (5 digits), NAME, numeric columns.

    Symbols become missing values (see :mod:`civicdata.cleaning`); ``.attrs["labels"]`` has the label
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
    from civicdata.downloads import read_census_download

    frame = read_census_download(path)
    year = int(Path(path).name[7:11])
    attrs = {**frame.attrs, "source": "bundled", "table": "S2801", "year": year, "vintage": f"{year - 4}-{year}"}
    frame.attrs = {}
    return frame, attrs


def s2801_variables(period: str | int = "2018-2022") -> pd.DataFrame:
    """Labels of the S2801 estimate columns: name (without E), label, concept."""
    path = s2801_path(period)
    meta = pd.read_csv(path.with_name(path.name.replace("-Data.csv", "-Column-Metadata.csv")), dtype=str)
    meta = meta[meta["Column Name"].str.match(r"^S2801_C\d+_\d+E$")]
    return pd.DataFrame({
        "name": meta["Column Name"].str[:-1],
        "label": meta["Label"].str.replace(r"^Estimate!!", "", regex=True).str.replace(
            r":(?=!!|$)", "", regex=True),
        "concept": "Types of Computers and Internet Subscriptions (S2801)",
    }).reset_index(drop=True)


def load_state_data_centers() -> pd.DataFrame:
    """The State Data Centers we could verify, with the page that says so (4 entries, not all states).

    The full, current list is the Census Bureau's member network page:
    https://www.census.gov/about/partners/sdc/member-network.html
    """
    path = config.data_dir() / "reference" / "state_data_centers_verified.csv"
    _require(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False)
