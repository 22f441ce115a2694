"""Start, check and stop the classroom JupyterHub on this machine (``make classroom``, ``make classroom-stop``).

Everything the hub writes lives in one folder, ``.classroom/`` by default (git ignores it): the hub's
database, cookie secret and pid files, its log, the admin password, the copy of the workbook that learners
pull, and one folder per learner under ``learners/``. Wiping that folder after the session removes every
trace of the learners (``make classroom-wipe``).

Settings come from environment variables, so that ``make classroom`` can pass them on:

==========================  =======================================================================
CLASSROOM_PASSWORD          the shared workshop password learners sign in with (8 characters or more);
                            asked for when not set and a terminal is attached. Never written to disk.
CLASSROOM_ADMIN             the facilitator's sign-in name (default ``facilitator``)
CLASSROOM_ADMIN_PASSWORD    the facilitator's password (32 characters or more); made up and kept in
                            ``.classroom/admin-password`` (readable by you only) when not set
CLASSROOM_PORT              the port learners' browsers use (default 8000)
CLASSROOM_IP                the address to listen on (default 127.0.0.1: only this machine, or the
                            library's reverse proxy; ``0.0.0.0`` serves the lab network directly)
CLASSROOM_URL               the address learners type, when it differs (https://hub.library.org)
CLASSROOM_REPO              ``local`` (default: this folder's workbook, no internet needed) or a git URL
CLASSROOM_BRANCH            the branch to pull (default ``main``)
CLASSROOM_MEM_LIMIT         memory per learner (default 2G), enforced where the machine allows
CLASSROOM_CULL_IDLE         seconds without activity before a learner's server is stopped (default 3600)
CLASSROOM_MAX_LEARNERS      most servers at once (default 0: no limit)
CLASSROOM_DIR               the runtime folder (default ``.classroom`` in the workbook)
==========================  =======================================================================

Example (in a terminal, from the workbook folder)::

    CLASSROOM_PASSWORD='library-2026' make classroom     # start; prints the sign-in address and link
    make classroom-status                                 # who is signed in, memory per learner
    make classroom-stop                                   # stop the hub and every learner's server
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import memory_limit  # noqa: E402

CONFIG = HERE / "jupyterhub_config.py"
DEFAULT_DIR = ROOT / ".classroom"
WORKBOOK_FOLDER = "civic-data-workbook"
MIN_PASSWORD = 8
MIN_ADMIN_PASSWORD = 32


class ClassroomError(Exception):
    """A problem the facilitator can fix; the message says what to do."""


@dataclass
class Settings:
    runtime_dir: Path = DEFAULT_DIR
    port: int = 8000
    ip: str = "127.0.0.1"
    hub_port: int = 8081
    proxy_api_port: int = 8001
    public_url: str = ""
    repo: str = "local"
    branch: str = "main"
    admin: str = "facilitator"
    mem_limit: str = "2G"
    cull_idle: int = 3600
    cull_every: int = 0  # 0: a quarter of cull_idle, at most 5 minutes
    activity_interval: int = 0  # 0: JupyterHub's defaults (5 minutes)
    max_learners: int = 0
    base_url: str = "/"
    nice: int = 0  # CPU priority of the hub and everything it starts (tests: 10, to yield to the rest)
    extra_env: dict[str, str] = field(default_factory=dict)  # passed to learners' servers (tests: offline)

    @classmethod
    def from_environment(cls, env: os._Environ | dict = os.environ) -> Settings:
        def number(name: str, default: int) -> int:
            text = env.get(name, "").strip()
            if not text:
                return default
            if not text.isdigit():
                raise ClassroomError(f"{name}={text!r} is not a whole number.")
            return int(text)

        base = cls()
        return cls(
            runtime_dir=Path(env.get("CLASSROOM_DIR") or base.runtime_dir),
            port=number("CLASSROOM_PORT", base.port),
            ip=env.get("CLASSROOM_IP") or base.ip,
            hub_port=number("CLASSROOM_HUB_PORT", base.hub_port),
            proxy_api_port=number("CLASSROOM_PROXY_API_PORT", base.proxy_api_port),
            public_url=env.get("CLASSROOM_URL", "").strip(),
            repo=env.get("CLASSROOM_REPO") or base.repo,
            branch=env.get("CLASSROOM_BRANCH") or base.branch,
            admin=(env.get("CLASSROOM_ADMIN") or base.admin).lower(),
            mem_limit=env.get("CLASSROOM_MEM_LIMIT") or base.mem_limit,
            cull_idle=number("CLASSROOM_CULL_IDLE", base.cull_idle),
            max_learners=number("CLASSROOM_MAX_LEARNERS", base.max_learners),
            base_url=env.get("CLASSROOM_BASE_URL") or base.base_url,
        )

    @property
    def local_url(self) -> str:
        """Where this machine reaches the hub (loopback even when the hub listens on every address)."""
        host = "127.0.0.1" if self.ip in ("0.0.0.0", "", "::") else self.ip
        return f"http://{host}:{self.port}{self.base_url.rstrip('/')}"

    @property
    def url(self) -> str:
        """The address learners use."""
        if self.public_url:
            return self.public_url.rstrip("/")
        if self.ip in ("0.0.0.0", "", "::"):
            return f"http://{socket.gethostname()}:{self.port}{self.base_url.rstrip('/')}"
        return self.local_url


# ----------------------------------------------------------------------------- small helpers


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped by its parent) is not running
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def hub_pid(runtime_dir: Path) -> int | None:
    """The running hub's process id, or None when no hub of this folder runs."""
    try:
        pid = int((Path(runtime_dir) / "jupyterhub.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    if not _pid_alive(pid):
        return None
    try:
        if b"jupyterhub" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return None
    except OSError:
        pass
    return pid


def _port_free(ip: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip or "0.0.0.0", port))
        except OSError:
            return False
    return True


def _git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", "-c", "user.name=classroom", "-c", "user.email=classroom@localhost", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise ClassroomError(f"git {args[0]} failed: {done.stderr.strip()[-400:]}")
    return done.stdout


def mirror_workbook(runtime_dir: Path, source: Path = ROOT, branch: str = "main") -> str:
    """Put this folder's workbook, as it is now, into a git repository learners pull from; return its URL.

    The files are those git would track here (``.gitignore`` applies: no ``.venv``, no learner files),
    uncommitted changes included, so a place prefetched for the session is served too. Each start adds
    one commit on top of the last, so learners who pull again get the changes merged into their copy.
    """
    repo = Path(runtime_dir).resolve() / "workbook" / f"{WORKBOOK_FOLDER}.git"
    if not (repo / "HEAD").exists():
        repo.parent.mkdir(parents=True, exist_ok=True)
        _git("init", "--quiet", "--bare", "--initial-branch", branch, str(repo))
    where = ["--git-dir", str(repo), "--work-tree", str(source)]
    _git(*where, "add", "--all")
    staged = subprocess.run(["git", *where, "diff", "--cached", "--quiet", "HEAD"], capture_output=True)
    if staged.returncode != 0:  # something changed (or the first commit)
        _git(*where, "commit", "--quiet", "--no-verify", "-m", "The workbook as served by this classroom hub")
    return repo.as_uri()


def read_password(env: dict | os._Environ = os.environ) -> str:
    """The shared workshop password: from CLASSROOM_PASSWORD, or asked for (twice) at a terminal."""
    password = env.get("CLASSROOM_PASSWORD", "")
    if not password:
        if not sys.stdin.isatty():
            raise ClassroomError(
                "No workshop password. Set one for this session, for example:\n"
                "  CLASSROOM_PASSWORD='choose-8+-chars' make classroom")
        password = getpass.getpass("Workshop password for learners (8 characters or more): ")
        if getpass.getpass("The same password again: ") != password:
            raise ClassroomError("The two passwords differ. Run the command again.")
    if len(password) < MIN_PASSWORD:
        raise ClassroomError(f"The workshop password must have at least {MIN_PASSWORD} characters.")
    return password


def admin_password(runtime_dir: Path, env: dict | os._Environ = os.environ) -> str:
    """The facilitator's password: CLASSROOM_ADMIN_PASSWORD, or one made up once and kept in the folder."""
    given = env.get("CLASSROOM_ADMIN_PASSWORD", "")
    if given:
        if len(given) < MIN_ADMIN_PASSWORD:
            raise ClassroomError(f"CLASSROOM_ADMIN_PASSWORD must have at least {MIN_ADMIN_PASSWORD} characters.")
        return given
    path = Path(runtime_dir) / "admin-password"
    if path.exists():
        return path.read_text().strip()
    made = secrets.token_urlsafe(30)[:40]
    path.touch(mode=0o600)
    path.write_text(made + "\n")
    return made


# ----------------------------------------------------------------------------- start, status, stop


def start(settings: Settings, password: str, admin_pw: str | None = None, wait_seconds: float = 90) -> dict:
    """Start the hub in the background and wait until it answers; returns what ``hub.json`` records."""
    from civicdata.classroom.hub_link import repo_folder

    if len(password) < MIN_PASSWORD:
        raise ClassroomError(f"The workshop password must have at least {MIN_PASSWORD} characters.")
    runtime = Path(settings.runtime_dir).resolve()
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    running = hub_pid(runtime)
    if running:
        raise ClassroomError(f"A classroom hub already runs from {runtime} (process {running}). "
                             "Stop it first: make classroom-stop")
    venv_bin = Path(sys.executable).parent
    proxy = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
    for needed, fix in [(venv_bin / "jupyterhub", "make classroom installs it (workshop/classroom/requirements.txt)"),
                        (venv_bin / "jupyterhub-singleuser", "make classroom installs it"),
                        (proxy, "make classroom installs it with npm ci (Node.js needed)")]:
        if not needed.exists():
            raise ClassroomError(f"{needed} is missing: {fix}.")
    if shutil.which("git") is None:
        raise ClassroomError("git is not installed; nbgitpuller needs it (sudo apt-get install git).")
    for port, name in [(settings.port, "CLASSROOM_PORT"), (settings.hub_port, "CLASSROOM_HUB_PORT"),
                       (settings.proxy_api_port, "CLASSROOM_PROXY_API_PORT")]:
        if not _port_free(settings.ip if port == settings.port else "127.0.0.1", port):
            raise ClassroomError(f"Port {port} is already in use on this machine. Choose another: {name}=...")

    admin_pw = admin_pw or admin_password(runtime)
    repo_url = mirror_workbook(runtime, branch=settings.branch) if settings.repo == "local" else settings.repo
    folder = repo_folder(repo_url)  # the folder nbgitpuller links put the workbook in (civicdata.classroom.hub_link)
    memory_note = memory_limit.why_not_enforced(runtime)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CLASSROOM_", "JUPYTERHUB_"))},
        **settings.extra_env,
        "CLASSROOM_DIR": str(runtime),
        "CLASSROOM_VENV_BIN": str(venv_bin),
        "CLASSROOM_WORKBOOK_FOLDER": folder,
        "CLASSROOM_IP": settings.ip,
        "CLASSROOM_PORT": str(settings.port),
        "CLASSROOM_HUB_PORT": str(settings.hub_port),
        "CLASSROOM_PROXY_API_PORT": str(settings.proxy_api_port),
        "CLASSROOM_BASE_URL": settings.base_url,
        "CLASSROOM_PASSWORD": password,
        "CLASSROOM_ADMIN": settings.admin,
        "CLASSROOM_ADMIN_PASSWORD": admin_pw,
        "CLASSROOM_MEM_LIMIT": settings.mem_limit,
        "CLASSROOM_CULL_IDLE": str(settings.cull_idle),
        "CLASSROOM_MAX_LEARNERS": str(settings.max_learners),
    }
    if settings.cull_every:
        env["CLASSROOM_CULL_EVERY"] = str(settings.cull_every)
    if settings.activity_interval:
        env["CLASSROOM_ACTIVITY_INTERVAL"] = str(settings.activity_interval)
        env["JUPYTERHUB_ACTIVITY_INTERVAL"] = str(settings.activity_interval)
    (runtime / "logs").mkdir(exist_ok=True)
    log_path = runtime / "logs" / "jupyterhub.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [str(venv_bin / "jupyterhub"), "-f", str(CONFIG)], cwd=runtime, env=env, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=(lambda: os.nice(settings.nice)) if settings.nice else None)
    deadline = time.monotonic() + wait_seconds
    health = f"{settings.local_url}/hub/health"
    while True:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-3000:]
            raise ClassroomError(f"The hub stopped while starting (exit {process.returncode}). Its log ends:\n{tail}")
        try:
            with urllib.request.urlopen(health, timeout=3) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            process.terminate()
            raise ClassroomError(f"The hub did not answer at {health} within {wait_seconds:.0f} s; see {log_path}.")
        time.sleep(0.3)
    info = {
        "url": settings.url,
        "local_url": settings.local_url,
        "repo": repo_url,
        "branch": settings.branch,
        "workbook_folder": folder,
        "admin": settings.admin,
        "pid": process.pid,
        "memory_limit": settings.mem_limit,
        "memory_limit_enforced": memory_note is None,
        "memory_limit_note": memory_note or "enforced per learner by a memory cgroup",
        "cull_idle_seconds": settings.cull_idle,
        "settings": {k: str(v) for k, v in asdict(settings).items() if k != "extra_env"},
    }
    (runtime / "hub.json").write_text(json.dumps(info, indent=2) + "\n")
    return info


def _processes_under(runtime: Path) -> list:
    """Processes whose working folder is inside the runtime folder: the proxy, learners' servers, kernels."""
    import psutil

    found = []
    for proc in psutil.process_iter(["pid"]):
        try:
            cwd = Path(proc.cwd())
        except (psutil.Error, OSError):
            continue
        if proc.pid != os.getpid() and (cwd == runtime or runtime in cwd.parents):
            found.append(proc)
    return found


def stop(runtime_dir: Path = DEFAULT_DIR, timeout: float = 45) -> dict:
    """Stop the hub (which stops every learner's server, the culler and the proxy), then sweep up."""
    import psutil

    runtime = Path(runtime_dir).resolve()
    pid = hub_pid(runtime)
    result = {"was_running": pid is not None, "forced": [], "leftovers": []}
    if pid:
        os.kill(pid, signal.SIGTERM)  # JupyterHub's own clean shutdown: servers, services, proxy
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
            result["forced"].append(pid)
    # Anything still running from inside the folder was started by this classroom: end it too.
    leftovers = _processes_under(runtime)
    for proc in leftovers:
        result["leftovers"].append(" ".join(proc.cmdline()[:3]) if proc.is_running() else str(proc.pid))
        try:
            proc.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(leftovers, timeout=5)
    for proc in alive:
        try:
            proc.kill()
        except psutil.Error:
            pass
    for name in ("hub.json", "jupyterhub.pid", "proxy.pid"):
        (runtime / name).unlink(missing_ok=True)
    memory_limit.remove_classroom(runtime)
    return result


def status(runtime_dir: Path = DEFAULT_DIR) -> dict | None:
    """What ``hub.json`` says, plus each learner server's memory (server and kernels), or None."""
    import psutil

    runtime = Path(runtime_dir).resolve()
    pid = hub_pid(runtime)
    if not pid:
        return None
    info = json.loads((runtime / "hub.json").read_text()) if (runtime / "hub.json").exists() else {"pid": pid}
    learners: dict[str, float] = {}
    homes = runtime / "learners"
    for proc in _processes_under(runtime):
        try:
            cwd = Path(proc.cwd())
            if homes in cwd.parents:
                name = cwd.relative_to(homes).parts[0]
                learners[name] = learners.get(name, 0) + proc.memory_info().rss / 2**20
        except (psutil.Error, OSError, ValueError):
            continue
    info["learner_memory_mb"] = {name: round(mb) for name, mb in sorted(learners.items())}
    info["hub_memory_mb"] = round(psutil.Process(pid).memory_info().rss / 2**20)
    return info


def wipe(runtime_dir: Path = DEFAULT_DIR) -> Path:
    """Delete the runtime folder: every learner's files, the hub's database and secrets, the logs."""
    runtime = Path(runtime_dir).resolve()
    if hub_pid(runtime):
        raise ClassroomError("The hub is still running. Stop it first: make classroom-stop")
    if runtime.exists():
        shutil.rmtree(runtime)
    return runtime


# ----------------------------------------------------------------------------- command line


def _print_started(info: dict, runtime: Path) -> None:
    from civicdata.classroom.hub_link import nbgitpuller_link

    link = nbgitpuller_link(info["url"], info["repo"], info["branch"])
    print(f"""
The classroom hub is running (process {info['pid']}).

  Learners open:      {info['url']}/
  and sign in with any name (lower-case letters, digits, - or _) and the workshop password.
  The workbook link:  {link}
                      (also: civicdata hub-link --classroom)
  Facilitator:        sign in as {info['admin']!r} with the admin password in {runtime / 'admin-password'}
                      (unless you set CLASSROOM_ADMIN_PASSWORD); the admin page is {info['url']}/hub/admin
  Memory per learner: {info['memory_limit']} ({info['memory_limit_note']})
  Idle servers stop:  after {info['cull_idle_seconds']} s without activity (their files stay)
  Everything lives in {runtime}/ (logs in logs/jupyterhub.log).
  Stop it with:       make classroom-stop
""")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop", "status", "wipe"])
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_environment()
        runtime = Path(settings.runtime_dir).resolve()
        if args.action == "start":
            info = start(settings, read_password())
            _print_started(info, runtime)
        elif args.action == "stop":
            result = stop(runtime)
            if not result["was_running"]:
                print(f"No classroom hub was running from {runtime}.")
            else:
                print("The classroom hub and every learner's server have stopped. Learners' files stay in "
                      f"{runtime / 'learners'} until you run: make classroom-wipe")
            if result["leftovers"]:
                print(f"Also ended {len(result['leftovers'])} leftover process(es): {result['leftovers']}")
        elif args.action == "status":
            info = status(runtime)
            if info is None:
                print(f"No classroom hub is running from {runtime}. Start one with: make classroom")
                return 1
            print(f"Running at {info.get('url')} (process {info.get('pid')}); hub memory {info['hub_memory_mb']} MB.")
            print(f"Learners with a running server: {len(info['learner_memory_mb'])}")
            for name, mb in info["learner_memory_mb"].items():
                print(f"  {name:32} {mb:6d} MB")
            print(f"Sign-ins, activity, add or remove learners: {info.get('url')}/hub/admin")
        elif args.action == "wipe":
            print(f"Removed {wipe(runtime)}: learners' folders, the hub's database, secrets and logs.")
    except ClassroomError as err:
        print(f"classroom: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
