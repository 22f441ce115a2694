"""Where things live: the bundled data, the cache, the API key and the current place.

Nothing here touches the network. Every path can be moved with an environment variable, so a
library lab image or a test can point the workbook somewhere else.

Example:
    >>> from civicdata.core import settings
    >>> settings.data_dir().name
    'data'
"""

from __future__ import annotations

import codecs
import math
import os
import re
from pathlib import Path

from civicdata.core.errors import SettingsError

#: The place every notebook uses unless told otherwise: Greater Hartford, Connecticut.
DEFAULT_PLACE = "ct-capitol-region"

#: The repository this package was installed from (an editable install keeps it in place).
REPO_ROOT = Path(__file__).resolve().parents[2]

KEY_FILE_NAME = "census_api_key"
PLACE_FILE_NAME = "place"
KEY_SIGNUP_URL = "https://api.census.gov/data/key_signup.html"

#: The longest a learner waits for any one network exchange (seconds), however slowly a server answers.
NETWORK_DEADLINE_SECONDS = 30.0
#: The environment variable that changes it (tests use a short one).
DEADLINE_VARIABLE = "CIVICDATA_NETWORK_DEADLINE"

# A key file line: the key alone, or a shell line such as `export CENSUS_API_KEY="..."`.
_ASSIGNMENT = re.compile(r"^(?:export\s+)?CENSUS_API_KEY\s*=\s*(.*)$")
# What a Census API key looks like: 40 hexadecimal characters (we accept any letters and digits).
_KEY_SHAPE = re.compile(r"^[A-Za-z0-9_-]{8,128}$")


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


def display_path(path: str | Path) -> str:
    """A path as it may be shown or printed: the home folder written as ``~``, so no user name appears.

    Example:
        >>> display_path(Path.home() / ".config" / "civicdata" / "census_api_key")
        '~/.config/civicdata/census_api_key'
    """
    path = Path(path)
    try:
        return "~/" + path.expanduser().absolute().relative_to(Path.home().absolute()).as_posix()
    except ValueError:
        return path.as_posix()


def _decode_key_file(raw: bytes) -> str:
    """The text of a key file saved by any editor: UTF-8 (with or without a byte-order mark) or UTF-16."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    if len(raw) >= 2 and b"\x00" in raw:  # UTF-16 without a byte-order mark: every other byte is zero
        return raw.decode("utf-16-le" if raw[1:2] == b"\x00" else "utf-16-be")
    return raw.decode("utf-8")


def _key_from_text(text: str) -> str | None:
    """The key in a key file's text: the first line that is not empty or a comment (``# ...``).

    The line may be the key alone or a shell line: ``CENSUS_API_KEY=...`` or ``export CENSUS_API_KEY="..."``.
    Returns None for an empty file; raises ValueError when the line does not look like a key.
    """
    for line in text.replace("\r", "\n").split("\n"):
        line = line.strip().lstrip("\ufeff").strip()
        if not line or line.startswith("#"):
            continue
        match = _ASSIGNMENT.match(line)
        value = (match.group(1) if match else line).strip().strip("'\"").strip()
        if not _KEY_SHAPE.match(value):
            raise ValueError("not shaped like a key")
        return value
    return None


def read_key_file(path: Path) -> str | None:
    """The key saved in ``path``; None when there is no such file; SettingsError when it cannot be used.

    Reads files saved as UTF-8, UTF-8 with a byte-order mark (Windows Notepad) and UTF-16, holding the key
    alone or a line ``export CENSUS_API_KEY=...``. Never puts the file's content into a message.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "key"
        >>> _ = path.write_bytes("export CENSUS_API_KEY='0123456789abcdef'\\n".encode("utf-16"))
        >>> read_key_file(path)
        '0123456789abcdef'
    """
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        reason = "it is a folder" if path.is_dir() else (err.strerror or type(err).__name__).lower()
        raise SettingsError(
            f"The Census API key file {shown} cannot be read ({reason}).",
            hint=f"Make it a plain text file you can read (e.g. `chmod 600 {shown}`), or delete it to work with "
            "the bundled data; the key can also go into the CENSUS_API_KEY environment variable.",
        ) from None
    try:
        key = _key_from_text(_decode_key_file(raw))
    except (UnicodeDecodeError, ValueError):
        raise SettingsError(
            f"The Census API key file {shown} does not hold a key in a form we can read.",
            hint="Save the key alone on the first line, as plain text (40 letters and digits, no spaces or "
            f"quotes), or delete the file to work with the bundled data. A key is free at {KEY_SIGNUP_URL}.",
        ) from None
    return key


def get_api_key() -> str | None:
    """Return the Census API key from ``$CENSUS_API_KEY`` or the key file, or ``None``.

    The key is never printed, logged or written anywhere by this package. A key file that exists but
    cannot be read, or holds something that is not a key, raises :class:`SettingsError` (saying what to
    do) rather than being taken for "no key".

    Example:
        >>> import os
        >>> os.environ["CENSUS_API_KEY"] = "not-a-real-key"
        >>> get_api_key()
        'not-a-real-key'
        >>> del os.environ["CENSUS_API_KEY"]
    """
    key = os.environ.get("CENSUS_API_KEY", "").strip().strip("'\"").strip()
    if key:
        return key
    return read_key_file(key_file())


def api_key_source() -> str | None:
    """Say where the key comes from ("the CENSUS_API_KEY variable" or the key file), never the key.

    The key file is shown with ``~`` for the home folder, so no user name appears in an output.
    """
    if os.environ.get("CENSUS_API_KEY", "").strip():
        return "the CENSUS_API_KEY environment variable"
    if get_api_key():
        return f"the key file {display_path(key_file())}"
    return None


def network_deadline() -> float:
    """Seconds any one network exchange may take in all, however slowly the server sends (default 30).

    ``$CIVICDATA_NETWORK_DEADLINE`` changes it (a positive number of seconds).

    Example:
        >>> network_deadline()
        30.0
    """
    text = os.environ.get(DEADLINE_VARIABLE, "").strip()
    if not text:
        return NETWORK_DEADLINE_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise SettingsError(
            f"{DEADLINE_VARIABLE} must be a number of seconds above 0, not {text!r}.",
            hint=f"Unset it to use the default ({NETWORK_DEADLINE_SECONDS:.0f} s), or set e.g. {DEADLINE_VARIABLE}=60.",
        )
    return value


def current_place() -> str:
    """The place the notebooks use: ``$CIVICDATA_PLACE``, else the setting file, else Greater Hartford.

    A facilitator switches every notebook to a prefetched county with
    ``civicdata use-place SLUG`` (which writes the setting file) or by setting ``CIVICDATA_PLACE``.
    """
    place = os.environ.get("CIVICDATA_PLACE", "").strip()
    if place:
        return place
    setting = config_dir() / PLACE_FILE_NAME
    try:
        place = setting.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        place = ""
    except (OSError, UnicodeDecodeError) as err:
        raise SettingsError(
            f"The place setting {display_path(setting)} cannot be read ({type(err).__name__}).",
            hint="Run `civicdata use-place --default` (or `civicdata use-place SLUG`) to write it again, or "
            "delete the file.",
        ) from None
    return place or DEFAULT_PLACE


def offline_forced() -> bool:
    """True when ``CIVICDATA_OFFLINE`` is set (to anything but "" or "0"): never touch the network.

    The tests and ``make notebooks`` set it, so stored outputs never depend on a network.
    """
    return os.environ.get("CIVICDATA_OFFLINE", "").strip() not in ("", "0")
