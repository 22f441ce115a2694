"""The environment check: every state gets a plain next step, and the key is never shown."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
import responses

from civicdata.classroom.doctor import CENSUS_API_URL, check_api_key, check_bundled_data, check_network, doctor
from civicdata.core import settings

FAKE_KEY = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def no_key(monkeypatch, tmp_path):
    monkeypatch.delenv("CENSUS_API_KEY", raising=False)
    monkeypatch.delenv("CIVICDATA_OFFLINE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def test_without_key_the_mode_is_bundled_and_the_next_step_says_how_to_get_one(no_key):
    report = doctor(network=False)
    assert report.mode == "bundled"
    key = check_api_key()
    assert not key.ok
    assert "key_signup" in key.next_step
    assert "BUNDLED" in str(report)


def test_key_from_environment_is_reported_but_never_shown(no_key, monkeypatch):
    monkeypatch.setenv("CENSUS_API_KEY", FAKE_KEY)
    check = check_api_key()
    assert check.ok
    assert "CENSUS_API_KEY" in check.detail
    assert FAKE_KEY not in str(doctor(network=False))


def test_key_file_outside_the_repository_is_found(no_key, tmp_path):
    path = settings.key_file()
    path.parent.mkdir(parents=True)
    path.write_text(FAKE_KEY + "\n")
    assert settings.get_api_key() == FAKE_KEY
    assert not str(path).startswith(str(settings.REPO_ROOT))
    assert FAKE_KEY not in str(doctor(network=False))


@responses.activate
def test_live_mode_needs_key_and_an_answering_api(no_key, monkeypatch):
    monkeypatch.setenv("CENSUS_API_KEY", FAKE_KEY)
    responses.get(CENSUS_API_URL, json={"dataset": []})
    report = doctor(network=True)
    assert report.mode == "live"
    assert "LIVE" in str(report)


def test_offline_mode_never_touches_the_network(monkeypatch):
    monkeypatch.setenv("CIVICDATA_OFFLINE", "1")
    with responses.RequestsMock() as mocked:  # any request would fail the test
        check = check_network()
        assert not mocked.calls
    assert not check.ok and "offline mode" in check.detail


@responses.activate
def test_unreachable_api_gives_an_offline_next_step(no_key):
    responses.get(CENSUS_API_URL, body=requests.ConnectionError("no route"))
    check = check_network()
    assert not check.ok
    assert "bundled data" in check.next_step


@responses.activate
def test_slow_api_is_reported_as_a_timeout(no_key):
    responses.get(CENSUS_API_URL, body=requests.Timeout("slow"))
    check = check_network(timeout=3)
    assert not check.ok and "3 seconds" in check.detail


def test_bundled_data_matches_its_checksums():
    check = check_bundled_data()
    assert check.ok, check.detail


def test_changed_bundled_file_is_reported(tmp_path, monkeypatch):
    (tmp_path / "a.csv").write_text("x\n1\n")
    from civicdata.data.checksums import write_manifest

    write_manifest(tmp_path)
    (tmp_path / "a.csv").write_text("x\n2\n")
    monkeypatch.setenv("CIVICDATA_DATA_DIR", str(tmp_path))
    check = check_bundled_data()
    assert not check.ok
    assert "a.csv has changed" in check.detail
    assert "git checkout" in check.next_step


def test_command_line_doctor_runs_offline():
    result = subprocess.run(
        [sys.executable, "-m", "civicdata.cli", "doctor", "--offline"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "environment check" in result.stdout
    assert "Mode:" in result.stdout
