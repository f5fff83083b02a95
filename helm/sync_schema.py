"""Refresh the settings names in helm/values.schema.json and copy it into every service chart.

    just helm-schema        # .venv/bin/python helm/sync_schema.py

`config` and `secretEnv` keys must be settings some Parley service reads: the list is every
environment variable of `InfraSettings`, of `WorkerSettings` (every queue worker reads it) and of
each service's settings classes, less the variables the chart derives itself (`http.hostEnv` /
`http.portEnv` and the worker health address, set from `http` and `health`). tests/deploy checks
that this file equals what this script writes, and that the copies equal this file.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import msgspec

from parley_runtime.infra import InfraSettings
from parley_runtime.settings import env_names
from parley_runtime.worker_settings import WorkerSettings

HELM = Path(__file__).resolve().parent
ROOT = HELM.parent
SCHEMA = HELM / "values.schema.json"


def settings_classes() -> list[type[msgspec.Struct]]:
    """InfraSettings, WorkerSettings and every settings Struct in `services/*/src/parley_*/settings.py`."""
    classes: list[type[msgspec.Struct]] = [InfraSettings, WorkerSettings]
    for path in sorted(ROOT.glob("services/*/src/parley_*/settings.py")):
        module = importlib.import_module(f"{path.parent.name}.settings")
        classes += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, msgspec.Struct)
            and value.__module__ == module.__name__
        ]
    return classes


HEALTH_VARIABLES = frozenset({"WORKER_HEALTH_HOST", "WORKER_HEALTH_PORT"})
"""Set from `health` by parley-lib's `parley.environment`, over any `config` value of the same name."""


def derived_variables(schema: dict[str, Any]) -> set[str]:
    """The variables the chart sets itself: where the HTTP API listens and where health is served."""
    http = schema["properties"]["http"]["properties"]
    return set(http["hostEnv"]["enum"]) | set(http["portEnv"]["enum"]) | HEALTH_VARIABLES


def setting_names(schema: dict[str, Any]) -> list[str]:
    names = {name for cls in settings_classes() for name in env_names(cls).values()}
    return sorted(names - derived_variables(schema))


def charts() -> list[Path]:
    """Every application chart under helm/ (the library chart has no values of its own)."""
    return sorted(
        path.parent for path in HELM.glob("*/Chart.yaml") if "type: library" not in path.read_text()
    )


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def synced(text: str) -> str:
    """`text` (a values schema) with its setting names made those the services read today."""
    schema = json.loads(text)
    schema["definitions"]["settingName"]["enum"] = setting_names(schema)
    return render(schema)


def main() -> None:
    text = synced(SCHEMA.read_text())
    schema = json.loads(text)
    SCHEMA.write_text(text)
    for chart in charts():
        (chart / "values.schema.json").write_text(text)
    print(
        f"sync_schema: {len(schema['definitions']['settingName']['enum'])} settings -> {len(charts())} charts"
    )


if __name__ == "__main__":
    main()
