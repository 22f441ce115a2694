"""One import for learners: every helper is importable from ``civicdata``, and loaded only when used.

``import civicdata`` must stay quick, so a lesson without maps never loads folium or matplotlib
(seconds on a Binder machine). Each check runs in a fresh interpreter, where sys.modules shows what an
import really loaded.
"""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys

import pytest

import civicdata

HEAVY = ("folium", "matplotlib", "geopandas", "mapclassify", "scipy", "requests_cache", "census")


def loaded_after(code: str) -> dict[str, bool]:
    """Run ``code`` in a fresh interpreter; say which heavy libraries it left in sys.modules."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_civicdata_loads_no_map_library():
    loaded = loaded_after("import civicdata")
    assert not any(loaded.values()), loaded


def test_get_acs_loads_no_map_library():
    loaded = loaded_after("import civicdata\nfrom civicdata import get_acs, moe_prop, check_answer\n"
                          "get_acs(variables='B19013_001', quiet=True)")
    assert not loaded["folium"] and not loaded["matplotlib"], loaded


def test_a_map_helper_loads_its_library_when_asked_for():
    """The checks above mean something: asking for the map helpers does load folium and matplotlib."""
    loaded = loaded_after("from civicdata import choropleth_map, static_map")
    assert loaded["folium"] and loaded["matplotlib"], loaded


@pytest.mark.parametrize("name", sorted(civicdata.HELPERS))
def test_every_helper_lives_where_the_table_says(name):
    module = importlib.import_module(civicdata.HELPERS[name])
    value = getattr(civicdata, name)
    assert value is getattr(module, name)
    if inspect.isfunction(value) or inspect.isclass(value):
        assert value.__module__ == module.__name__, f"{name} is defined in {value.__module__}, not re-exported"


def test_all_and_dir_list_the_surface():
    assert set(civicdata.HELPERS) <= set(civicdata.__all__)
    assert set(civicdata.__all__) <= set(dir(civicdata))
    assert len(civicdata.__all__) == len(set(civicdata.__all__))


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'choropleth'"):
        civicdata.choropleth  # noqa: B018
    with pytest.raises(ImportError):
        exec("from civicdata import no_such_helper", {})
