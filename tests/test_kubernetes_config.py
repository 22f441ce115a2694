"""The Zero to JupyterHub config.yaml validates against the Helm chart's own schema, and a typo fails.

The chart's values.schema.yaml and values.yaml are vendored in workshop/classroom/kubernetes/z2jh-schema/
(provenance and licence in its README), so the test runs in any clone. As Helm does, config.yaml (and the
secrets file the README describes) is merged over the chart's defaults, maps key by key, lists replaced,
null removing a default; the result must validate (draft-07). Helm itself and a cluster are not available
here: what this cannot check is listed in workshop/classroom/kubernetes/README.md.
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
KUBE = ROOT / "workshop" / "classroom" / "kubernetes"
SCHEMA = KUBE / "z2jh-schema" / "values.schema.yaml"
DEFAULTS = KUBE / "z2jh-schema" / "values.yaml"
CONFIG = KUBE / "config.yaml"
EXAMPLE_SECRETS = {"hub": {"config": {"SharedPasswordAuthenticator": {
    "user_password": "example-workshop-password",
    "admin_password": "example-admin-password-of-32-characters-or-more"}}}}


def helm_merge(base: dict, override: dict) -> dict:
    """Helm's value merging: maps merged key by key, anything else replaced, null removes the key."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load(path: Path) -> dict:
    return copy.deepcopy(_parsed(path))


@functools.cache
def _parsed(path: Path) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: 3,000 lines of schema
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


@functools.cache
def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(_parsed(SCHEMA))


def errors(values: dict) -> list[str]:
    validator = _validator()
    return [f"{'.'.join(map(str, e.path)) or '(top)'}: {e.message}" for e in validator.iter_errors(values)]


@pytest.fixture(scope="module")
def values() -> dict:
    return helm_merge(helm_merge(load(DEFAULTS), load(CONFIG)), EXAMPLE_SECRETS)


def test_vendored_schema_is_the_chart_schema_and_the_defaults_validate():
    schema = load(SCHEMA)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    assert errors(load(DEFAULTS)) == []
    provenance = (KUBE / "z2jh-schema" / "README.md").read_text()
    assert re.search(r"commit\s+[0-9a-f]{40}", provenance) and "BSD 3-Clause" in provenance


def test_config_yaml_validates_against_the_chart_schema(values):
    assert errors(values) == []


def test_a_misspelt_key_fails_validation(values):
    for path, typo in [(("singleuser",), "memmory"), (("cull",), "timout"), (("singleuser", "memory"), "limt"),
                       (("hub",), "confg"), ((), "singeluser")]:
        broken = copy.deepcopy(values)
        where = broken
        for key in path:
            where = where[key]
        where[typo] = {"limit": "2G"} if typo != "timout" else 3600
        found = errors(broken)
        assert any(typo in message for message in found), (path, typo, found)


def test_a_wrong_type_fails_validation(values):
    broken = copy.deepcopy(values)
    broken["cull"]["timeout"] = "an hour"
    assert errors(broken)


def test_the_classroom_settings_are_there(values):
    hub = values["hub"]["config"]
    assert hub["JupyterHub"]["authenticator_class"] == "shared-password"
    assert hub["Authenticator"]["admin_users"] == ["facilitator"] and hub["Authenticator"]["allow_all"] is True
    assert "user_password" not in load(CONFIG)["hub"]["config"].get("SharedPasswordAuthenticator", {}), \
        "passwords belong in a secrets file outside git, not in config.yaml"
    single = values["singleuser"]
    assert single["memory"]["guarantee"] and single["memory"]["limit"]
    assert single["defaultUrl"] == "/lab"
    assert "gitpuller" in " ".join(single["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert single["extraEnv"]["PYTHONPATH"] == "/home/jovyan/civic-data-workbook"
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0


def test_memory_matches_the_classroom_hub_default():
    """One measured figure for both routes: the one-machine hub's default limit is the pods' limit."""
    classroom = (ROOT / "workshop" / "classroom" / "classroom.py").read_text()
    default = re.search(r'mem_limit: str = "([0-9]+)G"', classroom).group(1)
    assert load(CONFIG)["singleuser"]["memory"]["limit"] == f"{default}G"
