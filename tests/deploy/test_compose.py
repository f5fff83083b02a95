"""compose.yaml: a valid Compose file that runs every deployable on MongoDB, Redis and LocalStack.

There is no Docker engine where CI runs, so `docker compose up` itself is not exercised here; the
file is checked against the Compose specification (compose-spec, strict) and against the services.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from compose_spec import PyCompose

from parley_runtime.settings import SettingsError, check_settings
from parley_runtime.worker import SETTLE_SECONDS
from parley_runtime.worker_settings import WorkerSettings
from tests.deploy.charts import load_yaml, merge, value_files
from tests.deploy.deployables import DEPLOYABLES, HTTP_SERVICES, INFRASTRUCTURE, ROOT, WORKERS, Deployable

COMPOSE = ROOT / "compose.yaml"
INIT_DIR = "localstack/init/ready.d"
INIT_SCRIPT = f"{INIT_DIR}/parley_init.py"
NOT_PARLEY_SETTINGS = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
"""Read by boto3 itself (LocalStack's dummy credentials), not by Parley's settings."""
_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def interpolate(text: str, environ: dict[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `${VAR:?message}`."""

    def replace(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        value = environ.get(name)
        if op in (":-", ":?") and not value:
            value = None
        if value is not None:
            return value
        if op and op.endswith("?"):
            raise ValueError(f"{name} is required: {arg}")
        return arg or ""

    return _VARIABLE.sub(replace, text.replace("$$", "\0")).replace("\0", "$")


def compose(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """compose.yaml as `docker compose config` sees it: interpolated, with YAML merge keys applied."""
    return yaml.safe_load(interpolate(COMPOSE.read_text(), environ or {}))


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {name: "" if value is None else str(value) for name, value in env.items()}


def test_the_file_satisfies_the_compose_specification() -> None:
    for environ in ({}, {"PARLEY_ADMIN_TOKEN": "t", "LOCALSTACK_IMAGE": "localstack/localstack:2026.3.0"}):
        PyCompose.from_yaml(yaml.safe_dump(compose(environ)))


def test_it_names_every_deployable_and_the_infrastructure() -> None:
    assert set(compose()["services"]) == {d.name for d in DEPLOYABLES} | set(INFRASTRUCTURE)


@pytest.mark.parametrize("deployable", DEPLOYABLES, ids=str)
def test_every_variable_a_service_gets_is_one_of_its_settings(deployable: Deployable) -> None:
    """`WORKER_…` variables included: a queue worker reads them, an HTTP service does not."""
    env = environment(compose()["services"][deployable.name])
    unknown = set(env) - deployable.variables - NOT_PARLEY_SETTINGS
    assert not unknown, f"compose gives {deployable.name} variables it never reads: {sorted(unknown)}"


@pytest.mark.parametrize("deployable", DEPLOYABLES, ids=str)
def test_every_service_accepts_the_values_compose_gives_it(deployable: Deployable) -> None:
    env = environment(compose()["services"][deployable.name])
    try:
        check_settings(*deployable.settings, environ=env)
    except SettingsError as exc:
        pytest.fail(f"{deployable.name} would refuse to start: {exc}")


@pytest.mark.parametrize("deployable", DEPLOYABLES, ids=str)
def test_every_service_uses_the_real_infrastructure(deployable: Deployable) -> None:
    env = environment(compose()["services"][deployable.name])
    assert env["PARLEY_BUS"] == "sqs"
    assert urlsplit(env["MONGODB_URL"]).hostname == "mongodb"
    assert urlsplit(env["REDIS_URL"]).hostname == "redis"
    assert urlsplit(env["AWS_ENDPOINT_URL"]).hostname == "localstack"
    assert env["PARLEY_BUCKET"]


@pytest.mark.parametrize("deployable", DEPLOYABLES, ids=str)
def test_every_service_is_built_from_its_own_image_target(deployable: Deployable) -> None:
    build = compose()["services"][deployable.name]["build"]
    assert build == {"context": ".", "dockerfile": "docker/Dockerfile", "target": deployable.name}


@pytest.mark.parametrize("deployable", DEPLOYABLES, ids=str)
def test_every_service_starts_after_the_infrastructure_is_healthy(deployable: Deployable) -> None:
    services = compose()["services"]
    depends = services[deployable.name]["depends_on"]
    for name in INFRASTRUCTURE:
        assert depends[name] == {"condition": "service_healthy"}
    for name, condition in depends.items():
        assert name in services, f"{deployable.name} depends on {name}, which compose does not define"
        if condition["condition"] == "service_healthy":
            assert "healthcheck" in services[name], f"{name} has no healthcheck to become healthy by"


def drain_seconds(env: dict[str, str]) -> float:
    """How long a worker with this environment lets in-flight messages finish when it is stopped."""
    return float(env.get("WORKER_DRAIN_SECONDS", WorkerSettings().drain_seconds))


@pytest.mark.parametrize("deployable", WORKERS, ids=str)
def test_docker_lets_a_stopping_worker_finish_its_drain(deployable: Deployable) -> None:
    service = compose()["services"][deployable.name]
    drain = drain_seconds(environment(service))
    grace = service.get("stop_grace_period", "10s")
    assert grace.endswith("s") and grace[:-1].isdigit(), f"write {deployable.name}'s grace in seconds"
    # The drain, then finished messages settle, then connections close (the Helm charts: exactly).
    assert int(grace[:-1]) >= drain + SETTLE_SECONDS + 5


@pytest.mark.parametrize("deployable", WORKERS, ids=str)
def test_a_worker_drains_as_long_as_its_production_release(deployable: Deployable) -> None:
    """A trainer stopped mid-training under compose finishes the job as a prod pod would."""
    values = load_yaml(deployable.chart_dir / "values.yaml")
    for path in value_files(deployable.chart, "prod"):
        values = merge(values, load_yaml(path) or {})
    production = drain_seconds({k: str(v) for k, v in values.get("config", {}).items()})
    assert drain_seconds(environment(compose()["services"][deployable.name])) == production


def test_upstream_urls_point_at_the_compose_services_and_their_ports() -> None:
    services = compose()["services"]
    ports = {d.name: d.port for d in HTTP_SERVICES}
    for deployable in DEPLOYABLES:
        env = environment(services[deployable.name])
        for name in ("DIALOGUE_URL", "NLU_URL"):
            if name in env:
                url = urlsplit(env[name])
                assert url.port == ports[url.hostname or ""], f"{deployable.name}: {name}={env[name]}"


@pytest.mark.parametrize("deployable", HTTP_SERVICES, ids=str)
def test_http_services_are_healthy_when_ready_on_their_own_port(deployable: Deployable) -> None:
    test = " ".join(compose()["services"][deployable.name]["healthcheck"]["test"])
    assert f"http://127.0.0.1:{deployable.port}/health/ready" in test


def test_only_the_gateway_and_localstack_are_published_and_only_on_loopback() -> None:
    published = {name: s["ports"] for name, s in compose()["services"].items() if "ports" in s}
    assert published == {"gateway": ["127.0.0.1:8000:8000"], "localstack": ["127.0.0.1:4566:4566"]}


def test_infrastructure_images_are_pinned() -> None:
    for name in INFRASTRUCTURE:
        image = compose()["services"][name]["image"]
        repository, _, tag = image.rpartition(":")
        assert repository and tag and tag != "latest", f"{name}: {image} is not pinned"
    assert compose()["services"]["localstack"]["image"] == "localstack/localstack:4.14.0"


def test_the_admin_api_has_no_default_credentials() -> None:
    gateway = environment(compose()["services"]["gateway"])
    assert gateway["PARLEY_ADMIN_TOKEN"] == ""
    assert environment(compose({"PARLEY_ADMIN_TOKEN": "chosen"})["services"]["gateway"])[
        "PARLEY_ADMIN_TOKEN"
    ] == ("chosen")


def test_localstack_runs_the_init_script_that_just_test_runs() -> None:
    localstack = compose()["services"]["localstack"]
    assert f"./{INIT_DIR}:/etc/localstack/init/ready.d:ro" in localstack["volumes"]
    assert sorted(p.name for p in (ROOT / INIT_DIR).iterdir() if not p.name.startswith(".")) == [
        "parley_init.py"
    ]
    assert f"$ROOT/{INIT_SCRIPT}" in (ROOT / "localstack" / "run.sh").read_text()
    assert "localstack/run.sh start" in (ROOT / "scripts" / "test.sh").read_text()


def test_localstack_creates_the_queues_and_bucket_the_services_use() -> None:
    services = compose()["services"]
    localstack = environment(services["localstack"])
    assert set(localstack["SERVICES"].split(",")) == {"sqs", "s3"}
    for deployable in DEPLOYABLES:
        env = environment(services[deployable.name])
        for name in ("PARLEY_BUCKET", "PARLEY_QUEUE_PREFIX", "AWS_DEFAULT_REGION"):
            assert env[name] == localstack[name], f"{deployable.name}: {name} differs from LocalStack's"
