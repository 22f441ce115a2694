"""The learner environment builds on mybinder.org as it does locally, with no broken requirements.

Two halves. repo2docker (pinned in tests/requirements.txt) renders the Dockerfile mybinder.org would build
(``--no-build`` needs no container engine: it only prints it), and we check it uses our binder/ folder.
Then tests/binder_base.py replays the pip install that Dockerfile runs over repo2docker's own base
environment, on pip's resolver, and ``pip check`` must find nothing; the same check must flag the base's
notebook 7.4.7 when our notebook pin is taken away, which shows the replay can fail.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import escapism
import pytest
from binder_base import RegistryUnreachable, base_packages, pip_check, replay_binder_install, snapshot
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def learner_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


@pytest.fixture(scope="module")
def replay():
    try:
        return replay_binder_install()
    except RegistryUnreachable as err:  # only the first run after a change of the list asks PyPI
        pytest.skip(f"cannot replay the Binder install without PyPI: {err}")


@pytest.fixture(scope="module")
def dockerfile():
    repo2docker = Path(sys.executable).with_name("repo2docker")
    done = subprocess.run(
        [str(repo2docker), "--no-build", "--user-id", "1000", "--user-name", "jovyan", str(ROOT)],
        capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


def test_repo2docker_builds_python_311_from_the_binder_folder(dockerfile):
    text, log = dockerfile
    assert "Building conda environment for python=3.11" in log, log
    # The base environment is repo2docker's lock file for Python 3.11 (copied under an escaped name).
    lock = escapism.escape("environment.py-3.11-linux-64.lock", escape_char="-")
    assert re.search(re.escape(lock) + r"-\w+ /tmp/env/environment\.lock", text, re.IGNORECASE), "not Python 3.11"
    # Our pins are installed with the base environment's pip, from binder/ (not the root environment.yml,
    # which repo2docker ignores because binder/ exists).
    assert re.search(r'pip install --no-cache-dir -r "binder/requirements\.txt"', text)
    assert "environment.yml" not in text
    # postBuild runs after the repository is copied in: it installs civicdata and the Jupyter settings.
    assert text.index("COPY --chown=1000:1000 src/ ${REPO_DIR}/") < text.index("RUN ./binder/postBuild")


def test_postbuild_installs_the_package_and_the_jupyter_settings():
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build
    assert "python tools/jupyter_settings.py install" in post_build


def test_base_snapshot_matches_the_installed_repo2docker():
    stored = snapshot()  # raises StaleSnapshot with the command to refresh it
    assert set(stored) == set(base_packages())
    for name in ("notebook", "jupyterlab", "jupyter-server", "jupyterhub", "ipywidgets", "ipykernel"):
        assert name in stored, f"{name} is no longer in repo2docker's base: read the lock file again"
    assert all("requires_dist" in dist for dist in stored.values())


def test_the_base_alone_has_no_broken_requirements():
    """The replay's metadata-only environment does not invent conflicts of its own."""
    assert pip_check(snapshot()) == []


def test_learner_list_resolves_cleanly_over_the_binder_base(replay):
    assert replay["conflicts"] == [], "pip would warn on Binder:\n" + "\n".join(replay["conflicts"])
    pins = learner_pins()
    for name in ("jupyterlab", "notebook", "ipykernel"):
        assert replay["after"][name]["version"] == pins[name]
    # Nothing the lessons pin is left at the base's version by mistake.
    for name, version in pins.items():
        assert replay["after"][name]["version"] == version, name


def test_without_our_notebook_pin_binder_keeps_a_notebook_that_needs_an_older_jupyterlab(replay):
    base = snapshot()
    after = {**replay["after"], "notebook": base["notebook"]}
    conflicts = pip_check(after)
    assert any(line.startswith(f"notebook {base['notebook']['version']} has requirement jupyterlab")
               and "but you have jupyterlab 4.6.6" in line for line in conflicts), conflicts


def test_pip_check_in_the_learner_environment():
    done = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No broken requirements found" in done.stdout
