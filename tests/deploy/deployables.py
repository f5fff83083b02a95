"""What the deployment files must agree on: one row per process Parley deploys.

Each deployable is one `python -m` entry point, one image target in docker/Dockerfile, one compose
service and one Helm chart (one release per environment). The settings it may be given are those
of `InfraSettings`, its service's own settings classes and, for a queue worker, `WorkerSettings`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import msgspec

from parley_runtime.infra import InfraSettings
from parley_runtime.settings import env_names
from parley_runtime.worker_settings import WorkerSettings

ROOT = Path(__file__).resolve().parents[2]
HELM = ROOT / "helm"
ENVIRONMENTS = ("dev", "staging", "prod")


@dataclass(frozen=True)
class Deployable:
    name: str
    """The compose service, the Dockerfile target and the chart `parley-<name>`."""
    module: str
    """What `python -m` runs."""
    package: str
    """The service package whose `settings` module the process reads."""
    port: int | None = None
    """The HTTP API's port; None for a queue worker."""
    queue: str | None = None
    """The queue a worker consumes."""

    @property
    def chart(self) -> str:
        return f"parley-{self.name}"

    @property
    def chart_dir(self) -> Path:
        return HELM / self.chart

    @property
    def is_worker(self) -> bool:
        return self.port is None

    @property
    def settings(self) -> tuple[type[msgspec.Struct], ...]:
        """The settings the process reads: infrastructure, its package's, and a worker's `WORKER_…`."""
        worker = (WorkerSettings,) if self.is_worker else ()
        return (InfraSettings, *settings_classes(self.package), *worker)

    @property
    def variables(self) -> frozenset[str]:
        """Every environment variable the process reads."""
        return frozenset(name for cls in self.settings for name in env_names(cls).values())


DEPLOYABLES = (
    Deployable("gateway", "parley_gateway", "parley_gateway", port=8000),
    Deployable("dialogue", "parley_dialogue", "parley_dialogue", port=8001),
    Deployable("nlu", "parley_nlu", "parley_nlu", port=8002),
    Deployable("nlu-trainer", "parley_nlu.trainer", "parley_nlu", queue="parley-training"),
    Deployable("logger", "parley_logger", "parley_logger", queue="parley-logger"),
    Deployable("analytics", "parley_analytics", "parley_analytics", queue="parley-analytics"),
    Deployable("notifier", "parley_dialogue.notifier", "parley_dialogue", queue="parley-notifications"),
)
BY_NAME = {deployable.name: deployable for deployable in DEPLOYABLES}
HTTP_SERVICES = tuple(d for d in DEPLOYABLES if not d.is_worker)
WORKERS = tuple(d for d in DEPLOYABLES if d.is_worker)

JOBS_CHART = "parley-jobs"
"""Not a deployable: the operators' scheduled `parley` commands (CronJobs), run from the `cli` image."""
CHARTS = (*(d.chart for d in DEPLOYABLES), JOBS_CHART)
"""Every application chart under helm/."""

BUILD_TOOLS = {
    "parley_nlu.export",
    # A developer CLI (scores a trained model on a dataset), run by hand like `export`, never deployed.
    "parley_nlu.evaluate",
}
"""Entry points that run while an image is built or by a developer, never as a deployment."""

INFRASTRUCTURE = ("mongodb", "redis", "localstack")
"""Compose services that stand in for Atlas, ElastiCache, SQS and S3."""


def settings_classes(package: str) -> list[type[msgspec.Struct]]:
    """The settings Structs a package defines in its `settings` module (none: infrastructure only)."""
    try:
        module = importlib.import_module(f"{package}.settings")
    except ModuleNotFoundError:
        return []
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, msgspec.Struct)
        and value.__module__ == module.__name__
    ]


@cache
def settings_of(package: str) -> frozenset[str]:
    """Every environment variable a process of `package` reads."""
    classes = [InfraSettings, *settings_classes(package)]
    return frozenset(name for cls in classes for name in env_names(cls).values())


def listen_variables(package: str) -> tuple[str, str] | None:
    """The (host, port) variables of a service's HTTP API, read from its settings."""
    names = settings_of(package) - settings_of("parley_runtime")
    hosts = sorted(n for n in names if n.endswith("_HOST"))
    ports = sorted(n for n in names if n.endswith("_PORT"))
    if not hosts and not ports:
        return None
    assert len(hosts) == len(ports) == 1, f"{package}: cannot tell the listen variables from {hosts} {ports}"
    return hosts[0], ports[0]
