"""The one pinned environment: make, conda and Binder must install the same versions."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "binder" / "requirements.txt"


def pinned() -> dict[str, str]:
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"{line!r} in binder/requirements.txt is not pinned with =="
            pins[name.lower()] = version
    return pins


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_requirement_is_pinned_exactly_once():
    names = [normalise(n) for n in pinned()]
    assert len(names) == len(set(names))
    assert {"jupyterlab", "pandas", "geopandas", "census", "folium", "nbval"} <= set(names)


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
    for name, version in pinned().items():
        assert metadata.version(name) == version, f"{name}: installed {metadata.version(name)}, pinned {version}"


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci.split("\n")[-2:][0] or ci.strip().endswith("make test")
    assert "make test" in readme and "make lab" in readme
