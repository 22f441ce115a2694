"""civicdata: the small helper package behind the civic data workbook.

It hides plumbing only: the offline fallback to bundled data, caching of live Census answers,
margin-of-error arithmetic the notebooks have already written out, and map styling.

    >>> import civicdata
    >>> civicdata.config.DEFAULT_PLACE
    'ct-capitol-region'
"""

from civicdata import config, errors
from civicdata.acs import get_acs
from civicdata.doctor import doctor
from civicdata.downloads import read_census_download
from civicdata.errors import CivicDataError
from civicdata.geography import find_place
from civicdata.moe import (
    confidence_interval,
    cv,
    moe_product,
    moe_prop,
    moe_ratio,
    moe_sum,
    reliability,
    rescale_moe,
    se_from_moe,
    significance,
    z_score,
)
from civicdata.variables import search_variables

__version__ = "0.1.0"

__all__ = ["config", "errors", "doctor", "CivicDataError", "__version__"]
__all__ += ["moe_sum", "moe_prop", "moe_ratio", "moe_product", "z_score", "significance", "se_from_moe",
            "cv", "confidence_interval", "rescale_moe", "reliability"]

__all__ += ["get_acs", "find_place", "search_variables", "read_census_download"]
__all__ += ["choropleth_map", "save_map", "static_map", "make_posters"]

# The map helpers import folium and matplotlib, which take seconds to load. They are imported the
# first time a notebook uses one, so that lessons without maps start quickly.
_MAP_HELPERS = {
    "choropleth_map": "civicdata.maps",
    "save_map": "civicdata.offline",
    "static_map": "civicdata.static_maps",
    "make_posters": "civicdata.posters",
}


def __getattr__(name: str):
    if name in _MAP_HELPERS:
        import importlib

        return getattr(importlib.import_module(_MAP_HELPERS[name]), name)
    raise AttributeError(f"module 'civicdata' has no attribute {name!r}")


errors.install_notebook_handler()
