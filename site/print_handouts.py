"""Print the workshop handouts from the built website: `make handouts`.

Each page is opened in headless Chromium (Debian's; nothing is downloaded) with every request to another
server blocked, and printed to PDF with the site's print stylesheet (site/_static/workbook.css): code
wraps, each interactive map prints as its picture with its alt text, figures keep their alt text (the
PDF is tagged), and nothing comes from a CDN.

What is printed, all found by file name so that new pages need no change here:

- every lesson (``notebooks/NN-*.html``) twice: ``NN-name.pdf`` for learners, exercise solutions left
  out (no empty blocks), and ``NN-name-with-solutions.pdf`` for the facilitator, solutions printed open;
- the learner pages beside the lessons (``notebooks/*.html`` other than the lessons and the index: the
  glossary, the "when you're stuck" page and the cheat sheet, which must fit one page);
- the workshop templates (``workshop/templates/*.html``: Data Walk notes, feedback survey).

Usage: python site/print_handouts.py [--site _site] [--out workshop/handouts] [--only 05]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))
from workbook_site import CHROMIUM_ARGS, chromium_path  # noqa: E402

FOOTER = ('<div style="font-size:8px;width:100%;padding:0 13mm;color:#444;display:flex;'
          'justify-content:space-between"><span class="title"></span>'
          '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')
MARGIN = {"top": "14mm", "bottom": "16mm", "left": "13mm", "right": "13mm"}


@dataclass
class Handout:
    page: Path  # the built HTML page
    pdf: Path  # where its PDF goes
    solutions: bool = False


def handouts(site: Path, out: Path, only: list[str] | None = None) -> list[Handout]:
    """What to print, found by file name in the built site."""
    jobs = []
    for page in sorted((site / "notebooks").glob("[0-9][0-9]*.html")):
        jobs.append(Handout(page, out / f"{page.stem}.pdf"))
        jobs.append(Handout(page, out / f"{page.stem}-with-solutions.pdf", solutions=True))
    for page in sorted((site / "notebooks").glob("*.html")):
        if not page.stem[:2].isdigit() and page.stem not in ("index", "README"):
            jobs.append(Handout(page, out / f"{page.stem}.pdf"))
    for page in sorted((site / "workshop" / "templates").glob("*.html")):
        jobs.append(Handout(page, out / f"{page.stem}.pdf"))
    if only:
        jobs = [job for job in jobs if any(job.page.stem.startswith(prefix) for prefix in only)]
    return jobs


class Printer:
    """One headless Chromium for many pages. Use as a context manager."""

    def __init__(self):
        chromium = chromium_path()
        if chromium is None:
            raise SystemExit("Printing the handouts needs Chromium: sudo apt-get install chromium "
                             "(or `make browser` as root).")
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc) -> None:
        self.browser.close()
        self._playwright.stop()

    def open_for_print(self, job: Handout):
        """The page, laid out for print, with its map pictures loaded; and the remote URLs it asked for."""
        page = self.browser.new_page(viewport={"width": 816, "height": 1056})
        remote: list[str] = []

        def route(request_route):
            url = request_route.request.url
            if url.startswith(("file:", "data:", "about:")):
                request_route.continue_()
            else:
                remote.append(url)
                request_route.abort()

        page.route("**/*", route)
        page.goto(job.page.as_uri(), wait_until="load")
        if job.solutions:
            page.evaluate("document.documentElement.classList.add('wb-print-solutions');"
                          "document.querySelectorAll('.tag_solution details').forEach(d => d.open = true)")
        page.emulate_media(media="print")
        # Map pictures are lazy-loaded on screen (they are only for print): load them now.
        page.evaluate("""async () => {
            const images = [...document.querySelectorAll('img')];
            images.forEach(img => img.loading = 'eager');
            await Promise.all(images.map(img => img.complete ? null :
                new Promise(done => { img.onload = img.onerror = done; })));
        }""")
        return page, remote

    def print(self, job: Handout) -> tuple[int, list[str]]:
        """Print one handout; return its page count and any remote URL the page asked for (blocked)."""
        from pypdf import PdfReader

        page, remote = self.open_for_print(job)
        job.pdf.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(job.pdf), format="Letter", margin=MARGIN, print_background=True, tagged=True,
                 display_header_footer=True, header_template="<span></span>", footer_template=FOOTER)
        page.close()
        return len(PdfReader(job.pdf).pages), remote


def is_map_tile(url: str) -> bool:
    """Background map tiles (OpenStreetMap): the hidden on-screen maps ask for them; print uses pictures."""
    return "tile.openstreetmap.org" in url or "/tiles/" in url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_site", help="the built site (make site)")
    parser.add_argument("--out", type=Path, default=ROOT / "workshop" / "handouts", help="where PDFs go")
    parser.add_argument("--only", nargs="*", help="only pages whose names start with these")
    args = parser.parse_args(argv)
    args.site, args.out = args.site.resolve(), args.out.resolve()
    if not (args.site / "index.html").exists():
        raise SystemExit(f"No built site in {args.site}: run `make site` first.")
    jobs = handouts(args.site, args.out, args.only)
    problems = []
    with Printer() as printer:
        for job in jobs:
            pages, remote = printer.print(job)
            print(f"  {job.pdf.relative_to(args.out)}: {pages} page{'s' if pages != 1 else ''}")
            if job.page.stem == "cheat-sheet" and pages > 1:
                problems.append(f"the cheat sheet prints on {pages} pages, not one")
            other = sorted({url for url in remote if not is_map_tile(url)})
            if other:
                problems.append(f"{job.page.name} asked for files on other servers: {other}")
    for problem in problems:
        print("Warning:", problem)
    print(f"Printed {len(jobs)} handouts into {args.out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
