"""Where things live: the bundled data, the cache, the API key and the current place.

Nothing here touches the network. Every path can be moved with an environment variable, so a
library lab image or a test can point the workbook somewhere else.

Example:
    >>> from civicdata.core import settings
    >>> settings.data_dir().name
    'data'
"""

from __future__ import annotations

import os
from pathlib import Path

#: The place every notebook uses unless told otherwise: Greater Hartford, Connecticut.
DEFAULT_PLACE = "ct-capitol-region"

#: The repository this package was installed from (an editable install keeps it in place).
REPO_ROOT = Path(__file__).resolve().parents[2]

KEY_FILE_NAME = "census_api_key"
PLACE_FILE_NAME = "place"


def data_dir() -> Path:
    """The folder of bundled data (``data/`` in the repository, or ``$CIVICDATA_DATA_DIR``)."""
    return Path(os.environ.get("CIVICDATA_DATA_DIR", REPO_ROOT / "data"))


def places_dir() -> Path:
    """The folder holding one sub-folder per place (bundled or prefetched)."""
    return data_dir() / "places"


def config_dir() -> Path:
    """Per-user settings, outside the repository: ``$XDG_CONFIG_HOME/civicdata`` (``~/.config/civicdata``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "civicdata"


def cache_dir() -> Path:
    """Per-user cache of live API answers, outside the repository: ``$XDG_CACHE_HOME/civicdata``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "civicdata"


def key_file() -> Path:
    """The file a Census API key may be stored in (outside the repository, never committed)."""
    return Path(os.environ.get("CIVICDATA_KEY_FILE", config_dir() / KEY_FILE_NAME))


def get_api_key() -> str | None:
    """Return the Census API key from ``$CENSUS_API_KEY`` or the key file, or ``None``.

    The key is never printed, logged or written anywhere by this package.

    Example:
        >>> import os
        >>> os.environ["CENSUS_API_KEY"] = "not-a-real-key"
        >>> get_api_key()
        'not-a-real-key'
        >>> del os.environ["CENSUS_API_KEY"]
    """
    key = os.environ.get("CENSUS_API_KEY", "").strip()
    if key:
        return key
    path = key_file()
    try:
        key = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return key or None


def api_key_source() -> str | None:
    """Say where the key comes from ("the CENSUS_API_KEY variable" or the key file), never the key."""
    if os.environ.get("CENSUS_API_KEY", "").strip():
        return "the CENSUS_API_KEY environment variable"
    if get_api_key():
        return f"the key file {key_file()}"
    return None


def current_place() -> str:
    """The place the notebooks use: ``$CIVICDATA_PLACE``, else the setting file, else Greater Hartford.

    A facilitator switches every notebook to a prefetched county with
    ``civicdata use-place SLUG`` (which writes the setting file) or by setting ``CIVICDATA_PLACE``.
    """
    place = os.environ.get("CIVICDATA_PLACE", "").strip()
    if place:
        return place
    try:
        place = (config_dir() / PLACE_FILE_NAME).read_text(encoding="utf-8").strip()
    except OSError:
        place = ""
    return place or DEFAULT_PLACE


def offline_forced() -> bool:
    """True when ``CIVICDATA_OFFLINE`` is set (to anything but "" or "0"): never touch the network.

    The tests and ``make notebooks`` set it, so stored outputs never depend on a network.
    """
    return os.environ.get("CIVICDATA_OFFLINE", "").strip() not in ("", "0")
