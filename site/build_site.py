"""Build the workbook's website: `make site` (or `python site/build_site.py --out _site`).

1. Stage the learner-facing files into build/site/src/, laid out as in the repository (a page's name is
   its path in the repository, so "Launch on Binder" opens that very file): the lessons
   (notebooks/NN-*.ipynb), every learner page in notebooks/*.md, the workshop kit (workshop/**), the
   README, and site/index.md as the home page.
2. Run Sphinx (MyST-NB, sphinx-book-theme; configuration in site/conf.py) on the stored notebooks: no
   notebook is executed. Warnings fail the build, so a broken link or image cannot slip through.

The result is a folder of static files that works from a web server, a USB stick or file://.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
sys.path.insert(0, str(SITE / "_ext"))
DEFAULT_OUT = ROOT / "_site"
WORK = ROOT / "build" / "site"


def learner_files(root: Path = ROOT) -> list[Path]:
    """The repository files the site is made of (paths relative to ``root``), found by pattern."""
    files = [Path("README.md")]
    notebooks = root / "notebooks"
    for path in sorted(notebooks.iterdir()):
        if path.name.startswith("my-") or not path.is_file():
            continue
        if (path.suffix == ".ipynb" and path.name[:2].isdigit()) or path.suffix == ".md":
            files.append(path.relative_to(root))
    workshop = root / "workshop"
    for path in sorted(workshop.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or path.name.startswith("."):
            continue
        if rel.parts[:2] == ("workshop", "handouts") and path.name != "README.md":
            continue  # built handouts (PDFs) are outputs, not sources
        files.append(rel)
    return files


def stage(stage_dir: Path, root: Path = ROOT, notebooks: Path | None = None) -> Path:
    """Copy the site's sources into ``stage_dir`` (emptied first); return it.

    ``notebooks``: a folder of executed copies of the lessons to publish instead of the stored ones
    (``make handouts PLACE=...``); lessons missing there are taken from the repository.
    """
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    for rel in learner_files(root):
        target = stage_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        source = root / rel
        if notebooks and rel.suffix == ".ipynb" and (Path(notebooks) / rel.name).exists():
            source = Path(notebooks) / rel.name
        shutil.copy2(source, target)
    shutil.copy2(SITE / "index.md", stage_dir / "index.md")
    return stage_dir


def build(out: Path = DEFAULT_OUT, work: Path | None = None, quiet: bool = True,
          notebooks: Path | None = None) -> float:
    """Build the site into ``out`` (replaced); return the seconds it took. Raises on any Sphinx warning.

    Sphinx works in ``work`` (default build/site/: the staged sources, its caches, MyST-NB's
    jupyter_execute/ folder, which it always puts beside the HTML), then the HTML is moved to ``out``.
    """
    from sphinx.cmd.build import build_main

    started = time.perf_counter()
    out = Path(out).resolve()
    work = Path(work).resolve() if work else WORK
    if work.exists():
        shutil.rmtree(work)
    stage_dir = stage(work / "src", notebooks=notebooks)
    html = work / "html"
    args = ["-b", "html", "-c", str(SITE), "-d", str(work / "doctrees"), "-W", "--keep-going", "-j", "1"]
    if quiet:
        args.append("-q")
    status = build_main([*args, str(stage_dir), str(html)])
    if status:
        raise SystemExit(f"The site build failed (Sphinx exit status {status}); see the messages above.")
    (html / ".nojekyll").write_text("")  # GitHub Pages: serve _static/, _images/ and _sources/ as they are
    (html / ".buildinfo").unlink(missing_ok=True)
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(html), str(out))
    return time.perf_counter() - started


REF = re.compile(r'<(script|link|img|iframe|source)\b([^>]*?)\b(?:src|href)="([^"#?]+)[^"]*"([^>]*)>', re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")?#]+)")


def _local(url: str, base: Path, site: Path) -> Path | None:
    if re.match(r"^([a-z]+:|//)", url):
        return None
    target = (base / url).resolve()
    return target if target.is_file() and site.resolve() in target.parents else None


def page_weight(page: Path, site: Path) -> dict:
    """Bytes a browser fetches to show ``page``: the HTML and every local script, stylesheet (with the
    fonts and images it names), image and map file it or its maps refer to, each once.

    ``screen``: as shown on screen, without the lazily loaded, print-only map pictures (a browser
    does not fetch those until the page is printed); ``print``: with them.
    """
    screen, lazy = {page.resolve()}, set()
    text = page.read_text(encoding="utf-8")
    for doc in [text, *(html.unescape(d) for d in re.findall(r'srcdoc="([^"]*)"', text))]:
        for tag, before, url, after in REF.findall(doc):
            attrs = before + after
            if tag.lower() == "link" and "stylesheet" not in attrs and 'as="script"' not in attrs:
                continue  # <link rel="index" href="genindex.html"> and the like: links, not resources
            target = _local(url, page.parent, site)
            if target is None:
                continue
            (lazy if 'loading="lazy"' in attrs else screen).add(target)
    for css in [f for f in screen if f.suffix == ".css"]:
        for url in CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace")):
            target = _local(url, css.parent, site)
            if target is not None:
                screen.add(target)
    size = sum(f.stat().st_size for f in screen)
    return {"screen": size, "print": size + sum(f.stat().st_size for f in lazy - screen)}


def site_sizes(site: Path) -> dict:
    """Pages, total size and the heaviest page (with everything it loads) of a built site."""
    site = Path(site)
    files = [f for f in site.rglob("*") if f.is_file()]
    pages = [f for f in files if f.suffix == ".html" and not f.name.startswith(".")]
    weights = {f.relative_to(site).as_posix(): page_weight(f, site) for f in pages}
    heaviest = max(weights, key=lambda name: weights[name]["screen"])
    return {"pages": len(pages), "lesson_pages": len(list(site.glob("notebooks/[0-9][0-9]*.html"))),
            "files": len(files), "total_bytes": sum(f.stat().st_size for f in files),
            "heaviest_page": heaviest, "heaviest_page_bytes": weights[heaviest]["screen"],
            "heaviest_page_with_print_pictures_bytes": weights[heaviest]["print"],
            "heaviest_page_html_bytes": (site / heaviest).stat().st_size,
            "lightest_page_bytes": min(w["screen"] for w in weights.values())}


def fetched_bytes(site: Path, pages: list[str]) -> dict[str, dict]:
    """What headless Chromium really fetches to show each page, the site served on 127.0.0.1:
    {page: {"bytes": ..., "requests": ...}}. Needs Chromium.

    Other hosts are made unresolvable (not intercepted: Playwright's request routing would switch the
    browser's cache off and count Leaflet once per map instead of once per page)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from playwright.sync_api import sync_playwright
    from workbook_site import CHROMIUM_ARGS, chromium_path

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = {}
    try:
        with sync_playwright() as playwright:
            only_here = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=[*CHROMIUM_ARGS, only_here])
            for name in pages:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                fetched: list[int] = []
                page.on("requestfinished", lambda request, fetched=fetched: fetched.append(
                    request.sizes()["responseBodySize"]) if request.url.startswith(base) else None)
                page.goto(base + name, wait_until="load")
                page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # whatever loads on scrolling
                page.wait_for_timeout(1500)
                results[name] = {"bytes": sum(fetched), "requests": len(fetched)}
                page.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: _site/)")
    parser.add_argument("--work", type=Path, default=WORK, help="Sphinx's working folder (default: build/site/)")
    parser.add_argument("--notebooks", type=Path, help="publish executed copies of the lessons from this folder")
    parser.add_argument("--verbose", action="store_true", help="show Sphinx's progress messages")
    args = parser.parse_args(argv)
    seconds = build(args.out, args.work, quiet=not args.verbose, notebooks=args.notebooks)
    pages = len(list(Path(args.out).rglob("*.html")))
    print(f"Built the website into {args.out} ({pages} HTML files) in {seconds:.0f} s.")
    print(f"Open it with: python -m http.server -d {args.out} 8000   (then http://localhost:8000)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
