"""The Helm charts as the tests see them: the values a release gets, and its rendered manifests.

Charts render with `helm-python-sdk` (Helm's Go SDK, no binary, no cluster) exactly as a release
would: the environment's shared file, then the chart's values-<env>.yaml, over the chart's defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

from tests.deploy.deployables import HELM

KUBERNETES_VERSIONS = ("1.32", "1.35")
"""The oldest and newest Kubernetes versions EKS is expected to run Parley on."""

Manifest = dict[str, Any]
Render = Callable[..., list[Manifest]]
"""`render(chart, environment)` or `render(chart, environment, values=...)` (the `render` fixture)."""


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's merge of values files: maps merge key by key, anything else is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def value_files(chart: str, environment: str) -> list[Path]:
    """The files a release gets, in order (the same as deploy/argocd/ passes them)."""
    return [HELM / "environments" / f"{environment}.yaml", HELM / chart / f"values-{environment}.yaml"]


def environment_values(chart: str, environment: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for path in value_files(chart, environment):
        values = merge(values, load_yaml(path) or {})
    return values


def render_values(chart_dir: Path, values: dict[str, Any], environment: str | None) -> list[Manifest]:
    """Every object the chart renders for `values`, as a release named after the chart."""
    with helm.Chart.load(str(chart_dir)) as chart:
        rendered = chart.render(
            values, name=chart_dir.name, namespace=f"parley-{environment or 'default'}", is_install=True
        )
    return [doc for text in rendered.values() for doc in yaml.safe_load_all(text) if doc]


def of_kind(manifests: list[Manifest], kind: str) -> list[Manifest]:
    return [m for m in manifests if m["kind"] == kind]


def one(manifests: list[Manifest], kind: str) -> Manifest:
    found = of_kind(manifests, kind)
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def cronjob_pod(cronjob: Manifest) -> dict[str, Any]:
    """The pod spec a CronJob's Jobs run."""
    return cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def cronjob_containers(manifests: list[Manifest]) -> list[dict[str, Any]]:
    """The container of each CronJob among `manifests` (one each), in the order rendered."""
    found = []
    for cronjob in of_kind(manifests, "CronJob"):
        (only,) = cronjob_pod(cronjob)["containers"]
        found.append(only)
    return found
