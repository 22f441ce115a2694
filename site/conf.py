"""Sphinx configuration of the workbook's website (built by `make site`, see site/build_site.py).

The source folder Sphinx reads is a staging copy of the repository's learner-facing files, laid out as in
the repository (notebooks/, workshop/, README.md) plus this folder's index.md as the home page, so a page's
name is its path in the repository and the Binder links open that very file.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

# --- The one place that says where the workbook lives and where it launches -----------------------------
# README.md's Binder badge uses the same three values (tests/test_site.py checks that they agree).
REPOSITORY_URL = "https://github.com/civic-data-workbook/civic-data-workbook"
REPOSITORY_BRANCH = "HEAD"
BINDERHUB_URL = "https://mybinder.org"
SITE_URL = "https://civic-data-workbook.github.io/civic-data-workbook/"

project = "The civic data workbook"
author = "The civic data workbook contributors"
copyright = "the civic data workbook contributors (MIT licence); data: US federal statistics (public domain)"
language = "en"

extensions = ["myst_nb", "workbook_site"]

root_doc = "index"
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "**/my-work", "notebooks/my-*"]

# Notebooks are published as stored: nbval already checked their outputs, so nothing is executed here.
nb_execution_mode = "off"
nb_merge_streams = True
# Markdown: no $...$ maths (the lessons write dollar amounts), so no MathJax from a CDN either.
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = "The civic data workbook"
html_baseurl = SITE_URL
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["workbook.css"]
html_copy_source = True
html_sourcelink_suffix = ""  # the notebook download is the .ipynb itself, not .ipynb.txt
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": REPOSITORY_BRANCH,
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "launch_buttons": {"binderhub_url": BINDERHUB_URL, "notebook_interface": "jupyterlab"},
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}

# Lessons are read by the site's own reader: solutions collapsed behind a toggle, figure alt text kept.
nb_custom_formats = {".ipynb": "workbook_site.read_notebook"}
workbook_repository_root = str(Path(__file__).resolve().parents[1])
workbook_repository_url = REPOSITORY_URL
workbook_repository_branch = REPOSITORY_BRANCH
# Pages that must print on one sheet of US letter (make handouts): compact type in print only.
workbook_one_page_print = ["notebooks/cheat-sheet"]
