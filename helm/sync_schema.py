"""Refresh the settings names in helm/values.schema.json, copy it into every service chart, and
refresh what helm/parley-jobs/values.schema.json shares with it.

    just helm-schema        # .venv/bin/python helm/sync_schema.py

`config` and `secretEnv` keys must be settings some Parley service reads: the list is every
environment variable of `InfraSettings`, of `WorkerSettings` (every queue worker reads it) and of
each service's settings classes, less the variables the chart derives itself (`http.hostEnv` /
`http.portEnv` and the worker health address, set from `http` and `health`).

The jobs chart runs CronJobs, not a Deployment, so its values differ and it has a schema of its
own. The values it takes as the service charts do (among them all the environment files set) are
copied from helm/values.schema.json, and its setting names are those its commands read. tests/deploy
checks that both files equal what this script writes, and that the copies equal the first.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import msgspec

from parley_logger.settings import LoggerSettings
from parley_runtime.infra import InfraSettings
from parley_runtime.settings import env_names
from parley_runtime.worker_settings import WorkerSettings

HELM = Path(__file__).resolve().parent
ROOT = HELM.parent
SCHEMA = HELM / "values.schema.json"
JOBS = HELM / "parley-jobs"
JOBS_SETTINGS: tuple[type[msgspec.Struct], ...] = (InfraSettings, LoggerSettings)
"""What the jobs' commands, `parley backup` and `parley transcripts archive`, read."""
SHARED_WITH_JOBS = (
    "global",
    "parley-lib",
    "nameOverride",
    "fullnameOverride",
    "image",
    "imagePullSecrets",
    "aws",
    "config",
    "secretEnv",
    "serviceAccount",
    "podAnnotations",
    "podLabels",
    "priorityClassName",
    "tmpSizeLimit",
    "nodeSelector",
    "tolerations",
    "affinity",
)
"""Values the jobs chart takes as the service charts do."""


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
    """Every service chart under helm/: not the library chart (no values of its own), nor the jobs'."""
    return sorted(
        path.parent
        for path in HELM.glob("*/Chart.yaml")
        if "type: library" not in path.read_text() and path.parent != JOBS
    )


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def synced(text: str) -> str:
    """`text` (a values schema) with its setting names made those the services read today."""
    schema = json.loads(text)
    schema["definitions"]["settingName"]["enum"] = setting_names(schema)
    return render(schema)


def synced_jobs(text: str, shared_text: str) -> str:
    """`text` (the jobs chart's schema) with what it shares with `shared_text` (the service charts'
    schema) copied from it, and its setting names those the jobs' commands read today."""
    schema, shared = json.loads(text), json.loads(shared_text)
    for key in SHARED_WITH_JOBS:
        schema["properties"][key] = shared["properties"][key]
    schema["definitions"]["resources"] = shared["properties"]["resources"]
    for name in ("stringMap", "resourceList"):
        schema["definitions"][name] = shared["definitions"][name]
    names = {name for cls in JOBS_SETTINGS for name in env_names(cls).values()}
    schema["definitions"]["settingName"]["enum"] = sorted(names)
    return render(schema)


def main() -> None:
    text = synced(SCHEMA.read_text())
    schema = json.loads(text)
    SCHEMA.write_text(text)
    for chart in charts():
        (chart / "values.schema.json").write_text(text)
    jobs = JOBS / "values.schema.json"
    jobs.write_text(synced_jobs(jobs.read_text(), text))
    settings = len(schema["definitions"]["settingName"]["enum"])
    print(f"sync_schema: {settings} settings -> {len(charts())} charts; {jobs.relative_to(ROOT)} refreshed")


if __name__ == "__main__":
    main()
