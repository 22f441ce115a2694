"""Load run for the classroom hub (the ``classroom`` part of ``make bench``).

Starts the real classroom hub (workshop/classroom/classroom.py, as ``make classroom`` does) on free
loopback ports in a scratch folder, then N scripted learners (workshop/classroom/learner.py), at most C at a
time, each: sign in through the login form, start their server, open the nbgitpuller link, run lesson 00
and then lesson 01 to the end (keeping 00's kernel open, as a learner who moves on does), and compare
the outputs with the stored ones. Every server stays up until all learners are done, so the peak is a
full room. Meanwhile a sampler reads, every half second, the machine's used memory
(MemTotal - MemAvailable), the resident memory of every process of the classroom (hub, proxy, culler,
servers, kernels) and of the hub alone. Nothing but loopback traffic; every wait is bounded.

Usage (also through benchmarks/run.py)::

    python benchmarks/classroom_load.py --learners 30 --concurrency 10
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workshop" / "classroom"))
import classroom  # noqa: E402
from learner import Learner  # noqa: E402

LESSONS = ["notebooks/00-start-here.ipynb", "notebooks/01-civic-data-ecosystem.ipynb"]
PASSWORD = "bench-workshop-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _machine_used_mb() -> float:
    info = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        name, value = line.split(":", 1)
        info[name] = int(value.split()[0])
    return (info["MemTotal"] - info["MemAvailable"]) / 1024


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


class Sampler(threading.Thread):
    """Peak memory of the machine, of the whole classroom process tree, of the hub, and per learner."""

    def __init__(self, hub_pid: int, homes: Path, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.hub, self.homes, self.every = psutil.Process(hub_pid), homes, every
        self.stopped = threading.Event()
        self.machine_mb = self.tree_mb = self.hub_mb = self.proxy_mb = 0.0
        self.learner_mb: dict[str, float] = {}
        self.cpu_seconds: dict[int, float] = {}  # latest user+system CPU time of every process seen
        self.samples = 0

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.sample()
            except psutil.Error:
                pass
            self.stopped.wait(self.every)

    def sample(self) -> None:
        self.machine_mb = max(self.machine_mb, _machine_used_mb())
        hub_rss = self.hub.memory_info().rss / 2**20
        self.hub_mb = max(self.hub_mb, hub_rss)
        total, per_learner = hub_rss, {}
        for proc in [self.hub, *self.hub.children(recursive=True)]:
            try:
                times = proc.cpu_times()
                self.cpu_seconds[proc.pid] = times.user + times.system
                if proc is self.hub:
                    continue
                rss = proc.memory_info().rss / 2**20
                total += rss
                if "configurable-http-proxy" in " ".join(proc.cmdline()[:2]):
                    self.proxy_mb = max(self.proxy_mb, rss)
                cwd = Path(proc.cwd())
                if self.homes in cwd.parents:
                    name = cwd.relative_to(self.homes).parts[0]
                    per_learner[name] = per_learner.get(name, 0.0) + rss
            except (psutil.Error, OSError, ValueError):
                continue
        self.tree_mb = max(self.tree_mb, total)
        for name, mb in per_learner.items():
            self.learner_mb[name] = max(self.learner_mb.get(name, 0.0), mb)
        self.samples += 1


def one_learner(hub: dict, name: str, link: str, lessons: list[str] = LESSONS) -> dict:
    result: dict = {"learner": name, "ok": False}
    started = time.monotonic()
    try:
        learner = Learner(hub["url"], name, PASSWORD, timeout=300)
        learner.sign_in()
        learner.start_server()
        result["sign_in_to_ready_s"] = time.monotonic() - started
        learner.open_link(link)
        result["pull_s"] = learner.timings["pull"]
        for lesson in lessons:
            run = learner.run_notebook(f"{hub['workbook_folder']}/{lesson}", keep_kernel=True)
            result[f"{Path(lesson).name[:2]}_s"] = run.seconds
            if run.errors or run.mismatches:
                result["error"] = f"{Path(lesson).name}: {(run.errors + run.mismatches)[0][:200]}"
                return result
        result["ok"] = True
    except Exception as err:  # one learner's failure is a result, not the end of the run
        result["error"] = f"{type(err).__name__}: {str(err)[:300]}"
    result["total_s"] = time.monotonic() - started
    return result


def run_load(learners: int = 30, concurrency: int = 10, mem_limit: str = "2G", lessons: list[str] = LESSONS) -> dict:
    from civicdata.classroom.hub_link import nbgitpuller_link

    proxy = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
    if not proxy.exists():
        return {"status": "not available: configurable-http-proxy missing (make bench runs npm ci)"}
    scratch = Path(tempfile.mkdtemp(prefix="classroom-bench-"))
    runtime = scratch / ".classroom"
    settings = classroom.Settings(
        runtime_dir=runtime, port=_free_port(), hub_port=_free_port(), proxy_api_port=_free_port(),
        mem_limit=mem_limit, extra_env={"CIVICDATA_OFFLINE": "1", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"})
    baseline_mb = _machine_used_mb()
    started = time.monotonic()
    hub = classroom.start(settings, PASSWORD, "bench-admin-password-0123456789abcdef", wait_seconds=120)
    hub_start_s = time.monotonic() - started
    sampler = Sampler(hub["pid"], runtime.resolve() / "learners")
    sampler.sample()
    hub_cpu_at_start = sum(sampler.cpu_seconds.values())  # the hub, proxy and culler starting up
    sampler.start()
    link = nbgitpuller_link(hub["url"], hub["repo"], hub["branch"])
    names = [f"learner{i:02d}" for i in range(1, learners + 1)]
    try:
        run_started = time.monotonic()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            results = list(pool.map(lambda name: one_learner(hub, name, link, lessons), names))
        run_s = time.monotonic() - run_started
        time.sleep(2)  # one more round of samples with every server and kernel still up
    finally:
        sampler.stopped.set()
        sampler.join(timeout=10)
        stop_started = time.monotonic()
        stopped = classroom.stop(runtime)
        stop_s = time.monotonic() - stop_started
        classroom.wipe(runtime)
        scratch.rmdir()
    served = [r for r in results if r["ok"]]
    ready = [r["sign_in_to_ready_s"] for r in results if "sign_in_to_ready_s" in r]
    per_learner = sorted(sampler.learner_mb.values())

    def spread(values: list[float]) -> dict:
        if not values:
            return {}
        return {"median": round(statistics.median(values), 1), "p95": round(_percentile(values, 0.95), 1),
                "max": round(max(values), 1)}

    return {
        "learners": learners,
        "concurrency": concurrency,
        "lessons": [Path(lesson).name for lesson in lessons],
        "served": len(served),
        "failures": len(results) - len(served),
        "failure_messages": sorted({r.get("error", "") for r in results if not r["ok"]})[:5],
        "sign_in_to_ready_seconds": spread(ready),
        "pull_seconds": spread([r["pull_s"] for r in results if "pull_s" in r]),
        **{f"lesson_{Path(lesson).name[:2]}_seconds": spread([r[f"{Path(lesson).name[:2]}_s"] for r in results
                                                            if f"{Path(lesson).name[:2]}_s" in r])
           for lesson in lessons},
        "all_learners_done_seconds": round(run_s, 1),
        "hub_start_seconds": round(hub_start_s, 1),
        "hub_stop_seconds": round(stop_s, 1),
        "stop_was_clean": not stopped["forced"] and not stopped["leftovers"],
        "machine_memory_mb": {"before": round(baseline_mb), "peak": round(sampler.machine_mb),
                              "peak_increase": round(sampler.machine_mb - baseline_mb),
                              "total": round(psutil.virtual_memory().total / 2**20)},
        "classroom_processes_peak_rss_mb": round(sampler.tree_mb),
        "hub_peak_rss_mb": round(sampler.hub_mb, 1),
        "proxy_peak_rss_mb": round(sampler.proxy_mb, 1),
        "per_learner_peak_rss_mb": spread(per_learner),
        "cpu_seconds_per_learner": round((sum(sampler.cpu_seconds.values()) - hub_cpu_at_start) / learners, 1),
        "memory_limit_per_learner": mem_limit,
        "memory_limit_enforced": hub["memory_limit_enforced"],
        "samples": sampler.samples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--lessons", nargs="*", default=["00", "01"], help="lesson numbers to run in order")
    args = parser.parse_args(argv)
    lessons = [f"notebooks/{p.name}" for n in args.lessons for p in sorted((ROOT / "notebooks").glob(f"{n}-*.ipynb"))]
    print(json.dumps(run_load(args.learners, args.concurrency, lessons=lessons), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
