"""The package's shape, enforced: layers that only import downwards, no import circles, no test code inside.

The contracts live in pyproject.toml ([tool.importlinter]) and are checked by import-linter's
``lint-imports``; ARCHITECTURE.md explains the layers. The last tests prove the check is real: they break
a contract on purpose in a copy of the package and expect ``lint-imports`` to say so.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
LAYERS = ["cli", "classroom", "maps", "moe", "data", "core"]  # top to bottom, as in pyproject.toml


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """Run lint-imports on the civicdata package found in ``cwd`` (read with pyproject.toml from there)."""
    env = {"PYTHONPATH": str(cwd), "PATH": str(LINT_IMPORTS.parent), "NO_COLOR": "1", "HOME": str(cwd)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def test_import_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout, result.stdout


def test_the_layers_in_pyproject_are_the_documented_ones():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = [c for c in config["contracts"] if c["type"] == "layers"]
    assert [c["layers"] for c in layers] == [LAYERS]
    folders = sorted(p.name for p in (ROOT / "civicdata").iterdir() if (p / "__init__.py").exists())
    assert folders == sorted(set(LAYERS) - {"cli"}), "a new folder needs a place in the layers contract"
    architecture = (ROOT / "ARCHITECTURE.md").read_text()
    for layer in LAYERS:
        assert f"`{layer}" in architecture, f"ARCHITECTURE.md does not describe the {layer} layer"


def find_circles(graph) -> list[list[str]]:
    """Every import circle a depth-first walk of ``graph`` meets, as module lists (first = last)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if state.get(imported) == 1:
                circles.append(path[path.index(imported):] + [imported])
            elif imported not in state:
                visit(imported)
        path.pop()
        state[module] = 2

    for module in sorted(graph.modules):
        if module not in state:
            visit(module)
    return circles


def test_no_import_circles():
    """No module of civicdata imports itself through others (lazy imports inside functions count too)."""
    graph = grimp.build_graph("civicdata")
    assert len(graph.modules) > 40
    circles = find_circles(graph)
    assert not circles, "import circles:\n" + "\n".join(" -> ".join(c) for c in circles)


def test_the_circle_finder_finds_the_old_circle():
    """The circle this layout removed: live -> mock_census -> boundaries -> live."""
    graph = grimp.ImportGraph()
    for name in ("civicdata.live", "civicdata.mock_census", "civicdata.boundaries", "civicdata.moe"):
        graph.add_module(name)
    graph.add_import(importer="civicdata.live", imported="civicdata.mock_census")
    graph.add_import(importer="civicdata.mock_census", imported="civicdata.boundaries")
    graph.add_import(importer="civicdata.boundaries", imported="civicdata.live")
    graph.add_import(importer="civicdata.live", imported="civicdata.moe")
    assert find_circles(graph) == [["civicdata.boundaries", "civicdata.live", "civicdata.mock_census",
                                    "civicdata.boundaries"]]


def test_no_test_or_benchmark_code_in_the_package():
    assert not list((ROOT / "civicdata").rglob("mock_census.py"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "civicdata").rglob("*.py"))
    assert "count_requests_for_tract_pull" not in text


# The check itself: break a contract in a copy of the package and expect lint-imports to catch it.

VIOLATIONS = {
    "upward import (core imports maps)": (
        "core/settings.py", "from civicdata.maps import choropleth  # noqa: F401\n",
        "civicdata.core.settings -> civicdata.maps.choropleth"),
    "upward import inside a function (data imports classroom)": (
        "data/get_acs.py", "\n\ndef _sneaky():\n    from civicdata.classroom import doctor  # noqa: F401\n",
        "civicdata.data.get_acs -> civicdata.classroom.doctor"),
    "test library in the package": (
        "data/boundaries.py", "import responses  # noqa: F401\n",
        "civicdata.data.boundaries -> responses"),
    "test code in the package": (
        "maps/posters.py", "import mock_census  # noqa: F401\n",
        "civicdata.maps.posters -> mock_census"),
}


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("architecture")
    shutil.copytree(ROOT / "civicdata", folder / "civicdata", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    (folder / "mock_census.py").write_text("", encoding="utf-8")  # importable, like tests/ on sys.path
    return folder


def test_the_copy_is_clean_before_it_is_broken(package_copy):
    result = lint_imports(package_copy)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("violation", VIOLATIONS, ids=list(VIOLATIONS))
def test_lint_imports_catches_a_violation(package_copy, tmp_path, violation):
    module, line, expected = VIOLATIONS[violation]
    broken = tmp_path / "broken"
    shutil.copytree(package_copy, broken)
    target = broken / "civicdata" / module
    text = target.read_text(encoding="utf-8")
    if line.startswith("\n"):  # a lazy import inside a function, at the end of the module
        text += line
    else:  # a module-level import, after `from __future__ import annotations`
        text = text.replace("from __future__ import annotations\n", "from __future__ import annotations\n\n" + line, 1)
    target.write_text(text, encoding="utf-8")
    result = lint_imports(broken)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout
    assert expected in result.stdout, result.stdout
