"""Fixtures of the deployment tests: the Helm charts, built once per session and rendered offline."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest

from tests.deploy.charts import Manifest, Render, environment_values, render_values
from tests.deploy.deployables import DEPLOYABLES, HELM


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
    """`render(chart, environment)` from the values files (cached), or `render(..., values=...)`."""

    @cache
    def from_files(chart: str, environment: str) -> tuple[Manifest, ...]:
        return tuple(render_values(built_charts / chart, environment_values(chart, environment), environment))

    def render_(
        chart: str, environment: str | None = None, *, values: dict[str, Any] | None = None
    ) -> list[Manifest]:
        if values is not None or environment is None:
            return render_values(built_charts / chart, values or {}, environment)
        return [dict(doc) for doc in from_files(chart, environment)]

    return render_
