"""deploy/argocd: the ApplicationSet yields one Application per chart (every service's, and the
jobs') and environment, each pointing at a chart and value files that exist, in the order the chart
tests render them; the project allows every kind of object those charts render.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.charts import Manifest, Render, value_files
from tests.deploy.deployables import CHARTS, ENVIRONMENTS, ROOT

ARGOCD = ROOT / "deploy" / "argocd"
_FIELD = re.compile(r"\{\{\s*\.(\w+)\s*\}\}")


def manifest(name: str) -> dict[str, Any]:
    return yaml.safe_load((ARGOCD / name).read_text())


def parameter_sets(generator: dict[str, Any]) -> list[dict[str, str]]:
    """The parameters a list or matrix generator produces."""
    if "list" in generator:
        return list(generator["list"]["elements"])
    if "matrix" in generator:
        left, right = (parameter_sets(g) for g in generator["matrix"]["generators"])
        return [a | b for a, b in itertools.product(left, right)]
    raise AssertionError(f"unexpected generator {sorted(generator)}")


def fill(node: Any, parameters: dict[str, str]) -> Any:
    """The template with `{{.name}}` replaced, as Argo CD's Go templates would (missingkey=error)."""
    if isinstance(node, dict):
        return {key: fill(value, parameters) for key, value in node.items()}
    if isinstance(node, list):
        return [fill(item, parameters) for item in node]
    if isinstance(node, str):
        return _FIELD.sub(lambda m: parameters[m.group(1)], node)
    return node


def applications() -> list[dict[str, Any]]:
    appset = manifest("applicationset.yaml")
    assert appset["spec"]["goTemplate"] is True
    assert appset["spec"]["goTemplateOptions"] == ["missingkey=error"]
    (generator,) = appset["spec"]["generators"]
    return [fill(appset["spec"]["template"], p) for p in parameter_sets(generator)]


def group_kind(manifest: Manifest) -> tuple[str, str]:
    """The (group, kind) pair an AppProject's whitelists name: `batch/v1` is in group `batch`, and
    `v1`, the core API, in group ""."""
    group, _, _version = manifest["apiVersion"].rpartition("/")
    return group, manifest["kind"]


def test_one_application_per_chart_and_environment() -> None:
    names = sorted(app["metadata"]["name"] for app in applications())
    assert names == sorted(f"{chart}-{env}" for chart, env in itertools.product(CHARTS, ENVIRONMENTS))


def test_each_application_installs_its_chart_as_its_own_release_with_existing_value_files() -> None:
    for app in applications():
        source = app["spec"]["source"]
        chart_dir = ROOT / source["path"]
        assert chart_dir.name in CHARTS and (chart_dir / "Chart.yaml").exists()
        assert source["helm"]["releaseName"] == chart_dir.name
        environment = app["metadata"]["labels"]["parley.io/environment"]
        files = [(chart_dir / f).resolve() for f in source["helm"]["valueFiles"]]
        assert files == [Path(p).resolve() for p in value_files(chart_dir.name, environment)]
        assert all(f.is_relative_to(ROOT) and f.exists() for f in files)
        assert app["spec"]["destination"]["namespace"] == f"parley-{environment}"


def test_the_project_admits_every_application_and_what_the_charts_render() -> None:
    project = manifest("project.yaml")["spec"]
    destinations = {(d["name"], d["namespace"]) for d in project["destinations"]}
    for app in applications():
        assert app["spec"]["project"] == manifest("project.yaml")["metadata"]["name"]
        assert app["spec"]["source"]["repoURL"] in project["sourceRepos"]
        destination = app["spec"]["destination"]
        assert (destination["name"], destination["namespace"]) in destinations


def test_the_project_lists_every_kind_the_charts_render(render: Render) -> None:
    whitelist = manifest("project.yaml")["spec"]["namespaceResourceWhitelist"]
    allowed = {(entry["group"], entry["kind"]) for entry in whitelist}
    for chart, environment in itertools.product(CHARTS, ENVIRONMENTS):
        kinds = {group_kind(m) for m in render(chart, environment)}
        assert kinds <= allowed, f"{chart} ({environment}) renders {sorted(kinds - allowed)}"
