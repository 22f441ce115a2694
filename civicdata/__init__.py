"""civicdata: the small helper package behind the civic data workbook.

It hides plumbing only: the offline fallback to bundled data, caching of live Census answers,
margin-of-error arithmetic the notebooks have already written out, and map styling.

    >>> import civicdata
    >>> civicdata.config.DEFAULT_PLACE
    'ct-capitol-region'
"""

from civicdata import config, errors
from civicdata.doctor import doctor
from civicdata.errors import CivicDataError

__version__ = "0.1.0"

__all__ = ["config", "errors", "doctor", "CivicDataError", "__version__"]

errors.install_notebook_handler()
