"""The bad-input and fault cases: one per kind of trouble a learner or facilitator can meet (issue 11).

Shared by ``tests/test_bad_input.py`` (each case is a test) and ``make bench`` (``benchmarks/run.py``
counts the outcomes into ``results.json``: ``robustness``), so the figures are always computed by
running the cases, never typed. Each case does one bad thing through the public API or the
``civicdata`` command, in a :class:`Workspace` of its own (private settings, cache and data folders),
and :func:`judge` says how it ended:

* ``clear``: a :class:`~civicdata.core.errors.CivicDataError` of the expected class whose message names
  a next step ("What to do: ..."); or, where the right answer is to cope (a key file in UTF-16, a
  damaged cache), the right result;
* ``unclear``: a CivicDataError, but of another class or without a next step;
* ``raw``: any other exception (a traceback from inside pandas, numpy, sqlite, the file system...);
* ``wrong``: no error, but a wrong or misleading answer (or a file or folder where there should be none);
* ``hang``: still waiting after ``HANG_SECONDS`` (only possible in code without an overall deadline).

The cases use only names that exist before and after issue 11 (the package at cca05c6 has the same
modules), so ``benchmarks/run.py --robustness-code DIR`` can run them against an older checkout. An
error class the older code does not have is not required there: any CivicDataError with a next step
counts as clear.

Read-only folders and full disks are real: a read-only or tiny tmpfs is mounted when this process may
mount (root in a container); otherwise a read-only folder is a folder without write permission (which
non-root users cannot write to). An unreadable key file is a folder in the key file's place when running
as root (root reads any file), a file without read permission otherwise.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

KEY = "3f9c2b7e5a1d4c8f6e0b9a7d2c5e8f1a4b7c0d3e"  # a made-up key of the real shape (40 hex characters)
HANG_SECONDS = 20.0
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY",
                   "no_proxy")


# --------------------------------------------------------------------------------------------------
# the workspace each case runs in
# --------------------------------------------------------------------------------------------------
def _can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder], capture_output=True)
        if done.returncode != 0:
            return False
        subprocess.run(["umount", folder], capture_output=True)
    return True


CAN_MOUNT = _can_mount()


class Workspace:
    """Private folders and environment for one case; everything is put back afterwards."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.notebooks = self.root / "notebooks"
        self._cleanups: list[Callable[[], None]] = []
        self._data: Path | None = None

    def __enter__(self) -> Workspace:
        from civicdata.core import settings

        self.repo_data = settings.data_dir()
        self.notebooks.mkdir(parents=True, exist_ok=True)
        self._saved_env = dict(os.environ)
        self._saved_cwd = os.getcwd()
        for name in ("CENSUS_API_KEY", "CIVICDATA_PLACE", "CIVICDATA_KEY_FILE", "CIVICDATA_DATA_DIR",
                     "CIVICDATA_NETWORK_DEADLINE", *PROXY_VARIABLES):
            os.environ.pop(name, None)
        os.environ.update({"XDG_CONFIG_HOME": str(self.root / "config"), "XDG_CACHE_HOME": str(self.root / "cache"),
                           "CIVICDATA_OFFLINE": "1", "MPLBACKEND": "Agg"})
        os.chdir(self.notebooks)
        return self

    def __exit__(self, *exc) -> None:
        for cleanup in reversed(self._cleanups):
            with contextlib.suppress(Exception):
                cleanup()
        os.chdir(self._saved_cwd)
        os.environ.clear()
        os.environ.update(self._saved_env)

    # data, settings, patches -------------------------------------------------------------------
    def data_copy(self) -> Path:
        """A private copy of the bundled data folder (``CIVICDATA_DATA_DIR``), to damage at will."""
        if self._data is None:
            self._data = self.root / "data"
            shutil.copytree(self.repo_data, self._data, ignore=shutil.ignore_patterns("__pycache__"))
            os.environ["CIVICDATA_DATA_DIR"] = str(self._data)
        return self._data

    def patch(self, owner, name: str, value) -> None:
        """Replace ``owner.name`` for this case (put back afterwards)."""
        old = getattr(owner, name)
        setattr(owner, name, value)
        self._cleanups.append(lambda: setattr(owner, name, old))

    def key_file(self) -> Path:
        path = self.root / "config" / "civicdata" / "census_api_key"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    # real file-system trouble -------------------------------------------------------------------
    def _mount(self, folder: Path, options: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], check=True,
                       capture_output=True)
        self._cleanups.append(lambda: subprocess.run(["umount", "-l", str(folder)], capture_output=True))

    def readonly_dir(self) -> Path:
        """A folder nobody may write in: a read-only tmpfs (root), or a folder without write permission."""
        folder = self.root / "read-only"
        if CAN_MOUNT:
            self._mount(folder, "ro,size=64k")
        else:
            folder.mkdir()
            folder.chmod(0o555)
            self._cleanups.append(lambda: folder.chmod(0o755))
        return folder

    def full_dir(self) -> Path:
        """A folder on a disk with (almost) no free space: a tiny tmpfs, filled up."""
        folder = self.root / "full-disk"
        if not CAN_MOUNT:
            raise Unavailable("needs a tmpfs mount (run as root in a container) for a real full disk")
        self._mount(folder, "size=256k")
        filler = folder / ".filler"
        with contextlib.suppress(OSError), open(filler, "wb") as handle:
            handle.write(b"\0" * (shutil.disk_usage(folder).free - 4096))
        return folder

    def unreadable_key_file(self) -> Path:
        path = self.key_file()
        if os.geteuid() == 0:
            path.mkdir()  # root reads every file; a folder cannot be read as one
        else:
            path.write_text(KEY + "\n")
            path.chmod(0)
            self._cleanups.append(lambda: path.chmod(0o600))
        return path

    # the stand-in Census API --------------------------------------------------------------------
    @contextlib.contextmanager
    def census_api(self, *, key: str = KEY, failing: dict[str, BaseException] | None = None):
        """Go live against the stand-in Census API (tests/mock_census.py: real bundled values, mocked HTTP)."""
        import mock_census
        import responses

        bundled = self.repo_data / "places" / "ct-capitol-region"
        os.environ.pop("CIVICDATA_OFFLINE", None)
        os.environ["CENSUS_API_KEY"] = key
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            for pattern, error in (failing or {}).items():
                import re

                mock.add("GET", re.compile(pattern), body=error)
            mock_census.register(mock, mock_census.load_place(folder=bundled), year=2023)
            mock_census.register_boundaries(mock, bundled, 2023)
            yield mock


class Unavailable(Exception):
    """The case cannot run here (e.g. no way to make a real full disk); reported, never counted as passed."""


@dataclass
class Case:
    """One kind of bad input or fault.

    ``run`` does the bad thing in a workspace. ``expect`` names the CivicDataError subclass(es) that say
    it clearly. With ``check`` the case may also end without an error: ``check(result, workspace)``
    returns None for a right result or says what is wrong. ``leaves(workspace)`` runs however the case
    ended and says what it wrongly left behind (a folder created, half a file, a lost place).
    ``says`` is a few words the message must hold (so a misleading message of the right class is not
    counted as clear). ``already`` marks kinds the workbook handled before issue 11.
    """

    id: str
    kind: str
    run: Callable[[Workspace], object]
    expect: tuple[str, ...] = ()
    check: Callable[[object, Workspace], str | None] | None = None
    leaves: Callable[[Workspace], str | None] | None = None
    says: str = ""
    already: bool = False
    cli: bool = False


@dataclass
class Outcome:
    case: str
    status: str  # clear, unclear, raw, wrong, hang, unavailable
    detail: str = ""
    error_class: str | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def cli(argv: list[str]) -> CliResult:
    """Run the ``civicdata`` command in this process; an exception escaping it is a raw traceback."""
    from civicdata import cli as command

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = command.main(argv)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
    return CliResult(int(code or 0), out.getvalue(), err.getvalue())


def _cli_problem(result: CliResult) -> str | None:
    """A failing command must exit non-zero with one clear message and no traceback."""
    if "Traceback" in result.err:
        return "RAW: printed a traceback"
    if result.code == 0:
        return f"exited 0 (success) instead of refusing: {result.out.strip()[-200:]}"
    if "What to do" not in result.err:
        return f"no next step in the message: {result.err.strip()[-300:]}"
    return None


# --------------------------------------------------------------------------------------------------
# judging a case
# --------------------------------------------------------------------------------------------------
def _expected_classes(names: tuple[str, ...]) -> tuple[type, ...] | None:
    from civicdata.core import errors

    found = tuple(getattr(errors, name) for name in names if hasattr(errors, name))
    return found or None  # None: this version of the package has none of them (any CivicDataError will do)


def _run_with_hang_limit(case: Case, ws: Workspace) -> tuple[str, object]:
    """("returned", value) / ("raised", exception) / ("hang", None)."""
    box: dict = {}

    def target():
        try:
            box["value"] = case.run(ws)
            box["how"] = "returned"
        except BaseException as err:  # noqa: BLE001 - KeyboardInterrupt and SystemExit are outcomes too
            box["value"] = err
            box["how"] = "raised"

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(HANG_SECONDS)
    if thread.is_alive():
        return "hang", None
    return box["how"], box["value"]


def judge(case: Case, root: Path | None = None) -> Outcome:
    """Run one case in a fresh workspace and say how it ended (see the module docstring)."""
    from civicdata.core.errors import CivicDataError

    with tempfile.TemporaryDirectory(dir=root) as folder, Workspace(Path(folder)) as ws:
        started = time.monotonic()
        try:
            how, value = _run_with_hang_limit(case, ws)
        finally:
            seconds = round(time.monotonic() - started, 2)
        if how == "hang":
            return Outcome(case.id, "hang", f"still waiting after {HANG_SECONDS:.0f} s", seconds=seconds)
        if how == "raised" and isinstance(value, Unavailable):
            return Outcome(case.id, "unavailable", str(value), seconds=seconds)
        after = case.leaves(ws) if case.leaves else None
        if how == "returned":
            if case.check is None:
                return Outcome(case.id, "wrong", f"no error; returned {str(value)[:200]!r}", seconds=seconds)
            problem = case.check(value, ws) or after
            if problem is None:
                return Outcome(case.id, "clear", "handled correctly", seconds=seconds)
            status = "raw" if problem.startswith("RAW") else "wrong"
            return Outcome(case.id, status, problem, seconds=seconds)
        err = value
        name = type(err).__name__
        if not isinstance(err, CivicDataError):
            text = str(err).strip().splitlines()[0][:200] if str(err).strip() else ""
            return Outcome(case.id, "raw", f"{type(err).__module__}.{name}: {text}", name, seconds)
        if after is not None:
            return Outcome(case.id, "wrong", f"{name} raised, but: {after}", name, seconds)
        wanted = _expected_classes(case.expect)
        hint = (err.hint or "").strip()
        if wanted is not None and not isinstance(err, wanted):
            return Outcome(case.id, "unclear", f"{name} instead of {' or '.join(case.expect)}: {err.message}",
                           name, seconds)
        if len(hint) < 10 or "What to do:" not in str(err):
            return Outcome(case.id, "unclear", f"{name} without a next step: {err.message}", name, seconds)
        if case.says and case.says.lower() not in str(err).lower():
            return Outcome(case.id, "unclear", f"{name} with a misleading message (not about "
                           f"{case.says!r}): {err.message}", name, seconds)
        return Outcome(case.id, "clear", f"{name}: {err.message[:160]} | What to do: {hint[:160]}", name, seconds)


def summary(outcomes: list[Outcome]) -> dict:
    """The ``robustness`` figures of ``benchmarks/results.json``."""
    count = {status: sum(o.status == status for o in outcomes) for status in
             ("clear", "unclear", "raw", "wrong", "hang", "unavailable")}
    return {"classes": len(outcomes), "clear": count["clear"], "unclear": count["unclear"],
            "raw_tracebacks": count["raw"], "wrong_answers": count["wrong"], "hangs": count["hang"],
            "not_run_here": count["unavailable"]}


# --------------------------------------------------------------------------------------------------
# helpers used by several cases
# --------------------------------------------------------------------------------------------------
def _tracts_gdf():
    from civicdata import get_acs

    return get_acs(variables={"income": "B19013_001"}, geometry=True, quiet=True)


def _folium_map():
    import folium

    return folium.Map(tiles=None)


def _download(ws: Workspace, text: str, name: str = "download.csv") -> Path:
    path = ws.notebooks / name
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


_HEADER = '"GEO_ID","NAME","B19013_001E","B19013_001M",\n"Geography","Geographic Area Name","Estimate","Margin",\n'


def _previous_place(ws: Workspace) -> Path:
    """A place folder ``capitol-ct`` that a facilitator prefetched earlier (a copy of the bundled one)."""
    data = ws.data_copy()
    target = data / "places" / "capitol-ct"
    shutil.copytree(data / "places" / "ct-capitol-region", target)
    return target


def _previous_place_intact(ws: Workspace) -> str | None:
    """After a failed prefetch: the earlier place is still there, under its own name, and loads."""
    from civicdata.core.errors import CivicDataError
    from civicdata.data.places import load_place

    places = ws.data_copy() / "places"
    try:
        place = load_place("capitol-ct")
    except CivicDataError as err:
        hidden = [p.name for p in places.iterdir() if p.name.startswith(".")]
        return f"the previous place is not usable under its own name ({err.message}); hidden folders: {hidden}"
    if len(place.tracts) != 249:
        return f"the previous place changed ({len(place.tracts)} tracts)"
    return None


def _prefetch(ws: Workspace, **kwargs):
    from civicdata.data.prefetch import prefetch

    return prefetch("CT", "Capitol", year=2023, tables=("B19013",), echo=lambda message: None, **kwargs)


def _no_folder(name: str) -> Callable[[Workspace], str | None]:
    def leaves(ws):
        return f"the folder {name} was created outside the workbook" if (ws.root / name).exists() else None
    return leaves


def _nothing_left_in(name: str) -> Callable[[Workspace], str | None]:
    def leaves(ws):
        folder = ws.root / name
        left = [p.name for p in folder.iterdir() if p.name != ".filler"] if folder.exists() else []
        return f"left behind: {left}" if left else None
    return leaves


def _key_read_as(expected: str) -> Callable[[object, Workspace], str | None]:
    def check(result, ws):
        return None if result == expected else f"the key was read as {result!r}"
    return check


# --------------------------------------------------------------------------------------------------
# the cases
# --------------------------------------------------------------------------------------------------
def _get_acs(**kwargs):
    from civicdata import get_acs

    return get_acs(quiet=True, **kwargs)


def _corrupt_cache(ws: Workspace):
    cache = ws.root / "cache" / "civicdata"
    cache.mkdir(parents=True)
    (cache / "census-api.sqlite").write_bytes(b"this is not a database, it was cut short" * 50)
    from civicdata.data.census_api import fetch_acs

    with ws.census_api():
        return fetch_acs("county", ["B19013_001E"], "09", "110", 2023)


def _locked_cache(ws: Workspace):
    from civicdata.data.census_api import fetch_acs, session

    if hasattr(session, "CACHE_WAIT_SECONDS"):
        ws.patch(session, "CACHE_WAIT_SECONDS", 0.5)  # a learner waits a few seconds; a test need not
    with ws.census_api():
        fetch_acs("county", ["B19013_001M"], "09", "110", 2023)  # the cache exists and works
        db = ws.root / "cache" / "civicdata" / "census-api.sqlite"
        other = sqlite3.connect(db, timeout=0.1, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another program writing to it, and not letting go
        try:
            return fetch_acs("county", ["B19013_001E"], "09", "110", 2023)
        finally:
            other.execute("ROLLBACK")
            other.close()


def _live_answer_ok(result, ws) -> str | None:
    if result is None or len(result) != 1 or float(result["B19013_001E"].iloc[0]) <= 0:
        return f"unexpected answer {result!r}"
    return None


def _broken_place(ws: Workspace, meta_change: Callable[[dict], object] | None, raw: str | None = None) -> Path:
    """A prefetched-looking place whose place.json is broken, with a manifest that matches (so only the
    content can tell)."""
    from civicdata.data.checksums import write_manifest

    folder = _previous_place(ws)
    meta_file = folder / "place.json"
    if raw is not None:
        meta_file.write_text(raw, encoding="utf-8")
    else:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        meta_change(meta)
        meta_file.write_text(json.dumps(meta), encoding="utf-8")
    (folder / "MANIFEST.sha256").unlink()
    write_manifest(folder)
    return folder


def _truncate(path: Path, keep: float = 0.6) -> None:
    data = path.read_bytes()
    cut = data[: int(len(data) * keep)]
    path.write_bytes(cut[: cut.rfind(b"\n") + 1])  # cut at a line end: a CSV reader sees fewer rows, no error


def _setting_unchanged(ws) -> str | None:
    setting = ws.root / "config" / "civicdata" / "place"
    return f"the broken place was saved as the setting ({setting.read_text().strip()})" if setting.exists() else None


def _slow_drip(ws: Workspace):
    from network_fakes import SlowDrip

    from civicdata.data.census_api import fetch_acs

    os.environ["CIVICDATA_NETWORK_DEADLINE"] = "2"
    os.environ["CENSUS_API_KEY"] = KEY
    os.environ.pop("CIVICDATA_OFFLINE", None)
    with SlowDrip(interval=0.5) as drip:
        os.environ["HTTPS_PROXY"] = drip.url
        return fetch_acs("county", ["B19013_001E"], "09", "110", 2023)


def _interrupt_on_swap(ws: Workspace, error: BaseException):
    """os.replace fails (or Ctrl-C arrives) when the new folder is being moved into place."""
    from civicdata.data import prefetch as module

    _previous_place(ws)
    real = os.replace
    calls = {"n": 0}

    def replace(src, dst, *args, **kwargs):
        src, dst = Path(src), Path(dst)
        new_folder_moving_in = (dst.name == "capitol-ct" and dst.parent.name == "places"
                                and src.name.startswith(".capitol-ct") and "previous" not in src.name)
        if new_folder_moving_in:
            calls["n"] += 1
            raise error
        return real(src, dst, *args, **kwargs)

    ws.patch(module.os, "replace", replace)
    with ws.census_api():
        try:
            return _prefetch(ws, force=True)
        except KeyboardInterrupt:
            return "interrupted"


def _full_disk_during_prefetch(ws: Workspace):
    """The disk fills up while the new place is written (simulated at the write, after two files)."""
    from civicdata.data import prefetch as module

    _previous_place(ws)
    real = module.write_csv
    written = {"n": 0}

    def write_csv(frame, path):
        written["n"] += 1
        if written["n"] >= 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(frame, path)

    ws.patch(module, "write_csv", write_csv)
    with ws.census_api():
        return _prefetch(ws, force=True)


def _output_folder_unusable(ws: Workspace):
    with ws.census_api() as mock:
        try:
            return _prefetch(ws, out=ws.readonly_dir())
        finally:
            ws.requests_made = len(mock.calls)


def _nothing_downloaded(ws) -> str | None:
    made = getattr(ws, "requests_made", 0)
    return f"{made} requests were made before the folder was found unusable" if made else None


def _leftover_staging(ws: Workspace):
    """A prefetch was killed between moving the old place aside and moving the new one in."""
    previous = _previous_place(ws)
    dead = 4_999_999  # above Linux's largest process id: no such process is running
    hidden = previous.parent / f".capitol-ct.previous-{dead}-0badc0de"
    os.replace(previous, hidden)
    (previous.parent / f".capitol-ct.prefetch-{dead}-0badc0de").mkdir()
    return cli(["doctor", "--offline"])


def _leftover_reported_and_fixed(result: CliResult, ws: Workspace) -> str | None:
    if "Traceback" in result.err:
        return "RAW: printed a traceback"
    if "prefetch" not in result.out or "did not finish" not in result.out:
        return "doctor does not mention the unfinished prefetch"
    with ws.census_api():
        try:
            _prefetch(ws, force=False)
        except Exception as err:  # noqa: BLE001 - the place is back, so prefetch says it exists: fine
            if type(err).__name__ != "PlaceExistsError":
                return f"the next prefetch failed: {type(err).__name__}: {err}"
    left = [p.name for p in (ws.data_copy() / "places").iterdir() if p.name.startswith(".")]
    return (f"left behind after the next run: {left}" if left else None) or _previous_place_intact(ws)


def _doctor_with_unreadable_key(ws: Workspace) -> CliResult:
    ws.unreadable_key_file()
    return cli(["doctor", "--offline"])


def _doctor_says_key_unreadable(result: CliResult, ws: Workspace) -> str | None:
    if "Traceback" in result.err:
        return "RAW: printed a traceback"
    if "cannot be read" not in result.out:
        return f"doctor does not say the key file cannot be read: {result.out[result.out.find('key'):][:160]!r}"
    return None


def _doctor_shows_home(ws: Workspace) -> CliResult:
    home = ws.root / "home" / "jane-doe"
    (home / ".config" / "civicdata").mkdir(parents=True)
    (home / ".config" / "civicdata" / "census_api_key").write_text(KEY + "\n")
    os.environ["HOME"] = str(home)
    os.environ.pop("XDG_CONFIG_HOME", None)
    return cli(["doctor", "--offline"])


def _no_home_folder_name(result: CliResult, ws: Workspace) -> str | None:
    if "jane-doe" in result.out + result.err:
        line = next(line for line in result.out.splitlines() if "jane-doe" in line)
        return f"doctor shows the home folder's name: {line.strip()}"
    if "~/.config/civicdata/census_api_key" not in result.out:
        return "doctor does not say where the key file is"
    return None


CASES: list[Case] = [
    # ---- wrong types and values -------------------------------------------------------------------
    Case("get_acs-variables-number", "a number where a code or list is expected",
         lambda ws: _get_acs(variables=19013), ("ArgumentError", "VariableNotFoundError")),
    Case("get_acs-state-list", "a list where one state is expected",
         lambda ws: _get_acs(variables="B19013_001", state=["CT"], county="Capitol"),
         ("ArgumentError", "PlaceNotFoundError"), already=True),
    Case("get_acs-geometry-text", "text where True/False is expected ('no' counts as true in Python)",
         lambda ws: _get_acs(variables="B19013_001", geometry="no"), ("ArgumentError",)),
    Case("get_acs-unknown-geography", "a choice outside the options", lambda ws: _get_acs(geography="tracts",
         variables="B19013_001"), ("ArgumentError", "CivicDataError"), already=True),
    Case("search_variables-list", "a list where words are expected",
         lambda ws: __import__("civicdata").search_variables(["internet"]), ("ArgumentError",)),
    Case("find_place-list", "a list where a state is expected",
         lambda ws: __import__("civicdata").find_place(["CT", "NY"]), ("ArgumentError", "PlaceNotFoundError"),
         already=True),
    Case("moe-text-scalar", "text passed to an MOE function",
         lambda ws: __import__("civicdata").moe_sum("abc"), ("MoeValueError",)),
    Case("moe-text-series", "a column holding symbols ('**') passed to an MOE function",
         lambda ws: __import__("civicdata").cv(__import__("pandas").Series(["**", "1200"]),
                                               __import__("pandas").Series(["5", "90"])), ("MoeValueError",)),
    Case("reliability-threshold-text", "a threshold given as text",
         lambda ws: __import__("civicdata").reliability(15.0, high="12"), ("MoeValueError",)),
    Case("read_census_download-number", "a number where a file name is expected",
         lambda ws: __import__("civicdata").read_census_download(123), ("ArgumentError", "DataIntegrityError")),
    Case("read_census_download-option", "an option outside its choices",
         lambda ws: __import__("civicdata").read_census_download(
             ws.repo_data / "downloads" / "bronx-ny" / "ACSDT5Y2022.B19013-Data_bronx_36005.csv",
             coded_medians="bounds"), ("ArgumentError",)),
    Case("save_new_csv-not-a-table", "a dict where a table is expected",
         lambda ws: __import__("civicdata").save_new_csv({"a": 1}, "partners.csv"), ("ArgumentError",)),
    Case("save_map-not-a-map", "a figure where a web map is expected",
         lambda ws: __import__("civicdata").save_map("my map", "my-work/map.html"), ("MapError", "ArgumentError")),
    Case("choropleth-no-shapes", "a table without shapes passed to the map",
         lambda ws: __import__("civicdata").choropleth_map(_tracts_gdf().drop(columns="geometry"), "incomeE"),
         ("MapError",)),
    Case("static_map-text-column", "a text column mapped as numbers (every tract would be grey)",
         lambda ws: __import__("civicdata").static_map(_tracts_gdf(), "NAME"), ("MapError",)),
    Case("map-unknown-column", "a column that is not there", lambda ws: __import__("civicdata").choropleth_map(
         _tracts_gdf(), "B19013_001E"), ("MapError",), already=True),
    Case("profile-notes-text", "one sentence where a list of notes is expected (it would be split into letters)",
         lambda ws: __import__("civicdata").profile_html("T", "S", table=__import__("pandas").DataFrame({"a": [1]}),
                                                         notes="A single note."), ("ArgumentError",)),
    Case("posters-topics-number", "a number where topic names are expected",
         lambda ws: __import__("civicdata").make_posters(topics=5, out="my-work/posters.pdf"), ("ArgumentError",)),
    Case("posters-unknown-topic", "a topic that does not exist",
         lambda ws: __import__("civicdata").make_posters(topics=["incomes"], out="my-work/p.pdf"),
         ("VariableNotFoundError",), already=True),
    Case("get_acs-unknown-code", "a variable code with a typo", lambda ws: _get_acs(variables="B19031_001"),
         ("VariableNotFoundError",), already=True),
    Case("find_place-typo", "a county name with a typo",
         lambda ws: __import__("civicdata").find_place("CT", "Hartfrod"), ("PlaceNotFoundError",), already=True),
    Case("moe-negative", "a Census annotation code left in an MOE column",
         lambda ws: __import__("civicdata").moe_sum([5, -222222222]), ("MoeValueError",), already=True),
    Case("check_answer-unknown", "an exercise id that does not exist",
         lambda ws: __import__("civicdata").check_answer("99-nothing", 1), ("UnknownExerciseError",), already=True),
    Case("get_acs-former-ct-county", "a Connecticut county with a year it does not exist in",
         lambda ws: _get_acs(geography="county", variables="S2801_C02_019", state="CT", county="Hartford",
                             year=2022), ("DataNotAvailableError",), already=True),
    # ---- empty lists, fractional years ------------------------------------------------------------
    Case("get_acs-empty-list", "an empty list of variables", lambda ws: _get_acs(variables=[]),
         ("VariableNotFoundError",), says="empty"),
    Case("get_acs-empty-dict", "an empty dict of variables", lambda ws: _get_acs(variables={}),
         ("VariableNotFoundError",), says="empty"),
    Case("get_acs-fractional-year", "a fractional year (2023.5 is not 2023)",
         lambda ws: _get_acs(variables="B19013_001", year=2023.5), ("YearNotSupportedError",), says="2023.5"),
    Case("get_acs-year-text", "a year that is not a year", lambda ws: _get_acs(variables="B19013_001", year="last"),
         ("YearNotSupportedError",), already=True),
    # ---- margins of error that do not line up ----------------------------------------------------
    Case("moe-different-lengths", "MOE inputs of different lengths",
         lambda ws: __import__("civicdata").moe_prop(__import__("numpy").array([10, 20]),
                                                     __import__("numpy").array([100, 200, 300]), 3, 5),
         ("MoeValueError",)),
    Case("moe-sum-different-lengths", "columns of different lengths added up",
         lambda ws: __import__("civicdata").moe_sum([[3, 4], [5, 6, 7]]), ("MoeValueError",)),
    Case("moe-misaligned-index", "Series whose rows are in a different order (labels do not line up)",
         lambda ws: __import__("civicdata").cv(__import__("pandas").Series([100.0, 2000.0], index=["a", "b"]),
                                               __import__("pandas").Series([90.0, 30.0], index=["b", "a"])),
         ("MoeValueError",)),
    # ---- where files are saved --------------------------------------------------------------------
    Case("save_map-to-a-folder", "an output path that is a folder",
         lambda ws: (ws.notebooks / "maps").mkdir() or __import__("civicdata").save_map(_folium_map(), "maps"),
         ("OutputPathError",)),
    Case("save_figure-missing-folder", "an output path in a missing folder outside the workbook",
         lambda ws: __import__("civicdata").save_figure(__import__("matplotlib.figure").figure.Figure(),
                                                        ws.root / "no" / "such" / "map.png"),
         ("OutputPathError",), leaves=_no_folder("no")),
    Case("posters-read-only-folder", "an output folder that is read-only (found before drawing)",
         lambda ws: __import__("civicdata").make_posters(out=ws.readonly_dir() / "posters.pdf"),
         ("OutputPathError",)),
    Case("save_new_csv-full-disk", "a full disk (nothing half-written is left)",
         lambda ws: __import__("civicdata").save_new_csv(__import__("pandas").DataFrame({"a": range(20000)}),
                                                         "big.csv", folder=ws.full_dir()),
         ("OutputPathError",), leaves=_nothing_left_in("full-disk")),
    Case("cli-posters-missing-folder", "the command asked to write into a missing folder",
         lambda ws: cli(["posters", "--out", str(ws.root / "handouts" / "posters.pdf")]),
         check=lambda r, ws: _cli_problem(r), leaves=_no_folder("handouts"), cli=True),
    # ---- downloaded files -------------------------------------------------------------------------
    Case("download-empty", "an empty downloaded CSV",
         lambda ws: __import__("civicdata").read_census_download(_download(ws, "")), ("DataIntegrityError",)),
    Case("download-ragged-every-row", "every row one value longer than the header (columns would shift)",
         lambda ws: __import__("civicdata").read_census_download(_download(
             ws, _HEADER + '"1400000US36005000100","Tract 1","41362","11967","9",\n'
             '"1400000US36005000200","Tract 2","115064","51789","9",\n')), ("DataIntegrityError",)),
    Case("download-ragged-one-row", "one row longer than the header",
         lambda ws: __import__("civicdata").read_census_download(_download(
             ws, _HEADER + '"1400000US36005000100","Tract 1","41362","11967",\n'
             '"1400000US36005000200","Tract 2","115064","51789","9",\n')), ("DataIntegrityError",), already=True),
    Case("download-missing-file", "a download that is not there",
         lambda ws: __import__("civicdata").read_census_download("ACSDT5Y2022.B19013-Data.csv"),
         ("DataIntegrityError",), already=True),
    # ---- the API key file -------------------------------------------------------------------------
    Case("key-file-utf16", "a key file saved as UTF-16 (read correctly)",
         lambda ws: ws.key_file().write_bytes((KEY + "\r\n").encode("utf-16")) and
         __import__("civicdata").get_api_key(), ("SettingsError",), check=_key_read_as(KEY)),
    Case("key-file-bom", "a key file with a byte-order mark (read correctly)",
         lambda ws: ws.key_file().write_bytes(b"\xef\xbb\xbf" + KEY.encode() + b"\n") and
         __import__("civicdata").get_api_key(), ("SettingsError",), check=_key_read_as(KEY)),
    Case("key-file-export-line", "a key file holding `export CENSUS_API_KEY=...` (read correctly)",
         lambda ws: ws.key_file().write_text(f'export CENSUS_API_KEY="{KEY}"\n') and
         __import__("civicdata").get_api_key(), ("SettingsError",), check=_key_read_as(KEY)),
    Case("key-file-not-a-key", "a key file holding something else (a sentence)",
         lambda ws: ws.key_file().write_text("my key is in my e-mail\n") and __import__("civicdata").get_api_key(),
         ("SettingsError",)),
    Case("key-file-unreadable", "an unreadable key file",
         lambda ws: ws.unreadable_key_file() and __import__("civicdata").get_api_key(), ("SettingsError",)),
    Case("cli-doctor-unreadable-key", "doctor with an unreadable key file",
         _doctor_with_unreadable_key, check=_doctor_says_key_unreadable, cli=True),
    Case("cli-doctor-home-folder", "doctor naming the key file (never with the user's home folder name)",
         _doctor_shows_home, check=_no_home_folder_name, cli=True),
    # ---- the cache of live answers, and the network -----------------------------------------------
    Case("cache-corrupt", "a corrupt HTTP cache (rebuilt, and said so)", _corrupt_cache, ("CacheError",),
         check=_live_answer_ok),
    Case("cache-locked", "an HTTP cache locked by another program (waited for, then skipped, and said so)",
         _locked_cache, ("CacheError",), check=_live_answer_ok),
    Case("network-slow-drip", "a server (here a proxy) that sends one byte every half second",
         _slow_drip, ("CensusUnreachableError",)),
    Case("network-offline", "live data asked for with the offline switch on",
         lambda ws: __import__("civicdata.data.census_api", fromlist=["fetch_acs"]).fetch_acs(
             "county", ["B19013_001E"], "09", "110", 2023, key=KEY), ("CensusUnreachableError",), already=True),
    Case("api-invalid-key", "a key the Census API refuses", lambda ws: _invalid_key(ws),
         ("InvalidApiKeyError",), already=True),
    # ---- place folders and settings ---------------------------------------------------------------
    Case("place-json-broken", "a broken place.json (not JSON)",
         lambda ws: _broken_place(ws, None, raw='{"name": "Capitol, CT", "state_fips": ') and
         __import__("civicdata").load_place("capitol-ct"), ("DataIntegrityError",)),
    Case("place-json-incomplete", "a place.json without the state code",
         lambda ws: _broken_place(ws, lambda m: m.pop("state_fips")) and
         (os.environ.__setitem__("CIVICDATA_PLACE", "capitol-ct") or _get_acs(variables="B19013_001")),
         ("DataIntegrityError",)),
    Case("use-place-incomplete", "use-place with an incomplete place (refused before saving the setting)",
         lambda ws: _broken_place(ws, lambda m: m.pop("county_fips")) and
         __import__("civicdata").use_place("capitol-ct", echo=lambda m: None),
         ("DataIntegrityError",), leaves=_setting_unchanged),
    Case("use-place-unwritable-settings", "use-place with a settings folder that cannot be written",
         lambda ws: os.environ.__setitem__("XDG_CONFIG_HOME", str(ws.readonly_dir())) or
         __import__("civicdata").use_place("allegheny-pa", echo=lambda m: None), ("SettingsError",)),
    Case("use-place-unknown", "use-place with a name that is not a place",
         lambda ws: cli(["use-place", "orange-nc"]), check=lambda r, ws: _cli_problem(r), already=True, cli=True),
    Case("cli-doctor-broken-manifest", "doctor when the checksum list itself is damaged",
         lambda ws: ((ws.data_copy() / "MANIFEST.sha256").unlink(), (ws.data_copy() / "MANIFEST.sha256").mkdir(),
                     cli(["doctor", "--offline"]))[2],
         check=lambda r, ws: ("RAW: printed a traceback" if "Traceback" in r.err else
                              None if "bundled data" in r.out and "--" in r.out else "doctor did not report it"),
         cli=True),
    # ---- bundled files ----------------------------------------------------------------------------
    Case("bundled-s2801-truncated", "a truncated internet-subscription file (fewer counties, no error)",
         lambda ws: _truncate(ws.data_copy() / "digital-equity" / "ACSST5Y2022.S2801-Data.csv") or
         len(__import__("civicdata.data.s2801", fromlist=["load_s2801"]).load_s2801("2018-2022")),
         ("DataIntegrityError",)),
    Case("bundled-libraries-truncated", "a truncated library file (fewer libraries, no error)",
         lambda ws: _truncate(ws.data_copy() / "libraries" / "pls_fy2019_outlets_ct_ny_pa.csv") or
         len(__import__("civicdata").load_libraries("CT")), ("DataIntegrityError",)),
    Case("bundled-place-edited", "an edited file of a bundled place",
         lambda ws: (ws.data_copy() / "places" / "allegheny-pa" / "tracts.csv").write_text("GEOID,NAME\n1,x\n") and
         __import__("civicdata").load_place("allegheny-pa"), ("DataIntegrityError",), already=True),
    # ---- prefetch ---------------------------------------------------------------------------------
    Case("prefetch-network-error", "the network fails in the middle of a prefetch --force",
         lambda ws: _previous_place(ws) and _prefetch_failing_network(ws), ("CensusUnreachableError",),
         leaves=_previous_place_intact, already=True),
    Case("prefetch-failed-rename", "moving the new place folder into place fails",
         lambda ws: _interrupt_on_swap(ws, OSError(errno.EBUSY, "Device or resource busy")), ("OutputPathError",),
         leaves=_previous_place_intact),
    Case("prefetch-ctrl-c", "Ctrl-C while the new place folder is moved into place",
         lambda ws: _interrupt_on_swap(ws, KeyboardInterrupt()),
         check=lambda r, ws: None if r == "interrupted" else f"returned {r!r}", leaves=_previous_place_intact),
    Case("prefetch-full-disk", "the disk fills up while the new place is written",
         _full_disk_during_prefetch, ("OutputPathError",),
         leaves=lambda ws: _previous_place_intact(ws) or _no_staging(ws)),
    Case("prefetch-unusable-output", "an output folder that cannot be written (found before downloading)",
         _output_folder_unusable, ("OutputPathError",), leaves=_nothing_downloaded),
    Case("prefetch-leftover-staging", "folders left by a prefetch that was killed (reported, then tidied)",
         _leftover_staging, check=_leftover_reported_and_fixed, cli=True),
    Case("cli-hub-link-not-a-url", "the command given a hub address that is not a web address",
         lambda ws: cli(["hub-link", "--hub", "my library hub"]), check=lambda r, ws: _cli_problem(r),
         already=True, cli=True),
    Case("cli-unknown-option", "the command given an option it does not have",
         lambda ws: cli(["posters", "--colour", "red"]),
         check=lambda r, ws: "RAW: printed a traceback" if "Traceback" in r.err else
         None if r.code == 2 and "usage:" in r.err else f"exit {r.code}: {r.err[-200:]}", already=True, cli=True),
    Case("cli-prefetch-no-key", "the command asked to prefetch without a key",
         lambda ws: (os.environ.pop("CIVICDATA_OFFLINE", None), cli(["prefetch", "--state", "NC", "--county",
                                                                      "Orange"]))[1],
         check=lambda r, ws: _cli_problem(r), already=True, cli=True),
]


def _no_staging(ws: Workspace) -> str | None:
    left = [p.name for p in (ws.data_copy() / "places").iterdir() if p.name.startswith(".")]
    return f"staging folders left: {left}" if left else None


def _prefetch_failing_network(ws: Workspace):
    import requests

    with ws.census_api(failing={r".*for=us%3A.*|.*for=us:.*": requests.ConnectionError("network down")}):
        return _prefetch(ws, force=True)


def _invalid_key(ws: Workspace):
    import responses

    from civicdata.data.census_api import fetch_acs

    os.environ.pop("CIVICDATA_OFFLINE", None)
    with responses.RequestsMock() as mock:
        mock.add("GET", "https://api.census.gov/data/2023/acs/acs5", status=302,
                 headers={"Location": "https://api.census.gov/data/invalid_key.html"})
        return fetch_acs("county", ["B19013_001E"], "09", "110", 2023, key=KEY)


def by_id() -> dict[str, Case]:
    return {case.id: case for case in CASES}
