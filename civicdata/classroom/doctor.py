"""The environment check: ``civicdata doctor`` on the command line, ``civicdata.doctor()`` in a notebook.

It reports Python and package versions, whether the bundled data is complete, whether a Census API
key is configured (never the key itself), whether api.census.gov answers, and so in which mode the
workbook will run. Every line that is not fine comes with a next step in plain words.

Example:
    >>> report = doctor(network=False)
    >>> report.mode
    'bundled'
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from importlib import metadata

from civicdata.core import settings
from civicdata.data.checksums import verify_manifest

PACKAGES = ["pandas", "geopandas", "census", "folium", "mapclassify", "matplotlib", "jupyterlab", "ipykernel"]
CENSUS_API_URL = "https://api.census.gov/data.json"
NETWORK_TIMEOUT_SECONDS = 3.0


@dataclass
class Check:
    """One line of the report: what was checked, whether it is fine, what it found, what to do."""

    name: str
    ok: bool
    detail: str
    next_step: str = ""


@dataclass
class DoctorReport:
    """All checks plus the resulting mode: ``"live"`` (key and network) or ``"bundled"``."""

    checks: list[Check] = field(default_factory=list)
    mode: str = "bundled"

    def __str__(self) -> str:
        lines = ["Civic data workbook: environment check", ""]
        for check in self.checks:
            mark = "OK " if check.ok else "-- "
            lines.append(f"{mark} {check.name}: {check.detail}")
            if check.next_step:
                lines.append(f"     next step: {check.next_step}")
        lines.append("")
        if self.mode == "live":
            lines.append("Mode: LIVE. Bundled data is used first; other places are fetched from the Census API.")
        else:
            lines.append(
                "Mode: BUNDLED (offline). Every notebook runs on the real data shipped in data/; "
                "no key and no network needed."
            )
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # pragma: no cover - IPython display
        printer.text(str(self))

    def __repr__(self) -> str:
        return str(self)


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def check_packages() -> Check:
    """Python and key package versions."""
    found = {name: _version(name) for name in PACKAGES}
    missing = [name for name, version in found.items() if version is None]
    detail = f"Python {platform.python_version()}; " + ", ".join(
        f"{name} {version}" for name, version in found.items() if version
    )
    if missing:
        return Check("packages", False, detail + f"; missing: {', '.join(missing)}",
                     "run `make lab` again (or `pip install -r binder/requirements.txt`)")
    return Check("packages", True, detail)


def check_bundled_data() -> Check:
    """Bundled data present and matching its checksums."""
    manifest = settings.data_dir() / "MANIFEST.sha256"
    problems = verify_manifest(manifest)
    if problems:
        shown = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
        return Check("bundled data", False, shown,
                     "restore the data folder: `git checkout -- data` (or download the workbook again)")
    count = sum(1 for line in manifest.read_text(encoding="utf-8").splitlines() if line.strip())
    return Check("bundled data", True, f"{count} files present, checksums match")


def _key_file_shown() -> str:
    """Where the key file goes, written the same on every machine (no user names in notebook outputs)."""
    if os.environ.get("CIVICDATA_KEY_FILE", "").strip():
        return "the file named by CIVICDATA_KEY_FILE"
    folder = "$XDG_CONFIG_HOME" if os.environ.get("XDG_CONFIG_HOME") else "~/.config"
    return f"{folder}/civicdata/{settings.KEY_FILE_NAME}"


def check_api_key() -> Check:
    """Whether a key is configured; the key itself is never shown."""
    source = settings.api_key_source()
    if source:
        return Check("Census API key", True, f"configured (from {source}; not shown)")
    return Check(
        "Census API key", False, "not configured",
        "fine for the workshop: notebooks use bundled data. For live data, request a free key at "
        "https://api.census.gov/data/key_signup.html and set CENSUS_API_KEY or save it in "
        f"{_key_file_shown()}",
    )


def check_network(timeout: float = NETWORK_TIMEOUT_SECONDS) -> Check:
    """Whether api.census.gov answers within ``timeout`` seconds (any HTTP answer counts)."""
    import requests

    if settings.offline_forced():
        return Check("Census API", False, "not checked: offline mode is on (CIVICDATA_OFFLINE)",
                     "the workbook uses the bundled data; unset CIVICDATA_OFFLINE to go live")
    try:
        response = requests.get(CENSUS_API_URL, timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        return Check("Census API", False, f"no answer within {timeout:g} seconds",
                     "work offline with the bundled data, or try again when the network is better")
    except requests.RequestException:
        return Check("Census API", False, "not reachable (no network, or it is blocked here)",
                     "work offline with the bundled data; a facilitator can prefetch places beforehand")
    return Check("Census API", True, f"answers (HTTP {response.status_code})")


def doctor(network: bool = True) -> DoctorReport:
    """Run every check and decide the mode. Print the result to read it.

    Example:
        >>> print(doctor(network=False))  # doctest: +ELLIPSIS
        Civic data workbook: environment check
        ...
    """
    checks = [check_packages(), check_bundled_data(), check_api_key()]
    answer = check_network() if network else Check("Census API", False, "not checked")
    checks.append(answer)
    key_ok = checks[2].ok
    checks.append(Check("current place", True, settings.current_place()))
    mode = "live" if key_ok and answer.ok else "bundled"
    return DoctorReport(checks=checks, mode=mode)
