"""Settings are read from the environment once, typed, with every problem reported together."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
import pytest

from parley_runtime.errors import SettingsError
from parley_runtime.infra import InfraSettings
from parley_runtime.settings import check_settings, env_names, load_settings


class Endpoint(msgspec.Struct, frozen=True):
    host: str
    port: int


class ServiceSettings(msgspec.Struct, frozen=True, kw_only=True):
    token: Annotated[str, msgspec.Meta(extra={"env": "SERVICE_TOKEN"})]
    workers: Annotated[int, msgspec.Meta(ge=1)] = 4
    ratio: float = 0.5
    debug: bool = False
    mode: Literal["fast", "exact"] = "fast"
    networks: list[str] = []
    ports: tuple[int, ...] = ()
    upstream: Endpoint | None = None
    label: str | None = None


def test_a_field_is_read_from_its_env_name_or_else_its_upper_cased_name() -> None:
    names = env_names(ServiceSettings)
    assert names["token"] == "SERVICE_TOKEN"
    assert names["workers"] == "WORKERS"


def test_unset_fields_take_their_defaults() -> None:
    settings = load_settings(ServiceSettings, {"SERVICE_TOKEN": "t"})
    assert settings == ServiceSettings(token="t")


def test_an_empty_variable_counts_as_unset() -> None:
    assert load_settings(ServiceSettings, {"SERVICE_TOKEN": "t", "WORKERS": "", "LABEL": ""}).workers == 4


def test_values_are_converted_to_the_field_types() -> None:
    environ = {
        "SERVICE_TOKEN": "t",
        "WORKERS": "16",
        "RATIO": "0.75",
        "DEBUG": "true",
        "MODE": "exact",
        "LABEL": "blue",
    }
    settings = load_settings(ServiceSettings, environ)
    assert (settings.workers, settings.ratio, settings.debug, settings.mode, settings.label) == (
        16,
        0.75,
        True,
        "exact",
        "blue",
    )


def test_lists_and_tuples_are_written_comma_separated() -> None:
    environ = {"SERVICE_TOKEN": "t", "NETWORKS": "10.0.0.0/8, 192.168.0.0/16", "PORTS": "80,443"}
    settings = load_settings(ServiceSettings, environ)
    assert settings.networks == ["10.0.0.0/8", "192.168.0.0/16"]
    assert settings.ports == (80, 443)


def test_structs_are_written_as_json() -> None:
    settings = load_settings(
        ServiceSettings, {"SERVICE_TOKEN": "t", "UPSTREAM": '{"host": "nlu", "port": 8080}'}
    )
    assert settings.upstream == Endpoint(host="nlu", port=8080)


def test_every_problem_is_reported_at_once() -> None:
    environ = {"WORKERS": "0", "RATIO": "half", "DEBUG": "maybe", "MODE": "slow", "PORTS": "80,http"}
    with pytest.raises(SettingsError) as raised:
        load_settings(ServiceSettings, environ)
    problems = raised.value.problems
    assert [problem.split(":")[0].split("=")[0] for problem in problems] == [
        "SERVICE_TOKEN",
        "WORKERS",
        "RATIO",
        "DEBUG",
        "MODE",
        "PORTS",
    ]
    assert problems[0] == "SERVICE_TOKEN: required but not set"
    assert "SERVICE_TOKEN" in str(raised.value) and "PORTS" in str(raised.value)


def test_infrastructure_settings_default_to_the_embedded_adapters() -> None:
    settings = load_settings(InfraSettings, {})
    assert (settings.mongodb_url, settings.redis_url, settings.bucket, settings.bus) == (
        None,
        None,
        None,
        "memory",
    )
    assert (settings.mongodb_database, settings.aws_region, settings.data_dir) == (
        "parley",
        "us-east-1",
        "var/data",
    )


def test_infrastructure_settings_use_the_shared_unprefixed_variables() -> None:
    environ = {
        "MONGODB_URL": "mongodb://db:27017",
        "REDIS_URL": "redis://cache:6379/0",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
        "PARLEY_BUS": "sqs",
        "PARLEY_QUEUE_PREFIX": "staging-",
        "PARLEY_BUCKET": "parley-staging",
    }
    settings = load_settings(InfraSettings, environ)
    assert (settings.mongodb_url, settings.redis_url, settings.aws_endpoint_url) == (
        "mongodb://db:27017",
        "redis://cache:6379/0",
        "http://127.0.0.1:4566",
    )
    assert (settings.bus, settings.queue_prefix, settings.bucket) == ("sqs", "staging-", "parley-staging")


def test_an_unknown_bus_is_a_settings_error_not_a_silent_fallback() -> None:
    with pytest.raises(SettingsError, match="PARLEY_BUS"):
        load_settings(InfraSettings, {"PARLEY_BUS": "SQS"})


class OtherSettings(msgspec.Struct, frozen=True, kw_only=True):
    workers: Annotated[int, msgspec.Meta(ge=1)] = 4
    port: int = 80


def test_every_problem_of_every_group_is_reported_at_once_and_each_once() -> None:
    environ = {"WORKERS": "0", "PORT": "http", "MODE": "slow"}
    with pytest.raises(SettingsError) as info:
        check_settings(ServiceSettings, OtherSettings, environ=environ)
    problems = info.value.problems
    assert [problem.split("=")[0].split(":")[0] for problem in problems] == [
        "SERVICE_TOKEN",
        "WORKERS",
        "MODE",
        "PORT",
    ]


def test_groups_without_problems_pass_the_check() -> None:
    check_settings(ServiceSettings, OtherSettings, environ={"SERVICE_TOKEN": "t"})
