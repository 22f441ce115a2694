"""A real JupyterLab from the venv: it starts, serves the UI and the first notebook, runs a kernel.

This is what `make lab` gives a learner, minus the browser. Bounded: the whole test gives up after
about 30 seconds. Runs with --allow-root when the tests run as root (containers, library lab images).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIRST_NOTEBOOK = "notebooks/00-start-here.ipynb"
DEADLINE_SECONDS = 30
# About 6 s on an idle 2-core machine, most of it importing jupyter_server (jsonschema's rfc3987_syntax
# compiles its grammars at import: jupyter-server/jupyter_server#1559). Generous for a shared, loaded one.
STARTUP_SECONDS = 25


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, base: str, token: str, deadline: float) -> None:
        self.base, self.token, self.deadline = base, token, deadline

    def request(self, method: str, path: str, body: dict | None = None, timeout: float | None = None):
        """One HTTP request; never waits past the test's overall deadline."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"the JupyterLab test ran over its {DEADLINE_SECONDS} s budget")
        timeout = min(timeout or left, left)
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", f"token {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=timeout) as response:
            payload = response.read()
            return response.status, payload


@pytest.fixture
def lab(tmp_path):
    started = time.monotonic()
    port, token = free_port(), secrets.token_hex(16)
    jupyter = Path(sys.executable).with_name("jupyter")
    command = [
        str(jupyter), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = dict(os.environ)
    for name, folder in [("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_CONFIG_DIR", "config"),
                         ("JUPYTERLAB_SETTINGS_DIR", "settings"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")]:
        env[name] = str(tmp_path / folder)
    log = (tmp_path / "lab.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", token, started + DEADLINE_SECONDS)
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"jupyter lab exited with {process.returncode}:\n{(tmp_path / 'lab.log').read_text()}")
            if time.monotonic() - started > STARTUP_SECONDS:
                log_tail = (tmp_path / "lab.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"jupyter lab did not answer within {STARTUP_SECONDS} s; its log:\n{log_tail}")
            try:
                status, _ = server.request("GET", "/api/status", timeout=2)
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        yield server
    finally:
        server.deadline = time.monotonic() + 3  # clean shutdown gets 3 s more, then terminate, then kill
        try:
            server.request("POST", "/api/shutdown")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def test_jupyterlab_serves_the_workbook_and_runs_a_kernel(lab):
    status, page = lab.request("GET", "/lab")
    assert status == 200 and b"JupyterLab" in page

    status, payload = lab.request("GET", f"/api/contents/{FIRST_NOTEBOOK}")
    model = json.loads(payload)
    assert status == 200 and model["type"] == "notebook" and model["name"] == "00-start-here.ipynb"
    assert model["content"]["cells"], "the first notebook has no cells"

    status, payload = lab.request("POST", "/api/kernels", {"name": "python3"})
    kernel = json.loads(payload)
    assert status == 201 and kernel["name"] == "python3"
    status, payload = lab.request("GET", "/api/kernels")
    assert kernel["id"] in [k["id"] for k in json.loads(payload)]
    status, _ = lab.request("DELETE", f"/api/kernels/{kernel['id']}")
    assert status == 204
