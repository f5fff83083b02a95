"""The values schemas reject typos: one schema (helm/values.schema.json) copied into every service
chart, and the jobs chart's own, which shares its common parts."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import helm_python as helm
import jsonschema
import pytest

from tests.deploy.charts import Render, load_yaml, merge
from tests.deploy.deployables import (
    DEPLOYABLES,
    ENVIRONMENTS,
    HELM,
    JOBS_CHART,
)

SCHEMA = HELM / "values.schema.json"
JOBS_SCHEMA = HELM / JOBS_CHART / "values.schema.json"


def schema(path: Path = SCHEMA) -> dict:
    return json.loads(path.read_text())


@pytest.mark.parametrize("deployable", DEPLOYABLES, ids=str)
def test_every_chart_carries_the_one_schema(deployable) -> None:
    copy = deployable.chart_dir / "values.schema.json"
    assert copy.read_text() == SCHEMA.read_text(), f"{copy} is stale: run `just helm-schema`"


@pytest.mark.parametrize("path", [SCHEMA, JOBS_SCHEMA], ids=["services", "jobs"])
def test_the_schema_rejects_unknown_keys_at_every_level_parley_defines(path: Path) -> None:
    def objects(node: object, path: str = "$"):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                yield path, node
            for key, value in node.items():
                yield from objects(value, f"{path}.{key}")

    open_objects = [
        where for where, node in objects(schema(path)) if node.get("additionalProperties") is not False
    ]
    assert not open_objects


def sync_schema() -> ModuleType:
    """helm/sync_schema.py, the script `just helm-schema` runs (helm/ is not a package)."""
    spec = importlib.util.spec_from_file_location("sync_schema", HELM / "sync_schema.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_schema_is_what_sync_schema_writes() -> None:
    text = SCHEMA.read_text()
    assert sync_schema().synced(text) == text, "the setting names are stale: run `just helm-schema`"


def test_the_jobs_schema_is_what_sync_schema_writes() -> None:
    text = JOBS_SCHEMA.read_text()
    synced = sync_schema().synced_jobs(text, SCHEMA.read_text())
    assert synced == text, f"{JOBS_SCHEMA} is stale: run `just helm-schema`"


def test_sync_schema_copies_the_service_schema_into_the_service_charts_only() -> None:
    assert {chart.name for chart in sync_schema().charts()} == {d.chart for d in DEPLOYABLES}


def test_every_setting_name_the_schema_allows_is_read_by_some_service() -> None:
    allowed = set(schema()["definitions"]["settingName"]["enum"])
    known = set().union(*(d.variables for d in DEPLOYABLES))
    assert allowed, "run `just helm-schema` to fill the setting names"
    assert allowed <= known, f"not settings of any service: {sorted(allowed - known)}"


def _every_values_file() -> list[Path]:
    files = [HELM / "environments" / f"{env}.yaml" for env in ENVIRONMENTS]
    for chart_dir in [d.chart_dir for d in DEPLOYABLES] + [HELM / JOBS_CHART]:
        files += [chart_dir / "values.yaml"]
        files += [chart_dir / f"values-{env}.yaml" for env in ENVIRONMENTS]
    return files


@pytest.mark.parametrize("chart", [d.chart for d in DEPLOYABLES] + [JOBS_CHART])
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_environments_values_satisfy_the_schema(chart: str, environment: str) -> None:
    values = load_yaml(HELM / chart / "values.yaml")
    for path in (HELM / "environments" / f"{environment}.yaml", HELM / chart / f"values-{environment}.yaml"):
        values = merge(values, load_yaml(path))
    values["parley-lib"] = {}
    jsonschema.Draft7Validator(schema(HELM / chart / "values.schema.json")).validate(values)


def test_every_values_file_is_covered() -> None:
    on_disk = {p for p in HELM.glob("*/values*.yaml")} | set(HELM.glob("environments/*.yaml"))
    assert on_disk == set(_every_values_file())


TYPOS = [
    # (file under helm/, text, the same text with a typo, what Helm's error names)
    ("parley-gateway/values-prod.yaml", "maxReplicas: 10", "maxReplica: 10", "'maxReplica'"),
    ("parley-gateway/values-prod.yaml", "zoneSpread:", "zoneSpred:", "'zoneSpred'"),
    ("parley-nlu/values-prod.yaml", "nodeSelector:", "nodeSelecter:", "'nodeSelecter'"),
    (
        "parley-logger/values-staging.yaml",
        "messagesPerReplica:",
        "messagesPerReplicas:",
        "'messagesPerReplicas'",
    ),
    (
        "parley-gateway/values-dev.yaml",
        "roleArn: arn:aws:iam::",
        "roleArn: arn:aws:iam:",
        "/serviceAccount/roleArn",
    ),
    ("parley-gateway/values-dev.yaml", "requests: {cpu: 100m", "request: {cpu: 100m", "'request'"),
    ("environments/prod.yaml", "PARLEY_BUCKET:", "PARLEY_BUKET:", "'PARLEY_BUKET'"),
    ("environments/prod.yaml", "key: mongodb-url", "kye: mongodb-url", "'kye'"),
    ("parley-jobs/values-dev.yaml", "transcriptsArchive:", "transcriptArchive:", "'transcriptArchive'"),
    (
        "parley-jobs/values-dev.yaml",
        "LOGGER_RETENTION_DAYS:",
        "LOGGER_RETENTION_DAY:",
        "'LOGGER_RETENTION_DAY'",
    ),
    (
        "parley-jobs/values-prod.yaml",
        "role/parley-prod-jobs",
        "role/parley prod jobs",
        "/serviceAccount/roleArn",
    ),
]


@pytest.mark.parametrize(
    ("relative", "text", "typo", "named"), TYPOS, ids=[t[2].split(":")[0] for t in TYPOS]
)
def test_a_typo_in_a_values_file_fails_the_schema_check(
    render: Render, tmp_path: Path, relative: str, text: str, typo: str, named: str
) -> None:
    original = (HELM / relative).read_text()
    assert text in original, f"{relative} no longer contains {text!r}: update this test"
    broken = tmp_path / Path(relative).name
    broken.write_text(original.replace(text, typo, 1))
    chart = (
        relative.split("/", maxsplit=1)[0] if not relative.startswith("environments/") else "parley-gateway"
    )
    environment = Path(relative).stem.removeprefix("values-")
    files = [HELM / "environments" / f"{environment}.yaml", HELM / chart / f"values-{environment}.yaml"]
    values: dict = {}
    for path in files:
        values = merge(values, load_yaml(broken if path == HELM / relative else path))

    with pytest.raises(helm.HelmValuesError, match=re.escape(named)):
        render(chart, environment, values=values)
