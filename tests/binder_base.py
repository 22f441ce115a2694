"""What pip does on mybinder.org when it installs binder/requirements.txt over repo2docker's base environment.

repo2docker builds every Python image from a frozen conda environment (its own lock file for our Python,
3.11, inside the installed ``repo2docker`` package) that already holds JupyterLab, the ``notebook`` package,
jupyterhub-singleuser, ipywidgets and about 120 other Python packages. Then it runs
``pip install -r binder/requirements.txt`` into that same environment. pip upgrades what our list names and
whatever our list's packages need, keeps everything else, and only *warns* when a package it kept now has a
broken requirement ("notebook 7.4.7 requires jupyterlab<4.5, but you have jupyterlab 4.6.6"): the build
carries on and learners get a half-broken server.

This module replays that without Docker, on pip's own resolver:

1. ``base_packages()`` reads the Python packages (name and version) out of repo2docker's lock file.
2. ``base_metadata()`` asks PyPI, through pip, for those exact releases' requirements
   (``pip install --dry-run --no-deps --report``: metadata only, nothing is installed). This takes about
   25 s, so it is done once per repo2docker release and stored in tests/data/repo2docker-base-py3.11.json
   (``--refresh`` below); ``snapshot()`` reads it and fails if the installed repo2docker's lock differs.
3. ``replay_binder_install()`` writes the base as metadata-only installed packages into an empty virtual
   environment, runs ``pip install --dry-run --report -r binder/requirements.txt`` against it, lays what
   pip would install over the base, and runs ``pip check`` on the result: its complaints are exactly the
   warnings a Binder build would print.

pip's answers in step 3 (about 12 s, asking PyPI for our packages' metadata, then a second or two for each
``pip check``) are cached under ``.cache/binder/`` (ignored by git), keyed by everything they depend on
and pip's version, so only the first run after a change of binder/requirements.txt asks PyPI.

Example::

    .venv/bin/python tests/binder_base.py            # prints the conflicts; none means it resolves cleanly
    .venv/bin/python tests/binder_base.py --refresh  # after upgrading repo2docker: store its base anew
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import venv
from importlib import metadata
from pathlib import Path

from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "binder" / "requirements.txt"
CACHE = ROOT / ".cache" / "binder"
SNAPSHOT = ROOT / "tests" / "data" / "repo2docker-base-py3.11.json"
PYTHON = "3.11"  # binder/runtime.txt

# conda-forge names whose PyPI distribution is called differently.
CONDA_TO_PYPI = {
    "brotli-python": "brotli",
    "nbconvert-core": "nbconvert",
    "jupyterhub-base": "jupyterhub",
    "python-fastjsonschema": "fastjsonschema",
}
# Errors that mean "PyPI could not be reached", not "the list does not resolve".
NETWORK_ERRORS = ("NewConnectionError", "Max retries exceeded", "Temporary failure in name resolution",
                  "Network is unreachable", "ConnectTimeoutError", "Could not fetch URL")


class RegistryUnreachable(RuntimeError):
    """pip could not reach the package registry (and nothing was cached)."""


def lock_file(python: str = PYTHON) -> Path:
    """repo2docker's frozen base environment for this Python on linux-64 (what mybinder.org builds on)."""
    # Found through the distribution's files, without importing repo2docker (its logging setup warns).
    name = f"repo2docker/buildpacks/conda/environment.py-{python}-linux-64.lock"
    return Path(str(metadata.distribution("jupyter-repo2docker").locate_file(name)))


def base_packages(lock: Path | None = None) -> dict[str, str]:
    """The base's Python packages, ``{pypi name: version}``, from the conda lock file.

    A conda package is a Python distribution when its build string starts with ``py`` (``pyhd8ed1ab_0``
    for pure Python, ``py311h...`` for compiled ones); the others are C libraries, Node.js, Python itself
    and metapackages (jupyterhub-singleuser is one: it only pulls jupyterhub-base and jupyter_server in).
    """
    packages = {}
    for line in (lock or lock_file()).read_text().splitlines():
        match = re.search(r"/([^/#]+)\.(?:conda|tar\.bz2)(?:#|$)", line.strip())
        if not match:
            continue
        name, version, build = match.group(1).rsplit("-", 2)
        if not build.startswith("py") or name in {"python", "python_abi"}:
            continue
        packages[canonicalize_name(CONDA_TO_PYPI.get(name, name))] = version
    return packages


def pip_version() -> str:
    return metadata.version("pip")


def _pip(*args: str, python: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    if python:
        command += ["--python", python]
    done = subprocess.run([*command, *args], capture_output=True, text=True, timeout=600,
                          env=_pip_environment())
    return done


def _pip_environment() -> dict[str, str]:
    """The caller's environment, but pip's own HTTP cache: the test run points XDG_CACHE_HOME at a scratch
    folder, which would make pip download every answer again."""
    env = dict(os.environ)
    env.pop("XDG_CACHE_HOME", None)
    env.pop("PIP_REQUIRE_VIRTUALENV", None)
    return env


def _fail(done: subprocess.CompletedProcess, what: str) -> None:
    output = done.stdout + done.stderr
    if any(marker in output for marker in NETWORK_ERRORS):
        raise RegistryUnreachable(f"{what}: the package registry could not be reached:\n{output[-1500:]}")
    raise RuntimeError(f"{what} failed (pip exit {done.returncode}):\n{output[-3000:]}")


def _cached(key_parts: list[str], name: str, compute):
    key = hashlib.sha256("\n\0".join(key_parts).encode()).hexdigest()[:16]
    path = CACHE / f"{name}-{key}.json"
    if path.exists():
        return json.loads(path.read_text())
    value = compute()
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(value, indent=1, sort_keys=True))
    tmp.replace(path)
    return value


def _distribution(item: dict) -> dict:
    """The parts of one ``pip --report`` install item that ``pip check`` reads."""
    meta = item["metadata"]
    return {"name": meta["name"], "version": meta["version"], "requires_dist": meta.get("requires_dist", []),
            "requires_python": meta.get("requires_python")}


def base_metadata(packages: dict[str, str] | None = None) -> dict[str, dict]:
    """Name, version and requirements of every base package at the base's version, asked of PyPI."""
    packages = packages or base_packages()
    pins = [f"{name}=={version}" for name, version in sorted(packages.items())]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        (Path(tmp) / "base.txt").write_text("\n".join(pins) + "\n")
        done = _pip("install", "--dry-run", "--ignore-installed", "--no-deps", "--quiet",
                    "--report", str(report), "-r", str(Path(tmp) / "base.txt"))
        if done.returncode != 0:
            _fail(done, "reading the base packages' requirements")
        items = json.loads(report.read_text())["install"]
    return {canonicalize_name(d["name"]): d for d in sorted(map(_distribution, items), key=lambda d: d["name"])}


def lock_digest(lock: Path | None = None) -> str:
    return hashlib.sha256((lock or lock_file()).read_bytes()).hexdigest()


def write_snapshot() -> dict:
    """Ask PyPI for the base packages' requirements once and store them in tests/data (run after a
    repo2docker upgrade: ``python tests/binder_base.py --refresh``)."""
    lock = lock_file()
    snapshot = {
        "about": "Python packages of repo2docker's frozen base environment (the conda lock file named here) "
                 "with each release's requirements as published on PyPI. Written by "
                 "`python tests/binder_base.py --refresh`; read by tests/test_binder.py.",
        "repo2docker": metadata.version("jupyter-repo2docker"),
        "lock_file": lock.name,
        "lock_sha256": lock_digest(lock),
        "packages": base_metadata(base_packages(lock)),
    }
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    SNAPSHOT.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n")
    return snapshot


class StaleSnapshot(RuntimeError):
    """tests/data's snapshot describes another base than the installed repo2docker's."""


def snapshot() -> dict[str, dict]:
    """The stored base packages and their requirements, checked against the installed repo2docker's lock."""
    stored = json.loads(SNAPSHOT.read_text())
    if stored["lock_sha256"] != lock_digest():
        raise StaleSnapshot(
            f"{SNAPSHOT.relative_to(ROOT)} was written for repo2docker {stored['repo2docker']}'s base, but the "
            f"installed repo2docker {metadata.version('jupyter-repo2docker')} has another {lock_file().name}: "
            "run `.venv/bin/python tests/binder_base.py --refresh` and commit the file.")
    if set(stored["packages"]) != set(base_packages()):
        raise StaleSnapshot(f"{SNAPSHOT.relative_to(ROOT)} does not list the lock file's packages: refresh it.")
    return stored["packages"]


def _write_installed(site_packages: Path, distributions: dict[str, dict]) -> None:
    """Metadata-only installed distributions: enough for pip's resolver and ``pip check``."""
    for dist in distributions.values():
        info = site_packages / f"{re.sub(r'[-_.]+', '_', dist['name'])}-{dist['version']}.dist-info"
        info.mkdir(parents=True)
        lines = ["Metadata-Version: 2.1", f"Name: {dist['name']}", f"Version: {dist['version']}"]
        if dist.get("requires_python"):
            lines.append(f"Requires-Python: {dist['requires_python']}")
        lines += [f"Requires-Dist: {req}" for req in dist["requires_dist"]]
        (info / "METADATA").write_text("\n".join(lines) + "\n")
        (info / "INSTALLER").write_text("conda\n")
        (info / "RECORD").write_text("")


def _empty_environment(folder: Path) -> tuple[str, Path]:
    """A virtual environment without pip or anything else; returns (its python, its site-packages)."""
    venv.EnvBuilder(with_pip=False, symlinks=True).create(folder)
    python = folder / "bin" / "python"
    found = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    return str(python), Path(found)


def binder_install(requirements: str, base: dict[str, dict]) -> dict[str, dict]:
    """What ``pip install -r requirements`` would install or upgrade over the base (pip's resolver, dry run)."""

    def ask_pip() -> dict[str, dict]:
        with tempfile.TemporaryDirectory() as tmp:
            python, site = _empty_environment(Path(tmp) / "binder-env")
            _write_installed(site, base)
            (Path(tmp) / "requirements.txt").write_text(requirements)
            report = Path(tmp) / "report.json"
            done = _pip("install", "--dry-run", "--quiet", "--report", str(report),
                        "-r", str(Path(tmp) / "requirements.txt"), python=python)
            if done.returncode != 0:
                _fail(done, "resolving binder/requirements.txt over the Binder base")
            items = json.loads(report.read_text())["install"]
        return {canonicalize_name(d["name"]): d for d in sorted(map(_distribution, items), key=lambda d: d["name"])}

    key = [json.dumps(base, sort_keys=True), requirements, pip_version()]
    return _cached(key, "install", ask_pip)


def pip_check(distributions: dict[str, dict]) -> list[str]:
    """``pip check`` over an environment holding exactly these distributions (metadata only; cached)."""

    def run_pip_check() -> list[str]:
        with tempfile.TemporaryDirectory() as tmp:
            python, site = _empty_environment(Path(tmp) / "env")
            _write_installed(site, distributions)
            done = _pip("check", python=python)
        if done.returncode not in (0, 1) or done.stderr.strip():
            raise RuntimeError(f"pip check could not run:\n{done.stdout}{done.stderr}")
        return sorted(line for line in done.stdout.splitlines()
                      if line.strip() and not line.startswith("No broken requirements"))

    return _cached([json.dumps(distributions, sort_keys=True), pip_version()], "check", run_pip_check)


def replay_binder_install(requirements: str | None = None) -> dict:
    """Replay ``pip install -r binder/requirements.txt`` over repo2docker's base; see the module docstring.

    Returns ``{"conflicts": [pip check lines], "upgraded": {name: [base version, new version]},
    "added": {name: version}, "kept": [base packages left as they were], "after": {name: distribution}}``.
    """
    requirements = REQUIREMENTS.read_text() if requirements is None else requirements
    base = snapshot()
    installs = binder_install(requirements, base)
    after = {**base, **installs}
    return {
        "conflicts": pip_check(after),
        "upgraded": {name: [base[name]["version"], d["version"]] for name, d in installs.items() if name in base},
        "added": {name: d["version"] for name, d in installs.items() if name not in base},
        "kept": sorted(set(base) - set(installs)),
        "after": after,
    }


def main(argv: list[str]) -> int:
    if "--refresh" in argv:
        stored = write_snapshot()
        print(f"wrote {SNAPSHOT.relative_to(ROOT)}: {len(stored['packages'])} packages of "
              f"repo2docker {stored['repo2docker']}'s {stored['lock_file']}")
    result = replay_binder_install()
    print(f"repo2docker base ({lock_file().name}): {len(snapshot())} Python packages; pip keeps "
          f"{len(result['kept'])}, upgrades {len(result['upgraded'])}, adds {len(result['added'])}")
    for name, (old, new) in result["upgraded"].items():
        print(f"  upgraded {name} {old} -> {new}")
    print("\n".join(result["conflicts"]) or "pip check: no broken requirements (resolves cleanly on Binder)")
    return 1 if result["conflicts"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
