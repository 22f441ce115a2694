"""nbgitpuller links for a library JupyterHub (civicdata.classroom.hub_link and ``civicdata hub-link``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from civicdata.classroom.hub_link import (
    DEFAULT_NOTEBOOK,
    DEFAULT_REPO_URL,
    classroom_link,
    nbgitpuller_link,
    repo_folder,
)
from civicdata.cli import main
from civicdata.core.errors import CivicDataError

ROOT = Path(__file__).resolve().parents[1]


def options(link: str) -> dict[str, str]:
    query = parse_qs(urlsplit(link).query, strict_parsing=True)
    assert all(len(values) == 1 for values in query.values())
    return {name: values[0] for name, values in query.items()}


def test_link_has_the_documented_shape():
    link = nbgitpuller_link("https://hub.example.org", "https://github.com/owner/workbook")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.org", "/hub/user-redirect/git-pull")
    assert options(link) == {
        "repo": "https://github.com/owner/workbook",
        "urlpath": "lab/tree/workbook/notebooks/00-start-here.ipynb",
        "branch": "main",
        "targetpath": "workbook",
    }


def test_values_are_fully_url_encoded():
    link = nbgitpuller_link(
        "https://hub.example.org", "https://example.org/git/my repo&co.git", branch="spring 2026",
        notebook="notebooks/a b&c.ipynb",
    )
    query = urlsplit(link).query
    assert " " not in query and query.count("&") == 3 and "/" not in query and ":" not in query
    assert options(link) == {
        "repo": "https://example.org/git/my repo&co.git",
        "urlpath": "lab/tree/my repo&co/notebooks/a b&c.ipynb",
        "branch": "spring 2026",
        "targetpath": "my repo&co",
    }


@pytest.mark.parametrize(
    "hub",
    [
        "https://hub.example.org",
        "https://hub.example.org/",
        "  https://hub.example.org/hub/home  ",
        "https://hub.example.org/hub/spawn?x=1",
        "https://hub.example.org/user/ana/lab/tree/notes.ipynb",
        "https://hub.example.org/hub",
    ],
)
def test_hub_address_copied_from_the_browser_is_reduced_to_the_hub(hub):
    link = nbgitpuller_link(hub)
    assert link.startswith("https://hub.example.org/hub/user-redirect/git-pull?repo=")


def test_hub_under_a_prefix_keeps_the_prefix():
    link = nbgitpuller_link("https://example.org/jupyter/hub/home")
    assert urlsplit(link).path == "/jupyter/hub/user-redirect/git-pull"


@pytest.mark.parametrize(
    ("repo", "folder"),
    [
        ("https://github.com/owner/civic-data-workbook", "civic-data-workbook"),
        ("https://github.com/owner/civic-data-workbook/", "civic-data-workbook"),
        ("https://github.com/owner/civic-data-workbook.git", "civic-data-workbook"),
        ("git@github.com:owner/workbook.git", "workbook"),
        ("git://example.org/workbook", "workbook"),
    ],
)
def test_urlpath_starts_with_the_folder_nbgitpuller_clones_into(repo, folder):
    assert repo_folder(repo) == folder
    link = options(nbgitpuller_link("https://hub.example.org", repo))
    assert link["urlpath"].startswith(f"lab/tree/{folder}/")
    # nbgitpuller itself would name the folder after the address's last part, ".git" included
    # (handlers.py: repo.rstrip('/').split('/')[-1]), so the link names the folder explicitly.
    assert link["targetpath"] == folder


def test_a_repository_on_the_hubs_own_machine_is_accepted():
    link = nbgitpuller_link("http://127.0.0.1:8000", "file:///srv/classroom/workbook/civic-data-workbook.git")
    assert options(link)["targetpath"] == "civic-data-workbook"
    assert options(link)["urlpath"] == "lab/tree/civic-data-workbook/notebooks/00-start-here.ipynb"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"hub_url": "hub.example.org"},
        {"hub_url": "ftp://hub.example.org"},
        {"hub_url": ""},
        {"hub_url": "https://hub.example.org", "repo_url": "owner/workbook"},
        {"hub_url": "https://hub.example.org", "repo_url": "https://github.com/"},
        {"hub_url": "https://hub.example.org", "branch": " "},
        {"hub_url": "https://hub.example.org", "notebook": "../secrets.ipynb"},
        {"hub_url": "https://hub.example.org", "notebook": ""},
    ],
)
def test_bad_input_gives_a_plain_error_with_a_next_step(kwargs):
    with pytest.raises(CivicDataError) as info:
        nbgitpuller_link(**kwargs)
    assert info.value.hint


def test_default_repository_is_the_one_the_binder_badge_launches():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    badge = re.search(r"https://mybinder\.org/v2/gh/([^/]+/[^/]+)/", readme)
    assert badge, "README.md has no Binder badge"
    assert DEFAULT_REPO_URL == f"https://github.com/{badge.group(1)}"


def test_default_notebook_is_the_one_make_lab_opens():
    assert f"lab $(ROOT_FLAG) --port=$(PORT) {DEFAULT_NOTEBOOK}" in (ROOT / "Makefile").read_text()


def test_cli_prints_the_link(capsys):
    assert main(["hub-link", "--hub", "https://hub.example.org", "--branch", "main"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == nbgitpuller_link("https://hub.example.org", DEFAULT_REPO_URL, "main")


def test_cli_accepts_another_repository(capsys):
    assert main(["hub-link", "--hub", "https://hub.example.org", "--repo", "https://github.com/lib/fork"]) == 0
    assert options(capsys.readouterr().out.strip())["urlpath"].startswith("lab/tree/fork/")


def test_cli_reports_a_bad_hub_without_a_traceback(capsys):
    assert main(["hub-link", "--hub", "not a url"]) == 2
    err = capsys.readouterr().err
    assert "What to do:" in err and "Traceback" not in err


def test_cli_reads_the_running_classroom_hub(tmp_path, capsys):
    folder = tmp_path / ".classroom"
    folder.mkdir()
    repo = "file:///srv/c/workbook/civic-data-workbook.git"
    (folder / "hub.json").write_text(json.dumps({"url": "http://lab-pc.local:8000", "repo": repo, "branch": "main"}))
    assert main(["hub-link", "--classroom", str(folder)]) == 0
    link = capsys.readouterr().out.strip()
    assert link == classroom_link(folder)
    assert link.startswith("http://lab-pc.local:8000/hub/user-redirect/git-pull?")
    assert options(link)["repo"] == "file:///srv/c/workbook/civic-data-workbook.git"


def test_cli_without_a_running_classroom_says_how_to_start_one(tmp_path, capsys):
    assert main(["hub-link", "--classroom", str(tmp_path / "nothing-here")]) == 2
    err = capsys.readouterr().err
    assert "make classroom" in err and "Traceback" not in err


def test_cli_needs_either_a_hub_or_the_classroom(capsys):
    with pytest.raises(SystemExit):
        main(["hub-link"])
    with pytest.raises(SystemExit):
        main(["hub-link", "--hub", "https://hub.example.org", "--classroom"])
