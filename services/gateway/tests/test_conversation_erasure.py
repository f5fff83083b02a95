"""`DELETE /api/v1/bots/{bot}/conversations/{id}` erases one conversation: its transcript, recorded
for the logger, and the replies kept for its resent messages; nothing of another conversation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from structlog.testing import capture_logs

from parley_gateway.adapters.redis_replies import RedisReplyLog
from parley_gateway.erasures import ERASURE_KEPT_DAYS, TranscriptErasures
from parley_runtime.errors import NotFoundError
from parley_runtime.infra import Infra

from .conftest import InMemoryDialogue

CONVERSATION = "c" * 32
OTHER = "d" * 32
START = datetime(2026, 11, 27, 12, tzinfo=UTC)


async def _seed(infra: Infra, conversation: str, *times: datetime, bot: str = "pizzeria") -> None:
    """A conversation as the logger stores it: its document and a turn at each of `times`."""
    key = {"bot": bot, "conversation_id": conversation}
    turns = [{"_id": f"{conversation}-{n}", **key, "at": at, "user_text": "hi"} for n, at in enumerate(times)]
    await infra.db["turns"].insert_many(turns)
    summary = {"first_turn_at": times[0], "last_turn_at": times[-1], "turn_count": len(times)}
    await infra.db["conversations"].insert_one({"_id": f"{bot}:{conversation}", **key, **summary})


async def _turns(infra: Infra, conversation: str) -> list[dict[str, Any]]:
    return [doc async for doc in infra.db["turns"].find({"conversation_id": conversation})]


def _url(conversation: str, bot: str = "pizzeria") -> str:
    return f"/api/v1/bots/{bot}/conversations/{conversation}"


async def test_an_erased_conversation_is_gone_from_the_transcripts_and_the_listing(
    client: AsyncTestClient[Litestar], admin: dict[str, str], infra: Infra
) -> None:
    await _seed(infra, CONVERSATION, START, START + timedelta(seconds=1))
    await _seed(infra, OTHER, START)
    response = await client.delete(_url(CONVERSATION), headers=admin)
    assert response.status_code == 204, response.text
    assert (await client.get(_url(CONVERSATION), headers=admin)).status_code == 404
    listed = (await client.get("/api/v1/bots/pizzeria/conversations", headers=admin)).json()
    assert [c["conversation_id"] for c in listed] == [OTHER]
    assert await _turns(infra, CONVERSATION) == []
    assert len(await _turns(infra, OTHER)) == 1


async def test_the_dialogue_forgets_the_conversations_state(
    client: AsyncTestClient[Litestar], admin: dict[str, str], infra: Infra, dialogue: InMemoryDialogue
) -> None:
    await _seed(infra, CONVERSATION, START)
    await client.delete(_url(CONVERSATION), headers=admin)
    assert dialogue.forgotten == [("pizzeria", CONVERSATION)]


async def test_the_erasure_is_recorded_for_the_logger_with_its_expiry(
    client: AsyncTestClient[Litestar], admin: dict[str, str], infra: Infra
) -> None:
    await _seed(infra, CONVERSATION, START)
    await client.delete(_url(CONVERSATION), headers=admin)
    record = await infra.db["conversation_erasures"].find_one({"_id": f"pizzeria:{CONVERSATION}"})
    assert record is not None
    assert record["through"] > START
    assert record["since"] == START  # its first turn: the archive job looks from that day on
    assert record["expires_at"] - record["through"] == timedelta(days=ERASURE_KEPT_DAYS)


async def test_an_unknown_conversation_is_a_404_and_records_nothing(
    client: AsyncTestClient[Litestar], admin: dict[str, str], infra: Infra
) -> None:
    response = await client.delete(_url(CONVERSATION), headers=admin)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert await infra.db["conversation_erasures"].count_documents({}) == 0


async def test_an_unknown_bot_is_a_404(client: AsyncTestClient[Litestar], admin: dict[str, str]) -> None:
    assert (await client.delete(_url(CONVERSATION, bot="florist"), headers=admin)).status_code == 404


async def test_erasing_needs_an_admin_key(client: AsyncTestClient[Litestar], infra: Infra) -> None:
    await _seed(infra, CONVERSATION, START)
    assert (await client.delete(_url(CONVERSATION))).status_code == 401
    assert len(await _turns(infra, CONVERSATION)) == 1


async def test_the_replies_kept_for_the_conversations_resent_messages_are_dropped(
    client: AsyncTestClient[Litestar], admin: dict[str, str], infra: Infra
) -> None:
    log = RedisReplyLog(infra.redis)
    for conversation in (CONVERSATION, OTHER):
        await log.keep(f"pizzeria:{conversation}:m1:0123456789abcdef", '{"type": "bot_message"}', 60)
    await _seed(infra, CONVERSATION, START)
    await client.delete(_url(CONVERSATION), headers=admin)
    assert await log.get(f"pizzeria:{CONVERSATION}:m1:0123456789abcdef") is None
    assert await log.get(f"pizzeria:{OTHER}:m1:0123456789abcdef") is not None


async def test_the_erasure_is_logged_for_the_audit(
    client: AsyncTestClient[Litestar], admin: dict[str, str], infra: Infra
) -> None:
    await _seed(infra, CONVERSATION, START, START)
    with capture_logs() as logs:
        await client.delete(_url(CONVERSATION), headers=admin)
    erased = [entry for entry in logs if entry["event"] == "conversation.erased"]
    assert len(erased) == 1
    assert erased[0]["bot"] == "pizzeria"
    assert erased[0]["conversation_id"] == CONVERSATION
    assert erased[0]["turns"] == 2


async def test_turns_stamped_after_the_erasure_stay_as_the_conversations_new_transcript(infra: Infra) -> None:
    erasures = TranscriptErasures(infra.db)
    await _seed(infra, CONVERSATION, START, START + timedelta(minutes=2))
    erased = await erasures.erase("pizzeria", CONVERSATION, START + timedelta(minutes=1))
    assert (erased.turns, erased.later_turns) == (1, 1)
    conversation = await infra.db["conversations"].find_one({"conversation_id": CONVERSATION})
    assert conversation is not None
    assert (conversation["turn_count"], conversation["first_turn_at"]) == (1, START + timedelta(minutes=2))


async def test_a_conversation_of_another_bot_under_the_id_is_not_erased(infra: Infra) -> None:
    erasures = TranscriptErasures(infra.db)
    await _seed(infra, CONVERSATION, START, bot="florist")
    with pytest.raises(NotFoundError):
        await erasures.erase("pizzeria", CONVERSATION, START)
    assert len(await _turns(infra, CONVERSATION)) == 1
