"""Settings and the composition root in embedded mode (in-process Mongo and Redis)."""

from __future__ import annotations

import pytest

from parley_dialogue.bootstrap import build_dialogue_service
from parley_dialogue.settings import DialogueSettings
from parley_dialogue.testing import ScriptedNlu
from parley_messages import ChatRequest
from parley_runtime.errors import SettingsError
from parley_runtime.infra import InfraSettings, connect_infra
from parley_runtime.settings import load_settings


def test_settings_come_from_the_environment():
    settings = load_settings(
        DialogueSettings, {"DIALOGUE_PORT": "9001", "PARLEY_WEBHOOK_ALLOW_NETWORKS": "10.0.0.0/8, ::1/128"}
    )
    assert settings.port == 9001
    assert [str(n) for n in settings.allowed_networks()] == ["10.0.0.0/8", "::1/128"]


def test_a_malformed_allowed_network_is_a_settings_error():
    with pytest.raises(SettingsError, match="PARLEY_WEBHOOK_ALLOW_NETWORKS"):
        DialogueSettings(webhook_allow_networks="10.0.0.0/8,nonsense").allowed_networks()


async def test_the_embedded_service_answers_a_turn(tmp_path):
    infra = await connect_infra(InfraSettings(data_dir=str(tmp_path)))
    try:
        service = await build_dialogue_service(infra, DialogueSettings(), ScriptedNlu())
        await service.put_bot(
            "b", b'{"intents": [{"id": "hi", "examples": ["hi"], "replies": ["Hello"]}]}', "application/json"
        )
        reply = await service.turn(ChatRequest(bot="b", text="/hi"))
        assert [m.text for m in reply.messages] == ["Hello"]
    finally:
        await infra.aclose()
