"""Sphinx extension for the workbook's website: what a learner, a facilitator and a printer need.

What it does, in build order:

- **Navigation** (``source-read`` of the home page): toctrees made from the files that exist, so a lesson
  or page added later needs no change here. Lessons are ``notebooks/NN-*.ipynb`` in file-name order,
  titled "NN Title (N min)" from their header cell; learner pages are the other ``notebooks/*.md``; the
  workshop kit is ``workshop/**.md``. Pages are ordered by where ``notebooks/README.md`` (or
  ``workshop/README.md``) first links to them, then by file name.
- **Notebooks** (a MyST-NB reader for ``.ipynb``): each exercise solution (a code cell tagged
  ``solution``) becomes a collapsed "Solution" toggle, and the JupyterLab hint cell before it ("click the
  three dots") is dropped; figure alt text stored in the output (``show_figure(fig, alt=...)``) is kept.
- **Maps** (``doctree-resolved``): folium maps stored in the notebooks load Leaflet from the site itself
  (``_static/leaflet/``, copied from the pinned ``django-js-lib-leaflet`` package) instead of a data URI
  or a CDN; folium's other CDN files (jQuery, Bootstrap, icon fonts), which our maps do not use, are
  left out; a map that needs any other remote file fails the build. Each map gets a title and a static
  picture for print (taken in headless Chromium at the end of the build, with alt text made from the
  map's own title, legend and source, or given with the output as ``metadata["text/html"]["alt"]``).
- **Lesson banner** (``html-page-context``): "Launch on Binder" and "Download the notebook" links at the
  top of every lesson, using the very URL sphinx-book-theme's launch button uses (one setting in
  conf.py). The lesson's minutes are in the navigation and in its own header cell.
- **One-page print** (``html-page-context``): the pages named in ``workbook_one_page_print`` (conf.py:
  the cheat sheet) are wrapped in ``<div class="wb-one-page">``, which the print stylesheet sets in
  compact type so the page prints on one sheet; nothing changes on screen.
- **Links**: a link to a folder opens its README page; a link to a repository file that is not a page
  (``LICENSE``, ``data/README.md``...) goes to the file on GitHub; images on other servers (the README's
  Binder badge) become their alt text, so no page loads anything from elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import html
import posixpath
import re
import shutil
from importlib import resources
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from civicdata.maps.offline import CDN_EXTRAS, NEEDS_CDN_EXTRAS  # folium's extras: the notebooks' maps drop the same

logger = logging.getLogger(__name__)

LESSON = re.compile(r"^notebooks/(\d\d[^/]*)$")
TIME = re.compile(r"\*\*Time:\*\*\s*(?:about\s*)?(\d+)\s*minutes", re.IGNORECASE)
TITLE = re.compile(r"^#\s+(.+?)\s*$", re.MULTILINE)

# ----------------------------------------------------------------------------- navigation


def _lesson_info(path: Path) -> tuple[str, int | None]:
    """(title, minutes) of a lesson notebook, from its first markdown cell."""
    nb = nbformat.read(path, as_version=4)
    first = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    title = TITLE.search(first)
    minutes = TIME.search(first)
    return (title.group(1) if title else path.stem), (int(minutes.group(1)) if minutes else None)


def _ordered(pages: list[str], readme: Path, base: str) -> list[str]:
    """``pages`` (docnames) in the order ``readme`` first links to them, the others by name after."""
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    position = {}
    for match in re.finditer(r"\]\(([^)#\s]+)", text):
        target = posixpath.normpath(posixpath.join(base, match.group(1)))
        position.setdefault(posixpath.splitext(target)[0], match.start())
    return sorted(pages, key=lambda p: (position.get(p, float("inf")), p))


def _docs(srcdir: Path, folder: str, pattern: str) -> list[str]:
    return sorted(p.relative_to(srcdir).with_suffix("").as_posix() for p in (srcdir / folder).glob(pattern))


def navigation(srcdir: Path) -> str:
    """The home page's toctrees (MyST), made from the files present in the site's source folder."""
    blocks = []
    lessons = [p for p in sorted((srcdir / "notebooks").glob("[0-9][0-9]*.ipynb"))]
    if lessons:
        lines = []
        for path in lessons:
            title, minutes = _lesson_info(path)
            label = f"{title} ({minutes} min)" if minutes else title
            lines.append(f"{label} <notebooks/{path.stem}>")
        overview = ["The lessons at a glance <notebooks/README>"] if (srcdir / "notebooks/README.md").exists() else []
        blocks.append(("Lessons", overview + lines))
    learner = [d for d in _docs(srcdir, "notebooks", "*.md") if d != "notebooks/README"]
    if learner:
        blocks.append(("While you learn", _ordered(learner, srcdir / "notebooks/README.md", "notebooks")))
    workshop = _docs(srcdir, "workshop", "**/*.md")
    if workshop:
        rest = [d for d in workshop if d != "workshop/README"]
        head = ["workshop/README"] if "workshop/README" in workshop else []
        blocks.append(("For facilitators", head + _ordered(rest, srcdir / "workshop/README.md", "workshop")))
    if (srcdir / "README.md").exists():
        blocks.append(("About the workbook", ["Run it on your own computer <README>"]))
    out = []
    for caption, entries in blocks:
        out += ["", "```{toctree}", f":caption: {caption}", ":maxdepth: 1", "", *entries, "```", ""]
    return "\n".join(out)


def add_navigation(app, docname: str, source: list[str]) -> None:
    if docname != app.config.root_doc:
        return
    marker = "<!-- workbook:navigation -->"
    toc = navigation(Path(app.srcdir))
    source[0] = source[0].replace(marker, toc) if marker in source[0] else source[0] + "\n" + toc


# ----------------------------------------------------------------------------- notebooks

#: sha256 of an output image's bytes -> its alt text (MyST-NB names image files by this hash).
IMAGE_ALT: dict[str, str] = {}
#: map id (see :func:`map_id`) -> alt text given with the map's output (``metadata["text/html"]["alt"]``).
MAP_ALT: dict[str, str] = {}

SOLUTION_PROMPT_SHOW = "Solution (click to show)"
SOLUTION_PROMPT_HIDE = "Solution (click to hide)"
# A hint cell starts with a "Solution" heading or a <details><summary>Solution...
HINT = re.compile(r"^\s*(#{1,6}\s*Solution\b|<details>\s*<summary>\s*Solution\b)", re.IGNORECASE)


def _is_solution_hint(cell) -> bool:
    """The short markdown cell just before a solution that tells JupyterLab users how to open it
    ("#### Solution (click to expand)" and a line about the hidden cell): the site's toggle replaces it."""
    text = cell.source if isinstance(cell.source, str) else "".join(cell.source)
    return (cell.cell_type == "markdown" and bool(HINT.match(text)) and len(text) < 500
            and len(re.findall(r"^#", text, re.MULTILINE)) <= 1 and "```" not in text)


def read_notebook(text: str) -> nbformat.NotebookNode:
    """Read a stored lesson for the site: solutions collapsed behind a toggle, alt text remembered."""
    nb = nbformat.reads(text, as_version=4)
    cells = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code" and "solution" in tags:
            if cells and _is_solution_hint(cells[-1]):
                cells.pop()  # the toggle's own label says "Solution"
            cell.metadata["tags"] = [*tags, "hide-cell"]
            cell.metadata.setdefault("mystnb", {}).update(
                {"code_prompt_show": SOLUTION_PROMPT_SHOW, "code_prompt_hide": SOLUTION_PROMPT_HIDE})
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                for mime, meta in output.get("metadata", {}).items():
                    data = output.get("data", {}).get(mime)
                    if not (isinstance(meta, dict) and meta.get("alt") and data):
                        continue
                    if mime.startswith("image/"):
                        raw = base64.b64decode(data) if mime != "image/svg+xml" else data.encode()
                        IMAGE_ALT[hashlib.sha256(raw).hexdigest()] = str(meta["alt"])
                    elif mime == "text/html" and SRCDOC.search(data):
                        MAP_ALT[map_id(html.unescape(SRCDOC.search(data).group(1)))] = str(meta["alt"])
        cells.append(cell)
    nb.cells = cells
    return nb


def keep_image_alt(app, doctree, docname: str) -> None:
    """Give each notebook output image the alt text stored with it (MyST-NB keeps only its size)."""
    for image in doctree.findall(nodes.image):
        stem = Path(image.get("uri", "")).stem
        if stem in IMAGE_ALT:
            image["alt"] = IMAGE_ALT[stem]


# ----------------------------------------------------------------------------- maps

LEAFLET_PACKAGE = ("js_lib_leaflet", "static", "js_lib_leaflet")
LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png",
                 "images/marker-icon.png", "images/marker-icon-2x.png", "images/marker-shadow.png")
# folium's CDN files that our maps do not use (tooltips and popups are plain Leaflet; points are circles).
SRCDOC = re.compile(r'<iframe srcdoc="([^"]*)"')
TRUST_NOTE = re.compile(r'<span style="color:#565656">Make this Notebook Trusted[^<]*</span>')

#: map id -> (the first page that shows it, the map's HTML as served there); and every page that shows it.
#: Filled as pages are written.
MAPS: dict[str, tuple[str, str]] = {}
MAP_PAGES: dict[str, set[str]] = {}


class MapError(Exception):
    pass


def copy_leaflet(app, exception=None) -> None:
    """Copy Leaflet (JS, CSS, images) from the pinned Python package into ``_static/leaflet/``."""
    folder = resources.files(LEAFLET_PACKAGE[0]).joinpath(*LEAFLET_PACKAGE[1:])
    target = Path(app.outdir) / "_static" / "leaflet"
    for name in LEAFLET_FILES:
        data = folder.joinpath(name).read_bytes()
        if name == "leaflet.js":
            data = re.sub(rb"//# sourceMappingURL=\S+", b"", data)
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)


def _leaflet_script(src: str) -> bool:
    if src.startswith("data:text/javascript;base64,"):
        head = base64.b64decode(src.split(",", 1)[1][:400] + "==")[:300]
        return b"Leaflet" in head
    return bool(re.search(r"leaflet(@[\d.]+)?/dist/leaflet(-src)?(\.min)?\.js$|/leaflet(\.min)?\.js$", src))


def _leaflet_css(href: str) -> bool:
    if href.startswith("data:text/css;base64,"):
        return b".leaflet-pane" in base64.b64decode(href.split(",", 1)[1])
    return bool(re.search(r"/leaflet(\.min)?\.css$", href))


def local_map_html(doc: str, static: str) -> str:
    """A folium map page (``doc``) that loads Leaflet from ``static``/leaflet/ and nothing from elsewhere."""
    def script(match: re.Match) -> str:
        src = match.group(1)
        if _leaflet_script(src):
            return f'<script src="{static}/leaflet/leaflet.js"></script>'
        if any(name in src.lower() for name in CDN_EXTRAS):
            return ""
        return match.group(0)

    def stylesheet(match: re.Match) -> str:
        href = match.group(1)
        if _leaflet_css(href):
            return f'<link rel="stylesheet" href="{static}/leaflet/leaflet.css"/>'
        if any(name in href.lower() for name in CDN_EXTRAS):
            return ""
        return match.group(0)

    doc = re.sub(r'<script src="([^"]+)"></script>', script, doc)
    doc = re.sub(r'<link rel="stylesheet" href="([^"]+)"\s*/?>', stylesheet, doc)
    remote = re.findall(r'<(?:script|link)[^>]+(?:src|href)="((?:https?:)?//[^"]+|data:[^"]{0,40})', doc)
    if remote:
        raise MapError("a map loads files the site does not bundle: " + ", ".join(remote)
                       + " (use civicdata's maps, or bundle the plugin in site/_ext/workbook_site.py)")
    used = [name for name in NEEDS_CDN_EXTRAS if name in doc]
    if used:
        raise MapError(f"a map uses {', '.join(used)}, which the site leaves out (folium's CDN extras)")
    return doc


def accessible_map_html(doc: str, key: str) -> str:
    """The map's own document gets a language, a title (filled in with the map's title after the build)
    and a viewport that lets people zoom the page (folium's forbids it)."""
    doc = re.sub(r"<html>", '<html lang="en">', doc, count=1)
    doc = re.sub(r"<head>", f"<head>\n<title>wb-map-title:{key}</title>", doc, count=1)
    return re.sub(r'<meta name="viewport" content="[^"]*"', '<meta name="viewport" content="width=device-width, '
                  'initial-scale=1.0"', doc, count=1)


def map_id(doc: str) -> str:
    """A stable name for a map: folium's random element ids are masked before hashing."""
    masked = re.sub(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])", "", doc)
    return hashlib.sha256(masked.encode("utf-8")).hexdigest()[:16]


def rewrite_maps(app, doctree, docname: str) -> None:
    """Point every stored folium map of a page at the site's own Leaflet; add its print picture."""
    static = posixpath.relpath("_static", posixpath.dirname(docname) or ".")
    images = posixpath.relpath("_images/maps", posixpath.dirname(docname) or ".")
    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext()
        if "<iframe srcdoc=" not in text or "leaflet" not in text.lower():
            continue
        match = SRCDOC.search(text)
        stored = html.unescape(match.group(1))
        try:
            doc = local_map_html(stored, static)
        except MapError as err:
            logger.warning(f"{docname}: {err}", location=raw)
            continue
        key = map_id(stored)
        doc = accessible_map_html(doc, key)
        MAPS.setdefault(key, (docname, doc))
        MAP_PAGES.setdefault(key, set()).add(docname)
        text = text[:match.start(1)] + html.escape(doc, quote=True) + text[match.end(1):]
        text = TRUST_NOTE.sub("", text)
        # loading="lazy": a map loads when it is scrolled near, so the page shows at once and the
        # browser fetches Leaflet once, from its cache, instead of once per map at the same moment.
        text = text.replace("<iframe srcdoc=",
                            f'<iframe title="wb-map-title:{key}" data-wb-map="{key}" loading="lazy" srcdoc=', 1)
        picture = (f'<img class="wb-map-print" data-wb-map="{key}" src="{images}/{key}.png" '
                   f'alt="wb-map-alt:{key}" loading="lazy">')
        new = nodes.raw("", f'<div class="wb-map">{text}{picture}</div>', format="html")
        raw.replace_self(new)


# ----------------------------------------------------------------------------- pictures of the maps


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

#: Size of a map's picture in CSS pixels: wider than the printed page (it is scaled down to the page
#: width), so the map's panels (title, legend, source) do not run into each other.
PICTURE_SIZE = {"width": 880, "height": 600}

# Inside the map: no zoom buttons (nor tile credits: the picture has no tiles), white instead of the grey
# of missing tiles, and the shapes fitted into the room the title, legend and source panels leave free,
# so no panel hides a tract.
REFIT_JS = """() => {
  const style = document.createElement('style');
  style.textContent = '.leaflet-container{background:#fff} .leaflet-control-zoom,'
    + ' .leaflet-control-attribution{display:none}';
  document.head.appendChild(style);
  const map = Object.values(window).find(v => v instanceof L.Map);
  if (!map) return;
  map.invalidateSize({animate: false});
  map.options.zoomSnap = 0.1;
  let bounds = null;
  map.eachLayer(layer => {
    if (layer.getBounds && !(layer instanceof L.TileLayer)) {
      const b = layer.getBounds();
      if (b && b.isValid()) bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
    }
  });
  if (!bounds) return;
  const box = sel => { const el = document.querySelector(sel); return el ? el.getBoundingClientRect() : null; };
  const right = Math.max(0, ...[...document.querySelectorAll(
    '.leaflet-right .leaflet-control:not(.leaflet-control-attribution)')].map(el => el.getBoundingClientRect().width));
  const top = (box('.leaflet-top.leaflet-right .leaflet-control') || {height: 0}).height;
  const bottom = (box('.leaflet-bottom.leaflet-left .leaflet-control') || {height: 0}).height;
  map.fitBounds(bounds, {animate: false, paddingTopLeft: [8, top + 12],
                         paddingBottomRight: [Math.min(right + 12, map.getSize().x / 2), bottom + 12]});
}"""

# What the map says in words: its title, its other panels (legend, source) and how many shapes it draws.
MAP_TEXT_JS = """() => {
  const skip = '.leaflet-control-zoom, .leaflet-control-attribution, .leaflet-control-scale';
  const text = el => el.innerText.replace(/\\s*\\n\\s*/g, '; ').replace(/\\s+/g, ' ').trim();
  const title = document.querySelector('.cd-title');
  const panels = [...document.querySelectorAll('.leaflet-control')].filter(el => !el.matches(skip) && el !== title);
  return {
    title: title ? text(title) : '',
    panels: panels.map(text).filter(Boolean),
    shapes: document.querySelectorAll('path.leaflet-interactive').length,
  };
}"""


def _describe(info: dict) -> tuple[str, str]:
    """(iframe title, picture alt text) from what the map shows."""
    title = info["title"]
    shapes = f"{info['shapes']} shapes" if info["shapes"] else "no shapes"
    frame_title = f"Interactive map: {title}" if title else f"Interactive map ({shapes})"
    alt = f"Map: {title}." if title else f"Map with {shapes}, coloured by value."
    panels = sorted(info["panels"], key=lambda p: p.lower().startswith("source"))  # the source line last
    if panels:
        alt += " " + " ".join(p if p.endswith(".") else p + "." for p in panels)
    return frame_title, alt


def _fill_in(path: Path, key: str, frame_title: str | None, alt: str | None) -> None:
    page = path.read_text(encoding="utf-8")
    if frame_title is None:  # no picture: print a note instead of a broken image
        page = re.sub(rf'<img class="wb-map-print" data-wb-map="{key}"[^>]*>',
                      '<p class="wb-map-print wb-map-missing">(An interactive map: see this page online.)</p>', page)
        page = page.replace(f'title="wb-map-title:{key}"', 'title="Interactive map"')
    else:
        page = page.replace(f'title="wb-map-title:{key}"', f'title="{html.escape(frame_title, quote=True)}"')
        page = page.replace(f'alt="wb-map-alt:{key}"', f'alt="{html.escape(alt, quote=True)}"')
    # inside the map's own document (escaped once more, as it sits in the srcdoc attribute)
    page = page.replace(f"wb-map-title:{key}", html.escape(html.escape(frame_title or "Interactive map"), quote=True))
    path.write_text(page, encoding="utf-8")


def _shrink_png(path: Path, colours: int = 256, max_mean_error: float = 1.0) -> None:
    """Store an opaque PNG (a map picture, a matplotlib figure) with a palette of at most ``colours``.

    Maps and charts are mostly flat colours: lossless when the image has no more colours than that,
    and otherwise off by a fraction of one level of 255 on average, for about a third of the bytes. An
    image that would change more (a photograph), or that has transparency, is left as it is.
    """
    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        image.load()
    if image.mode in ("RGBA", "LA") and image.getchannel("A").getextrema()[0] < 255:
        return
    rgb = image.convert("RGB")
    small = rgb.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    error = np.abs(np.asarray(rgb, dtype=np.int16) - np.asarray(small.convert("RGB"), dtype=np.int16)).mean()
    if error <= max_mean_error:
        small.save(path, optimize=True)


def picture_maps(app, exception) -> None:
    """Take a picture of every map in headless Chromium (offline) for print; fill in its title and alt text.

    Each map is opened on its own, from a file next to its page (so its links to ``_static/leaflet/``
    work), at :data:`PICTURE_SIZE`, with every request to another server blocked.
    """
    if exception is not None or app.builder.name != "html" or not MAPS:
        return
    out = Path(app.outdir)
    chromium = chromium_path()
    if chromium is None:
        logger.info("No Chromium found: maps will print as a note instead of a picture "
                    "(install Debian's chromium, or run `make browser`).")
        for key, docnames in MAP_PAGES.items():
            for docname in docnames:
                _fill_in(out / f"{docname}.html", key, None, None)
        return
    from playwright.sync_api import sync_playwright

    (out / "_images" / "maps").mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=PICTURE_SIZE, device_scale_factor=1.25)
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                   else route.abort())
        try:
            for key, (docname, doc) in sorted(MAPS.items()):
                scratch = (out / docname).parent / f".wb-map-{key}.html"
                scratch.write_text(doc.replace("<head>", "<head><style>html,body{margin:0}</style>", 1),
                                   encoding="utf-8")
                try:
                    page.goto(scratch.as_uri())
                    page.locator("path.leaflet-interactive").first.wait_for(timeout=20_000)
                    page.evaluate(REFIT_JS)
                    page.wait_for_timeout(300)
                    picture = out / "_images" / "maps" / f"{key}.png"
                    page.screenshot(path=str(picture))
                    _shrink_png(picture)
                    frame_title, alt = _describe(page.evaluate(MAP_TEXT_JS))
                    alt = MAP_ALT.get(key, alt)
                finally:
                    scratch.unlink()
                for page_name in MAP_PAGES[key]:
                    _fill_in(out / f"{page_name}.html", key, frame_title, alt)
        finally:
            browser.close()
    logger.info(f"pictures of {len(MAPS)} maps for print")


# ----------------------------------------------------------------------------- lesson banner


def lesson_banner(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """"Launch on Binder" and "Download the notebook" at the top of every lesson page.

    The Binder URL is the one sphinx-book-theme's launch button got from the settings in conf.py, so
    both always agree; the download is the stored notebook itself (``_sources/<page>.ipynb``).
    """
    body = context.get("body")
    if not body:
        return
    # MyST-NB labels every toggle "Toggle hidden content" for screen readers; say what it hides instead.
    body = body.replace('<summary aria-label="Toggle hidden content">', "<summary>")
    if LESSON.match(pagename):
        binder = None
        for group in context.get("header_buttons", []):
            for button in group.get("buttons", []) if isinstance(group, dict) else []:
                if button.get("text") == "Binder":
                    binder = button.get("url")
        download = context["pathto"](f"_sources/{pagename}.ipynb", 1)
        parts = []
        if binder:
            parts.append(f'<a class="wb-launch" href="{html.escape(binder)}">Launch this lesson on Binder</a>')
        parts.append(f'<a class="wb-download" href="{html.escape(download)}" download>Download the notebook '
                     f'({html.escape(Path(pagename).name)}.ipynb)</a>')
        banner = '<nav class="wb-lesson-banner" aria-label="Run this lesson">' + "".join(parts) + "</nav>"
        end_h1 = body.find("</h1>")
        body = body[:end_h1 + 5] + banner + body[end_h1 + 5:] if end_h1 >= 0 else banner + body
    context["body"] = body


def one_page_print(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Mark a page that must print on one sheet (``workbook_one_page_print`` in conf.py) for the print
    stylesheet: its content goes into ``<div class="wb-one-page">`` (a plain block, so the screen layout,
    the headings and the reading order stay as they are)."""
    if pagename in app.config.workbook_one_page_print and context.get("body"):
        context["body"] = f'<div class="wb-one-page">{context["body"]}</div>'


# ----------------------------------------------------------------------------- links and images


class RepositoryLinks(SphinxPostTransform):
    """Links MyST cannot resolve to a page: a folder -> its README page; a repository file -> GitHub.

    Runs just before MyST's own resolver, which would otherwise warn (and fail the build).
    """

    default_priority = 8

    def run(self, **kwargs) -> None:
        env = self.env
        config = env.config
        root = Path(config.workbook_repository_root)
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("reftype") != "myst" or node.get("refdomain") == "doc":
                continue
            target = node.get("reftarget", "")
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue
            path, _, anchor = target.partition("#")
            refdoc = node.get("refdoc", env.docname)
            rel = posixpath.normpath(posixpath.join(posixpath.dirname(refdoc), path))
            if rel.startswith("..") or not path:
                continue
            page = next((d for d in (f"{rel}/README", f"{rel}/index") if d in env.found_docs), None)
            if page:
                uri = self.app.builder.get_relative_uri(refdoc, page)
                new = nodes.reference("", "", internal=True, refuri=uri)
            elif (root / rel).exists():
                kind = "tree" if (root / rel).is_dir() else "blob"
                url = f"{config.workbook_repository_url}/{kind}/{config.workbook_repository_branch}/{rel}"
                new = nodes.reference("", "", internal=False, refuri=url + (f"#{anchor}" if anchor else ""))
            else:
                continue
            new += node[0].deepcopy() if len(node) else nodes.literal(target, target)
            node.replace_self(new)


def remote_images_to_text(app, doctree, docname: str) -> None:
    """An image from another server (a badge) becomes its alt text: the site loads nothing from elsewhere."""
    for image in list(doctree.findall(nodes.image)):
        if re.match(r"^(https?:)?//", image.get("uri", "")):
            image.replace_self(nodes.Text(image.get("alt") or "image"))


# ----------------------------------------------------------------------------- size


def prune_output(app, exception) -> None:
    """Leave out what no page loads (the theme's source maps, translation catalogues, template macros and
    fontawesome.js) and store the figures with a palette (see :func:`_shrink_png`)."""
    if exception is not None or app.builder.name != "html":
        return
    static = Path(app.outdir) / "_static"
    for path in static.rglob("*.map"):
        path.unlink()
    if (static / "locales").is_dir():
        shutil.rmtree(static / "locales")
    for image in (Path(app.outdir) / "_images").glob("*.png"):  # the notebooks' figures (maps: below)
        _shrink_png(image)
    for macros in static.glob("*macros.html"):  # the themes' Jinja macros, copied along but never a page
        macros.unlink()
    # pydata-sphinx-theme's fontawesome.js (1.5 MB on every page) only serves custom icons; the theme's
    # icons come from its stylesheet's icon fonts, which stay.
    script = static / "scripts" / "fontawesome.js"
    if script.exists():
        script.unlink()
        tag = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
        for page in Path(app.outdir).rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            if "fontawesome.js" in text:
                page.write_text(tag.sub("", text), encoding="utf-8")


def setup(app):
    app.add_config_value("workbook_repository_root", "", "env")
    app.add_config_value("workbook_repository_url", "", "env")
    app.add_config_value("workbook_repository_branch", "HEAD", "env")
    app.add_config_value("workbook_one_page_print", [], "html")
    app.connect("source-read", add_navigation)
    app.connect("doctree-resolved", keep_image_alt)
    app.connect("doctree-resolved", rewrite_maps)
    app.connect("doctree-resolved", remote_images_to_text)
    app.add_post_transform(RepositoryLinks)
    app.connect("html-page-context", lesson_banner, priority=600)
    app.connect("html-page-context", one_page_print, priority=610)
    app.connect("build-finished", copy_leaflet)
    app.connect("build-finished", picture_maps, priority=600)
    app.connect("build-finished", prune_output)
    return {"parallel_read_safe": False, "parallel_write_safe": False}
