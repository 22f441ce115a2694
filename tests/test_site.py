"""The workbook's website (`make site`) and its print (`make handouts`), checked on a real build.

The site is built once for this module (site/build_site.py: Sphinx + MyST-NB + sphinx-book-theme on the
notebooks as stored) into a temporary folder, then checked without a network:

- statically: every source page has a page; no page, stylesheet or map loads anything from another
  server; every internal link, anchor and image exists; every lesson has "Launch on Binder" and
  "Download the notebook" links to that very notebook; solutions are collapsed, never removed; figures
  keep their alt text; the sidebar lists the lessons in order with their minutes;
- in headless Chromium (Debian's) with every non-file request blocked: every page opens without errors
  or broken images and passes axe-core (npm) with no serious or critical violation; every map draws its
  tracts (palette pixels); search finds a lesson for "margin of error"; a lesson prints to PDF with
  wrapped code, its map pictures, its alt text and no empty solution blocks.

Without Chromium or axe-core the browser tests are skipped on a laptop and fail in CI (``CI`` set).
"""

from __future__ import annotations

import html
import importlib.util
import io
import os
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE_SRC = ROOT / "site"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
sys.path.insert(0, str(SITE_SRC))
sys.path.insert(0, str(SITE_SRC / "_ext"))

import build_site  # noqa: E402
import print_handouts  # noqa: E402
from workbook_site import CHROMIUM_ARGS, chromium_path  # noqa: E402


def _load_conf():
    spec = importlib.util.spec_from_file_location("workbook_site_conf", SITE_SRC / "conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CONF = _load_conf()
LESSONS = sorted(ROOT.glob("notebooks/[0-9][0-9]*.ipynb"))
SOURCE_PAGES = ["index"] + [p.with_suffix("").as_posix() for p in build_site.learner_files()
                            if p.suffix in (".md", ".ipynb")]
MAP_TILES = ("tile.openstreetmap.org",)  # background tiles: online extras, blocked here, never needed


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built once for this module (about 20-40 s on two cores)."""
    out = tmp_path_factory.mktemp("site") / "_site"
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(SITE_SRC / "build_site.py"), "--out", str(out),
                             "--work", str(out.parent / "work")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    print(f"\nsite built in {time.perf_counter() - started:.1f} s")
    return out


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if not p.name.startswith("."))


class Links(HTMLParser):
    """Every URL a page refers to, with the tag and attribute it came from, and every id it defines."""

    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self.srcdocs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name"):
            if attrs.get(name) and (name == "id" or tag == "a"):
                self.ids.add(attrs[name])
        for name in ("href", "src"):
            if attrs.get(name):
                rel = attrs.get("rel") or ""
                self.refs.append((tag if tag != "link" else f"link:{rel}", name, attrs[name]))
        if tag == "iframe" and attrs.get("srcdoc"):
            self.srcdocs.append(attrs["srcdoc"])


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def is_remote(url: str) -> bool:
    return bool(re.match(r"^(https?:)?//", url))


# ----------------------------------------------------------------------------- static checks


def test_every_source_page_is_built(site):
    built = {p.relative_to(site).with_suffix("").as_posix() for p in pages(site)}
    missing = sorted(set(SOURCE_PAGES) - built)
    assert not missing, f"pages missing from the site: {missing}"
    assert (site / "search.html").exists() and (site / "searchindex.js").exists()
    assert (site / ".nojekyll").exists()


def test_nothing_is_loaded_from_another_server(site):
    """Pages, stylesheets and maps load only the site's own files (a USB stick or an intranet works)."""
    offenders = []
    for path in pages(site):
        links = parse(path)
        for tag, attr, url in links.refs:
            if tag == "a" or tag == "link:canonical" or not is_remote(url):
                continue
            offenders.append(f"{path.relative_to(site)}: <{tag} {attr}={url}>")
        for doc in links.srcdocs:
            for url in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', doc):
                if is_remote(url):
                    offenders.append(f"{path.relative_to(site)} (map): {url}")
            assert "data:text/javascript" not in doc, "Leaflet should come from _static/, not a data URI"
        text = path.read_text(encoding="utf-8")
        for library in ("require.js", "mathjax", "MathJax", "jquery", "bootstrap.min", "font-awesome"):
            assert not re.search(rf'src="[^"]*{re.escape(library)}', text), f"{path.name} loads {library}"
    for css in (site / "_static").rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8", errors="replace")):
            if is_remote(url):
                offenders.append(f"{css.relative_to(site)}: url({url})")
        for url in re.findall(r"@import\s+(?:url\()?['\"]?([^'\");]+)", css.read_text(encoding="utf-8")):
            if is_remote(url):
                offenders.append(f"{css.relative_to(site)}: @import {url}")
    assert not offenders, "\n".join(offenders[:30])


def test_internal_links_anchors_and_images_exist(site):
    ids = {path: parse(path).ids for path in pages(site)}
    broken = []
    for path in pages(site):
        for tag, attr, url in parse(path).refs:
            if is_remote(url) or url.startswith(("mailto:", "data:", "javascript:", "#")) and not (
                    url.startswith("#") and len(url) > 1):
                continue
            parts = urlsplit(url)
            target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(site)}: <{tag} {attr}={url}> (no such file)")
            elif parts.fragment and target.suffix == ".html" and target in ids:
                if unquote(parts.fragment) not in ids[target]:
                    broken.append(f"{path.relative_to(site)}: {url} (no such anchor)")
    assert not broken, "\n".join(broken[:30])


def binder_url(path: str) -> str:
    owner_repo = CONF.REPOSITORY_URL.removeprefix("https://github.com/")
    return (f"{CONF.BINDERHUB_URL}/v2/gh/{owner_repo}/{CONF.REPOSITORY_BRANCH}"
            f"?urlpath=lab/tree/{path}")


def test_readme_badge_uses_the_sites_repository_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    badge = re.search(r"\]\((https://mybinder\.org/v2/gh/[^)]+)\)", readme).group(1)
    assert badge == binder_url("notebooks/00-start-here.ipynb")
    assert CONF.SITE_URL in readme


def test_pages_workflow_builds_and_deploys_on_push_to_main():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build = workflow["jobs"]["build"]["steps"]
    assert any("make site" in step.get("run", "") for step in build)
    upload = next(step for step in build if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert any(step.get("uses", "").startswith("actions/deploy-pages@") for step in deploy["steps"])
    assert CONF.SITE_URL in (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_page_launches_and_downloads_that_very_notebook(site, lesson):
    page = site / "notebooks" / f"{lesson.stem}.html"
    refs = [url for tag, _, url in parse(page).refs if tag == "a"]
    expected = binder_url(f"notebooks/{lesson.name}")
    text = page.read_text(encoding="utf-8")
    banner = re.search(r'<nav class="wb-lesson-banner".*?</nav>', text, re.S).group(0)
    assert f'href="{html.escape(expected)}"' in banner, banner  # our link, at the top of the lesson
    assert html.escape(expected) in text.replace(banner, ""), "the theme's launch button differs"
    assert (ROOT / urlsplit(expected).query.removeprefix("urlpath=lab/tree/")).exists()
    downloads = [url for url in refs if url.endswith(f"/{lesson.name}") and not is_remote(url)]
    assert downloads, f"no download link to {lesson.name}"
    for url in downloads:
        file = (page.parent / url).resolve()
        assert file.read_bytes() == lesson.read_bytes(), f"{url} is not the stored notebook"


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_solutions_are_collapsed_never_removed(site, lesson):
    nb = nbformat.read(lesson, as_version=4)
    solutions = [c.source for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    text = (site / "notebooks" / f"{lesson.stem}.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<div class="cell tag_solution[^"]*">\s*<details([^>]*)>(.*?)</details>', text, re.S)
    assert len(blocks) == len(solutions) > 0
    for (attrs, inner), source in zip(blocks, solutions, strict=True):
        assert "open" not in attrs, "a solution must start collapsed"
        assert "Solution" in inner
        first_line = html.escape(source.strip().splitlines()[0].split("(")[0].split("=")[0].strip())
        assert first_line.split()[0] in re.sub(r"<[^>]+>", "", inner), source
    assert "click the three dots" not in text and "small bar to its left" not in text


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_figures_keep_their_alt_text(site, lesson):
    nb = nbformat.read(lesson, as_version=4)
    alts = [out.metadata[mime]["alt"] for c in nb.cells if c.cell_type == "code" for out in c.outputs
            for mime in out.get("data", {})
            if mime.startswith("image/") and "alt" in out.get("metadata", {}).get(mime, {})]
    text = html.unescape((site / "notebooks" / f"{lesson.stem}.html").read_text(encoding="utf-8"))
    for alt in alts:
        assert f'alt="{alt}"' in text, alt[:80]
    assert not re.search(r'<img alt="[^"]*\.png"', text), "an image whose alt text is its file name"


def test_sidebar_lists_lessons_in_order_with_minutes(site):
    text = (site / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="[^"]*bd-docs-nav.*?</nav>', text, re.S).group(0)
    links = re.findall(r'href="(notebooks/\d\d[^"#]*)\.html">([^<]+)<', nav)
    assert [href for href, _ in links] == [f"notebooks/{p.stem}" for p in LESSONS]
    for (_, label), lesson in zip(links, LESSONS, strict=True):
        minutes = re.search(r"\*\*Time:\*\*\s*(\d+)\s*minutes", nbformat.read(lesson, 4).cells[0].source).group(1)
        assert label.strip().startswith(lesson.stem[:2]) and label.strip().endswith(f"({minutes} min)"), label
    for page in ("notebooks/README", "workshop/README", "README"):
        assert f'href="{page}.html"' in nav, page


def test_home_page_says_who_how_and_no_key(site):
    text = re.sub(r"<[^>]+>", " ", (site / "index.html").read_text(encoding="utf-8"))
    for phrase in ("library staff", "How to start", "Binder", "without a Census API key"):
        assert phrase in text, phrase


# ----------------------------------------------------------------------------- in the browser

CHROMIUM = chromium_path()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None or not AXE.exists():
        missing = "Chromium (make browser)" if CHROMIUM is None else "axe-core (make node)"
        if os.environ.get("CI"):
            pytest.fail(f"{missing} is not installed, but CI must run the browser tests.", pytrace=False)
        pytest.skip(f"{missing} is not installed; the browser tests of the site run in CI.")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_offline(browser, url: str, width: int = 1280):
    """Open ``url`` with every request to another server aborted; return (page, blocked URLs, errors)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    blocked: list[str] = []
    errors: list[str] = []

    def route(request_route):
        if request_route.request.url.startswith(("file:", "data:", "about:")):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(url, wait_until="load")
    return page, blocked, errors


# axe-core findings we accept, each with its reason. Only serious and critical ones fail the test;
# minor and moderate ones are reported in the test output.
ACCEPTED: dict[str, str] = {}

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


@pytest.mark.parametrize("name", SOURCE_PAGES)
def test_page_opens_offline_and_passes_axe(site, browser, name):
    page, blocked, errors = open_offline(browser, (site / f"{name}.html").as_uri())
    try:
        broken = page.evaluate("[...document.images].filter(i => i.loading !== 'lazy' && "
                               "(!i.complete || i.naturalWidth === 0)).map(i => i.src)")
        assert not broken, f"images that did not load: {broken}"
        findings = []
        maps = page.locator("iframe[data-wb-map]")
        for i in range(maps.count()):  # maps load lazily: bring each into view, wait until it is drawn
            maps.nth(i).evaluate("f => f.scrollIntoView()")
            maps.nth(i).content_frame.locator("path.leaflet-interactive").first.wait_for(timeout=20_000)
        for frame in page.frames:
            frame.add_script_tag(path=str(AXE))
            where = "page" if frame == page.main_frame else "map frame"
            findings += [dict(v, where=where) for v in frame.evaluate(AXE_RUN)]
        for v in findings:
            print(f"  axe {v['impact']}: {v['id']} ({v['where']}, {len(v['nodes'])} nodes) {v['help']}")
        serious = [v for v in findings if v["impact"] in ("serious", "critical") and v["id"] not in ACCEPTED]
        assert not serious, "\n".join(f"{v['impact']} {v['id']} in {v['where']}: {v['help']} {v['nodes']}"
                                      for v in serious)
        assert errors == [], errors
        assert [url for url in blocked if not any(tile in url for tile in MAP_TILES)] == [], blocked
    finally:
        page.context.close()


def palette_colours() -> list[np.ndarray]:
    """The map palette's colours as drawn: opaque, or 75% over Leaflet's grey or over white."""
    from civicdata.maps.classification import palette

    colours = []
    for hexcolour in palette(5):
        rgb = np.array([int(hexcolour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)
        colours.append(rgb)
        for background in (0xDD, 0xFF):
            colours.append(0.75 * rgb + 0.25 * background)
    return colours


def palette_pixels(png: bytes) -> list[int]:
    """How many screenshot pixels show each of the 5 palette colours (in any of its drawn forms)."""
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)
    colours = palette_colours()
    counts = []
    for k in range(0, len(colours), 3):
        found = np.zeros(pixels.shape[:2], dtype=bool)
        for colour in colours[k:k + 3]:
            found |= np.abs(pixels - colour).max(axis=2) <= 3
        counts.append(int(found.sum()))
    return counts


def map_pages(site: Path) -> list[Path]:
    return [p for p in pages(site) if 'data-wb-map="' in p.read_text(encoding="utf-8")]


def test_every_map_draws_its_tracts_offline(site, browser):
    found = map_pages(site)
    assert found, "no page of the site has a map"
    for path in found:
        page, blocked, errors = open_offline(browser, path.as_uri())
        try:
            frames = page.locator("iframe[data-wb-map]")
            assert frames.count() >= 1
            for i in range(frames.count()):
                frame = frames.nth(i)
                frame.evaluate("f => f.scrollIntoView()")
                tracts = frame.content_frame.locator("path.leaflet-interactive")
                tracts.first.wait_for(timeout=20_000)
                assert tracts.count() >= 200, f"{path.name} map {i}: {tracts.count()} shapes"
                page.wait_for_timeout(300)
                box = frame.bounding_box()
                counts = palette_pixels(frame.screenshot())
                drawn = sum(counts)
                # hatched (unreliable) tracts are stripes, not class colours: a blank map has none at all
                assert drawn > 0.02 * box["width"] * box["height"], f"{path.name} map {i}: {counts}"
                assert sum(n > 100 for n in counts) >= 2, f"{path.name} map {i}: {counts}"
                assert frame.get_attribute("title").startswith("Interactive map")
            assert not [url for url in blocked if "leaflet" in url.lower()], blocked
            assert errors == []
        finally:
            page.context.close()


@pytest.fixture(scope="module")
def served(site):
    """The site on a local web server (127.0.0.1, a free port), as GitHub Pages or `python -m http.server`
    serves it; stopped after this module's tests."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def search(browser, url: str) -> tuple[list[str], list[str], str]:
    """Search the site for "margin of error"; return result links, page errors and the first summary."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("file:", "http://127.0.0.1")) else route.abort())
    try:
        page.goto(url + "search.html?q=margin+of+error")
        results = page.locator("#search-results ul.search li a")
        results.first.wait_for(timeout=20_000)
        # Sphinx lists the results one by one and says "Search finished, found N pages ..." after the last.
        page.locator("#search-results .search-summary", has_text="Search finished").wait_for(timeout=30_000)
        hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
        summary = page.locator("#search-results ul.search li").first.inner_text()
        return hrefs, errors, summary
    finally:
        page.close()


def test_search_finds_a_lesson_for_margin_of_error(site, served, browser):
    hrefs, errors, summary = search(browser, served)
    assert any(re.match(r"^notebooks/\d\d-[^/]+\.html", href) for href in hrefs), hrefs
    assert any("margins-of-error" in href for href in hrefs), hrefs
    assert errors == []
    assert "margin" in summary.lower(), summary  # the result shows the matching text
    # From a USB stick (file://) the same results are listed; the browser only refuses the text snippets.
    offline_hrefs, _, _ = search(browser, site.as_uri() + "/")
    assert offline_hrefs == hrefs


# ----------------------------------------------------------------------------- print


def struct_alt_texts(reader) -> list[str]:
    """Alt texts in a tagged PDF's structure tree (what a screen reader reads for a figure)."""
    found = []

    def walk(node, depth=0):
        node = node.get_object() if hasattr(node, "get_object") else node
        if depth > 60:
            return
        if isinstance(node, dict):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    walk(kid, depth + 1)

    root = reader.trailer["/Root"]
    if "/StructTreeRoot" in root:
        walk(root["/StructTreeRoot"])
    return found


def text_and_overflow(reader) -> tuple[str, list[str]]:
    """A PDF's text, and any text placed beyond a page's right edge. (Chromium clips text that runs off
    its box, so the test also looks for the longest lines in full, and checks the layout before print.)"""
    texts, off = [], []
    for number, page in enumerate(reader.pages, 1):
        width = float(page.mediabox.width)

        def visit(text, cm, tm, font, size, number=number, width=width):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            if text.strip() and x > width - 5:
                off.append(f"page {number}: {text.strip()[:40]!r} at x={x:.0f} of {width:.0f}")

        texts.append(page.extract_text(visitor_text=visit))
    return "\n".join(texts), off


TOO_WIDE_JS = """() => {
    const column = document.querySelector('article').getBoundingClientRect().right + 1;
    return [...document.querySelectorAll('article pre, article table, article img, article p, article li')]
      .filter(el => el.offsetParent && (el.scrollWidth > el.clientWidth + 1
                    || el.getBoundingClientRect().right > column))
      .map(el => el.tagName + ': ' + el.textContent.slice(0, 60));
}"""


def test_every_handout_fits_the_printed_page(site, browser, tmp_path):
    """Laid out for print, no code block, table, figure or line of text runs past the text column."""
    printer = print_handouts.Printer.__new__(print_handouts.Printer)
    printer.browser = browser
    jobs = [job for job in print_handouts.handouts(site, tmp_path) if not job.solutions]
    assert len(jobs) >= len(LESSONS)
    for job in jobs:
        page, _ = printer.open_for_print(job)
        try:
            assert page.evaluate(TOO_WIDE_JS) == [], job.page.name
        finally:
            page.close()


def test_the_learner_pages_print_and_the_cheat_sheet_fits_one_letter_page(site, browser, tmp_path):
    """`make handouts` prints the glossary, the "when you're stuck" page and the cheat sheet; the cheat
    sheet must fit one sheet of US letter paper, whole (its title, every section, the last line), in type
    no smaller than 7.5 pt; on screen its page is laid out like every other page."""
    from pdf_layout import text_runs
    from pypdf import PdfReader

    jobs = {job.page.stem: job for job in print_handouts.handouts(site, tmp_path)}
    assert {"cheat-sheet", "glossary", "when-stuck"} <= set(jobs), sorted(jobs)
    printer = print_handouts.Printer.__new__(print_handouts.Printer)
    printer.browser = browser
    pages, remote = printer.print(jobs["cheat-sheet"])
    assert pages == 1, f"the cheat sheet prints on {pages} pages"
    assert [url for url in remote if not print_handouts.is_map_tile(url)] == []
    page = PdfReader(jobs["cheat-sheet"].pdf).pages[0]
    text = " ".join(page.extract_text().split())
    source = (ROOT / "notebooks" / "cheat-sheet.md").read_text(encoding="utf-8")
    for heading in re.findall(r"^#+ (.+)$", source, re.MULTILINE):
        assert heading in text, heading
    assert "moe_prop" in text and "make_posters(" in text and "civic-switchboard.gitbook.io" in text
    body = [run for run in text_runs(page) if run.y_pt > 0.6 * 72]  # above the footer (page number, title)
    assert min(run.size_pt for run in body) >= 7.5
    screen = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        screen.goto((site / "notebooks" / "cheat-sheet.html").as_uri(), wait_until="load")
        sizes = screen.evaluate("""() => [getComputedStyle(document.querySelector('.wb-one-page p')).fontSize,
                                          getComputedStyle(document.querySelector('.bd-article')).fontSize]""")
        assert sizes[0] == sizes[1], sizes  # the compact type is for print only
    finally:
        screen.close()


def test_a_lesson_prints_to_pdf_with_wrapped_code_map_pictures_and_alt_text(site, browser, tmp_path):
    from pypdf import PdfReader

    lesson = next(p for p in map_pages(site) if p.parent.name == "notebooks")  # a lesson with maps
    nb = nbformat.read(ROOT / "notebooks" / f"{lesson.stem}.ipynb", as_version=4)
    title = nb.cells[0].source.splitlines()[0].lstrip("# ").strip()
    jobs = [print_handouts.Handout(lesson, tmp_path / f"{lesson.stem}.pdf"),
            print_handouts.Handout(lesson, tmp_path / f"{lesson.stem}-with-solutions.pdf", solutions=True)]
    printer = print_handouts.Printer.__new__(print_handouts.Printer)
    printer.browser = browser
    # Laid out for print: map pictures instead of the interactive maps.
    page, _ = printer.open_for_print(jobs[0])
    try:
        shown = page.evaluate("[...document.querySelectorAll('.wb-map-print')].map(i => "
                              "[i.tagName, getComputedStyle(i).display, i.naturalWidth, i.alt])")
        assert shown and all(tag == "IMG" and display == "block" and w > 0 and alt.startswith("Map")
                             for tag, display, w, alt in shown), shown
        assert page.evaluate("[...document.querySelectorAll('iframe')].every(f => !f.offsetParent)")
    finally:
        page.close()

    # The facilitator's copy: every solution shown, open, its code visible.
    page, _ = printer.open_for_print(jobs[1])
    try:
        solutions = page.evaluate("[...document.querySelectorAll('.tag_solution')].map(s => "
                                  "[getComputedStyle(s).display, s.querySelector('details').open, "
                                  "!!s.querySelector('pre').offsetParent])")
        assert solutions and all(d != "none" and is_open and visible for d, is_open, visible in solutions), solutions
    finally:
        page.close()

    # The learner's copy, printed: its pages, text, pictures and alt texts.
    pages_printed, remote = printer.print(jobs[0])
    assert [url for url in remote if not print_handouts.is_map_tile(url)] == [], remote
    reader = PdfReader(jobs[0].pdf)
    assert pages_printed == len(reader.pages) and 4 <= len(reader.pages) <= 40, len(reader.pages)
    text, overflow = text_and_overflow(reader)
    assert title in text and "Key points" in text
    assert overflow == []
    # Wrapped, not clipped: the lesson's longest line of code and of printed output are there in full.
    flat = re.sub(r"\s+", "", text)
    code = [c for c in nb.cells if c.cell_type == "code" and "solution" not in c.metadata.get("tags", [])]
    longest_code = max((line for c in code for line in c.source.splitlines()), key=len)
    longest_output = max((line for c in code for o in c.outputs if o.output_type == "stream"
                          for line in o.text.splitlines()), key=len, default="")
    for line in (longest_code, longest_output):
        assert re.sub(r"\s+", "", line) in flat, f"cut off in print: {line!r}"
    images = sum(len(p.images) for p in reader.pages)
    figures = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {}))
    maps = lesson.read_text(encoding="utf-8").count('class="wb-map-print"')
    assert images >= figures + maps, (images, figures, maps)
    alts = struct_alt_texts(reader)
    assert sum(alt.startswith("Map") for alt in alts) >= maps, alts  # each map's picture keeps its alt text
    for alt in (o.metadata["image/png"]["alt"] for c in nb.cells if c.cell_type == "code" for o in c.outputs
                if "image/png" in o.get("metadata", {})):
        assert alt in alts, alt[:80]  # and so does every figure
    solution_code = next(c.source for c in nb.cells if "solution" in c.metadata.get("tags", []))
    marker = re.sub(r"\s+", "", solution_code.splitlines()[0])[:25]
    assert marker not in re.sub(r"\s+", "", text), "the learner's copy leaves the solutions out"
    assert "Solution (click" not in text, "an empty solution block was printed"
