"""The public edge: strict bodies with precise messages, size limits, upstream timeouts, errors
without stack traces, correlation ids and metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from parley_gateway.bootstrap import app_for
from parley_gateway.chat import turn_completed
from parley_messages import ChatReply, ChatRequest, IntentScore, OutMessage
from parley_runtime.errors import DeadlineExceededError
from parley_runtime.infra import Infra

Client = AsyncTestClient[Litestar]
CHAT = "/api/v1/bots/pizzeria/chat"


async def test_an_unknown_field_is_named_in_the_400(client: Client) -> None:
    response = await client.post(CHAT, json={"text": "hi", "colour": "red"})
    assert response.status_code == 400
    assert "colour" in response.json()["error"]["details"][0]["message"]


async def test_a_wrong_typed_field_is_named_in_the_400(client: Client) -> None:
    response = await client.post(CHAT, json={"text": 5})
    detail = response.json()["error"]["details"][0]
    assert response.status_code == 400
    assert (detail["key"], detail["message"]) == ("text", "Expected `str`, got `int`")


async def test_malformed_json_is_invalid_input(client: Client) -> None:
    response = await client.post(CHAT, content=b"{nope", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


async def test_a_chat_body_over_the_frame_limit_answers_413(client: Client) -> None:
    response = await client.post(CHAT, json={"text": "x" * 200_000})
    assert response.status_code == 413


async def test_a_slow_bot_gets_a_clear_timeout(
    make_gateway: Callable[..., Awaitable[object]], infra: Infra, dialogue: object
) -> None:
    never = asyncio.Event()
    dialogue.hold = never.wait  # type: ignore[attr-defined]
    gateway = await make_gateway(upstream_timeout_seconds=0.05)
    async with AsyncTestClient(app_for(gateway, infra)) as client:  # type: ignore[arg-type]
        response = await client.post(CHAT, json={"text": "hi"})
    assert response.status_code == 504
    assert response.json()["error"] == {
        "code": "timeout",
        "message": "the bot took too long to answer; please try again",
        "details": None,
    }


async def test_the_dialogue_hears_how_long_the_gateway_waits(
    make_gateway: Callable[..., Awaitable[object]], infra: Infra, dialogue: object
) -> None:
    gateway = await make_gateway(upstream_timeout_seconds=2.5)
    async with AsyncTestClient(app_for(gateway, infra)) as client:  # type: ignore[arg-type]
        assert (await client.post(CHAT, json={"text": "hi"})).status_code == 200
    assert dialogue.requests[-1].timeout_ms == 2500  # type: ignore[attr-defined]


async def test_a_turn_the_dialogue_gave_up_for_its_deadline_is_a_timeout(
    client: Client, dialogue: object
) -> None:
    async def give_up() -> None:
        raise DeadlineExceededError("the turn took longer than its caller waits; nothing was changed")

    dialogue.hold = give_up  # type: ignore[attr-defined]
    response = await client.post(CHAT, json={"text": "hi"})
    assert response.status_code == 504
    assert response.json()["error"]["message"] == "the bot took too long to answer; please try again"


async def test_an_unexpected_failure_shows_no_stack_trace(client: Client, dialogue: object) -> None:
    async def explode() -> None:
        raise RuntimeError("secret internals at /srv/app.py line 12")

    dialogue.hold = explode  # type: ignore[attr-defined]
    response = await client.post(CHAT, json={"text": "hi"})
    assert response.status_code == 500
    assert response.json()["error"]["message"] == "internal error"
    assert "Traceback" not in response.text and "secret" not in response.text


async def test_a_sane_correlation_id_follows_the_turn(client: Client, dialogue: object) -> None:
    response = await client.post(CHAT, json={"text": "hi"}, headers={"x-correlation-id": "req-42"})
    assert response.headers["x-correlation-id"] == "req-42"
    assert dialogue.requests[-1].correlation_id == "req-42"  # type: ignore[attr-defined]


async def test_an_insane_correlation_id_is_replaced(client: Client) -> None:
    response = await client.post(CHAT, json={"text": "hi"}, headers={"x-correlation-id": "a b\\c"})
    assert response.headers["x-correlation-id"] != "a b\\c"
    assert len(response.headers["x-correlation-id"]) == 32


def test_the_turn_completed_event_carries_the_correlation_id() -> None:
    request = ChatRequest(bot="b", text="hi", correlation_id="req-43")
    reply = ChatReply(conversation_id="c", messages=[OutMessage(text="hello")])
    assert turn_completed(request, reply, 3.0).correlation_id == "req-43"


def test_the_turn_completed_event_counts_the_bots_own_fallback() -> None:
    """A bot's fallback intent may have any name; an intent named `fallback` may be an answer."""
    request = ChatRequest(bot="b", text="??")
    not_understood = IntentScore(name="not_understood", confidence=0.2)
    fell_back = ChatReply(conversation_id="c", messages=[], intent=not_understood, fallback=True)
    named_fallback = IntentScore(name="fallback", confidence=1.0)
    answered = ChatReply(conversation_id="c", messages=[], intent=named_fallback)
    assert turn_completed(request, fell_back, 3.0).fallback
    assert not turn_completed(request, answered, 3.0).fallback


def test_the_turn_completed_event_says_who_chose_the_intent() -> None:
    """Analytics' mean confidence counts only the turns whose intent the NLU read."""
    request = ChatRequest(bot="b", text="large")
    book = IntentScore(name="book", confidence=0.04)
    answer = ChatReply(conversation_id="c", messages=[], intent=book, intent_source="form")
    assert turn_completed(request, answer, 3.0).intent_source == "form"


async def test_metrics_count_turns_and_errors(client: Client) -> None:
    await client.post(CHAT, json={"text": "hi"})
    await client.get("/api/v1/bots")
    response = await client.get("/metrics")
    assert response.headers["content-type"] == "text/plain; version=1.0.0; charset=utf-8"
    text = response.text
    assert 'parley_turn_seconds_count{channel="rest"} 1.0' in text
    assert 'parley_upstream_seconds_count{operation="turn",upstream="dialogue"} 1.0' in text
    assert 'parley_errors_total{code="unauthorized"} 1.0' in text


async def test_ready_when_the_dependencies_answer(client: Client) -> None:
    assert (await client.get("/health/ready")).status_code == 200
    assert (await client.get("/health/live")).status_code == 200


async def test_the_users_time_zone_reaches_the_dialogue(client: Client, dialogue: object) -> None:
    response = await client.post(CHAT, json={"text": "hi", "timezone": "Asia/Tokyo"})
    assert response.status_code == 200
    assert dialogue.requests[-1].timezone == "Asia/Tokyo"  # type: ignore[attr-defined]


@pytest.mark.parametrize("zone", ["Mars/Olympus", "localtime", "right/UTC", "Factory"])
async def test_an_unknown_time_zone_is_invalid_input(client: Client, dialogue: object, zone: str) -> None:
    before = len(dialogue.requests)  # type: ignore[attr-defined]
    response = await client.post(CHAT, json={"text": "hi", "timezone": zone})
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"field": "timezone"}
    assert len(dialogue.requests) == before  # type: ignore[attr-defined]


async def test_a_bad_query_parameter_is_named_as_the_client_sent_it(
    client: Client, admin: dict[str, str]
) -> None:
    response = await client.get("/api/v1/bots/pizzeria", headers=admin, params={"format": "xml", "x": "1"})
    assert response.status_code == 400
    assert [(d["key"], d["source"]) for d in response.json()["error"]["details"]] == [("format", "query")]


async def test_an_export_format_ending_in_a_line_break_is_refused_naming_format(
    client: Client, admin: dict[str, str]
) -> None:
    """The format is one of a list, not a pattern, whose `$` also matches before a final line break."""
    response = await client.get("/api/v1/bots/pizzeria", headers=admin, params={"format": "acf\n"})
    assert response.status_code == 400
    assert [d["key"] for d in response.json()["error"]["details"]] == ["format"]
