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
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
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
