"""Public library outlets (IMLS Public Libraries Survey FY2019) as map points: bundled CT, NY and PA, or a place's own.

Example:
    >>> load_libraries("CT").shape[0]
    248
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from civicdata.core import settings
from civicdata.core.errors import PlaceNotFoundError
from civicdata.data.checksums import require_bundled_file
from civicdata.data.places import load_place

if TYPE_CHECKING:  # geopandas is imported only when points are asked for
    import geopandas as gpd


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
        path = settings.data_dir() / "libraries" / "pls_fy2019_outlets_ct_ny_pa.csv"
        require_bundled_file(path)
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

