"""A user message the client names (`id`) gets one turn however often it is sent: its answer says the
id (`reply_to`), and a copy sent again on a later connection of the conversation (the client's
connection died before the answer came) gets the reply kept for it instead of a second turn."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from parley_gateway.adapters.redis_replies import RedisReplyLog
from parley_gateway.replays import Answered, Replays
from parley_runtime.errors import TransientError
from parley_runtime.infra import Infra

from .conftest import InMemoryDialogue

URL = "/ws/chat?bot=pizzeria&conversation_id=c1-0123456789abcdefghij"


def _say(client: Any, url: str, **message: Any) -> dict[str, Any]:
    """One connection that sends one user message and reads its answer."""
    with client.websocket_connect(url) as ws:
        ws.send_json({"type": "user_message", **message})
        return dict(ws.receive_json())


def test_the_answer_to_a_named_message_says_its_id(sync_client: Any) -> None:
    reply = _say(sync_client, URL, text="hi", id="m-1")
    refusal = _say(sync_client, URL, text="x" * 2001, id="m-2")
    unnamed = _say(sync_client, URL, text="hi")
    assert (reply["type"], reply["reply_to"], reply["messages"]) == (
        "bot_message",
        "m-1",
        [{"text": "you said hi"}],
    )
    assert (refusal["code"], refusal["reply_to"]) == ("text_too_long", "m-2")
    assert "reply_to" not in unnamed


def test_a_message_sent_again_after_a_reconnect_is_answered_once(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    first = _say(sync_client, URL, text="one pizza please", id="m-1")
    again = _say(sync_client, URL, text="one pizza please", id="m-1")
    assert again == first
    assert [r.text for r in dialogue.requests] == ["one pizza please"]

    elsewhere = _say(
        sync_client, "/ws/chat?bot=pizzeria&conversation_id=c2-0123456789abcdefghij", text="hi", id="m-1"
    )
    assert elsewhere["conversation_id"] == "c2-0123456789abcdefghij"  # ids belong to their conversation
    assert len(dialogue.requests) == 2


def test_an_id_used_again_for_other_text_is_a_new_message(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    """A client that reuses an id (a bug) must not get another message's reply for its text."""
    first = _say(sync_client, URL, text="one pizza please", id="m-1")
    other = _say(sync_client, URL, text="opening hours?", id="m-1")
    assert (first["messages"], other["messages"]) == (
        [{"text": "you said one pizza please"}],
        [{"text": "you said opening hours?"}],
    )
    assert [r.text for r in dialogue.requests] == ["one pizza please", "opening hours?"]


def test_a_message_whose_turn_failed_is_answered_afresh_when_sent_again(
    sync_client: Any, dialogue: InMemoryDialogue
) -> None:
    """A failed turn changed nothing, so its copy is not answered with the failure."""
    dialogue.fail_next_turn(TransientError("the dialogue is restarting"))
    failed = _say(sync_client, URL, text="hi", id="m-1")
    again = _say(sync_client, URL, text="hi", id="m-1")
    assert (failed["code"], failed["reply_to"]) == ("unavailable", "m-1")
    assert (again["type"], again["reply_to"]) == ("bot_message", "m-1")
    assert len(dialogue.requests) == 2


def test_an_id_that_is_not_a_short_token_is_refused(sync_client: Any) -> None:
    for bad in ("", "a b", "x" * 65, 7, "m1\n"):
        assert _say(sync_client, URL, text="hi", id=bad)["code"] == "invalid_frame"


@pytest.fixture
def replays(infra: Infra) -> Replays:
    return Replays(RedisReplyLog(infra.redis), turn_seconds=2, poll_seconds=0.01)


async def test_a_copy_that_comes_while_the_first_is_answered_waits_for_its_reply(replays: Replays) -> None:
    release = asyncio.Event()
    turns: list[str] = []

    async def slow() -> tuple[str, bool]:
        turns.append("turn")
        await release.wait()
        return '{"type":"bot_message"}', True

    first = asyncio.create_task(replays.once("k1", slow))
    copy = asyncio.create_task(replays.once("k1", slow))
    await asyncio.sleep(0.05)
    assert not copy.done()
    release.set()
    assert await first == Answered('{"type":"bot_message"}', replayed=False)
    assert await copy == Answered('{"type":"bot_message"}', replayed=True)
    assert turns == ["turn"]


async def test_a_refusal_or_a_failure_is_not_kept(replays: Replays) -> None:
    answers: list[tuple[str, bool]] = [('{"type":"error"}', False), ('{"type":"bot_message"}', True)]

    async def answer() -> tuple[str, bool]:
        return answers.pop(0)

    async def broken() -> tuple[str, bool]:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        await replays.once("k2", broken)
    assert await replays.once("k2", answer) == Answered('{"type":"error"}', replayed=False)
    assert await replays.once("k2", answer) == Answered('{"type":"bot_message"}', replayed=False)


async def test_a_copy_gives_up_on_a_first_answer_that_never_comes(infra: Infra) -> None:
    """Its gateway died mid-turn: the mark expires, but the copy does not wait for that."""
    log = RedisReplyLog(infra.redis)
    assert await log.reserve("k3", 60)
    replays = Replays(log, turn_seconds=0.1, poll_seconds=0.01)

    async def answer() -> tuple[str, bool]:
        raise AssertionError("a second turn ran")

    assert await replays.once("k3", answer) is None
