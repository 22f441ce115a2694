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
from civicdata.maps import choropleth_map
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
from civicdata.offline import save_map
from civicdata.posters import make_posters
from civicdata.static_maps import static_map
from civicdata.variables import search_variables

__version__ = "0.1.0"

__all__ = ["config", "errors", "doctor", "CivicDataError", "__version__"]
__all__ += ["moe_sum", "moe_prop", "moe_ratio", "moe_product", "z_score", "significance", "se_from_moe",
            "cv", "confidence_interval", "rescale_moe", "reliability"]

__all__ += ["get_acs", "find_place", "search_variables", "read_census_download"]
__all__ += ["choropleth_map", "save_map", "static_map", "make_posters"]

errors.install_notebook_handler()
