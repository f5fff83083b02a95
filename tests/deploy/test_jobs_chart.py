"""helm/parley-jobs lints, renders and validates for dev, staging and prod; its CronJobs run real
`parley` subcommands from the cli image, on real infrastructure, with only the settings those
commands read, as non-root pods with their own IRSA role.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest

from parley.cli import _parser as cli_parser  # the CLI's own parser: the chart cannot drift from it
from parley_logger.settings import LoggerSettings
from parley_runtime.infra import InfraSettings
from parley_runtime.settings import env_names
from tests.deploy.charts import (
    KUBERNETES_VERSIONS,
    Manifest,
    Render,
    cronjob_containers,
    cronjob_pod,
    environment_values,
    of_kind,
    one,
)
from tests.deploy.deployables import ENVIRONMENTS, JOBS_CHART, ROOT

SCHEDULES = {"parley-jobs-backup": "15 3 * * *", "parley-jobs-transcripts-archive": "30 0 * * *"}
"""Daily, UTC: the archive after midnight, the backup once the archive is done."""
INFRA = frozenset(env_names(InfraSettings).values())
READS = {("backup",): INFRA, ("transcripts", "archive"): INFRA | set(env_names(LoggerSettings).values())}
"""The variables each command reads (parley.cli: InfraSettings, and LoggerSettings for the archive)."""


def cronjobs(manifests: list[Manifest]) -> dict[str, Manifest]:
    return {cronjob["metadata"]["name"]: cronjob for cronjob in of_kind(manifests, "CronJob")}


def job_environment(manifests: list[Manifest], container: dict[str, Any]) -> dict[str, str]:
    """What a job's container gets: the release's ConfigMap, then its own variables."""
    env = dict(one(manifests, "ConfigMap")["data"])
    for item in container.get("env", []):
        env[item["name"]] = item.get("value", "<secret>")
    return env


def command_path(command: list[str]) -> tuple[str, ...]:
    """The subcommand a `parley` command line names, as parley.cli's parser reads it."""
    program, *arguments = command
    assert program == "parley"
    try:
        parsed = cli_parser().parse_args(arguments)
    except SystemExit:
        pytest.fail(f"{' '.join(command)!r} is not a parley command")
    action = getattr(parsed, "action", None)
    return (parsed.command, action) if action else (parsed.command,)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_chart_lints_cleanly(built_charts, environment: str) -> None:
    report = helm.lint(
        str(built_charts / JOBS_CHART),
        environment_values(JOBS_CHART, environment),
        strict=True,
        kube_version=f"v{KUBERNETES_VERSIONS[0]}.0",
    )
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert not report["errors"] and not problems, report


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_rendered_manifests_are_valid_kubernetes_objects(render: Render, environment: str) -> None:
    manifests = render(JOBS_CHART, environment)
    assert sorted(m["kind"] for m in manifests) == ["ConfigMap", "CronJob", "CronJob", "ServiceAccount"]
    for manifest, version in itertools.product(manifests, KUBERNETES_VERSIONS):
        kubernetes_validate.validate(manifest, version, strict=True)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_archive_runs_after_midnight_and_the_backup_after_it_every_day_in_utc(
    render: Render, environment: str
) -> None:
    jobs = cronjobs(render(JOBS_CHART, environment))
    assert {name: job["spec"]["schedule"] for name, job in jobs.items()} == SCHEDULES
    assert {job["spec"]["timeZone"] for job in jobs.values()} == {"Etc/UTC"}


def test_each_cronjob_runs_a_parley_subcommand_the_cli_parses(render: Render) -> None:
    commands = {
        container["name"]: command_path(container["command"])
        for container in cronjob_containers(render(JOBS_CHART, "prod"))
    }
    assert commands == {"backup": ("backup",), "transcripts-archive": ("transcripts", "archive")}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_runs_never_overlap_and_each_ends_well_before_the_next(render: Render, environment: str) -> None:
    for cronjob in cronjobs(render(JOBS_CHART, environment)).values():
        spec = cronjob["spec"]
        assert spec["concurrencyPolicy"] == "Forbid"
        assert 0 < spec["startingDeadlineSeconds"] <= 6 * 3600
        assert spec["successfulJobsHistoryLimit"] >= 1
        assert spec["failedJobsHistoryLimit"] >= 1
        job = spec["jobTemplate"]["spec"]
        assert 0 < job["backoffLimit"] <= 3
        # The deadline bounds the Job with its retries; a day is the period.
        assert 0 < job["activeDeadlineSeconds"] <= 12 * 3600
        assert cronjob_pod(cronjob)["restartPolicy"] == "Never"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_pods_run_as_non_root_with_a_read_only_root_filesystem_and_a_scratch_tmp(
    render: Render, environment: str
) -> None:
    for cronjob in cronjobs(render(JOBS_CHART, environment)).values():
        pod = cronjob_pod(cronjob)
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 10001
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod["enableServiceLinks"] is False  # no PARLEY_* service variables (decision 132)
        (container,) = pod["containers"]
        assert container["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        }
        assert container["resources"]["requests"]["memory"]
        assert container["resources"]["limits"]["memory"]
        assert container["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
        (volume,) = pod["volumes"]
        assert volume["name"] == "tmp" and "emptyDir" in volume


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_jobs_run_as_their_own_service_account_with_its_irsa_role(
    render: Render, environment: str
) -> None:
    manifests = render(JOBS_CHART, environment)
    account = one(manifests, "ServiceAccount")
    role = account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
    assert role.endswith(f":role/parley-{environment}-jobs")
    for cronjob in cronjobs(manifests).values():
        pod = cronjob_pod(cronjob)
        assert pod["serviceAccountName"] == account["metadata"]["name"] == "parley-jobs"
        assert pod["automountServiceAccountToken"] is False


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_job_gets_only_what_its_command_reads_and_runs_on_real_infrastructure(
    render: Render, environment: str
) -> None:
    manifests = render(JOBS_CHART, environment)
    shared = environment_values(JOBS_CHART, environment)
    for container in cronjob_containers(manifests):
        env = job_environment(manifests, container)
        unknown = set(env) - READS[command_path(container["command"])]
        assert not unknown, f"{container['name']} gets variables its command never reads: {sorted(unknown)}"
        assert env["PARLEY_BUCKET"] == shared["config"]["PARLEY_BUCKET"]
        assert env["MONGODB_URL"] == "<secret>"
        assert "AWS_ENDPOINT_URL" not in env
    (backup,) = [c for c in cronjob_containers(manifests) if c["name"] == "backup"]
    mongodb = next(item for item in backup["env"] if item["name"] == "MONGODB_URL")
    assert mongodb["valueFrom"]["secretKeyRef"] == {"name": "parley-infra", "key": "mongodb-url"}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_retention_reaches_only_the_archive_as_the_environment_sets_it(
    render: Render, environment: str
) -> None:
    manifests = render(JOBS_CHART, environment)
    chosen = environment_values(JOBS_CHART, environment).get("transcriptsArchive", {}).get("config", {})
    retention = {
        container["name"]: job_environment(manifests, container).get("LOGGER_RETENTION_DAYS")
        for container in cronjob_containers(manifests)
    }
    assert retention == {"backup": None, "transcripts-archive": chosen.get("LOGGER_RETENTION_DAYS")}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_image_is_the_cli_target_from_the_environments_registry_and_tag(
    render: Render, environment: str
) -> None:
    assert re.search(r"^FROM \S+ AS cli$", (ROOT / "docker" / "Dockerfile").read_text(), re.MULTILINE)
    image = environment_values(JOBS_CHART, environment)["image"]
    for container in cronjob_containers(render(JOBS_CHART, environment)):
        assert container["image"] == f"{image['registry']}/parley/cli:{image['tag']}"


def test_a_job_can_be_switched_off(render: Render) -> None:
    values = environment_values(JOBS_CHART, "prod")
    only_archive = render(JOBS_CHART, "prod", values=values | {"backup": {"enabled": False}})
    assert set(cronjobs(only_archive)) == {"parley-jobs-transcripts-archive"}
    neither = values | {"backup": {"enabled": False}, "transcriptsArchive": {"enabled": False}}
    assert not cronjobs(render(JOBS_CHART, "prod", values=neither))


@pytest.mark.parametrize("missing", ["MONGODB_URL", "PARLEY_BUCKET"])
def test_a_release_without_mongodb_or_a_bucket_refuses_to_render(render: Render, missing: str) -> None:
    """Without them the jobs would save an in-process emulation to the pod's disk, and succeed."""
    values = environment_values(JOBS_CHART, "prod")
    values["config"] = {k: v for k, v in values["config"].items() if k != missing}
    values["secretEnv"] = {k: v for k, v in values["secretEnv"].items() if k != missing}
    with pytest.raises(helm.HelmRenderError, match=f"{missing} must be set"):
        render(JOBS_CHART, "prod", values=values)


def test_a_jobs_setting_cannot_also_come_from_a_secret(render: Render) -> None:
    values = environment_values(JOBS_CHART, "prod")
    values["transcriptsArchive"] = {"config": {"MONGODB_URL": "mongodb://elsewhere"}}
    with pytest.raises(
        helm.HelmRenderError, match=re.escape("both in transcriptsArchive.config and in secretEnv")
    ):
        render(JOBS_CHART, "prod", values=values)
