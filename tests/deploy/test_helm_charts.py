"""Every chart lints, renders and validates against the Kubernetes schemas for dev, staging and prod,
and what it renders agrees with the services: ports, settings, queues, scaling, scheduling, security.
"""

from __future__ import annotations

import ipaddress
import itertools
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest

from parley_gateway.settings import GatewaySettings
from parley_messages import QUEUES
from parley_runtime.settings import load_settings
from parley_runtime.worker import SETTLE_SECONDS
from parley_runtime.worker_settings import WorkerSettings
from tests.deploy.charts import KUBERNETES_VERSIONS, Manifest, Render, environment_values, of_kind, one
from tests.deploy.deployables import (
    DEPLOYABLES,
    ENVIRONMENTS,
    HTTP_SERVICES,
    WORKERS,
    Deployable,
    listen_variables,
)

CUSTOM_KINDS = {"ScaledObject", "TriggerAuthentication"}
"""KEDA's kinds: no Kubernetes schema; checked field by field below."""
CASES = list(itertools.product(DEPLOYABLES, ENVIRONMENTS))
IDS = [f"{d.name}-{env}" for d, env in CASES]


def container(manifests: list[Manifest]) -> dict[str, Any]:
    (only,) = one(manifests, "Deployment")["spec"]["template"]["spec"]["containers"]
    return only


def process_environment(manifests: list[Manifest]) -> dict[str, str]:
    """Every variable the container gets: the ConfigMap's data and the secret references."""
    env = dict(one(manifests, "ConfigMap")["data"])
    env |= {item["name"]: "<secret>" for item in container(manifests).get("env", [])}
    return env


@pytest.mark.parametrize(("deployable", "environment"), CASES, ids=IDS)
def test_the_chart_lints_cleanly(built_charts, deployable: Deployable, environment: str) -> None:
    report = helm.lint(
        str(built_charts / deployable.chart),
        environment_values(deployable.chart, environment),
        strict=True,
        kube_version=f"v{KUBERNETES_VERSIONS[0]}.0",
    )
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert not report["errors"] and not problems, report


@pytest.mark.parametrize(("deployable", "environment"), CASES, ids=IDS)
def test_the_rendered_manifests_are_valid_kubernetes_objects(
    render: Render, deployable: Deployable, environment: str
) -> None:
    manifests = render(deployable.chart, environment)
    kinds = {m["kind"] for m in manifests}
    assert {"Deployment", "ConfigMap", "ServiceAccount"} <= kinds
    for manifest, version in itertools.product(manifests, KUBERNETES_VERSIONS):
        if manifest["kind"] in CUSTOM_KINDS:
            continue
        kubernetes_validate.validate(manifest, version, strict=True)


@pytest.mark.parametrize(("deployable", "environment"), CASES, ids=IDS)
def test_every_variable_the_release_sets_is_a_setting_of_its_service(
    render: Render, deployable: Deployable, environment: str
) -> None:
    env = process_environment(render(deployable.chart, environment))
    unknown = set(env) - deployable.variables
    assert not unknown, (
        f"{deployable.chart} sets variables {deployable.package} never reads: {sorted(unknown)}"
    )


@pytest.mark.parametrize(("deployable", "environment"), CASES, ids=IDS)
def test_a_release_runs_on_real_infrastructure_never_on_emulations(
    render: Render, deployable: Deployable, environment: str
) -> None:
    env = process_environment(render(deployable.chart, environment))
    assert env["PARLEY_BUS"] == "sqs"
    assert {"MONGODB_URL", "REDIS_URL", "PARLEY_BUCKET", "AWS_DEFAULT_REGION"} <= set(env)
    assert env["PARLEY_QUEUE_PREFIX"] == f"{environment}-"
    assert "AWS_ENDPOINT_URL" not in env


@pytest.mark.parametrize(("deployable", "environment"), CASES, ids=IDS)
def test_the_process_is_the_services_entry_point(
    render: Render, deployable: Deployable, environment: str
) -> None:
    assert container(render(deployable.chart, environment))["command"] == ["python", "-m", deployable.module]


@pytest.mark.parametrize(
    ("deployable", "environment"), list(itertools.product(HTTP_SERVICES, ENVIRONMENTS)), ids=str
)
def test_one_port_drives_the_process_the_container_the_service_and_the_probes(
    render: Render, deployable: Deployable, environment: str
) -> None:
    manifests = render(deployable.chart, environment)
    host_var, port_var = listen_variables(deployable.package) or ("", "")
    env = process_environment(manifests)
    assert env[host_var] == "0.0.0.0"
    assert env[port_var] == str(deployable.port)
    main = container(manifests)
    assert main["ports"] == [{"name": "http", "containerPort": deployable.port, "protocol": "TCP"}]
    (port,) = one(manifests, "Service")["spec"]["ports"]
    assert (port["port"], port["targetPort"]) == (deployable.port, "http")
    probes = {name: main[name] for name in ("startupProbe", "livenessProbe", "readinessProbe")}
    assert {probe["httpGet"]["port"] for probe in probes.values()} == {"http"}
    assert probes["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert probes["readinessProbe"]["httpGet"]["path"] == "/health/ready"


@pytest.mark.parametrize(
    ("deployable", "environment"), list(itertools.product(WORKERS, ENVIRONMENTS)), ids=str
)
def test_a_worker_has_no_service_and_is_probed_on_its_health_port(
    render: Render, deployable: Deployable, environment: str
) -> None:
    manifests = render(deployable.chart, environment)
    assert not of_kind(manifests, "Service")
    env = process_environment(manifests)
    assert (env["WORKER_HEALTH_HOST"], env["WORKER_HEALTH_PORT"]) == ("0.0.0.0", "8080")
    main = container(manifests)
    assert main["ports"] == [{"name": "health", "containerPort": 8080, "protocol": "TCP"}]
    assert main["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": "health"}
    assert main["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "health"}


@pytest.mark.parametrize(
    ("deployable", "environment"), list(itertools.product(WORKERS, ENVIRONMENTS)), ids=str
)
def test_a_workers_grace_period_is_its_drain_plus_settling_plus_five_seconds(
    render: Render, deployable: Deployable, environment: str
) -> None:
    manifests = render(deployable.chart, environment)
    drain = float(process_environment(manifests).get("WORKER_DRAIN_SECONDS", WorkerSettings().drain_seconds))
    grace = one(manifests, "Deployment")["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    # Shorter and the kubelet kills a worker while it acks; longer and a trainer's job is released
    # (and retried elsewhere) although the pod could have let it finish.
    assert grace == drain + SETTLE_SECONDS + 5


def test_the_services_find_each_other_at_their_release_names(render: Render) -> None:
    """Releases are named after their charts, so `http://parley-dialogue:8001` is the dialogue Service."""
    services = {
        f"http://{one(render(d.chart, 'prod'), 'Service')['metadata']['name']}:{d.port}"
        for d in HTTP_SERVICES
    }
    for deployable in DEPLOYABLES:
        env = process_environment(render(deployable.chart, "prod"))
        urls = {env[name] for name in ("DIALOGUE_URL", "NLU_URL") if name in env}
        assert urls <= services, f"{deployable.chart}: {urls - services} is no Parley Service"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_gateway_believes_the_load_balancers_forwarded_addresses(
    render: Render, environment: str
) -> None:
    """Behind the ALB the gateway's peer is an ALB node's private address: unless the release trusts
    it, every visitor counts as that one address in the per-address rate limit."""
    env = process_environment(render("parley-gateway", environment))
    settings = load_settings(GatewaySettings, {k: v for k, v in env.items() if v != "<secret>"})
    networks = [ipaddress.ip_network(entry) for entry in settings.forwarded_allow_ips]
    assert any(ipaddress.ip_address("10.0.3.17") in network for network in networks)
    assert not any(ipaddress.ip_address("203.0.113.1") in network for network in networks)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_dialogue_and_the_notifier_read_the_same_optional_webhook_secrets(
    render: Render, environment: str
) -> None:
    """Both send webhooks, so both need the values bots' headers name; a release without the
    Secret starts, and only the webhooks that name a secret fail."""
    refs = [
        next(
            item
            for item in container(render(chart, environment))["env"]
            if item["name"] == "PARLEY_WEBHOOK_SECRETS"
        )
        for chart in ("parley-dialogue", "parley-notifier")
    ]
    expected = {"name": "parley-webhooks", "key": "secrets.json", "optional": True}
    assert [ref["valueFrom"]["secretKeyRef"] for ref in refs] == [expected, expected]


@pytest.mark.parametrize(("deployable", "environment"), CASES, ids=IDS)
def test_pods_run_as_non_root_with_a_read_only_root_filesystem(
    render: Render, deployable: Deployable, environment: str
) -> None:
    manifests = render(deployable.chart, environment)
    pod = one(manifests, "Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    security = container(manifests)["securityContext"]
    assert security == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    assert container(manifests)["resources"]["requests"]["memory"]
    assert container(manifests)["resources"]["limits"]["memory"]


@pytest.mark.parametrize(("deployable", "environment"), CASES, ids=IDS)
def test_the_service_account_carries_the_services_own_irsa_role(
    render: Render, deployable: Deployable, environment: str
) -> None:
    manifests = render(deployable.chart, environment)
    account = one(manifests, "ServiceAccount")
    role = account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
    assert role.endswith(f":role/parley-{environment}-{deployable.name}")
    pod = one(manifests, "Deployment")["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == account["metadata"]["name"]


@pytest.mark.parametrize(("deployable", "environment"), CASES, ids=IDS)
def test_pods_get_no_service_link_variables(render: Render, deployable: Deployable, environment: str) -> None:
    """Kubernetes would give every pod PARLEY_GATEWAY_SERVICE_HOST, PARLEY_NLU_PORT_8002_TCP... for
    the releases' services: variables under Parley's prefixes that no setting reads (decision 132)."""
    pod = one(render(deployable.chart, environment), "Deployment")["spec"]["template"]["spec"]
    assert pod["enableServiceLinks"] is False


def test_a_config_change_rolls_the_pods(render: Render) -> None:
    values = environment_values("parley-gateway", "prod")
    before = render("parley-gateway", "prod")
    changed = values | {"config": {**values["config"], "PARLEY_LOG_LEVEL": "DEBUG"}}
    after = render("parley-gateway", "prod", values=changed)

    def checksum(manifests: list[Manifest]) -> str:
        return one(manifests, "Deployment")["spec"]["template"]["metadata"]["annotations"]["checksum/config"]

    assert checksum(before) != checksum(after)


def _replicas(manifests: list[Manifest]) -> tuple[int, int]:
    """(fewest, most) pods the release may run."""
    hpa = of_kind(manifests, "HorizontalPodAutoscaler")
    if hpa:
        return hpa[0]["spec"]["minReplicas"], hpa[0]["spec"]["maxReplicas"]
    scaled = of_kind(manifests, "ScaledObject")
    if scaled:
        return scaled[0]["spec"]["minReplicaCount"], scaled[0]["spec"]["maxReplicaCount"]
    replicas = one(manifests, "Deployment")["spec"]["replicas"]
    return replicas, replicas


@pytest.mark.parametrize("deployable", DEPLOYABLES, ids=str)
def test_dev_runs_one_pod_of_everything(render: Render, deployable: Deployable) -> None:
    manifests = render(deployable.chart, "dev")
    assert _replicas(manifests) == (1, 1)
    assert not of_kind(manifests, "PodDisruptionBudget")


@pytest.mark.parametrize("deployable", HTTP_SERVICES, ids=str)
def test_http_services_scale_on_cpu_from_two_in_staging_and_three_to_ten_in_prod(
    render: Render, deployable: Deployable
) -> None:
    for environment, expected in (("staging", (2, 4)), ("prod", (3, 10))):
        manifests = render(deployable.chart, environment)
        (metric,) = one(manifests, "HorizontalPodAutoscaler")["spec"]["metrics"]
        assert metric["resource"]["name"] == "cpu"
        assert _replicas(manifests) == expected
        assert "replicas" not in one(manifests, "Deployment")["spec"], "the HPA owns the replica count"
        assert one(manifests, "PodDisruptionBudget")["spec"]["maxUnavailable"] == 1


@pytest.mark.parametrize("deployable", WORKERS, ids=str)
def test_workers_scale_with_keda_on_their_own_queue(render: Render, deployable: Deployable) -> None:
    assert deployable.queue in QUEUES
    for environment in ("staging", "prod"):
        manifests = render(deployable.chart, environment)
        assert not of_kind(manifests, "HorizontalPodAutoscaler")
        scaled = one(manifests, "ScaledObject")
        auth = one(manifests, "TriggerAuthentication")
        deployment = one(manifests, "Deployment")
        assert "replicas" not in deployment["spec"], "KEDA owns the replica count"
        assert scaled["spec"]["scaleTargetRef"] == {"name": deployment["metadata"]["name"]}
        (trigger,) = scaled["spec"]["triggers"]
        assert trigger["type"] == "aws-sqs-queue"
        assert trigger["authenticationRef"] == {"name": auth["metadata"]["name"]}
        account = environment_values(deployable.chart, environment)["aws"]["accountId"]
        queue_url = f"https://sqs.us-east-1.amazonaws.com/{account}/{environment}-{deployable.queue}"
        assert trigger["metadata"]["queueURL"] == queue_url
        assert all(isinstance(value, str) for value in trigger["metadata"].values())
        assert auth["spec"] == {"podIdentity": {"provider": "aws", "identityOwner": "workload"}}
        low, high = _replicas(manifests)
        assert 0 <= low <= high


def test_logging_and_analytics_keep_three_workers_in_prod_and_scale_to_ten(render: Render) -> None:
    for name in ("parley-logger", "parley-analytics"):
        assert _replicas(render(name, "prod")) == (3, 10)


@pytest.mark.parametrize("chart", ["parley-nlu", "parley-nlu-trainer"])
def test_the_nlu_and_the_trainer_run_on_the_ml_node_pool(render: Render, chart: str) -> None:
    for environment in ("staging", "prod"):
        pod = one(render(chart, environment), "Deployment")["spec"]["template"]["spec"]
        assert pod["nodeSelector"] == {"parley.io/node-pool": "ml"}
        assert {
            "key": "parley.io/node-pool",
            "operator": "Equal",
            "value": "ml",
            "effect": "NoSchedule",
        } in pod["tolerations"]
    prod = one(render("parley-nlu", "prod"), "Deployment")["spec"]["template"]["spec"]
    assert prod["affinity"]["podAntiAffinity"]


@pytest.mark.parametrize("chart", [d.chart for d in DEPLOYABLES])
def test_a_release_without_infrastructure_settings_refuses_to_render(render: Render, chart: str) -> None:
    """Defaults alone would run on in-process emulations and lose data: Helm says what is missing."""
    with pytest.raises(helm.HelmRenderError, match="MONGODB_URL must be set"):
        render(chart, values={})


def test_cpu_autoscaling_and_keda_cannot_both_be_on(render: Render) -> None:
    values = environment_values("parley-logger", "prod")
    values["autoscaling"] = {
        "enabled": True,
        "minReplicas": 2,
        "maxReplicas": 3,
        "targetCPUUtilizationPercentage": 60,
    }
    with pytest.raises(helm.HelmRenderError, match="exclusive"):
        render("parley-logger", "prod", values=values)
