"""A variable under one of Parley's prefixes that no settings group of the process reads is warned
of at start, naming the one it most likely meant: `GATEWAY_PORT=8391` started on 8000 without a word."""

from __future__ import annotations

from typing import Annotated

import msgspec
import pytest
import structlog

from parley_runtime.errors import SettingsError
from parley_runtime.infra import InfraSettings
from parley_runtime.settings import NOT_SETTINGS, check_settings, env, unread_variables
from parley_runtime.worker_settings import WorkerSettings


class ListenSettings(msgspec.Struct, frozen=True, kw_only=True):
    host: Annotated[str, env("PARLEY_HOST")] = "127.0.0.1"
    port: Annotated[int, env("PARLEY_PORT")] = 8000
    static_dir: Annotated[str | None, env("GATEWAY_STATIC_DIR")] = None
    dialogue_url: Annotated[str | None, env("DIALOGUE_URL")] = None


class NluSettings(msgspec.Struct, frozen=True, kw_only=True):
    encoder: Annotated[str, env("NLU_ENCODER")] = "onnx-int8"
    port: Annotated[int, env("NLU_PORT")] = 8002


class DialogueSettings(msgspec.Struct, frozen=True, kw_only=True):
    port: Annotated[int, env("DIALOGUE_PORT")] = 8001


GROUPS = (InfraSettings, ListenSettings, NluSettings, DialogueSettings)


def test_a_variable_no_group_reads_is_warned_of_naming_the_setting_it_meant() -> None:
    with structlog.testing.capture_logs() as logs:
        check_settings(*GROUPS, environ={"GATEWAY_PORT": "8391", "PARLEY_DATA_DIR": "/tmp/p"})
    assert logs == [
        {
            "event": "settings.unread_variable",
            "log_level": "warning",
            "variable": "GATEWAY_PORT",
            "did_you_mean": "PARLEY_PORT",
        }
    ]


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("GATEWAY_PORT", "PARLEY_PORT"),  # the group reading GATEWAY_ names reads its port as PARLEY_PORT
        ("GATEWAY_HOST", "PARLEY_HOST"),
        ("NLU_ENCODERS", "NLU_ENCODER"),
        ("PARLEY_LOGLEVEL", "PARLEY_LOG_LEVEL"),
        ("PARLEY_DATADIR", "PARLEY_DATA_DIR"),
        ("DIALOGUE_PROT", "DIALOGUE_PORT"),
        ("GATEWAY_STATIC_DIRS", "GATEWAY_STATIC_DIR"),
        ("ANALYTICS_BUCKET", "PARLEY_BUCKET"),  # the only name that ends so
        ("LOGGER_SOMETHING", None),
    ],
)
def test_the_setting_meant_is_the_likeliest_name_read(name: str, meant: str | None) -> None:
    assert unread_variables(GROUPS, {name: "x"}) == [(name, meant)]


def test_every_variable_read_and_every_other_programs_is_left_alone() -> None:
    environ = {
        "PARLEY_PORT": "8391",
        "NLU_ENCODER": "torch",
        "REDIS_URL": "redis://",
        "AWS_REGION": "us-east-1",
        "HOME": "/root",
        "PARLEYX": "1",
        **dict.fromkeys(NOT_SETTINGS, "1"),
    }
    assert unread_variables(GROUPS, environ) == []


def test_an_empty_variable_changes_nothing_and_is_not_warned_of() -> None:
    assert unread_variables(GROUPS, {"GATEWAY_PORT": ""}) == []


def test_a_variable_read_by_another_group_of_the_process_is_read() -> None:
    environ = {"WORKER_CONCURRENCY": "4", "NLU_ENCODER": "torch"}
    assert unread_variables((InfraSettings, NluSettings, WorkerSettings), environ) == []
    assert unread_variables((InfraSettings, WorkerSettings), environ) == [("NLU_ENCODER", None)]


def test_the_warnings_come_sorted_before_any_refusal() -> None:
    environ = {"WORKER_CONCURENCY": "4", "NLU_PROT": "1", "PARLEY_PORT": "eighty"}
    with structlog.testing.capture_logs() as logs, pytest.raises(SettingsError, match="PARLEY_PORT"):
        check_settings(*GROUPS, WorkerSettings, environ=environ)
    assert [(log["variable"], log.get("did_you_mean")) for log in logs] == [
        ("NLU_PROT", "NLU_PORT"),
        ("WORKER_CONCURENCY", "WORKER_CONCURRENCY"),
    ]
