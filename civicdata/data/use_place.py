"""Switching places: ``civicdata use-place SLUG`` makes every notebook use a bundled or prefetched place.

The choice is a one-line setting file outside the repository (``~/.config/civicdata/place``);
``CIVICDATA_PLACE``, when set, still wins (see :func:`civicdata.core.settings.current_place`).

Example:
    >>> place_setting_file().name
    'place'
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from civicdata.core import settings
from civicdata.data.places import check_place, list_places, place_folder

#: Tables the lessons (00 to 10) read from the current place; a place without them only suits
#: lesson 11 and the posters.
LESSON_TABLES: tuple[str, ...] = ("B01003", "B25003", "B08201", "B19013", "C17002", "B25106", "B05001")


def place_setting_file() -> Path:
    """The file ``civicdata use-place`` writes (``~/.config/civicdata/place``)."""
    return settings.config_dir() / settings.PLACE_FILE_NAME


def use_place(slug: str | None, *, echo: Callable[[str], None] = print) -> str:
    """Make ``slug`` the place every notebook uses (``None``: back to the default place). Returns the slug.

    The place folder must exist and match its manifest. ``CIVICDATA_PLACE``, when set, still wins; the
    message says so.
    """
    setting = place_setting_file()
    if slug is None:
        setting.unlink(missing_ok=True)
        chosen = settings.DEFAULT_PLACE
    else:
        check_place(slug)
        setting.parent.mkdir(parents=True, exist_ok=True)
        setting.write_text(slug + "\n", encoding="utf-8")
        chosen = slug
    places = list_places().set_index("slug")
    name = places.loc[chosen, "name"] if chosen in places.index else chosen
    echo(f"Every notebook now uses {name} ({chosen}). Restart a running notebook's kernel to switch it.")
    meta_file = place_folder(chosen) / "place.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    lacking = [table for table in LESSON_TABLES if table not in meta.get("tables", LESSON_TABLES)]
    if lacking:
        echo(f"Warning: {chosen} has no table {', '.join(lacking)}, which the lessons (00 to 10) use, so "
             "some of their cells will stop with a message. Lesson 11 and `civicdata posters` work with it. "
             "For the whole workbook, prefetch the county: civicdata prefetch --state XX --county NAME.")
    override = os.environ.get("CIVICDATA_PLACE", "").strip()
    if override and override != chosen:
        echo(f"Note: the CIVICDATA_PLACE variable is set to {override!r} and wins over this setting.")
    return chosen
