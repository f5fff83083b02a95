"""The README's configuration table names every environment variable a process reads."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest

from parley.settings import EmbeddedSettings
from parley_dialogue.settings import DialogueSettings
from parley_gateway.settings import GatewaySettings
from parley_logger.settings import LoggerSettings
from parley_nlu.settings import NluSettings
from parley_runtime.infra import InfraSettings
from parley_runtime.settings import env_names
from parley_runtime.worker_settings import WorkerSettings

README = Path(__file__).resolve().parents[1] / "README.md"
SETTINGS: list[type[msgspec.Struct]] = [
    InfraSettings,
    WorkerSettings,
    GatewaySettings,
    DialogueSettings,
    NluSettings,
    LoggerSettings,
    EmbeddedSettings,
]


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda cls: cls.__name__)
def test_every_setting_is_documented_in_the_readme(settings: type[msgspec.Struct]) -> None:
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", README.read_text()))
    assert set(env_names(settings).values()) - documented == set()
