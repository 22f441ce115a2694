"""Where a lesson's kernel memory goes: resident memory after every cell, and what the kernel holds at the end.

``make bench`` records each notebook's peak kernel memory; this says which cells and which imports make it.
The notebook runs as in the benchmark (fresh ``python3`` kernel, offline, keyless; the file is not changed).

Usage:
    python benchmarks/memory_profile.py notebooks/05-mapping-tracts.ipynb      # cells that add most
    python benchmarks/memory_profile.py notebooks/05-*.ipynb --all             # every cell
    python benchmarks/memory_profile.py --imports pandas geopandas folium      # RSS of imports, in order

Per cell: RSS (``VmRSS``) and peak RSS (``VmHWM``) of the kernel process after the cell, and how much the
cell added. At the end: the largest pandas objects left in the kernel (``memory_usage(deep=True)``) and
the number of loaded modules, and the RSS of a fresh kernel that has run nothing (the floor).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
from notebook_env import tidy_my_work  # noqa: E402
from run import NOTEBOOKS, workbook_env  # noqa: E402

INSPECT = r"""
import sys as _s, json as _j
_rows = []
for _n, _v in list(globals().items()):
    if _n.startswith("_"):
        continue
    _m = getattr(_v, "memory_usage", None)
    if callable(_m) and hasattr(_v, "shape"):
        try:
            _b = int(_m(deep=True).sum()) if hasattr(_m(deep=True), "sum") else int(_m(deep=True))
        except Exception:
            continue
        _rows.append([_n, type(_v).__name__, list(_v.shape), _b])
_rows.sort(key=lambda r: -r[3])
print(_j.dumps({"frames": _rows[:8], "modules": len(_s.modules),
                "heavy": sorted(m for m in ("pandas", "geopandas", "shapely", "pyproj", "pyogrio", "folium",
                                            "branca", "matplotlib", "mapclassify", "sklearn", "scipy",
                                            "requests_cache", "census", "pypdf", "jinja2") if m in _s.modules)}))
"""


def status(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            values[line.split(":")[0]] = int(line.split()[1]) / 1024
    return values["VmRSS"], values["VmHWM"]


def profile(path: Path) -> dict:
    import os
    import time

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(INSPECT))
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(workbook_env())
    rows: list[dict] = []
    try:
        client = NotebookClient(nb, kernel_name="python3", timeout=300,
                                resources={"metadata": {"path": str(NOTEBOOKS)}})
        previous = {"rss": 0.0}

        def on_cell_executed(cell, cell_index, execute_reply):
            pid = client.km.provisioner.pid
            rss, hwm = status(pid)
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
            rows.append({"cell": cell_index, "rss_mb": round(rss, 1), "peak_mb": round(hwm, 1),
                         "added_mb": round(rss - previous["rss"], 1), "source": first[:70]})
            previous["rss"] = rss

        client.on_cell_executed = on_cell_executed
        with tidy_my_work(), client.setup_kernel():  # what the lesson saves into my-work/ is removed again
            pid = client.km.provisioner.pid
            time.sleep(1.0)
            floor = status(pid)[0]
            previous["rss"] = floor
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)
        final = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout") or "{}"
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {"notebook": path.name, "fresh_kernel_rss_mb": round(floor, 1), "cells": rows[:-1],
            "end": json.loads(final)}


def import_costs(modules: list[str]) -> list[tuple[str, float]]:
    """RSS of a fresh interpreter after importing each module in turn (cumulative)."""
    code = (
        "import importlib, json, sys\n"
        "def rss():\n"
        "    return [int(l.split()[1]) / 1024 for l in open('/proc/self/status') if l.startswith('VmRSS:')][0]\n"
        "out = [['python', rss()]]\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m); out.append([m, rss()])\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=workbook_env(), cwd=NOTEBOOKS)
    return [(name, round(mb, 1)) for name, mb in json.loads(done.stdout)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="print every cell, not only the ten that add most")
    parser.add_argument("--imports", nargs="+", metavar="MODULE", help="measure these imports instead")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.imports:
        before = None
        for name, mb in import_costs(args.imports):
            print(f"{mb:7.1f} MB  {'+' + format(mb - before, '.1f') if before is not None else '':>7}  {name}")
            before = mb
        return 0
    for path in args.notebooks:
        result = profile(path)
        if args.json:
            print(json.dumps(result, indent=1))
            continue
        cells = result["cells"]
        print(f"\n{result['notebook']}: fresh kernel {result['fresh_kernel_rss_mb']:.0f} MB, "
              f"end {cells[-1]['rss_mb']:.0f} MB, peak {max(c['peak_mb'] for c in cells):.0f} MB")
        shown = cells if args.all else sorted(cells, key=lambda c: -c["added_mb"])[:10]
        for c in sorted(shown, key=lambda c: c["cell"]):
            print(f"  cell {c['cell']:>3}  +{c['added_mb']:6.1f}  rss {c['rss_mb']:6.1f}  peak {c['peak_mb']:6.1f}  "
                  f"{c['source']}")
        end = result["end"]
        print(f"  modules loaded: {end.get('modules')}; heavy: {', '.join(end.get('heavy', []))}")
        for name, kind, shape, size in end.get("frames", []):
            print(f"  {name:<28} {kind:<13} {str(shape):<12} {size / 2**20:6.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
