"""Four pinned lists: the learner environment (binder/requirements.txt: make lab, conda and Binder install
the same versions), the website tools on top of it (site/requirements.txt, added by make site), the
classroom hub (workshop/classroom/requirements.txt, added by make classroom) and the test tools
(tests/requirements.txt, added by make test, which includes the website and classroom lists)."""

from __future__ import annotations

import json
import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "binder" / "requirements.txt"
TEST_REQUIREMENTS = ROOT / "tests" / "requirements.txt"
SITE_REQUIREMENTS = ROOT / "site" / "requirements.txt"
CLASSROOM_REQUIREMENTS = ROOT / "workshop" / "classroom" / "requirements.txt"
LISTS = (REQUIREMENTS, SITE_REQUIREMENTS, CLASSROOM_REQUIREMENTS, TEST_REQUIREMENTS)
TEST_TOOLS = {"pytest", "pytest-xdist", "nbval", "responses", "hypothesis", "playwright", "ruff", "import-linter",
              "jupyter-repo2docker"}
SITE_TOOLS = {"sphinx", "myst-nb", "sphinx-book-theme", "playwright"}


def pinned(path: Path = REQUIREMENTS) -> dict[str, str]:
    """The ``name==version`` lines of one requirements file (``-r`` includes are not followed)."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-r "):
            name, _, version = line.partition("==")
            assert version, f"{line!r} in {path.relative_to(ROOT)} is not pinned with =="
            pins[name.lower()] = version
    return pins


def all_pins() -> dict[str, str]:
    return {name: version for path in LISTS for name, version in pinned(path).items()}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_requirement_is_pinned_exactly_once():
    names = [normalise(n) for path in LISTS for n in pinned(path)]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert {"jupyterlab", "pandas", "geopandas", "census", "folium"} <= {normalise(n) for n in pinned()}


def test_learners_do_not_install_test_tools():
    learner = {normalise(n) for n in pinned()}
    tools = TEST_TOOLS | SITE_TOOLS
    assert not learner & tools, f"test or site tools in binder/requirements.txt: {sorted(learner & tools)}"
    assert TEST_TOOLS <= {normalise(n) for path in (TEST_REQUIREMENTS, SITE_REQUIREMENTS) for n in pinned(path)}
    assert SITE_TOOLS <= {normalise(n) for n in pinned(SITE_REQUIREMENTS)}
    assert TEST_REQUIREMENTS.read_text().count("-r ../binder/requirements.txt") == 1
    assert TEST_REQUIREMENTS.read_text().count("-r ../site/requirements.txt") == 1
    assert TEST_REQUIREMENTS.read_text().count("-r ../workshop/classroom/requirements.txt") == 1


# Learner pins that no lesson, helper or tool imports, and why learners need them all the same.
NOT_IMPORTED = {
    "jupyterlab": "the workbook's interface (make lab, Binder)",
    "ipykernel": "the Python kernel that runs every notebook",
    "notebook": "Binder's base image has notebook 7.4.7, which needs jupyterlab<4.5 (tests/test_binder.py)",
    "nbconvert": "make handouts (jupyter nbconvert); JupyterLab's File, Save and Export Notebook As",
    "papermill": "notebook 07's facilitator note: profiles for many places at once",
    "pyogrio": "geopandas' file reader: gpd.read_file in the lessons and civicdata",
    "pyproj": "geopandas' coordinate systems: to_crs and estimate_utm_crs in notebook 05",
    "django-js-lib-leaflet": "Leaflet's files, read (not imported) by civicdata.offline for maps without internet",
}


def imported_top_level_modules() -> set[str]:
    """Top-level modules imported by the package, the tools and the notebooks' code cells."""
    sources = [p.read_text() for p in (ROOT / "civicdata").rglob("*.py")]
    sources += [p.read_text() for p in (ROOT / "tools").glob("*.py")]
    for notebook in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"):
        cells = json.loads(notebook.read_text())["cells"]
        sources += ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    pattern = re.compile(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", re.MULTILINE)
    return {name for text in sources for name in pattern.findall(text)}


def test_every_learner_pin_is_used():
    """The learner list holds what lessons need and nothing else: imported, or needed for a stated reason."""
    providers = metadata.packages_distributions()
    used = {normalise(dist) for module in imported_top_level_modules() for dist in providers.get(module, [])}
    learner = {normalise(n) for n in pinned()}
    unexplained = learner - used - set(NOT_IMPORTED)
    assert not unexplained, f"pinned for learners but used by nothing: {sorted(unexplained)}"
    stale = {name for name in NOT_IMPORTED if name in used or name not in learner}
    assert not stale, f"NOT_IMPORTED entries that are imported after all, or not pinned: {sorted(stale)}"


def test_environment_yml_installs_the_same_pins():
    text = (ROOT / "environment.yml").read_text()
    assert "-r binder/requirements.txt" in text
    assert "python=3.11" in text
    # No package may be pinned a second time in environment.yml.
    extra = [line for line in text.splitlines() if "==" in line or re.search(r"^\s*-\s*[a-z].*[<>=]", line)]
    assert extra == ["  - python=3.11"], extra


def test_binder_uses_the_same_file_and_python():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert not (ROOT / ".binder").exists(), "binder/ and .binder/ together is an error for repo2docker"
    post_build = (ROOT / "binder" / "postBuild").read_text().splitlines()
    assert post_build[0].startswith("#!")
    assert "set -e" in post_build, "postBuild must fail the build on any error"
    assert any("pip install --no-deps" in line for line in post_build)


def test_pyproject_dependencies_are_all_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {normalise(n) for n in pinned()}
    for dep in project["dependencies"]:
        name = normalise(re.split(r"[<>=\[; ]", dep)[0])
        assert name in pins, f"{name} is a dependency of civicdata but not pinned in binder/requirements.txt"


def test_installed_versions_match_the_pins():
    for name, version in all_pins().items():
        assert metadata.version(name) == version, f"{name}: installed {metadata.version(name)}, pinned {version}"


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci.split("\n")[-2:][0] or ci.strip().endswith("make test")
    assert "make test" in readme and "make lab" in readme
