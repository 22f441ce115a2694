"""Install the workbook's JupyterLab and Jupyter Server settings into a Python environment.

Two files in binder/jupyter/, put where Jupyter reads an environment's own defaults:

* ``lab-settings.json`` -> ``{prefix}/share/jupyter/lab/settings/overrides.d/civic-data-workbook.json``:
  JupyterLab's default settings for this environment (a learner's own choices in *Settings* still win).
  A notebook's kernel shuts down when its tab is closed (``kernelShutdown``), and JupyterLab neither asks
  about nor fetches Jupyter news, nor checks for updates (``fetchNews``, ``checkForUpdates``).
  ``overrides.d/`` is read file by file (jupyterlab_server), so ours sits beside any other package's and
  never replaces the ``overrides.json`` of the person or hub that owns the environment.
* ``server-config.json`` -> merged into ``{prefix}/etc/jupyter/jupyter_server_config.json``: the Jupyter
  Server culls kernels idle for 30 minutes, checked every minute, even with their notebook open, but
  never a kernel that is running a cell. (Jupyter Server reads ``jupyter_server_config.d/`` only to
  enable extensions, so this one has to go into the environment's single config file: only our keys are
  set, and ``remove`` takes out only those.) A config file in the user's own folder (``~/.jupyter``) or an
  option on the command line still wins.

``make setup`` and ``make lab`` run ``install`` for the workbook's .venv; binder/postBuild does on Binder.

Usage:
    python tools/jupyter_settings.py install     # into this Python's environment (sys.prefix)
    python tools/jupyter_settings.py show        # where they go, and whether they are there
    python tools/jupyter_settings.py remove      # take them out again (Jupyter's plain defaults)
    python tools/jupyter_settings.py install --prefix /srv/conda/envs/notebook
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "binder" / "jupyter"
LAB_SETTINGS = SOURCE / "lab-settings.json"
SERVER_CONFIG = SOURCE / "server-config.json"


def lab_settings_path(prefix: Path) -> Path:
    return prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "civic-data-workbook.json"


def server_config_path(prefix: Path) -> Path:
    return prefix / "etc" / "jupyter" / "jupyter_server_config.json"


def _read(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def _write(path: Path, config: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=2) + "\n")


def install(prefix: Path) -> list[Path]:
    """Write both; in the server config file, set our keys and keep everything else."""
    _write(lab_settings_path(prefix), _read(LAB_SETTINGS))
    config = _read(server_config_path(prefix))
    for section, values in _read(SERVER_CONFIG).items():
        config.setdefault(section, {}).update(values)
    _write(server_config_path(prefix), config)
    return [lab_settings_path(prefix), server_config_path(prefix)]


def remove(prefix: Path) -> list[Path]:
    """Delete our lab settings file and our keys from the server config file."""
    changed = []
    if lab_settings_path(prefix).exists():
        lab_settings_path(prefix).unlink()
        changed.append(lab_settings_path(prefix))
    path = server_config_path(prefix)
    config = _read(path)
    if config:
        for section, values in _read(SERVER_CONFIG).items():
            for key in values:
                config.get(section, {}).pop(key, None)
            if section in config and not config[section]:
                del config[section]
        if config:
            _write(path, config)
        else:
            path.unlink()
        changed.append(path)
    return changed


def installed(prefix: Path) -> dict[str, bool]:
    """Whether each part is installed exactly as the workbook ships it."""
    server = _read(server_config_path(prefix))
    return {
        "lab settings": _read(lab_settings_path(prefix)) == _read(LAB_SETTINGS),
        "server config": all(server.get(section, {}).get(key) == value
                             for section, values in _read(SERVER_CONFIG).items() for key, value in values.items()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["install", "remove", "show"])
    parser.add_argument("--prefix", type=Path, default=Path(sys.prefix),
                        help="the Python environment to change (default: this one, %(default)s)")
    args = parser.parse_args(argv)
    if args.action == "install":
        for path in install(args.prefix):
            print(f"Jupyter settings: {path}")
    elif args.action == "remove":
        removed = remove(args.prefix)
        print("\n".join(f"removed the workbook's settings from {path}" for path in removed) or "nothing to remove")
    else:
        state = installed(args.prefix)
        for part, path in [("lab settings", lab_settings_path(args.prefix)),
                           ("server config", server_config_path(args.prefix))]:
            print(f"{part:<13} {path}: {'installed' if state[part] else 'not installed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
