"""Switching places: ``civicdata use-place SLUG`` makes every notebook use a bundled or prefetched place.

The choice is a one-line setting file outside the repository (``~/.config/civicdata/place``);
``CIVICDATA_PLACE``, when set, still wins (see :func:`civicdata.core.settings.current_place`).

Example:
    >>> place_setting_file().name
    'place'
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from civicdata.core import settings
from civicdata.core.errors import OutputPathError, SettingsError
from civicdata.core.files import write_file
from civicdata.data.places import check_place, list_places, load_place, place_folder, read_meta

#: Tables the lessons (00 to 10) read from the current place; a place without them only suits
#: lesson 11 and the posters.
LESSON_TABLES: tuple[str, ...] = ("B01003", "B25003", "B08201", "B19013", "C17002", "B25106", "B05001")


def place_setting_file() -> Path:
    """The file ``civicdata use-place`` writes (``~/.config/civicdata/place``)."""
    return settings.config_dir() / settings.PLACE_FILE_NAME


def use_place(slug: str | None, *, echo: Callable[[str], None] = print) -> str:
    """Make ``slug`` the place every notebook uses (``None``: back to the default place). Returns the slug.

    The whole place is checked before the setting is saved: its folder exists, every file matches its
    manifest, ``place.json`` has every key the workbook reads, and its tables can be read. A place that
    fails any check is refused (the setting stays as it was). ``CIVICDATA_PLACE``, when set, still wins;
    the message says so.
    """
    setting = place_setting_file()
    chosen = settings.DEFAULT_PLACE if slug is None else slug
    if slug is not None:  # going back to the default only removes the setting
        check_place(slug)  # exists, manifest, files present, place.json complete
        load_place(slug)  # and its tables can be read
    try:
        if slug is None:
            setting.unlink(missing_ok=True)
        else:
            setting.parent.mkdir(parents=True, exist_ok=True)
            write_file(slug + "\n", setting)
    except (OSError, OutputPathError) as err:
        reason = err.message if isinstance(err, OutputPathError) else (err.strerror or type(err).__name__)
        raise SettingsError(
            f"Could not switch the notebooks to {chosen}: {reason}",
            hint="Make that folder writable, or set the place for this session only with the CIVICDATA_PLACE "
            f"environment variable (CIVICDATA_PLACE={chosen}).",
        ) from None
    places = list_places().set_index("slug")
    name = places.loc[chosen, "name"] if chosen in places.index else chosen
    echo(f"Every notebook now uses {name} ({chosen}). Restart a running notebook's kernel to switch it.")
    folder = place_folder(chosen)
    meta = read_meta(folder) if (folder / "place.json").exists() else {}
    lacking = [table for table in LESSON_TABLES if table not in meta.get("tables", LESSON_TABLES)]
    if lacking:
        echo(f"Warning: {chosen} has no table {', '.join(lacking)}, which the lessons (00 to 10) use, so "
             "some of their cells will stop with a message. Lesson 11 and `civicdata posters` work with it. "
             "For the whole workbook, prefetch the county: civicdata prefetch --state XX --county NAME.")
    override = os.environ.get("CIVICDATA_PLACE", "").strip()
    if override and override != chosen:
        echo(f"Note: the CIVICDATA_PLACE variable is set to {override!r} and wins over this setting.")
    return chosen
