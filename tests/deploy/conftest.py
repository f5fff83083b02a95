"""Fixtures of the deployment tests: the Helm charts, built once per session and rendered offline."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate.utils
import pytest

from tests.deploy.charts import Manifest, Render, environment_values, render_values
from tests.deploy.deployables import CHARTS, HELM


@pytest.fixture(scope="session")
def built_charts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of helm/ whose charts have the library chart in charts/ (`helm dependency build`)."""
    root = tmp_path_factory.mktemp("helm") / "helm"
    shutil.copytree(HELM, root, ignore=shutil.ignore_patterns("charts", "Chart.lock", "*.tgz"))
    for chart in CHARTS:
        helm.dependency_build(str(root / chart))
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


@pytest.fixture(scope="session", autouse=True)
def _schema_files_read_once() -> Iterator[None]:
    """kubernetes-validate reads its schema files on every call: read each once (ten times faster)."""
    with pytest.MonkeyPatch.context() as patch:
        read = cache(kubernetes_validate.utils.schema_contents)
        patch.setattr(kubernetes_validate.utils, "schema_contents", read)
        yield
