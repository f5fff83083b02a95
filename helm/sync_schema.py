"""Refresh the settings names in helm/values.schema.json and copy it into every service chart.

    just helm-schema        # .venv/bin/python helm/sync_schema.py

`config` and `secretEnv` keys must be settings some Parley service reads: the list is every
environment variable of `InfraSettings` and of each service's settings classes, less the listen
address variables (`http.hostEnv` / `http.portEnv` set those). tests/deploy checks that the copies
equal this file and that every name in it is still a setting.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import msgspec

from parley_runtime.infra import InfraSettings
from parley_runtime.settings import env_names

HELM = Path(__file__).resolve().parent
ROOT = HELM.parent
SCHEMA = HELM / "values.schema.json"


def settings_classes() -> list[type[msgspec.Struct]]:
    """InfraSettings and every settings Struct in `services/*/src/parley_*/settings.py`."""
    classes: list[type[msgspec.Struct]] = [InfraSettings]
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


def listen_variables(schema: dict) -> set[str]:
    http = schema["properties"]["http"]["properties"]
    return set(http["hostEnv"]["enum"]) | set(http["portEnv"]["enum"])


def setting_names(schema: dict) -> list[str]:
    names = {name for cls in settings_classes() for name in env_names(cls).values()}
    return sorted(names - listen_variables(schema))


def charts() -> list[Path]:
    """Every application chart under helm/ (the library chart has no values of its own)."""
    return sorted(
        path.parent for path in HELM.glob("*/Chart.yaml") if "type: library" not in path.read_text()
    )


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    schema = json.loads(SCHEMA.read_text())
    schema["definitions"]["settingName"]["enum"] = setting_names(schema)
    text = render(schema)
    SCHEMA.write_text(text)
    for chart in charts():
        (chart / "values.schema.json").write_text(text)
    print(
        f"sync_schema: {len(schema['definitions']['settingName']['enum'])} settings -> {len(charts())} charts"
    )


if __name__ == "__main__":
    main()
