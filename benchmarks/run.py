"""Measure the workbook: notebook time and kernel memory, nbval time, map size, HTTP requests, data size.

Run with ``make bench`` (not part of ``make test``). Prints a table and writes benchmarks/results.json.

Usage:
    python benchmarks/run.py                       # everything (about two workbook runs of time)
    python benchmarks/run.py --skip nbval          # parts to leave out: notebooks, nbval, map, requests,
                                                   # data, import, site, classroom
    python benchmarks/run.py --notebooks 05 08     # only notebooks whose names start with these
    python benchmarks/run.py --skip notebooks,nbval,map,requests,data,import,site   # only the classroom hub load run

Targets (issue 8): the whole workbook under nbval in at most 60 s on 2 cores; every notebook's kernel at
most 500 MB peak RSS; our map's HTML at most 0.25 of ``GeoDataFrame.explore()``'s. Issue 14: the website
builds in under 120 s and its heaviest page, maps included, is under 2 MB. A part whose module has not been
written yet is reported as "not available yet" instead of failing the run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
RESULTS = Path(__file__).resolve().with_name("results.json")
sys.path.insert(0, str(ROOT / "tests"))
from notebook_env import UNSET, workbook_environment  # noqa: E402

TARGET_WORKBOOK_SECONDS = 60.0
TARGET_KERNEL_MB = 500.0
TARGET_MAP_RATIO = 0.25
TARGET_CELL_SECONDS = 20.0
TARGET_SITE_BUILD_SECONDS = 120.0
TARGET_SITE_PAGE_MB = 2.0
PARTS = ("notebooks", "nbval", "map", "requests", "data", "import", "site", "classroom")
NOT_AVAILABLE = "not available yet"


def workbook_env() -> dict[str, str]:
    """The environment the tests give the notebooks: offline, keyless, private config and cache."""
    env = dict(os.environ)
    env.update(workbook_environment())
    for name in UNSET:
        env.pop(name, None)
    return env


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
    parser.add_argument("--notebooks", nargs="*", default=[], help="only notebooks starting with these")
    parser.add_argument("--classroom-learners", type=int, default=30, help="learners in the classroom load run")
    parser.add_argument("--classroom-concurrency", type=int, default=10, help="learners working at one time")
    args = parser.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = skip - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}; choose from {PARTS}")

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
                "classroom": lambda: measure_classroom(args.classroom_learners, args.classroom_concurrency)}
    shown: dict = {}
    for part in PARTS:
        if part in skip:
            continue
        try:
            value = measures[part]()
        except Exception as err:  # one broken part must not hide the others
            value = {"status": f"error: {type(err).__name__}: {err}"}
        shown[part] = value
        if part == "notebooks" and args.notebooks and isinstance(results.get("notebooks"), list):
            merged = {nb["notebook"]: nb for nb in results["notebooks"]} | {nb["notebook"]: nb for nb in value}
            value = [merged[name] for name in sorted(merged)]
        results[part] = value

    lines = rows(shown)
    print_table(lines)
    results["failed_targets"] = [line[0] for line in lines if line[3] == "FAIL"]
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 1 if results["failed_targets"] else 0


if __name__ == "__main__":
    sys.exit(main())
