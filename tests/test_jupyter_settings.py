"""The workbook's Jupyter settings (binder/jupyter/) name real settings and install without harm.

tests/test_jupyterlab.py shows a real JupyterLab serving them and culling a kernel; here: every setting
exists in JupyterLab's own schemas (a renamed one would otherwise be ignored without a word), every
server option is a real trait, and tools/jupyter_settings.py keeps what else an environment's
config file says.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest
from jupyter_server.services.kernels.kernelmanager import MappingKernelManager

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import jupyter_settings  # noqa: E402

SCHEMAS = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"


def lab_settings() -> dict:
    return json.loads(jupyter_settings.LAB_SETTINGS.read_text())


def server_config() -> dict:
    return json.loads(jupyter_settings.SERVER_CONFIG.read_text())


@pytest.mark.parametrize("plugin", sorted(lab_settings()))
def test_every_lab_setting_is_in_jupyterlabs_schema(plugin):
    package, _, name = plugin.partition(":")
    schema_file = SCHEMAS / package / f"{name}.json"
    assert schema_file.exists(), f"{plugin}: no such JupyterLab plugin in this JupyterLab"
    schema = json.loads(schema_file.read_text())
    for key, value in lab_settings()[plugin].items():
        assert key in schema["properties"], f"{plugin} has no setting {key!r}"
        jsonschema.validate(value, schema["properties"][key])


def test_the_settings_say_what_the_learner_setup_page_says():
    lab = lab_settings()
    assert lab["@jupyterlab/notebook-extension:tracker"]["kernelShutdown"] is True
    assert lab["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}
    cull = server_config()["MappingKernelManager"]
    assert cull == {"cull_idle_timeout": 1800, "cull_interval": 60, "cull_connected": True, "cull_busy": False}
    page = (ROOT / "workshop" / "learner-setup.md").read_text()
    assert "30 minutes" in page and "tools/jupyter_settings.py remove" in page


def test_every_server_option_is_a_kernel_manager_trait():
    traits = MappingKernelManager.class_trait_names()
    for key in server_config()["MappingKernelManager"]:
        assert key in traits


def test_install_keeps_the_rest_of_the_config_and_remove_takes_only_ours(tmp_path):
    config = jupyter_settings.server_config_path(tmp_path)
    config.parent.mkdir(parents=True)
    theirs = {"ServerApp": {"shutdown_no_activity_timeout": 3600},
              "MappingKernelManager": {"default_kernel_name": "python3"}}
    config.write_text(json.dumps(theirs))

    jupyter_settings.install(tmp_path)
    merged = json.loads(config.read_text())
    assert merged["ServerApp"] == theirs["ServerApp"]
    ours = server_config()["MappingKernelManager"]
    assert merged["MappingKernelManager"] == {"default_kernel_name": "python3", **ours}
    assert jupyter_settings.installed(tmp_path) == {"lab settings": True, "server config": True}

    jupyter_settings.remove(tmp_path)
    assert json.loads(config.read_text()) == theirs
    assert not jupyter_settings.lab_settings_path(tmp_path).exists()
    assert jupyter_settings.installed(tmp_path) == {"lab settings": False, "server config": False}


def test_remove_deletes_a_config_file_that_only_held_ours(tmp_path):
    jupyter_settings.install(tmp_path)
    jupyter_settings.remove(tmp_path)
    assert not jupyter_settings.server_config_path(tmp_path).exists()


def test_make_setup_installed_them_in_the_venv():
    state = jupyter_settings.installed(Path(sys.prefix))
    assert all(state.values()), f"{state}: run `.venv/bin/python tools/jupyter_settings.py install`"


def test_jupyter_server_loads_the_cull_settings_from_the_venv(monkeypatch, tmp_path):
    """Jupyter Server's own config loading, with an empty user folder, finds them in sys.prefix."""
    from jupyter_server.serverapp import ServerApp

    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path))
    monkeypatch.delenv("JUPYTER_CONFIG_PATH", raising=False)
    app = ServerApp()
    app.load_config_file()
    loaded = app.config.MappingKernelManager
    assert loaded.cull_idle_timeout == 1800 and loaded.cull_interval == 60
    assert loaded.cull_connected is True and loaded.cull_busy is False

