"""Build an nbgitpuller link that opens the workbook on a library's own JupyterHub.

A learner clicks the link, logs in to the hub, and nbgitpuller copies (the first time) or updates
(every later time) the workbook in their home folder, then opens the first notebook in JupyterLab.
nbgitpuller never overwrites a learner's own edits: where the learner and the repository both
changed the same lines, the learner's version is kept. The hub must have nbgitpuller installed.

The link format follows the nbgitpuller documentation (link generator and "Options in an
nbgitpuller URL"): ``HUB/hub/user-redirect/git-pull?repo=...&urlpath=...&branch=...``, where
``urlpath`` must start with the folder the repository is cloned into (its name). That folder is also
given as ``targetpath``: left to itself nbgitpuller names it after the address's last part, ``.git`` and
all, so ``https://host/owner/workbook.git`` would land in ``workbook.git/`` and ``urlpath`` would miss.

The classroom hub in ``workshop/classroom/`` (``make classroom``) records its address and the repository it
serves in ``.classroom/hub.json``; :func:`classroom_link` builds its link from there.

Example:
    >>> link = nbgitpuller_link("https://hub.example.org", "https://github.com/owner/workbook")
    >>> link.split("?")[0]
    'https://hub.example.org/hub/user-redirect/git-pull'
    >>> from urllib.parse import parse_qs
    >>> options = parse_qs(link.split("?")[1])
    >>> options["repo"], options["branch"]
    (['https://github.com/owner/workbook'], ['main'])
    >>> options["urlpath"]
    ['lab/tree/workbook/notebooks/00-start-here.ipynb']
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from civicdata.core.errors import CivicDataError

#: The workbook's own repository (the same one the Binder badge in README.md launches).
DEFAULT_REPO_URL = "https://github.com/civic-data-workbook/civic-data-workbook"
DEFAULT_BRANCH = "main"
DEFAULT_NOTEBOOK = "notebooks/00-start-here.ipynb"
#: Where ``make classroom`` keeps the running classroom hub's state, relative to the workbook folder.
DEFAULT_CLASSROOM_DIR = ".classroom"

# What nbgitpuller's link generator accepts as a git repository address, plus file:// for a repository on
# the hub's own machine (the classroom hub serves its copy of the workbook that way, with no internet).
_GIT_URL = re.compile(r"^((git|https?|file)://.+|git@.+:.+)$")


def _hub_base(hub_url: str) -> str:
    """The hub's base address: ``https://hub.example.org`` (or with a prefix such as ``/jupyter``).

    Learners often copy the address bar (``.../hub/home``, ``.../user/ana/lab``); everything from
    ``/hub/`` or ``/user/`` on is dropped, as are a query and a trailing slash.
    """
    text = (hub_url or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CivicDataError(
            f"{hub_url!r} is not a web address of a JupyterHub.",
            hint="Give the address you open the hub with, starting with https:// "
            "(for example https://hub.example.org).",
        )
    path = parts.path
    for marker in ("/hub/", "/user/"):
        index = (path + "/").find(marker)
        if index >= 0:
            path = path[:index]
    return urlunsplit((parts.scheme, parts.netloc, path.rstrip("/"), "", ""))


def repo_folder(repo_url: str) -> str:
    """The folder nbgitpuller clones ``repo_url`` into: the repository's name without ``.git``.

    Example:
        >>> repo_folder("https://github.com/owner/civic-data-workbook.git")
        'civic-data-workbook'
        >>> repo_folder("git@github.com:owner/workbook")
        'workbook'
    """
    text = (repo_url or "").strip()
    if not _GIT_URL.match(text):
        raise CivicDataError(
            f"{repo_url!r} is not the address of a git repository.",
            hint="Use the repository's address, for example https://github.com/owner/name.",
        )
    # The path after the host (https://host/owner/name) or after the colon (git@host:owner/name).
    path = urlsplit(text).path if "://" in text else text.split(":", 1)[1]
    name = path.rstrip("/").split("/")[-1].removesuffix(".git")
    if not name:
        raise CivicDataError(
            f"Cannot tell the repository's name from {repo_url!r}.",
            hint="Use an address that ends with the repository name, e.g. https://github.com/owner/name.",
        )
    return name


def nbgitpuller_link(
    hub_url: str,
    repo_url: str = DEFAULT_REPO_URL,
    branch: str = DEFAULT_BRANCH,
    notebook: str = DEFAULT_NOTEBOOK,
) -> str:
    """Return an nbgitpuller link that pulls ``repo_url`` into a hub and opens ``notebook`` in JupyterLab.

    Every value is URL-encoded, so repository addresses and paths with spaces or ``&`` survive.
    The branch is always written out: older nbgitpuller versions assume ``master`` when it is missing.

    Example:
        >>> link = nbgitpuller_link("https://hub.example.org/hub/home", "https://github.com/owner/workbook")
        >>> link.startswith("https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com")
        True
        >>> "urlpath=lab%2Ftree%2Fworkbook%2Fnotebooks%2F00-start-here.ipynb" in link
        True
    """
    base = _hub_base(hub_url)
    folder = repo_folder(repo_url)
    branch = (branch or "").strip()
    if not branch:
        raise CivicDataError(
            "The branch name is empty.", hint=f"Use the workbook's branch, {DEFAULT_BRANCH!r}."
        )
    path = (notebook or "").strip().lstrip("/")
    if not path or ".." in path.split("/"):
        raise CivicDataError(
            f"{notebook!r} is not a path inside the repository.",
            hint=f"Give a path relative to the repository, such as {DEFAULT_NOTEBOOK!r}.",
        )
    query = urlencode(
        {"repo": repo_url.strip(), "urlpath": f"lab/tree/{folder}/{path}", "branch": branch, "targetpath": folder},
        quote_via=quote,
        safe="",
    )
    return f"{base}/hub/user-redirect/git-pull?{query}"


def classroom_link(classroom_dir: str | Path = DEFAULT_CLASSROOM_DIR, notebook: str = DEFAULT_NOTEBOOK) -> str:
    """The nbgitpuller link for the classroom hub started with ``make classroom`` in this folder.

    Reads the hub's address, repository and branch from ``hub.json`` in its runtime folder, so the link
    always matches what that hub serves (its own copy of the workbook, unless it was told otherwise).
    """
    path = Path(classroom_dir) / "hub.json"
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        hub, repo, branch = info["url"], info["repo"], info["branch"]
    except (OSError, ValueError, KeyError, TypeError):
        raise CivicDataError(
            f"No running classroom hub found in {str(Path(classroom_dir))!r} (no readable hub.json there).",
            hint="Start it with `make classroom` in the workbook folder and run this command there, "
            "or give the hub's address with --hub.",
        ) from None
    return nbgitpuller_link(hub, repo, branch, notebook)
