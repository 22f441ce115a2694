# The classroom JupyterHub: one machine, one shared workshop password, one folder per learner.
#
# Started by `make classroom` (workshop/classroom/classroom.py), which sets the CLASSROOM_* variables read
# below and keeps everything the hub writes in one folder (.classroom/ by default). See README.md beside
# this file for what each setting means to the library's IT person.
#
# Pieces, all stock JupyterHub:
#   authenticator  SharedPasswordAuthenticator: any name + the workshop password; the facilitator signs in
#                  with their admin name + the admin password and gets the admin page.
#   spawner        SimpleLocalProcessSpawner: one Jupyter server process per learner, in its own folder,
#                  run by the account that started the hub (no isolation between learners: see README.md),
#                  plus a memory cgroup per learner where the machine allows (memory_limit.py).
#   proxy          configurable-http-proxy from npm (node_modules/, installed by `npm ci`).
#   idle culler    jupyterhub-idle-culler as a hub-managed service with only the permissions it needs.
#   workbook       nbgitpuller in the learner environment; the link from `civicdata hub-link --classroom`.

import os
import sys
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import memory_limit  # noqa: E402  (beside this file)

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

RUNTIME = Path(os.environ["CLASSROOM_DIR"]).resolve()
VENV_BIN = Path(os.environ.get("CLASSROOM_VENV_BIN", ROOT / ".venv" / "bin"))
WORKBOOK_FOLDER = os.environ.get("CLASSROOM_WORKBOOK_FOLDER", "civic-data-workbook")

# --- Network: the public port (the proxy) and two internal ports, loopback only -----------------------
c.JupyterHub.ip = os.environ.get("CLASSROOM_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("CLASSROOM_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("CLASSROOM_HUB_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('CLASSROOM_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [str(ROOT / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(RUNTIME / "proxy.pid")
c.Spawner.ip = "127.0.0.1"
if os.environ.get("CLASSROOM_BASE_URL"):  # e.g. /jupyter/ when the library's proxy serves the hub there
    c.JupyterHub.base_url = os.environ["CLASSROOM_BASE_URL"]

# --- Everything the hub writes, in the one runtime folder ---------------------------------------------
c.JupyterHub.db_url = f"sqlite:///{RUNTIME / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(RUNTIME / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(RUNTIME / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server and the proxy

# --- Sign-in: one shared workshop password, set by the facilitator ------------------------------------
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["CLASSROOM_PASSWORD"]
c.SharedPasswordAuthenticator.admin_password = os.environ["CLASSROOM_ADMIN_PASSWORD"]
c.Authenticator.admin_users = {os.environ.get("CLASSROOM_ADMIN", "facilitator")}
c.Authenticator.allow_all = True  # any name may sign in with the workshop password
# Names become folder names: lower-case letters, digits, - and _ only (JupyterHub lower-cases them first).
c.Authenticator.username_pattern = r"^[a-z0-9][a-z0-9_-]{0,31}$"

# --- One folder and one Jupyter server per learner ----------------------------------------------------
MEM_LIMIT = memory_limit.parse_bytes(os.environ.get("CLASSROOM_MEM_LIMIT", "2G"))


class ClassroomSpawner(SimpleLocalProcessSpawner):
    """SimpleLocalProcessSpawner, plus: each learner's server starts inside its own memory cgroup."""

    def make_preexec_fn(self, name):
        make_folder_and_cd = super().make_preexec_fn(name)
        procs = memory_limit.learner_cgroup(RUNTIME, name, MEM_LIMIT)

        def preexec():
            make_folder_and_cd()
            if procs is not None:
                memory_limit.join(procs)

        return preexec

    async def stop(self, now=False):
        await super().stop(now=now)
        memory_limit.remove_learner(RUNTIME, self.user.name)


c.JupyterHub.spawner_class = ClassroomSpawner
c.SimpleLocalProcessSpawner.home_dir_template = str(RUNTIME / "learners" / "{username}")
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.args = ["--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
if os.geteuid() == 0:
    c.Spawner.args.append("--allow-root")
c.Spawner.mem_limit = MEM_LIMIT  # advisory (MEM_LIMIT variable); the cgroup above is what enforces it
c.Spawner.start_timeout = 180  # 30 learners signing in at once on a small machine take a while
c.Spawner.http_timeout = 120


def _workbook_on_path(spawner):
    # Notebooks import civicdata from the learner's own copy, so a re-pull also updates the helper package.
    return str(Path(spawner.home_dir) / WORKBOOK_FOLDER)


c.Spawner.environment = {
    "PYTHONPATH": _workbook_on_path,
    "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
    "VIRTUAL_ENV": str(VENV_BIN.parent),
}
# Passed through to learners' servers when the launcher sets them (tests: offline mode, fast activity).
for name in ("CIVICDATA_OFFLINE", "JUPYTERHUB_ACTIVITY_INTERVAL", "PYTHONHASHSEED", "MPLBACKEND"):
    if name in os.environ:
        c.Spawner.environment[name] = os.environ[name]
c.Spawner.env_keep = ["LANG", "LC_ALL"]  # nothing else of the hub's environment reaches learners

# --- Idle culling: a hub-managed service with only the scopes it needs --------------------------------
CULL_IDLE = int(os.environ.get("CLASSROOM_CULL_IDLE", "3600"))
CULL_EVERY = int(os.environ.get("CLASSROOM_CULL_EVERY", str(max(min(CULL_IDLE // 4, 300), 1))))
c.JupyterHub.last_activity_interval = int(os.environ.get("CLASSROOM_ACTIVITY_INTERVAL", "300"))
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "description": "Stop learners' servers after a time without activity (their files stay).",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={CULL_IDLE}",
                    f"--cull-every={CULL_EVERY}"],
    }
]

# --- Capacity: refuse more servers than the machine was sized for (0 = no limit) -----------------------
c.JupyterHub.active_server_limit = int(os.environ.get("CLASSROOM_MAX_LEARNERS", "0"))
