"""The API key never lands anywhere: every notebook run with a made-up key, without a network, then scanned.

Two runs, each in a fresh home folder (config, cache, IPython history, Jupyter runtime, matplotlib and
temporary files all live under it):

* **no network**: the key in ``CENSUS_API_KEY``, every request sent to a local proxy that answers
  "502 Bad Gateway", as a proxy with no network behind it does (requests raises the same errors as on a
  laptop without internet, URL and key in their text; nothing leaves the machine even where there is
  internet). It also records which notebooks tried to go online;
* **a proxy that never answers**: the key in the key file, every request sent to a local proxy that
  accepts connections and stays silent, for the notebooks that went online in the first run (the others
  never open a socket). With ``CIVICDATA_NETWORK_DEADLINE=3`` every such wait must end within the deadline.

Kernels log urllib3, requests, requests-cache, census and civicdata at DEBUG level into a file (an
IPython startup script), so the log filter is tested too. Then every output, log, captured stream and
every file the run wrote (settings, HTTP cache, my-work, temporary files, the executed notebooks) is
searched for the key and for every 8-character slice of it, in UTF-8 and UTF-16.

The key is upper-case hexadecimal: folium's random element ids are lower-case hexadecimal, and a slice
of a lower-case key would turn up among thousands of them by chance.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from network_fakes import BadGateway, Blackhole

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
KEY = "9D4E1F7A3C8B2E6D0F5A9C1B7E3D8F2A6C0B4E9D"
SLICES = sorted({KEY[i:i + 8] for i in range(len(KEY) - 7)})
DEADLINE = 3
LOGGING_STARTUP = """\
import logging, os
_handler = logging.FileHandler(os.environ["CIVICDATA_TEST_LOG"], encoding="utf-8")
_handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
for _name in ("urllib3", "requests", "requests_cache", "census", "civicdata"):
    logging.getLogger(_name).setLevel(logging.DEBUG)
    logging.getLogger(_name).addHandler(_handler)
"""


def _environment(root: Path, proxy_url: str, key_in_file: bool) -> dict[str, str]:
    home = root / "home"
    drop = {"CENSUS_API_KEY", "CIVICDATA_PLACE", "CIVICDATA_KEY_FILE", "CIVICDATA_OFFLINE", "CIVICDATA_DATA_DIR",
            "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY",
            "no_proxy", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "JUPYTER_CONFIG_DIR",
            "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"}
    env = {name: value for name, value in os.environ.items() if name not in drop}
    env.update({
        "HOME": str(home), "TMPDIR": str(root / "tmp"), "IPYTHONDIR": str(home / ".ipython"),
        "HTTP_PROXY": proxy_url, "HTTPS_PROXY": proxy_url, "CIVICDATA_NETWORK_DEADLINE": str(DEADLINE),
        "CIVICDATA_TEST_LOG": str(root / "logs" / "kernels.log"), "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg",
    })
    for folder in (home, root / "tmp", root / "logs", home / ".ipython" / "profile_default" / "startup"):
        folder.mkdir(parents=True, exist_ok=True)
    (home / ".ipython" / "profile_default" / "startup" / "00-debug-log.py").write_text(LOGGING_STARTUP)
    if key_in_file:
        key_file = home / ".config" / "civicdata" / "census_api_key"
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(KEY + "\n")
    else:
        env["CENSUS_API_KEY"] = KEY
    return env


def _run(notebook: Path, root: Path, env: dict[str, str]) -> tuple[dict, str, float]:
    """Execute a copy of ``notebook`` in ``root/notebooks`` (errors allowed); return it, its streams, seconds."""
    work = root / "notebooks"  # two notebooks at a time share it, as they share a learner's folder (_run_all)
    copy = work / notebook.name
    copy.write_bytes(notebook.read_bytes())
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--inplace",
         "--ExecutePreprocessor.allow_errors=True", "--ExecutePreprocessor.timeout=300", str(copy)],
        cwd=work, env=env, capture_output=True, text=True, timeout=900)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(copy.read_text(encoding="utf-8")), done.stdout + done.stderr, seconds


def _leaks(data: bytes) -> list[str]:
    found = [s for s in SLICES if s.encode("ascii") in data or s.encode("utf-16-le") in data]
    return ([KEY] if KEY.encode() in data else []) + found


def _scan(root: Path, streams: str) -> list[str]:
    problems = [f"captured output: {leak}" for leak in _leaks(streams.encode("utf-8"))]
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("data/"):
            continue  # the repository's data (a link): anything written there is caught as new in the repository
        if relative in ("home/.config/civicdata/census_api_key",  # where the second run put the key itself
                        "home/.ipython/profile_default/startup/00-debug-log.py"):
            continue
        problems += [f"{relative}: {leak}" for leak in _leaks(path.read_bytes())]
    return problems


def _errors(notebook: dict) -> list[str]:
    """Cell errors other than the workbook's own (a CivicDataError shows as its message only)."""
    found = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"{output.get('ename')}: {output.get('evalue', '')[:200]}")
    return found


def _untracked() -> set[str]:
    """New files in the repository, except notebooks/my-work/ and Python's __pycache__: in a parallel
    `make test` the other worker writes those meanwhile (my-work is tidied at the end); these runs write
    into their own copy's my-work."""
    done = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--ignored"], cwd=ROOT,
                          capture_output=True, text=True)
    return {line[3:] for line in done.stdout.splitlines()
            if line.startswith(("??", "!!")) and not line[3:].startswith("notebooks/my-work/")
            and "__pycache__" not in line}


def _run_all(notebooks: list[Path], root: Path, server_class, key_in_file: bool) -> dict:
    """Run ``notebooks`` two at a time, each behind its own proxy server (so its connections are its own)."""

    def one(notebook: Path):
        with server_class() as server:
            env = _environment(root, server.url, key_in_file)
            notebook_json, streams, seconds = _run(notebook, root, env)
        return notebook.name, notebook_json, streams, seconds, server.connections

    # Made once, before the two threads start (each making them when missing raced: "File exists").
    (root / "notebooks").mkdir(parents=True, exist_ok=True)
    if not (root / "data").exists():  # the lessons read ../data, as in the repository
        (root / "data").symlink_to(ROOT / "data", target_is_directory=True)
    outputs, streams, seconds, connections = {}, [], {}, {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for name, notebook_json, text, took, count in pool.map(one, notebooks):
            outputs[name], seconds[name], connections[name] = notebook_json, took, count
            streams.append(text)
    return {"root": root, "outputs": outputs, "streams": "\n".join(streams), "seconds": seconds,
            "connections": connections}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Both runs; what they made is scanned by the tests below."""
    before = _untracked()
    results = {"no-network": _run_all(NOTEBOOKS, tmp_path_factory.mktemp("no-network"), BadGateway,
                                         key_in_file=False)}
    online = [nb for nb in NOTEBOOKS if results["no-network"]["connections"][nb.name]]
    results["no-network"]["online"] = online
    results["silent-proxy"] = _run_all(online, tmp_path_factory.mktemp("silent-proxy"), Blackhole, key_in_file=True)
    results["new_in_repository"] = sorted(_untracked() - before)
    return results


@pytest.mark.parametrize("run", ["no-network", "silent-proxy"])
def test_the_key_is_nowhere(runs, run):
    found = _scan(runs[run]["root"], runs[run]["streams"])
    assert not found, "The key (or a slice of it) was found in:\n" + "\n".join(found)


def test_the_debug_logs_were_written(runs):
    """The kernels really logged the live attempts at DEBUG level, so the scan above covered a real log."""
    for run in ("no-network", "silent-proxy"):
        log = runs[run]["root"] / "logs" / "kernels.log"
        assert log.exists() and "api.census.gov" in log.read_text(encoding="utf-8")


def test_with_a_key_and_no_network_every_notebook_still_runs(runs):
    problems = {name: _errors(nb) for name, nb in runs["no-network"]["outputs"].items()}
    assert not any(problems.values()), problems
    assert runs["no-network"]["online"], "no notebook tried the network with a key: the test proves nothing"


def test_a_silent_proxy_holds_nobody_longer_than_the_deadline(runs):
    """Behind the silent proxy a notebook takes its usual time plus a few deadlines (3 s each), never the
    20 s read timeout per request, let alone forever."""
    silent, usual = runs["silent-proxy"], runs["no-network"]["seconds"]
    assert sum(silent["connections"].values()) > 0
    for name, notebook in silent["outputs"].items():
        assert not _errors(notebook), (name, _errors(notebook))
        extra = silent["seconds"][name] - usual[name]
        assert extra < 8 * DEADLINE, f"{name} waited {extra:.0f} s longer behind a silent proxy"


def test_nothing_was_written_into_the_repository(runs):
    assert runs["new_in_repository"] == []


def test_notebook_03_shows_the_census_call_through_the_workbook_session():
    notebook = nbformat.read(ROOT / "notebooks" / "03-finding-acs-data.ipynb", as_version=4)
    calls = [cell.source for cell in notebook.cells if cell.cell_type == "code" and "Census(" in cell.source]
    assert calls and all("session=civicdata.census_session()" in source for source in calls)
