"""Bad input and faults: every kind ends in a clear CivicDataError (or is coped with), never a raw traceback
or a silent wrong answer.

The cases live in tests/robustness_cases.py, shared with ``make bench`` (which counts them into
benchmarks/results.json). Here each case is one test: it must end "clear", meaning the expected
CivicDataError subclass whose message says what to do ("What to do: ..."), or, where coping is the right
answer (a key file in UTF-16, a damaged cache), the right result; and it must leave nothing wrong
behind (no folder created outside the workbook, no half-written file, no lost place).
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import robustness_cases
from robustness_cases import CASES, KEY, Workspace, cli, judge

from civicdata import cli as command
from civicdata.core.errors import CivicDataError, OutputPathError


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_met_clearly(case, tmp_path):
    outcome = judge(case, tmp_path)
    if outcome.status == "unavailable":
        pytest.skip(outcome.detail)
    assert outcome.status == "clear", f"{case.kind}: {outcome.status}: {outcome.detail}"


def test_the_cases_cover_every_class_of_the_issue():
    """Issue 11 lists these kinds; each has at least one case (the ids say which)."""
    ids = " ".join(case.id for case in CASES)
    for needed in ["variables-number", "empty-list", "fractional-year", "moe-text", "moe-different-lengths",
                   "misaligned", "to-a-folder", "missing-folder", "read-only", "full-disk", "download-empty",
                   "ragged", "utf16", "bom", "export-line", "unreadable", "cache-corrupt", "cache-locked",
                   "place-json-broken", "place-json-incomplete", "unwritable-settings", "truncated",
                   "use-place-incomplete", "prefetch-network-error", "prefetch-full-disk", "prefetch-ctrl-c",
                   "prefetch-failed-rename", "prefetch-unusable-output", "leftover-staging", "slow-drip",
                   "doctor-home-folder"]:
        assert needed in ids, needed
    assert len({case.id for case in CASES}) == len(CASES)


# --------------------------------------------------------------------------------------------------
# the command line: one message, non-zero exit, --debug for the traceback
# --------------------------------------------------------------------------------------------------
def test_cli_catches_an_unexpected_error_with_one_message(tmp_path, monkeypatch):
    def broken(args):
        raise RuntimeError(f"something deep inside failed with https://api.census.gov/x?key={KEY}")

    monkeypatch.setattr(command, "_doctor", broken)  # main() builds its parser, and so finds this, at each call
    with Workspace(tmp_path):
        result = cli(["doctor"])
    assert result.code == 1
    assert "Traceback" not in result.err
    lines = result.err.splitlines()
    assert sum(line.startswith("Error:") for line in lines) == 1 and len(lines) == 2
    assert "What to do" in result.err and "--debug" in result.err
    assert KEY[:8] not in result.err  # the message of an unexpected error is scrubbed too


def test_cli_debug_shows_the_traceback(tmp_path):
    with Workspace(tmp_path):
        plain = cli(["use-place", "no-such-place"])
        debug = cli(["--debug", "use-place", "no-such-place"])
        after = cli(["use-place", "no-such-place", "--debug"])
    assert plain.code == debug.code == after.code == 2
    assert "Traceback" not in plain.err
    assert "Traceback" in debug.err and "Traceback" in after.err
    assert "What to do" in debug.err


# --------------------------------------------------------------------------------------------------
# details the case table does not show
# --------------------------------------------------------------------------------------------------
def test_posters_check_the_output_before_drawing(tmp_path, monkeypatch):
    from civicdata.maps import posters

    def no_drawing(*args, **kwargs):
        raise AssertionError("a poster was drawn before the output folder was checked")

    monkeypatch.setattr(posters, "_poster_page", no_drawing)
    with Workspace(tmp_path), pytest.raises(OutputPathError, match="does not exist"):
        posters.make_posters(out=tmp_path / "missing" / "posters.pdf")
    assert not (tmp_path / "missing").exists()


def test_a_briefly_locked_cache_is_waited_for(tmp_path, capsys):
    """Another program holding the cache for a moment: the request waits and uses the cache, no note."""
    from civicdata.data.census_api import fetch_acs

    with Workspace(tmp_path) as ws, ws.census_api():
        fetch_acs("county", ["B19013_001M"], "09", "110", 2023)
        other = sqlite3.connect(tmp_path / "cache" / "civicdata" / "census-api.sqlite", isolation_level=None,
                                check_same_thread=False)
        other.execute("BEGIN EXCLUSIVE")
        threading.Timer(0.5, lambda: (other.execute("ROLLBACK"), other.close())).start()
        frame = fetch_acs("county", ["B19013_001E"], "09", "110", 2023)
    assert len(frame) == 1
    assert "busy" not in capsys.readouterr().err


def test_the_notes_say_what_was_done_to_the_cache(tmp_path, capsys):
    outcome = judge(robustness_cases.by_id()["cache-corrupt"], tmp_path)
    assert outcome.status == "clear"
    assert "was damaged, so it was emptied and rebuilt" in capsys.readouterr().err


def test_a_full_disk_leaves_no_half_file(tmp_path):
    """Written to a hidden temporary file first: a failure in the middle leaves nothing under the name."""
    from civicdata.core import files

    with Workspace(tmp_path) as ws:
        try:
            folder = ws.full_dir()
        except robustness_cases.Unavailable as why:
            pytest.skip(str(why))
        with pytest.raises(OutputPathError, match="disk"):
            files.write_file(b"x" * 100_000, folder / "big.bin")
        assert [p.name for p in folder.iterdir()] == [".filler"]


def test_unexpected_oserror_names_the_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    from civicdata.core import files

    target = tmp_path / "notes.txt"
    files.write_file("first", target)

    def failing_replace(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(files.os, "replace", failing_replace)
    with pytest.raises(OutputPathError, match="Input/output error"):
        files.write_file("second", target)
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_every_case_error_is_a_civicdata_error_with_its_layer(tmp_path):
    """The new classes are importable from the learner surface, like the old ones."""
    import civicdata

    for name in ("ArgumentError", "SettingsError", "OutputPathError", "CacheError"):
        assert issubclass(getattr(civicdata, name), CivicDataError)


def test_slow_drip_case_fails_within_the_deadline(tmp_path):
    started = time.monotonic()
    outcome = judge(robustness_cases.by_id()["network-slow-drip"], tmp_path)
    assert outcome.status == "clear", outcome.detail
    assert time.monotonic() - started < 8
