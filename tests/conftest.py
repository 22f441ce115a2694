"""Fixtures shared by several test files. (The workbook environment itself is set up in
tests/workbook_plugin.py, which pyproject.toml loads for every run, notebooks included.)"""

from __future__ import annotations

import pytest

from civicdata.core.settings import DEFAULT_PLACE
from civicdata.data.places import load_boundaries, load_place


@pytest.fixture(scope="module")
def income_tracts():
    """The default place's tract boundaries with median household income and its MOE (B19013)."""
    place = load_place(DEFAULT_PLACE)
    gdf = load_boundaries(DEFAULT_PLACE).merge(
        place.tracts[["GEOID", "B19013_001E", "B19013_001M"]], on="GEOID")
    gdf.attrs["vintage"] = place.meta["vintage"]
    return gdf
