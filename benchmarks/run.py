"""Measure the workbook: notebook time and kernel memory, nbval time, map size, HTTP requests, data size.

Run with ``make bench`` (not part of ``make test``). Prints a table and writes benchmarks/results.json.

Usage:
    python benchmarks/run.py                       # every default part (about two workbook runs of time)
    python benchmarks/run.py --skip nbval          # parts to leave out: notebooks, nbval, map, requests,
                                                   # data, import, site, classroom, robustness, posters
    python benchmarks/run.py --robustness-before /tmp/before   # also run the bad-input cases against an
                                                   # older checkout (git worktree add /tmp/before cca05c6)
    python benchmarks/run.py --notebooks 05 08     # only notebooks whose names start with these
    python benchmarks/run.py --skip notebooks,nbval,map,requests,data,import,site   # only the classroom hub load run
    python benchmarks/run.py --only together       # only these parts; the opt-in part (environment)
                                                   # runs only so
    python benchmarks/run.py --only environment --environment-baseline ba6a5a5~1
                                                   # also install the pinned list(s) of an older commit

Targets (issue 8): the whole workbook under nbval in at most 60 s on 2 cores; our map's HTML at most 0.25
of ``GeoDataFrame.explore()``'s. Issue 12: every lesson's kernel at most 300 MB peak RSS, and all lessons
open at once under 1.5 GB. Issue 14: the website builds in under 120 s and its heaviest page, maps
included, is under 2 MB. The Data Walk posters of the default place are made in one lesson cell, so within
the 20 s a cell may take. A part whose module has not been written yet is
reported as "not available yet" instead of failing the run.

The ``together`` part (one more run of every notebook) keeps every lesson's kernel alive and adds up
their proportional set sizes: what all lessons open at once really occupy, shared libraries counted once.
The ``environment`` part (opt-in: several minutes and about 1.5 GB of downloads) installs the learner
list and then the test list into a fresh virtual environment, the way ``make setup`` and ``make test`` do,
from PyPI with no pip cache, and records the install times and installed sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
RESULTS = Path(__file__).resolve().with_name("results.json")
sys.path.insert(0, str(ROOT / "tests"))
from notebook_env import UNSET, tidy_my_work, workbook_environment  # noqa: E402

TARGET_WORKBOOK_SECONDS = 60.0
TARGET_KERNEL_MB = 300.0
TARGET_ALL_KERNELS_MB = 1500.0
TARGET_MAP_RATIO = 0.25
TARGET_CELL_SECONDS = 20.0
TARGET_SITE_BUILD_SECONDS = 120.0
TARGET_SITE_PAGE_MB = 2.0
PARTS = ("notebooks", "nbval", "map", "requests", "data", "import", "site", "classroom", "robustness", "posters",
         "together",
         "environment")
OPT_IN = ("environment",)  # measured only when named with --only
NOT_AVAILABLE = "not available yet"


def workbook_env() -> dict[str, str]:
    """The environment the tests give the notebooks: offline, keyless, private config and cache."""
    env = dict(os.environ)
    env.update(workbook_environment())
    for name in UNSET:
        env.pop(name, None)
    return env


def rss_anon_mb(pid: int) -> float | None:
    """Private (anonymous) resident memory of a live process in MB, from /proc/<pid>/status RssAnon (Linux).

    VmHWM also counts the pages of shared libraries (GDAL, scikit-learn...), which kernels running side by
    side share; RssAnon is what each extra kernel adds on its own.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb(pid: int) -> float | None:
    """Peak resident memory of a live process in MB, from /proc/<pid>/status VmHWM (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:  # not Linux: psutil's current RSS, sampled after every cell, is the next best thing
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except Exception:
        return None


# ----------------------------------------------------------------------------- per notebook


def measure_notebook(path: Path) -> dict:
    """Execute one notebook in a fresh kernel (in memory; the file is not changed)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    cell_seconds: dict[int, float] = {}
    peaks: list[float] = []
    anon: list[float] = []
    started_cell: dict[int, float] = {}

    client = NotebookClient(nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(NOTEBOOKS)}})

    def on_cell_start(cell, cell_index):
        started_cell[cell_index] = time.perf_counter()

    def on_cell_executed(cell, cell_index, execute_reply):
        cell_seconds[cell_index] = time.perf_counter() - started_cell.get(cell_index, time.perf_counter())
        pid = getattr(client.km.provisioner, "pid", None) if client.km else None
        peak = peak_rss_mb(pid) if pid else None
        if peak is not None:
            peaks.append(peak)
        private = rss_anon_mb(pid) if pid else None
        if private is not None:
            anon.append(private)

    client.on_cell_start = on_cell_start
    client.on_cell_executed = on_cell_executed
    result: dict = {"notebook": path.name}
    started = time.perf_counter()
    try:
        client.execute()
        result["ok"] = True
    except Exception as err:  # a failing notebook is a result, not a crash of the benchmark
        result["ok"] = False
        result["error"] = f"{type(err).__name__}: {str(err).strip().splitlines()[-1] if str(err).strip() else ''}"
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["peak_rss_mb"] = round(max(peaks), 1) if peaks else None
    result["peak_rss_anon_mb"] = round(max(anon), 1) if anon else None  # sampled after each cell
    if cell_seconds:
        slowest = max(cell_seconds, key=cell_seconds.get)
        result["slowest_cell"] = slowest
        result["slowest_cell_seconds"] = round(cell_seconds[slowest], 2)
    result["code_cells"] = len(cell_seconds)
    return result


def measure_notebooks(prefixes: list[str]) -> list[dict]:
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if prefixes:
        paths = [p for p in paths if any(p.name.startswith(x) for x in prefixes)]
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(workbook_env())
    try:
        results = []
        with tidy_my_work():  # what the lessons save into notebooks/my-work/ is removed again; a learner's files stay
            for path in paths:
                print(f"  running {path.name} ...", file=sys.stderr, flush=True)
                results.append(measure_notebook(path))
        return results
    finally:
        os.environ.clear()
        os.environ.update(saved)


# ----------------------------------------------------------------------------- whole workbook


def measure_nbval() -> dict:
    """The notebook half of `make test`: strict nbval over notebooks/, in parallel as `make test` runs it."""
    if not list(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        return {"status": NOT_AVAILABLE}
    command = [sys.executable, "-m", "pytest", "notebooks", "-q", "-rf", "-n", "auto", "--dist", "loadfile"]
    print("  running nbval over notebooks/ ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=workbook_env(), capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    summary = lines[-1].strip("= ") if lines else done.stderr.strip()[-200:]
    failed = [re.sub(r"\x1b\[[0-9;]*m", "", line.removeprefix("FAILED "))[:160]
              for line in lines if line.startswith("FAILED ")]
    return {"seconds": round(seconds, 1), "ok": done.returncode == 0, "summary": summary, "failed": failed,
            "command": " ".join(["pytest", *command[3:]])}


# ----------------------------------------------------------------------------- map, requests, data, import


def measure_map() -> dict:
    try:
        from civicdata.maps.map_size import map_payload_sizes
    except ImportError:
        return {"status": NOT_AVAILABLE}
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(workbook_env())  # default place, whatever this machine's own setting says
    try:
        return map_payload_sizes()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def measure_requests() -> dict:
    try:
        from request_count import count_requests_for_tract_pull
    except ImportError:
        return {"status": NOT_AVAILABLE}
    return {"variables": 30, **count_requests_for_tract_pull(30)}


def measure_data() -> dict:
    folder = ROOT / "data"
    files = [f for f in folder.rglob("*") if f.is_file() and "__pycache__" not in f.parts]
    if not files:
        return {"status": NOT_AVAILABLE}
    return {"bytes": sum(f.stat().st_size for f in files), "files": len(files)}


def measure_import(repeats: int = 3) -> dict:
    """`import civicdata` in a fresh interpreter: -X importtime's cumulative figure and wall time."""
    cumulative, wall = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import civicdata"],
                              cwd=ROOT, env=workbook_env(), capture_output=True, text=True, timeout=120)
        wall.append(time.perf_counter() - started)
        if done.returncode != 0:
            return {"status": "import failed", "error": done.stderr.strip().splitlines()[-1:]}
        for line in done.stderr.splitlines():
            parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
            if len(parts) == 3 and parts[2] == "civicdata" and parts[1].isdigit():
                cumulative.append(int(parts[1]) / 1e6)
    baseline = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], cwd=ROOT, capture_output=True, timeout=60)
        baseline.append(time.perf_counter() - started)
    return {
        "importtime_seconds": round(min(cumulative), 3) if cumulative else None,
        "process_seconds": round(min(wall), 3),
        "bare_interpreter_seconds": round(min(baseline), 3),
    }


# ----------------------------------------------------------------------------- Data Walk posters

_POSTERS_RUN = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from civicdata.maps.posters import make_posters
imported = time.perf_counter()
make_posters(out=Path(sys.argv[1]) / "posters.pdf", overwrite=True)
first = time.perf_counter()
make_posters(out=Path(sys.argv[1]) / "posters.pdf", overwrite=True)
second = time.perf_counter()
print(json.dumps({"import_seconds": imported - started, "seconds": first - imported, "again_seconds": second - first}))
"""


def measure_posters() -> dict:
    """The default place's Data Walk set as lesson 10 makes it: make_posters() in a fresh interpreter (its
    imports of geopandas, matplotlib and mapclassify counted, as in a fresh kernel), then once more in the
    same process; the files' sizes and pages, and each map's width on paper, read from the PDF."""
    from pdf_layout import clipped_fill_extent_pt
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run([sys.executable, "-c", _POSTERS_RUN, folder], cwd=ROOT, env=workbook_env(),
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            return {"status": "make_posters failed", "error": done.stderr.strip().splitlines()[-1:]}
        timing = json.loads(done.stdout.strip().splitlines()[-1])
        posters, cards = Path(folder) / "posters.pdf", Path(folder) / "posters-station-cards.pdf"
        pages = PdfReader(posters).pages
        widths = []
        for page in pages[1:]:
            x0, _, x1, _ = clipped_fill_extent_pt(page)
            widths.append(round((x1 - x0) / 72, 2))
        return {**{key: round(value, 2) for key, value in timing.items()},
                "posters_kb": round(posters.stat().st_size / 1e3), "poster_pages": len(pages),
                "cards_kb": round(cards.stat().st_size / 1e3), "card_pages": len(PdfReader(cards).pages),
                "map_widths_in": widths, "printable_width_in": 8.0,
                "load_average": [round(x, 2) for x in os.getloadavg()]}  # the machine is shared: say how busy


def posters_rows(posters: dict) -> list[tuple[str, str, str, str]]:
    if "seconds" not in posters:
        return [("Data Walk posters, default place", posters.get("status", ""), "", "-")]
    return [("Data Walk posters, default place (fresh process)",
             f"{posters['seconds']:.1f} s; again in the same process {posters['again_seconds']:.1f} s",
             f"<= {TARGET_CELL_SECONDS:.0f} s (one lesson cell)", verdict(posters["seconds"] <= TARGET_CELL_SECONDS)),
            ("  maps' width on paper", f"{min(posters['map_widths_in']):.2f}-{max(posters['map_widths_in']):.2f} in "
             f"of the {posters['printable_width_in']:.1f} in printable", "", "-"),
            ("  files", f"posters {posters['posters_kb']} KB ({posters['poster_pages']} pages), station cards "
             f"{posters['cards_kb']} KB ({posters['card_pages']} pages)", "", "-")]


# ----------------------------------------------------------------------------- website (issue 14)


def measure_site() -> dict:
    """`make site` into benchmarks/tmp/site: build time, pages, total size, and the heaviest page as
    headless Chromium really fetches it (HTML, theme, figures, maps and Leaflet; served on 127.0.0.1)."""
    build_script = ROOT / "site" / "build_site.py"
    if not build_script.exists():
        return {"status": NOT_AVAILABLE}
    sys.path.insert(0, str(build_script.parent))
    import build_site

    out = ROOT / "benchmarks" / "tmp" / "site"
    print("  building the website ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    command = [sys.executable, str(build_script), "--out", str(out), "--work", str(out.parent / "site-work")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        return {"status": "build failed", "error": (done.stderr or done.stdout).strip()[-300:]}
    result = {"build_seconds": round(seconds, 1), **build_site.site_sizes(out)}
    try:
        pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if not p.name.startswith("."))
        fetched = build_site.fetched_bytes(out, pages)
        heaviest = max(fetched, key=lambda name: fetched[name]["bytes"])
        result.update({"fetched_heaviest_page": heaviest, "fetched_heaviest_page_bytes": fetched[heaviest]["bytes"],
                       "fetched_heaviest_page_requests": fetched[heaviest]["requests"],
                       "fetched_lightest_page_bytes": min(f["bytes"] for f in fetched.values())})
    except Exception as err:  # no Chromium: the static estimate above still stands
        result["fetched"] = f"not measured: {type(err).__name__}: {err}"
    return result


def site_rows(site: dict) -> list[tuple[str, str, str, str]]:
    if "build_seconds" not in site:
        return [("website", site.get("status", str(site)), "", "-")]
    heaviest = site.get("fetched_heaviest_page_bytes", site["heaviest_page_bytes"])
    name = site.get("fetched_heaviest_page", site["heaviest_page"])
    how = f"{site['fetched_heaviest_page_requests']} requests in Chromium" if "fetched_heaviest_page" in site \
        else "static estimate"
    return [
        ("website build (make site)", f"{site['build_seconds']:.1f} s", f"<= {TARGET_SITE_BUILD_SECONDS:.0f} s",
         verdict(site["build_seconds"] <= TARGET_SITE_BUILD_SECONDS)),
        ("website size", f"{site['total_bytes'] / 1e6:.1f} MB in {site['files']} files, {site['pages']} pages "
         f"({site['lesson_pages']} lessons)", "", "-"),
        ("heaviest page, maps included", f"{heaviest / 1e6:.2f} MB: {name} ({how})",
         f"< {TARGET_SITE_PAGE_MB:.0f} MB", verdict(heaviest < TARGET_SITE_PAGE_MB * 1e6)),
    ]


# ----------------------------------------------------------------------------- classroom hub under load


def measure_classroom(learners: int = 30, concurrency: int = 10) -> dict:
    """N learners on the real classroom hub at once (bounded), lessons 00 and 01 each: benchmarks/classroom_load.py.

    Then a smaller run of the two heaviest lessons (08 and 10), for the memory per learner later in a
    session, which the sizing advice in workshop/classroom/README.md needs too.
    """
    try:
        from classroom_load import run_load
    except ImportError as err:
        return {"status": f"{NOT_AVAILABLE} ({err})"}
    print(f"  classroom hub: {learners} learners, {concurrency} at a time ...", file=sys.stderr, flush=True)
    result = run_load(learners=learners, concurrency=concurrency)
    if "served" in result:
        print("  classroom hub: 5 learners, lessons 08 and 10 ...", file=sys.stderr, flush=True)
        result["later_lessons"] = run_load(learners=5, concurrency=5, lessons=[
            "notebooks/08-mapping-tracts.ipynb", "notebooks/10-discussing-the-data.ipynb"])
    return result


def classroom_rows(hub: dict) -> list[tuple[str, str, str, str]]:
    if "served" not in hub:
        return [("classroom hub load run", hub.get("status", str(hub)), "", "-")]
    ready, mem = hub["sign_in_to_ready_seconds"], hub["machine_memory_mb"]
    return [
        (f"classroom: learners served ({hub['concurrency']} at a time)", f"{hub['served']} of {hub['learners']}",
         "all", verdict(hub["failures"] == 0)),
        ("classroom: sign-in to ready server", f"median {ready.get('median')} s, p95 {ready.get('p95')} s", "", "-"),
        ("classroom: lessons 00 + 01 per learner", f"median {hub['lesson_00_seconds'].get('median')} s + "
         f"{hub['lesson_01_seconds'].get('median')} s", "", "-"),
        ("classroom: machine memory", f"peak {mem['peak']} MB (+{mem['peak_increase']} MB over {mem['before']} MB)",
         "", "-"),
        ("classroom: hub / proxy / per learner", f"{hub['hub_peak_rss_mb']:.0f} MB / {hub['proxy_peak_rss_mb']:.0f} MB"
         f" / median {hub['per_learner_peak_rss_mb'].get('median')} MB", "", "-"),
        ("classroom: CPU per learner (00 + 01)", f"{hub.get('cpu_seconds_per_learner')} s", "", "-"),
    ] + ([] if "served" not in hub.get("later_lessons", {}) else [
        ("classroom: lessons 08 + 10, 5 learners", f"{hub['later_lessons']['served']} served; per learner "
         f"median {hub['later_lessons']['per_learner_peak_rss_mb'].get('median')} MB, machine "
         f"+{hub['later_lessons']['machine_memory_mb']['peak_increase']} MB", "", verdict(
             hub["later_lessons"]["failures"] == 0)),
    ])


def kernel_memory(notebooks: list[dict]) -> dict:
    """Each lesson's peak kernel memory and their sum: every lesson open at once, none shut down."""
    peaks = {nb["notebook"]: nb.get("peak_rss_mb") for nb in notebooks}
    known = [mb for mb in peaks.values() if mb is not None]
    total = round(sum(known), 1)
    private = [nb.get("peak_rss_anon_mb") for nb in notebooks]
    return {
        "sum_of_peaks_mb": total,
        # What the kernels hold privately (shared library pages counted once for all of them, not here).
        "sum_of_private_peaks_mb": round(sum(private), 1) if all(mb is not None for mb in private) else None,
        "largest_peak_mb": max(known, default=None),
        "notebooks": len(peaks),
        "unknown": sorted(name for name, mb in peaks.items() if mb is None),
        "target_each_mb": TARGET_KERNEL_MB,
        "ok": bool(known) and len(known) == len(peaks) and max(known) <= TARGET_KERNEL_MB,
    }


def smaps_rollup_mb(pid: int) -> dict[str, float]:
    """Rss, Pss (shared pages divided among the processes sharing them) and private memory of a process."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "kB":
            values[parts[0].rstrip(":")] = int(parts[1]) / 1024
    return {"rss": values.get("Rss", 0.0), "pss": values.get("Pss", 0.0),
            "private": values.get("Private_Clean", 0.0) + values.get("Private_Dirty", 0.0)}


def measure_together() -> dict:
    """Every lesson run to its end in its own kernel, all kernels kept alive: what they occupy together.

    The sum of the peaks (``kernel_memory``) counts the pages of shared libraries once per kernel; here
    the kernels really run side by side, and their proportional set sizes (PSS) add up to the memory they
    use together. Read at the end of the last notebook (each kernel's memory at the end of its lesson).
    """
    import contextlib

    import nbformat
    from nbclient import NotebookClient

    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(workbook_env())
    kernels: dict[str, int] = {}
    failed: list[str] = []
    try:
        with tidy_my_work(), contextlib.ExitStack() as stack:
            for path in paths:
                print(f"  running {path.name}, keeping its kernel ...", file=sys.stderr, flush=True)
                nb = nbformat.read(path, as_version=4)
                client = NotebookClient(nb, kernel_name="python3", timeout=300,
                                        resources={"metadata": {"path": str(NOTEBOOKS)}})
                stack.enter_context(client.setup_kernel())
                kernels[path.name] = client.km.provisioner.pid
                try:
                    for index, cell in enumerate(nb.cells):
                        if cell.cell_type == "code":
                            client.execute_cell(cell, index)
                except Exception as err:  # a failing lesson still holds its memory
                    failed.append(f"{path.name}: {type(err).__name__}")
            memory = {name: smaps_rollup_mb(pid) for name, pid in kernels.items()}
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {
        "kernels": len(memory),
        "pss_sum_mb": round(sum(m["pss"] for m in memory.values()), 1),
        "private_sum_mb": round(sum(m["private"] for m in memory.values()), 1),
        "rss_sum_mb": round(sum(m["rss"] for m in memory.values()), 1),
        "pss_mb": {name: round(m["pss"], 1) for name, m in memory.items()},
        "failed": failed,
        "target_sum_mb": TARGET_ALL_KERNELS_MB,
    }


# ----------------------------------------------------------------------------- environment


def pypi_environment() -> dict[str, str]:
    """pip as a learner's machine has it: PyPI itself (pip's default index), no cache, no local mirrors.

    This machine's pip configuration adds local wheel folders, which would make a "cold" install copy
    files from disk; PIP_CONFIG_FILE=os.devnull ignores every pip config file.
    """
    env = dict(os.environ)
    for name in ("PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CONSTRAINT", "PIP_NO_INDEX",
                 "PIP_REQUIRE_VIRTUALENV", "VIRTUAL_ENV", "PYTHONPATH"):
        env.pop(name, None)
    env.update({"PIP_CONFIG_FILE": os.devnull, "PIP_NO_CACHE_DIR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    return env


def folder_bytes(folder: Path) -> int:
    """Bytes of the files in a folder (symlinks not followed), as `du --apparent-size` counts them."""
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
    return total


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:6])} failed:\n{(done.stdout + done.stderr)[-1500:]}")
    return round(time.perf_counter() - started, 1)


def _distributions(python: Path) -> int:
    code = "import importlib.metadata as m; print(len(list(m.distributions())))"
    return int(subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout)


def install_lists(folder: Path, source: Path, lists: list[str]) -> list[dict]:
    """``make setup`` then ``make test``'s install, cold: fresh venv, pip upgraded, each list in turn.

    ``lists`` are requirement files relative to ``source`` (a checkout); the first one also gets the
    venv's creation, the pip upgrade and ``pip install --no-deps -e .``, as ``make setup`` does.
    """
    env = pypi_environment()
    venv_dir = folder / "venv"
    python = venv_dir / "bin" / "python"
    steps = []
    for number, requirements in enumerate(lists):
        print(f"  installing {requirements} (cold, from PyPI) ...", file=sys.stderr, flush=True)
        parts: dict[str, float] = {}
        if number == 0:
            parts["venv"] = _timed([sys.executable, "-m", "venv", str(venv_dir)], source, env)
            parts["pip_upgrade"] = _timed([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                                          source, env)
        parts["requirements"] = _timed([str(python), "-m", "pip", "install", "--quiet", "-r", requirements],
                                       source, env)
        if number == 0 and (source / "pyproject.toml").exists():
            parts["editable"] = _timed([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "-e", "."],
                                       source, env)
        steps.append({"requirements": requirements, "install_seconds": round(sum(parts.values()), 1),
                      "seconds_by_step": parts, "installed_bytes": folder_bytes(venv_dir),
                      "distributions": _distributions(python)})
    return steps


def measure_environment(baseline: str | None = None) -> dict:
    """Installed size and cold install time of the learner environment and of the full test environment."""
    result: dict = {
        "how": "fresh venv; pip upgraded; pip install -r LIST with no cache from PyPI (pip's default index, "
               "pip config files ignored); then -e . --no-deps (make setup); then tests/requirements.txt on "
               "top (make test). Sizes: all files under the venv.",
        "python": platform.python_version(),
    }
    with tempfile.TemporaryDirectory(prefix="civicdata-env-") as tmp:
        learner, full = install_lists(Path(tmp), ROOT, ["binder/requirements.txt", "tests/requirements.txt"])
    result["learner"] = learner
    result["test"] = full
    result["test_tools_bytes"] = full["installed_bytes"] - learner["installed_bytes"]
    if baseline:
        result["baseline"] = measure_baseline(baseline)
    return result


def measure_baseline(revision: str) -> dict:
    """The same measure for the pinned list(s) of an older commit, from a clean export of that commit."""
    with tempfile.TemporaryDirectory(prefix="civicdata-env-baseline-") as tmp:
        source = Path(tmp) / "source"
        source.mkdir()
        archive = subprocess.run(["git", "archive", revision], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
        lists = ["binder/requirements.txt"]
        if (source / "tests" / "requirements.txt").exists():
            lists.append("tests/requirements.txt")
        steps = install_lists(Path(tmp), source, lists)
        commit = subprocess.run(["git", "rev-parse", "--short", revision], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
    return {"revision": revision, "commit": commit, "steps": steps}


# ----------------------------------------------------------------------------- robustness (issue 11)


def measure_robustness(code: Path | None = None, slow_drip: bool = True) -> dict:
    """Run the bad-input and fault cases (tests/robustness_cases.py) in a fresh interpreter and count them.

    ``code``: another checkout to run them against (its civicdata and data/), for before/after figures.
    """
    command = [sys.executable, str(Path(__file__).with_name("robustness.py"))]
    if code is not None:
        command += ["--code", str(code)]
    if slow_drip:
        command.append("--slow-drip")
    print(f"  running the bad-input cases{' against ' + str(code) if code else ''} ...", file=sys.stderr, flush=True)
    done = subprocess.run(command, cwd=ROOT, env=workbook_env(), capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        return {"status": f"error: {done.stderr.strip().splitlines()[-1:] or done.returncode}"}
    result = json.loads(done.stdout)
    cases = result.pop("cases")
    result.pop("package", None)
    result["not_clear"] = {case: f"{o['status']}: {o['detail'][:140]}" for case, o in cases.items()
                           if o["status"] != "clear"}
    if code is not None:
        commit = subprocess.run(["git", "-C", str(code), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True)
        result["code"] = commit.stdout.strip() or str(code)
    return result


# ----------------------------------------------------------------------------- report


def verdict(ok: bool | None) -> str:
    return {True: "pass", False: "FAIL", None: "-"}[ok]


def rows(results: dict) -> list[tuple[str, str, str, str]]:
    """(measure, value, target, pass/fail) lines for the printed table."""
    out: list[tuple[str, str, str, str]] = []
    notebooks = results.get("notebooks")
    if isinstance(notebooks, list):
        if not notebooks:
            out.append(("notebooks", NOT_AVAILABLE, "", "-"))
        for nb in notebooks:
            mb = nb.get("peak_rss_mb")
            name = nb["notebook"].removesuffix(".ipynb")
            note = "" if nb.get("ok") else f"  error: {nb.get('error', '')[:60]}"
            out.append((f"{name}: time", f"{nb['seconds']:.1f} s{note}", "", "pass" if nb.get("ok") else "FAIL"))
            out.append((f"{name}: peak kernel RSS", f"{mb:.0f} MB" if mb else "unknown",
                        f"<= {TARGET_KERNEL_MB:.0f} MB", verdict(mb <= TARGET_KERNEL_MB if mb else None)))
            if "slowest_cell_seconds" in nb:
                s = nb["slowest_cell_seconds"]
                out.append((f"{name}: slowest cell", f"{s:.1f} s (cell {nb['slowest_cell']} of the notebook)",
                            f"<= {TARGET_CELL_SECONDS:.0f} s", verdict(s <= TARGET_CELL_SECONDS)))
        if notebooks:
            total = sum(nb["seconds"] for nb in notebooks)
            out.append(("all notebooks, one after another", f"{total:.1f} s", "", "-"))
    memory = results.get("kernel_memory")
    if memory:
        # An upper bound, not the 1.5 GB figure: every kernel at its own peak, shared libraries counted in each.
        # What all lessons open at once occupy is measured with the kernels alive side by side ("together").
        out.append(("sum of each kernel's peak RSS (upper bound)",
                    f"{memory['sum_of_peaks_mb']:.0f} MB over {memory['notebooks']} notebooks", "", "-"))
        if memory.get("sum_of_private_peaks_mb") is not None:
            out.append(("  of which private (RssAnon; shared libraries excluded)",
                        f"{memory['sum_of_private_peaks_mb']:.0f} MB", "", "-"))
    nbval = results.get("nbval")
    if nbval:
        if "seconds" in nbval:
            ok = nbval["ok"] and nbval["seconds"] <= TARGET_WORKBOOK_SECONDS
            out.append(("whole workbook under nbval (-n auto)", f"{nbval['seconds']:.1f} s; {nbval['summary']}",
                        f"<= {TARGET_WORKBOOK_SECONDS:.0f} s, all pass", verdict(ok)))
            out.extend(("  failed", test[:90], "", "") for test in nbval.get("failed", []))
        else:
            out.append(("whole workbook under nbval", nbval["status"], "", "-"))
    mapped = results.get("map")
    if mapped:
        if "ratio" in mapped:
            out.append(("map HTML, default place", f"{mapped['map_bytes'] / 1e3:.0f} KB", "", "-"))
            out.append(("GeoDataFrame.explore() HTML", f"{mapped['explore_bytes'] / 1e3:.0f} KB", "", "-"))
            out.append(("map / explore() ratio", f"{mapped['ratio']:.3f}", f"<= {TARGET_MAP_RATIO}",
                        verdict(mapped["ratio"] <= TARGET_MAP_RATIO)))
        else:
            out.append(("map size ratio", mapped.get("status", str(mapped)), "", "-"))
    requests_ = results.get("requests")
    if requests_:
        if "cold" in requests_:
            out.append(("HTTP requests, 30-variable tract pull",
                        f"cold {requests_['cold']}, warm {requests_['warm']}", "", "-"))
            if "stock_cold" in requests_:
                out.append(("  (census package alone)",
                            f"cold {requests_['stock_cold']}, warm {requests_['stock_warm']}", "", "-"))
        else:
            out.append(("HTTP requests, 30-variable tract pull", requests_.get("status", ""), "", "-"))
    data = results.get("data")
    if data:
        value = f"{data['bytes'] / 2**20:.1f} MB in {data['files']} files" if "bytes" in data else data["status"]
        out.append(("size of data/", value, "", "-"))
    robust = results.get("robustness")
    if robust:
        if "classes" in robust:
            ok = robust["clear"] == robust["classes"] - robust.get("not_run_here", 0)
            out.append(("bad-input and fault cases", f"{robust['clear']} of {robust['classes']} clear; raw "
                        f"{robust['raw_tracebacks']}, wrong {robust['wrong_answers']}, hang {robust['hangs']}",
                        "all clear, 0 raw, 0 wrong", verdict(ok)))
            drip = robust.get("slow_drip")
            if drip:
                out.append(("slow-drip server: time to fail", f"{drip['seconds_to_fail']:.1f} s",
                            f"about {drip['deadline_seconds']:.0f} s", verdict(drip["seconds_to_fail"] <=
                                                                           drip["deadline_seconds"] + 5)))
        else:
            out.append(("bad-input and fault cases", robust.get("status", ""), "", "-"))
    before = results.get("robustness_before")
    if before and "classes" in before:
        out.append((f"  same cases on {before.get('code', 'the older code')}",
                    f"{before['clear']} clear, raw {before['raw_tracebacks']}, wrong {before['wrong_answers']}, "
                    f"hang {before['hangs']}", "", "-"))
    imported = results.get("import")
    if imported:
        if "process_seconds" in imported:
            it = imported["importtime_seconds"]
            out.append(("import civicdata", f"{it:.2f} s (-X importtime); process {imported['process_seconds']:.2f} s "
                        f"vs bare python {imported['bare_interpreter_seconds']:.2f} s", "", "-"))
        else:
            out.append(("import civicdata", imported.get("status", ""), "", "-"))
    site = results.get("site")
    if site:
        out.extend(site_rows(site))
    classroom_hub = results.get("classroom")
    if classroom_hub:
        out.extend(classroom_rows(classroom_hub))
    posters = results.get("posters")
    if posters:
        out.extend(posters_rows(posters))
    together = results.get("together")
    if together:
        if "pss_sum_mb" in together:
            note = f"; failed: {', '.join(together['failed'])}" if together["failed"] else ""
            out.append(("all lessons open at once, measured: sum of kernel PSS",
                        f"{together['pss_sum_mb']:.0f} MB in {together['kernels']} live kernels "
                        f"(RSS sum {together['rss_sum_mb']:.0f} MB){note}",
                        f"<= {TARGET_ALL_KERNELS_MB:.0f} MB", verdict(together["pss_sum_mb"] <= TARGET_ALL_KERNELS_MB)))
        else:
            out.append(("all lessons open at once, measured", together.get("status", ""), "", "-"))
    environment = results.get("environment")
    if environment:
        if "learner" in environment:
            for key, label in (("learner", "learner environment (binder/requirements.txt)"),
                               ("test", "  + test tools (tests/requirements.txt)")):
                step = environment[key]
                out.append((label, f"{step['installed_bytes'] / 2**20:.0f} MB, {step['distributions']} packages; "
                            f"cold install {step['install_seconds']:.0f} s", "", "-"))
            for step in environment.get("baseline", {}).get("steps", []):
                out.append((f"  baseline {environment['baseline']['commit']}: {step['requirements']}",
                            f"{step['installed_bytes'] / 2**20:.0f} MB, {step['distributions']} packages; "
                            f"cold install {step['install_seconds']:.0f} s", "", "-"))
        else:
            out.append(("environment size and install time", environment.get("status", ""), "", "-"))
    return out


def print_table(lines: list[tuple[str, str, str, str]]) -> None:
    widths = [max(len(line[i]) for line in lines + [("measure", "value", "target", "result")]) for i in range(3)]
    header = ("measure", "value", "target", "result")
    for line in [header, tuple("-" * w for w in widths) + ("------",), *lines]:
        print(f"{line[0]:<{widths[0]}}  {line[1]:<{widths[1]}}  {line[2]:<{widths[2]}}  {line[3]}")


def machine() -> dict:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in load] if load else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip", default="", help=f"comma-separated parts to skip: {','.join(PARTS)}")
    parser.add_argument("--only", default="", help="comma-separated parts to measure, and nothing else "
                        f"(the only way to run the opt-in parts: {','.join(OPT_IN)})")
    parser.add_argument("--notebooks", nargs="*", default=[], help="only notebooks starting with these")
    parser.add_argument("--classroom-learners", type=int, default=30, help="learners in the classroom load run")
    parser.add_argument("--classroom-concurrency", type=int, default=10, help="learners working at one time")
    parser.add_argument("--environment-baseline", metavar="REV",
                        help="with the environment part: also measure the pinned list(s) of this git revision")
    parser.add_argument("--robustness-before", type=Path, default=None, metavar="DIR",
                        help="also run the bad-input cases against this older checkout (robustness_before)")
    args = parser.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = (skip | only) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}; choose from {PARTS}")
    skip |= (set(PARTS) - only) if only else set(OPT_IN)

    # Parts left out keep their figures from the previous run; "measured" says what this run measured.
    try:
        results = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        results = {}
    results.pop("failed_targets", None)
    results["machine"] = machine()
    results["measured"] = [part for part in PARTS if part not in skip]
    measures = {"notebooks": lambda: measure_notebooks(args.notebooks), "nbval": measure_nbval,
                "map": measure_map, "requests": measure_requests, "data": measure_data, "import": measure_import,
                "site": measure_site,
                "classroom": lambda: measure_classroom(args.classroom_learners, args.classroom_concurrency),
                "robustness": measure_robustness,
                "posters": measure_posters,
                "together": measure_together, "environment": lambda: measure_environment(args.environment_baseline)}
    shown: dict = {}
    for part in PARTS:
        if part in skip:
            continue
        previous = results.get(part)
        try:
            value = measures[part]()
        except Exception as err:  # one broken part must not hide the others
            value = {"status": f"error: {type(err).__name__}: {err}"}
        if part == "environment" and isinstance(previous, dict) and "baseline" in previous and "baseline" not in value:
            value["baseline"] = previous["baseline"]  # a one-off "before" figure, kept until measured again
        shown[part] = value
        if part == "notebooks" and args.notebooks and isinstance(results.get("notebooks"), list):
            merged = {nb["notebook"]: nb for nb in results["notebooks"]} | {nb["notebook"]: nb for nb in value}
            value = [merged[name] for name in sorted(merged)]
        results[part] = value
        if part == "notebooks" and isinstance(value, list) and value:
            results["kernel_memory"] = shown["kernel_memory"] = kernel_memory(value)

    if args.robustness_before is not None:
        results["robustness_before"] = shown["robustness_before"] = measure_robustness(
            args.robustness_before.resolve(), slow_drip=False)

    lines = rows(shown)
    print_table(lines)
    # Over every recorded figure, this run's and those kept from earlier runs; the exit status is this run's.
    results["failed_targets"] = [line[0] for line in rows(results) if line[3] == "FAIL"]
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 1 if any(line[3] == "FAIL" for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
