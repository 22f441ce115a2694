"""A scripted learner: does over HTTP what a learner's browser does on the classroom hub.

Used by the hub test (tests/test_classroom.py) and the load run (``make bench``), and useful to IT staff
as a rehearsal before a workshop. One :class:`Learner`:

1. signs in through the hub's login form (name + workshop password, with the form's XSRF token);
2. starts their server the way the hub's home page does, and waits until it answers through the proxy;
3. opens the nbgitpuller link, then calls the pull endpoint that the link's page calls from JavaScript,
   reading its event stream to the end;
4. opens a notebook like JupyterLab does (a session on the Jupyter server's REST API starts a kernel in
   the notebook's folder) and runs every code cell over the kernel's websocket (Jupyter messaging
   protocol), collecting the outputs;
5. compares those outputs with the ones stored in the notebook, as ``nbval`` does in the test suite.

Only the hub's public address is used; everything goes through the proxy, as for a real learner.

Example (against a hub you run; not run here)::

    learner = Learner("http://127.0.0.1:8000", "ana", "workshop-password")
    learner.sign_in(); learner.start_server(); learner.pull(link)
    result = learner.run_notebook("civic-data-workbook/notebooks/00-start-here.ipynb")
    assert not result.mismatches
"""

from __future__ import annotations

import configparser
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import requests
import websocket

SANITIZE_CONFIG = Path(__file__).resolve().parents[2] / "tests" / "nbval_sanitize.cfg"


class LearnerError(Exception):
    """One learner's step failed; the message names the step and what the server said."""


@dataclass
class NotebookRun:
    path: str
    cells_run: int = 0
    seconds: float = 0.0
    outputs: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)


def _sanitizers() -> list[tuple[re.Pattern, str]]:
    if not SANITIZE_CONFIG.exists():
        return []
    parser = configparser.ConfigParser()
    parser.read(SANITIZE_CONFIG)
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def comparable(outputs: list[dict], sanitizers: list[tuple[re.Pattern, str]]) -> list[tuple[str, str]]:
    """Outputs as nbval compares them: stream text (consecutive pieces joined) and text/plain results."""
    result: list[tuple[str, str]] = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            text = out.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            key = f"stream:{out.get('name')}"
            if result and result[-1][0] == key:
                result[-1] = (key, result[-1][1] + text)
            else:
                result.append((key, text))
        elif kind in ("execute_result", "display_data"):
            text = out.get("data", {}).get("text/plain", "")
            result.append((kind, "".join(text) if isinstance(text, list) else text))
        elif kind == "error":
            result.append(("error", f"{out.get('ename')}: {out.get('evalue')}"))
    cleaned = []
    for key, text in result:
        for pattern, replace in sanitizers:
            text = pattern.sub(replace, text)
        cleaned.append((key, text))
    return cleaned


class Learner:
    def __init__(self, hub_url: str, name: str, password: str, timeout: float = 180) -> None:
        self.hub = hub_url.rstrip("/")
        self.name, self.password, self.timeout = name, password, timeout
        self.http = requests.Session()
        self.timings: dict[str, float] = {}

    # -- helpers

    def _xsrf(self, path_prefix: str) -> str:
        """The _xsrf cookie the hub or the learner's server set for this path (sent back as a header)."""
        best = ""
        for cookie in self.http.cookies:
            if cookie.name == "_xsrf" and path_prefix.startswith(cookie.path.rstrip("/") or "/"):
                best = cookie.value
        return best

    def _check(self, response: requests.Response, step: str) -> requests.Response:
        if response.status_code >= 400:
            raise LearnerError(f"{self.name}: {step} failed: HTTP {response.status_code} "
                               f"{response.url}\n{response.text[:300]}")
        return response

    def user_url(self, path: str = "") -> str:
        return f"{self.hub}/user/{self.name}/{path.lstrip('/')}"

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """A Jupyter server REST call through the proxy, authenticated like JupyterLab (cookie + XSRF)."""
        headers = kwargs.pop("headers", {})
        headers["X-XSRFToken"] = self._xsrf(f"/user/{self.name}/")
        kwargs.setdefault("timeout", 60)
        return self.http.request(method, self.user_url(path), headers=headers, **kwargs)

    # -- the steps

    def sign_in(self) -> None:
        started = time.monotonic()
        page = self._check(self.http.get(f"{self.hub}/hub/login", timeout=30), "opening the login page")
        token = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
        form = {"username": self.name, "password": self.password, "_xsrf": token.group(1) if token else ""}
        # Do not follow the redirect: a browser would go on to start the server, which start_server does.
        done = self.http.post(f"{self.hub}/hub/login", data=form, allow_redirects=False, timeout=30)
        if done.status_code != 302 or "jupyterhub-session-id" not in self.http.cookies:
            raise LearnerError(f"{self.name}: sign-in refused (HTTP {done.status_code}): {done.text[:200]}")
        self.timings["sign_in"] = time.monotonic() - started

    def start_server(self) -> float:
        """Start the server as the hub's home page does and wait until it answers; seconds to ready."""
        started = time.monotonic()
        self._check(self.http.get(f"{self.hub}/hub/spawn", timeout=60), "starting the server")
        deadline = started + self.timeout
        while True:
            model = self._check(self.http.get(f"{self.hub}/hub/api/user", timeout=30), "reading own status").json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                break
            if not server and not model.get("pending") and time.monotonic() - started > 5:
                raise LearnerError(f"{self.name}: the server did not start (hub says {model})")
            if time.monotonic() > deadline:
                raise LearnerError(f"{self.name}: the server was not ready within {self.timeout:.0f} s")
            time.sleep(0.5)
        # Opening JupyterLab: the server's OAuth sign-in (redirects through the hub) and its _xsrf cookie.
        lab = self._check(self.http.get(self.user_url("lab"), timeout=60), "opening JupyterLab")
        if "JupyterLab" not in lab.text:
            raise LearnerError(f"{self.name}: JupyterLab did not open ({lab.url})")
        self.timings["ready"] = time.monotonic() - started
        return self.timings["ready"]

    def open_link(self, link: str) -> dict[str, str]:
        """Open an nbgitpuller link and run the pull its page runs; returns the page's settings (path...)."""
        started = time.monotonic()
        page = self._check(self.http.get(link, timeout=60), "opening the nbgitpuller link")
        if urlsplit(page.url).path != f"/user/{self.name}/git-pull" and not urlsplit(page.url).path.endswith(
                f"/user/{self.name}/git-pull"):
            raise LearnerError(f"{self.name}: the link led to {page.url}, not to the server's git-pull page")
        data = {k: unquote(v) for k, v in re.findall(r'data-([a-z-]+)="([^"]*)"', page.text)}
        params = {"_xsrf": data.get("xsrf", ""), "repo": data["repo"], "targetpath": data["targetpath"]}
        for optional in ("depth", "branch", "backup"):
            if optional in data:
                params[optional] = data[optional]
        events = []
        with self.http.get(self.user_url("git-pull/api"), params=params, stream=True, timeout=120) as stream:
            self._check(stream, "pulling the workbook")
            for line in stream.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    events.append(event)
                    if event.get("phase") in ("finished", "error"):
                        break
        if not events or events[-1].get("phase") != "finished":
            last = events[-1] if events else {}
            raise LearnerError(f"{self.name}: the pull did not finish: {last.get('message')} {last.get('output', '')}")
        self.timings["pull"] = time.monotonic() - started
        data["pull_output"] = "".join(e.get("output", "") for e in events)
        return data

    def contents(self, path: str, content: bool = True) -> dict:
        response = self.api("GET", f"api/contents/{path}", params={"content": int(content)})
        return self._check(response, f"reading {path}").json()

    def save(self, path: str, model: dict) -> None:
        self._check(self.api("PUT", f"api/contents/{path}", json=model), f"saving {path}")

    def run_notebook(self, path: str, compare: bool = True, keep_kernel: bool = False) -> NotebookRun:
        """Open a notebook in a kernel (as JupyterLab does) and run every code cell in order.

        The kernel is shut down afterwards, unless ``keep_kernel`` (as a learner who moves on to the next
        notebook without closing this one leaves it running).
        """
        started = time.monotonic()
        run = NotebookRun(path)
        notebook = self.contents(path)["content"]
        session = self._check(self.api("POST", "api/sessions", json={
            "path": path, "name": path.rsplit("/", 1)[-1], "type": "notebook", "kernel": {"name": "python3"}},
            timeout=120), f"starting a kernel for {path}").json()
        kernel_id = session["kernel"]["id"]
        try:
            with KernelChannel(self, kernel_id) as channel:
                for index, cell in enumerate(notebook["cells"]):
                    if cell["cell_type"] != "code":
                        continue
                    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                    outputs, reply = channel.execute(source, timeout=self.timeout)
                    run.cells_run += 1
                    run.outputs[index] = outputs
                    if reply.get("status") != "ok":
                        run.errors.append(f"cell {index}: {reply.get('ename')}: {reply.get('evalue')}")
                        break
        finally:
            if not keep_kernel:
                self.api("DELETE", f"api/sessions/{session['id']}")
        run.seconds = time.monotonic() - started
        if compare:
            sanitizers = _sanitizers()
            for index, cell in enumerate(notebook["cells"]):
                if cell["cell_type"] != "code" or index not in run.outputs:
                    continue
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                tags = cell.get("metadata", {}).get("tags", [])
                if "NBVAL_IGNORE_OUTPUT" in source or "nbval-ignore-output" in tags:
                    continue
                want = comparable(cell.get("outputs", []), sanitizers)
                got = comparable(run.outputs[index], sanitizers)
                if want != got:
                    run.mismatches.append(f"cell {index}: stored {want!r:.300} but got {got!r:.300}")
        return run

    def execute(self, code: str, timeout: float = 60) -> tuple[list[dict], dict]:
        """Run a piece of code in a fresh kernel (no notebook); outputs and the execute reply."""
        kernel = self._check(self.api("POST", "api/kernels", json={"name": "python3"}), "starting a kernel").json()
        try:
            with KernelChannel(self, kernel["id"]) as channel:
                return channel.execute(code, timeout=timeout)
        finally:
            self.api("DELETE", f"api/kernels/{kernel['id']}")

    def stop_server(self) -> None:
        response = self.http.delete(f"{self.hub}/hub/api/users/{self.name}/server", timeout=60,
                                    headers={"X-XSRFToken": self._xsrf("/hub/")})
        if response.status_code not in (202, 204, 400):  # 400: it was not running
            self._check(response, "stopping the server")


class KernelChannel:
    """The kernel's websocket through the proxy, speaking the Jupyter messaging protocol (JSON frames)."""

    def __init__(self, learner: Learner, kernel_id: str) -> None:
        self.learner, self.kernel_id = learner, kernel_id
        self.session = uuid.uuid4().hex

    def __enter__(self) -> KernelChannel:
        learner = self.learner
        url = learner.user_url(f"api/kernels/{self.kernel_id}/channels?session_id={self.session}")
        url = "ws" + url[len("http"):]
        cookies = "; ".join(f"{c.name}={c.value}" for c in learner.http.cookies)
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(learner.hub))
        self.ws = websocket.create_connection(
            url, timeout=learner.timeout, origin=origin,
            header=[f"Cookie: {cookies}", f"X-XSRFToken: {learner._xsrf(f'/user/{learner.name}/')}"])
        return self

    def __exit__(self, *exc) -> None:
        self.ws.close()

    def execute(self, code: str, timeout: float = 60) -> tuple[list[dict], dict]:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": self.learner.name, "session": self.session,
                       "msg_type": "execute_request", "version": "5.3",
                       "date": datetime.now(UTC).isoformat()},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        outputs: list[dict] = []
        reply: dict | None = None
        idle = False
        deadline = time.monotonic() + timeout
        while reply is None or not idle:
            self.ws.settimeout(max(deadline - time.monotonic(), 0.1))
            try:
                frame = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                raise LearnerError(f"{self.learner.name}: a cell ran longer than {timeout:.0f} s") from None
            except websocket.WebSocketConnectionClosedException:
                raise LearnerError(f"{self.learner.name}: the kernel's connection closed") from None
            if not isinstance(frame, str):
                continue
            msg = json.loads(frame)
            msg_type = msg.get("msg_type") or msg["header"]["msg_type"]
            if msg_type == "status" and msg["content"].get("execution_state") in ("restarting", "dead"):
                raise LearnerError(f"{self.learner.name}: the kernel died ({msg['content']['execution_state']})")
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg["channel"] == "shell" and msg_type == "execute_reply":
                reply = msg["content"]
            elif msg["channel"] == "iopub":
                if msg_type == "status" and msg["content"].get("execution_state") == "idle":
                    idle = True
                elif msg_type in ("stream", "execute_result", "display_data", "error"):
                    outputs.append({"output_type": msg_type, **msg["content"]})
        return outputs, reply
