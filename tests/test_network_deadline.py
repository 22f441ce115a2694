"""Nothing hangs: every network wait has an overall deadline, tested against real local misbehaving servers.

A per-read timeout never fires against a server that sends one byte every half second. The workbook's
sessions cut such an exchange off after ``CIVICDATA_NETWORK_DEADLINE`` seconds (30 by default; 2 here, so
the tests stay quick) and say the same as for a timeout. The servers are real sockets on 127.0.0.1
(tests/network_fakes.py); nothing is mocked.
"""

from __future__ import annotations

import time

import pytest
from network_fakes import Blackhole, SlowDrip

from civicdata.core import settings
from civicdata.core.errors import CensusServerError, CensusUnreachableError, SettingsError
from civicdata.data import boundaries
from civicdata.data.census_api.session import CensusSession, TimeoutSession, census_session

DEADLINE = 2.0
# Cut off within the deadline plus the watchdog's round (0.2 s) and a margin for a loaded machine.
MOST = DEADLINE + 3.0


@pytest.fixture
def short_deadline(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.DEADLINE_VARIABLE, str(DEADLINE))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CIVICDATA_OFFLINE", raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def _fails_in_time(call) -> tuple[Exception, float]:
    started = time.monotonic()
    with pytest.raises((CensusUnreachableError, CensusServerError)) as info:
        call()
    return info.value, time.monotonic() - started


def test_default_deadline_is_30_seconds(monkeypatch):
    monkeypatch.delenv(settings.DEADLINE_VARIABLE, raising=False)
    assert settings.network_deadline() == 30.0
    assert settings.NETWORK_DEADLINE_SECONDS == 30.0


@pytest.mark.parametrize("bad", ["soon", "0", "-5", "nan", "inf"])
def test_a_wrong_deadline_setting_is_refused_clearly(monkeypatch, bad):
    monkeypatch.setenv(settings.DEADLINE_VARIABLE, bad)
    with pytest.raises(SettingsError, match="number of seconds"):
        settings.network_deadline()


@pytest.mark.parametrize("phase", ["headers", "body"])
def test_census_session_cuts_off_a_slow_drip_server(short_deadline, tmp_path, phase):
    with SlowDrip(interval=0.3, phase=phase) as drip:
        session = CensusSession(tmp_path / "cache" / "census-api")
        err, seconds = _fails_in_time(lambda: session.get(drip.url + "data/2023/acs/acs5", params={"key": "k"}))
    assert seconds < MOST, f"held for {seconds:.1f} s"
    assert seconds >= DEADLINE * 0.9
    assert "did not answer within 2 seconds" in str(err)  # the same message as a timeout
    assert "What to do" in str(err)


def test_timeout_session_cuts_off_a_slow_drip_server(short_deadline):
    with SlowDrip(interval=0.3) as drip:
        err, seconds = _fails_in_time(lambda: TimeoutSession().get(drip.url))
    assert seconds < MOST and "did not answer within 2 seconds" in str(err)


def test_a_proxy_that_never_answers_is_cut_off(short_deadline, monkeypatch, tmp_path):
    """HTTPS through a proxy that swallows the CONNECT: the per-read timeout (20 s) would wait, the deadline not."""
    with Blackhole() as hole:
        monkeypatch.setenv("HTTPS_PROXY", hole.url)
        monkeypatch.setenv("NO_PROXY", "")
        session = CensusSession(tmp_path / "cache" / "census-api")
        err, seconds = _fails_in_time(lambda: session.get("https://api.census.gov/data/2023/acs/acs5",
                                                          params={"get": "NAME", "key": "k" * 40}))
    assert seconds < MOST, f"held for {seconds:.1f} s"
    assert "k" * 8 not in str(err)


def test_the_census_package_through_census_session_is_cut_off(short_deadline, monkeypatch):
    """Notebook 03's call: ``Census(key, session=census_session())`` against a proxy that drips."""
    from census import Census

    key = "0123456789abcdef0123456789abcdef01234567"
    with SlowDrip(interval=0.3) as drip:
        monkeypatch.setenv("HTTPS_PROXY", drip.url)
        monkeypatch.setenv("NO_PROXY", "")
        c = Census(key, session=census_session())
        err, seconds = _fails_in_time(
            lambda: c.acs5.state_county_tract(("NAME", "B19013_001E"), "09", "110", "*", year=2023))
    assert seconds < MOST
    assert all(key[i:i + 8] not in str(err) for i in range(len(key) - 7))


def test_a_boundary_download_that_drips_is_stopped(short_deadline, monkeypatch, tmp_path):
    """Downloads may take DOWNLOAD_DEADLINE_FACTOR deadlines (a file of some MB), never more."""
    monkeypatch.setattr(boundaries, "DOWNLOAD_DEADLINE_FACTOR", 1)
    with SlowDrip(interval=0.3, phase="body") as drip:
        target = tmp_path / "zip" / "cb.zip"
        err, seconds = _fails_in_time(lambda: boundaries._download(drip.url + "cb.zip", target, None))
    assert seconds < MOST
    assert not target.exists() and not list(target.parent.glob("*.part"))  # nothing half-written is kept
    assert "Try again" in str(err)


def test_a_fast_answer_is_not_disturbed(short_deadline, tmp_path):
    """The deadline only cuts what is too slow: a normal local answer passes, and is not marked expired."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server wants
            body = b'[["NAME"],["x"]]'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        session = TimeoutSession()
        assert session.get(f"http://127.0.0.1:{server.server_port}/").json() == [["NAME"], ["x"]]
    finally:
        server.shutdown()


def test_after_one_deadline_the_session_does_not_wait_again_at_once(short_deadline, monkeypatch, tmp_path):
    """A notebook with several live calls waits one deadline, not one per call; a minute later it tries again."""
    from civicdata.data.census_api import session as module

    with Blackhole() as hole:
        monkeypatch.setenv("HTTPS_PROXY", hole.url)
        monkeypatch.setenv("NO_PROXY", "")
        session = CensusSession(tmp_path / "cache" / "census-api")
        url = "https://api.census.gov/data/2023/acs/acs5"
        _, first = _fails_in_time(lambda: session.get(url, params={"get": "NAME", "key": "k" * 40}))
        err, second = _fails_in_time(lambda: session.get(url, params={"get": "B19013_001E", "key": "k" * 40}))
        assert first >= DEADLINE * 0.9 and second < 0.5
        assert "not asked again" in str(err) and "Try again in a minute" in str(err)
        monkeypatch.setattr(module, "QUIET_AFTER_FAILURE_SECONDS", 0.0)
        _, third = _fails_in_time(lambda: session.get(url, params={"get": "NAME", "key": "k" * 40}))
        assert third >= DEADLINE * 0.9  # the quiet period is over: asked (and waited) again
