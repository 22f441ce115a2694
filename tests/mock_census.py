"""A stand-in for the Census Data API, answering from bundled real data (tests and the request benchmark).

There is no network where the workbook is tested, so the live code is exercised against mocked HTTP
with the ``responses`` package. The mock answers the same URLs the ``census`` package builds
(``/data/{year}/acs/acs5?get=...&for=...&in=...``, ``.../variables/FIELD.json``, ``.../variables.json``,
``.../groups/TABLE.json``) in the API's shape (a header row, then rows of strings), with values taken
from a bundled place folder: real ACS numbers, never made-up ones. Missing values in the bundled files
are sent as JSON ``null``.

Example:
    >>> import requests, responses
    >>> place = load_place("ct-capitol-region")
    >>> with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
    ...     register(mock, place)
    ...     answer = requests.get(
    ...         "https://api.census.gov/data/2023/acs/acs5",
    ...         params={"get": "NAME,B19013_001E", "for": "us:1", "key": "k"},
    ...     ).json()
    >>> answer[0], answer[1][0]
    (['NAME', 'B19013_001E', 'us'], 'United States')
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd

from civicdata.core import settings

API = "https://api.census.gov/data"


@dataclass
class PlaceData:
    """The real values a mock API serves: one place's tracts plus its county, state and US rows."""

    slug: str
    state_fips: str
    county_fips: str
    year: int
    tracts: pd.DataFrame
    summary: pd.DataFrame
    variables: pd.DataFrame
    state_name: str = ""
    county_name: str = ""
    extra: dict = field(default_factory=dict)
    _labels: dict | None = field(default=None, repr=False)
    _text: dict = field(default_factory=dict, repr=False)

    @property
    def codes(self) -> list[str]:
        """Every API variable name (``..._001E``, ``..._001M``) the place has values for."""
        return [c for c in self.tracts.columns if c not in ("GEOID", "NAME")]


def load_place(slug: str = settings.DEFAULT_PLACE, folder: Path | None = None) -> PlaceData:
    """Read a place folder (``data/places/<slug>/``) into a :class:`PlaceData`."""
    folder = Path(folder) if folder is not None else settings.places_dir() / slug
    meta = json.loads((folder / "place.json").read_text(encoding="utf-8"))
    tracts = pd.read_csv(folder / "tracts.csv", dtype={"GEOID": str, "NAME": str})
    summary_path = folder / "summary.csv"
    summary = (
        pd.read_csv(summary_path, dtype={"GEOID": str, "NAME": str, "geography": str})
        if summary_path.exists()
        else pd.DataFrame(columns=["GEOID", "NAME", "geography"])
    )
    variables = pd.read_csv(folder / "variables.csv", dtype=str)
    return PlaceData(
        slug=meta["slug"],
        state_fips=str(meta["state_fips"]).zfill(2),
        county_fips=str(meta["county_fips"]).zfill(3),
        year=int(meta["year"]),
        tracts=tracts,
        summary=summary,
        variables=variables,
        state_name=meta.get("state_name", ""),
        county_name=meta.get("county_name", ""),
        extra=meta,
    )


def default_place_data() -> PlaceData:
    """The bundled default place (Greater Hartford, ACS 2019-2023)."""
    return load_place(settings.DEFAULT_PLACE)


def tract_codes(place: PlaceData, n: int) -> list[str]:
    """The first ``n`` API variable names of a place (estimates and MOEs in file order)."""
    codes = place.codes
    if n > len(codes):
        raise ValueError(f"{place.slug} has only {len(codes)} variables")
    return codes[:n]


def as_api_text(value) -> str | None:
    """A value as the API writes it: integers without '.0', missing as null."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _label_for(place: PlaceData, code: str) -> dict:
    """A ``variables/FIELD.json``-style entry for one API name, from the place's variables.csv."""
    base, suffix = code[:-1], code[-1]
    if place._labels is None:
        frame = place.variables.fillna("")
        concepts = frame["concept"] if "concept" in frame else [""] * len(frame)
        place._labels = dict(zip(frame["name"], zip(frame["label"], concepts, strict=True), strict=True))
    label, concept = place._labels.get(base, ("", ""))
    prefix = "Estimate!!" if suffix == "E" else "Margin of Error!!"
    return {
        "name": code,
        "label": prefix + str(label),
        "concept": str(concept),
        "predicateType": "int",
        "group": base.split("_")[0],
        "limit": 0,
    }


def _rows_for(place: PlaceData, geo_for: str, geo_in: str) -> tuple[list[int], list[str], list[list[str]]]:
    """Row positions (in tracts or summary) and geography columns/values for a ``for``/``in`` pair.

    An unknown geography gives no columns and the API's error line as the only value.
    """
    level, _, wanted = geo_for.partition(":")
    parents = dict(part.split(":", 1) for part in geo_in.split() if ":" in part)
    levels = place.summary["geography"].tolist()
    if level in ("us", "state", "county"):
        positions = [i for i, value in enumerate(levels) if value == level]
        if level == "state" and wanted not in ("*", place.state_fips):
            positions = []
        if level == "county" and (parents.get("state") != place.state_fips or wanted not in ("*", place.county_fips)):
            positions = []
        columns = {"us": ["us"], "state": ["state"], "county": ["state", "county"]}[level]
        values = {"us": ["1"], "state": [place.state_fips], "county": [place.state_fips, place.county_fips]}[level]
        return positions, columns, [values] * len(positions)
    if level == "tract":
        geoids = place.tracts["GEOID"].tolist()
        if parents.get("state") != place.state_fips or parents.get("county") != place.county_fips:
            geoids = []
        return list(range(len(geoids))), ["state", "county", "tract"], [[g[:2], g[2:5], g[5:]] for g in geoids]
    return [], [], [["error: unknown/unsupported geography hierarchy"]]


def _text_columns(place: PlaceData, level: str) -> dict[str, list]:
    """Every column of the tract or summary rows as API text, computed once per place."""
    cache = place._text
    if level not in cache:
        frame = place.tracts if level == "tract" else place.summary
        cache[level] = {name: [as_api_text(v) for v in frame[name].tolist()] for name in frame.columns}
    return cache[level]


def data_callback(place: PlaceData):
    """A ``responses`` callback answering ``/data/{year}/acs/acs5?get=...`` like the API does."""

    def callback(request):
        query = parse_qs(urlsplit(request.url).query)
        fields = query.get("get", [""])[0].split(",")
        unknown = [f for f in fields if f not in ("NAME", "GEO_ID") and f not in place.tracts.columns]
        if unknown:
            return 400, {"Content-Type": "text/plain"}, f"error: unknown variable '{unknown[0]}'"
        positions, geo_columns, geo_values = _rows_for(place, query.get("for", [""])[0], query.get("in", [""])[0])
        if not geo_columns:
            return 400, {"Content-Type": "text/plain"}, geo_values[0][0]
        if not positions:
            return 204, {}, ""
        level = "tract" if geo_columns[-1] == "tract" else "summary"
        columns = _text_columns(place, level)
        body = [[*fields, *geo_columns]]
        for position, geo in zip(positions, geo_values, strict=True):
            values = [
                _geo_id(geo_columns[-1], "".join(geo))
                if name == "GEO_ID"
                else (columns[name][position] if name in columns else None)
                for name in fields
            ]
            body.append([*values, *geo])
        # The API writes one row per line; keep that shape.
        text = "[" + ",\n".join(json.dumps(line) for line in body) + "]"
        return 200, {"Content-Type": "application/json;charset=utf-8"}, text

    return callback


def _geo_id(level: str, geoid: str) -> str:
    prefix = {"us": "0100000US", "state": "0400000US", "county": "0500000US", "tract": "1400000US"}[level]
    return prefix + ("" if level == "us" else geoid)


def field_callback(place: PlaceData):
    """Answers ``.../variables/FIELD.json``: a label and type for known codes, 404 otherwise."""

    def callback(request):
        name = urlsplit(request.url).path.rsplit("/", 1)[-1].removesuffix(".json")
        if name == "NAME":
            entry = {"name": "NAME", "label": "Geographic Area Name", "predicateType": "string", "group": "N/A"}
            return 200, {"Content-Type": "application/json"}, json.dumps(entry)
        if name in place.tracts.columns:
            return 200, {"Content-Type": "application/json"}, json.dumps(_label_for(place, name))
        return 404, {"Content-Type": "text/html"}, "<html><body>Not Found</body></html>"

    return callback


def variables_payload(place: PlaceData, table: str | None = None) -> dict:
    """A ``variables.json`` (or ``groups/TABLE.json`` when ``table`` is given) answer for the place."""
    variables = {}
    if table is None:
        variables["for"] = {"label": "Census API FIPS 'for' clause", "concept": "Census API Geography Specification"}
        variables["in"] = {"label": "Census API FIPS 'in' clause", "concept": "Census API Geography Specification"}
        variables["NAME"] = {"label": "Geographic Area Name", "predicateType": "string", "group": "N/A"}
    for code in place.codes:
        entry = _label_for(place, code)
        if table is None or entry["group"] == table:
            variables[code] = {k: v for k, v in entry.items() if k != "name"}
    return {"variables": variables}


def groups_callback(place: PlaceData, tables: list[str]):
    """Answers ``.../groups/TABLE.json`` for the place's tables, 404 (as the API does) for others."""

    def callback(request):
        table = urlsplit(request.url).path.rsplit("/", 1)[-1].removesuffix(".json")
        if table in tables:
            return 200, {"Content-Type": "application/json"}, json.dumps(variables_payload(place, table))
        return 404, {"Content-Type": "text/html"}, "<html><body>Not Found</body></html>"

    return callback


def register(mock, place: PlaceData, year: int | None = None, datasets=("acs5",)) -> None:
    """Register the API endpoints for ``place`` on a ``responses.RequestsMock`` (or the ``responses`` module)."""
    year = year or place.year
    tables = sorted({c.split("_")[0] for c in place.codes})
    # Patterns do not overlap: responses rotates between several matches of one request.
    for dataset in datasets:
        base = f"{API}/{year}/acs/{dataset}"
        mock.add_callback("GET", re.compile(re.escape(base) + r"(\?.*)?$"), callback=data_callback(place))
        mock.add_callback(
            "GET", re.compile(re.escape(base) + r"/variables/[^/]+\.json(\?.*)?$"), callback=field_callback(place)
        )
        mock.add(
            "GET",
            re.compile(re.escape(base) + r"/variables\.json(\?.*)?$"),
            json=variables_payload(place),
        )
        mock.add_callback(
            "GET",
            re.compile(re.escape(f"{base}/groups/") + r"[^/]+\.json(\?.*)?$"),
            callback=groups_callback(place, tables),
        )


def boundary_zip(place_folder: Path, year: int) -> bytes:
    """A cartographic-boundary-style zip (``cb_{year}_{state}_tract_500k``) of a place's bundled tract shapes.

    The shapes are the real ones in the place's ``tracts.geojson`` (rounded to 5 decimals), written as a
    shapefile in NAD83 with the cb files' columns (STATEFP, COUNTYFP, TRACTCE, GEOID, NAME, NAMELSAD).
    """
    import io
    import tempfile
    import zipfile

    import geopandas as gpd

    shapes = gpd.read_file(Path(place_folder) / "tracts.geojson")
    geoid = shapes["GEOID"].astype(str)
    short = shapes["NAME"].astype(str).str.split(";").str[0]
    frame = gpd.GeoDataFrame(
        {
            "STATEFP": geoid.str[:2],
            "COUNTYFP": geoid.str[2:5],
            "TRACTCE": geoid.str[5:],
            "GEOID": geoid,
            "NAME": short.str.removeprefix("Census Tract "),
            "NAMELSAD": short,
        },
        geometry=shapes.geometry,
        crs=shapes.crs,
    ).to_crs("EPSG:4269")
    stem = f"cb_{year}_{geoid.iloc[0][:2]}_tract_500k"
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        frame.to_file(Path(tmp) / f"{stem}.shp")
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(Path(tmp).glob(f"{stem}.*")):
                archive.write(part, part.name)
    return buffer.getvalue()


def register_boundaries(mock, place_folder: Path, year: int) -> str:
    """Serve :func:`boundary_zip` at the real cb file address on a ``responses`` mock; return the URL."""
    from civicdata.data.boundaries import boundary_url

    body = boundary_zip(place_folder, year)
    state = json.loads((Path(place_folder) / "place.json").read_text(encoding="utf-8"))["state_fips"]
    url = boundary_url(str(state).zfill(2), year)
    mock.add("GET", url, body=body, content_type="application/zip")
    return url
