"""civicdata: the small helper package behind the civic data workbook.

It hides plumbing only: the offline fallback to bundled data, caching of live Census answers,
margin-of-error arithmetic the notebooks have already written out, and map styling.

**One import for learners.** Every helper a lesson uses is importable from here, whichever folder it
lives in (``from civicdata import get_acs, choropleth_map, check_answer``), so lessons never name a
module and internal moves never touch a lesson. Each name is loaded the first time it is used: a
lesson without maps never pays for folium or matplotlib. ``ARCHITECTURE.md`` explains the folders.

    >>> import civicdata
    >>> civicdata.DEFAULT_PLACE
    'ct-capitol-region'
    >>> from civicdata import moe_sum
    >>> moe_sum([3, 4])
    5.0
"""

from __future__ import annotations

import importlib

from civicdata.core.errors import install_notebook_handler

__version__ = "0.1.0"

#: Every name of the learner surface, and the module it lives in (read once, on first use).
HELPERS: dict[str, str] = {
    # core: errors, settings, never-overwrite saving
    **dict.fromkeys(
        ["CivicDataError", "PlaceNotFoundError", "VariableNotFoundError", "YearNotSupportedError",
         "DataNotAvailableError", "NoApiKeyError", "InvalidApiKeyError", "CensusUnreachableError",
         "CensusServerError", "EmptyResultError", "DataIntegrityError", "PlaceExistsError", "MoeValueError",
         "MapError", "OfflineMapError", "UnknownExerciseError", "ArgumentError", "SettingsError",
         "OutputPathError", "CacheError"],
        "civicdata.core.errors"),
    **dict.fromkeys(["DEFAULT_PLACE", "current_place", "get_api_key", "data_dir", "places_dir"],
                    "civicdata.core.settings"),
    **dict.fromkeys(["save_new_file", "save_new_csv"], "civicdata.core.files"),
    # data: getting data
    "get_acs": "civicdata.data.get_acs",
    "find_place": "civicdata.data.geography",
    "list_counties": "civicdata.data.geography",
    "search_variables": "civicdata.data.variables",
    "read_census_download": "civicdata.data.downloads",
    "list_places": "civicdata.data.places",
    "load_place": "civicdata.data.places",
    "load_boundaries": "civicdata.data.places",
    "load_libraries": "civicdata.data.libraries",
    "load_state_data_centers": "civicdata.data.state_data_centers",
    "prefetch": "civicdata.data.prefetch",
    "use_place": "civicdata.data.use_place",
    "census_session": "civicdata.data.census_api.session",
    # moe: margins of error
    **dict.fromkeys(["moe_sum", "moe_prop", "moe_ratio", "moe_product", "se_from_moe", "rescale_moe", "z_value"],
                    "civicdata.moe.formulas"),
    **dict.fromkeys(["cv", "confidence_interval", "z_score", "significance", "reliability"],
                    "civicdata.moe.reliability"),
    # maps: maps and print (folium and matplotlib load only when one of these is used)
    "choropleth_map": "civicdata.maps.choropleth",
    "describe_map": "civicdata.maps.describe",
    "map_data": "civicdata.maps.map_data",
    "save_map": "civicdata.maps.offline",
    "use_local_leaflet": "civicdata.maps.offline",
    "static_map": "civicdata.maps.static_maps",
    "draw_map": "civicdata.maps.static_maps",
    "save_figure": "civicdata.maps.static_maps",
    "show_figure": "civicdata.maps.figures",
    "make_posters": "civicdata.maps.posters",
    "TOPICS": "civicdata.maps.poster_topics",
    "default_topics": "civicdata.maps.poster_topics",
    "figure_png": "civicdata.maps.profile",
    "profile_html": "civicdata.maps.profile",
    "profile_pdf": "civicdata.maps.profile",
    # classroom: self-checks, hub links, the environment check
    **dict.fromkeys(["check_answer", "show_question", "check_choice"], "civicdata.classroom.self_check"),
    "doctor": "civicdata.classroom.doctor",
    "nbgitpuller_link": "civicdata.classroom.hub_link",
}

__all__ = ["__version__", *sorted(HELPERS)]


def __getattr__(name: str):
    """Import a helper's module the first time the helper is used, then keep the helper here."""
    module = HELPERS.get(name)
    if module is None:
        raise AttributeError(f"module 'civicdata' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next use finds it directly
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *HELPERS})


install_notebook_handler()
