"""Fixtures of the deployment tests: the Helm charts, built once per session and rendered offline.

Charts render with `helm-python-sdk` (Helm's Go SDK, no binary, no cluster) exactly as a release
would: the environment's shared file, then the chart's values-<env>.yaml, over the chart's defaults.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
import yaml

from tests.deploy.deployables import DEPLOYABLES, HELM

Manifest = dict[str, Any]
Render = Callable[..., list[Manifest]]


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


def documents(rendered: dict[str, str]) -> list[Manifest]:
    return [doc for text in rendered.values() for doc in yaml.safe_load_all(text) if doc]


@pytest.fixture(scope="session")
def built_charts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of helm/ whose charts have the library chart in charts/ (`helm dependency build`)."""
    root = tmp_path_factory.mktemp("helm") / "helm"
    shutil.copytree(HELM, root, ignore=shutil.ignore_patterns("charts", "Chart.lock", "*.tgz"))
    for deployable in DEPLOYABLES:
        helm.dependency_build(str(root / deployable.chart))
    yield root


@pytest.fixture(scope="session")
def render(built_charts: Path) -> Render:
    """`render(chart, environment)` or `render(chart, values=...)`: the manifests, cached per input."""

    @cache
    def cached(chart: str, environment: str | None) -> tuple[Manifest, ...]:
        values = environment_values(chart, environment) if environment else {}
        return tuple(render_values(built_charts / chart, values, environment))

    def render_(chart: str, environment: str | None = None, *, values: dict[str, Any] | None = None):
        if values is not None:
            return render_values(built_charts / chart, values, environment)
        return [dict(doc) for doc in cached(chart, environment)]

    return render_


def render_values(chart_dir: Path, values: dict[str, Any], environment: str | None) -> list[Manifest]:
    with helm.Chart.load(str(chart_dir)) as chart:
        rendered = chart.render(
            values, name=chart_dir.name, namespace=f"parley-{environment or 'default'}", is_install=True
        )
    return documents(rendered)


def of_kind(manifests: list[Manifest], kind: str) -> list[Manifest]:
    return [m for m in manifests if m["kind"] == kind]


def one(manifests: list[Manifest], kind: str) -> Manifest:
    found = of_kind(manifests, kind)
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]
