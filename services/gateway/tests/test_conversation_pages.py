"""Paging through a bot's conversations reaches each exactly once, even when many share the
millisecond of their last turn: in the read model, and over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from parley_gateway.readmodels import ConversationFilter, Transcripts
from parley_runtime.infra import Infra, InfraSettings
from parley_runtime.mongo import connect_mongo

START = datetime(2026, 11, 27, 12, tzinfo=UTC)


def _conversations(bot: str, count: int) -> list[dict[str, Any]]:
    """`count` conversations whose last turns fall on only a third as many distinct milliseconds."""
    return [
        {
            "_id": f"{bot}:c{index:02d}",
            "bot": bot,
            "conversation_id": f"c{index:02d}",
            "last_turn_at": START + timedelta(milliseconds=index // 3),
            "turn_count": 1,
        }
        for index in range(count)
    ]


async def _transcripts(count: int) -> Transcripts:
    db = connect_mongo(InfraSettings())
    await db["conversations"].insert_many(_conversations("shop", count))
    transcripts = Transcripts(db)
    await transcripts.ensure_indexes()
    return transcripts


async def test_paging_with_the_last_conversations_time_and_id_reaches_every_conversation() -> None:
    transcripts = await _transcripts(40)
    seen: list[str] = []
    where = ConversationFilter()
    while page := await transcripts.conversations("shop", limit=5, where=where):
        seen += [c.conversation_id for c in page]
        where = ConversationFilter(before=page[-1].last_turn_at, before_id=page[-1].conversation_id)
    assert sorted(seen) == [f"c{index:02d}" for index in range(40)]
    assert len(seen) == 40


async def test_conversations_sharing_a_time_are_listed_by_id_newest_first() -> None:
    transcripts = await _transcripts(6)
    page = await transcripts.conversations("shop", limit=10)
    assert [c.conversation_id for c in page] == ["c05", "c04", "c03", "c02", "c01", "c00"]


async def test_the_cursor_keeps_the_time_window() -> None:
    transcripts = await _transcripts(12)
    where = ConversationFilter(
        start=START + timedelta(milliseconds=1),
        end=START + timedelta(milliseconds=3),
        before=START + timedelta(milliseconds=2),
        before_id="c07",
    )
    page = await transcripts.conversations("shop", limit=10, where=where)
    assert [c.conversation_id for c in page] == ["c06", "c05", "c04", "c03"]


async def test_before_alone_still_pages_by_time() -> None:
    transcripts = await _transcripts(6)
    where = ConversationFilter(before=START + timedelta(milliseconds=1))
    page = await transcripts.conversations("shop", limit=10, where=where)
    assert [c.conversation_id for c in page] == ["c02", "c01", "c00"]


async def test_paging_with_before_and_before_id_lists_each_conversation_once(
    client: AsyncTestClient[Litestar], admin: dict[str, str], infra: Infra
) -> None:
    await infra.db["conversations"].insert_many(_conversations("pizzeria", 11))
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 4}
    while True:
        response = await client.get("/api/v1/bots/pizzeria/conversations", headers=admin, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        if not page:
            break
        seen += [c["conversation_id"] for c in page]
        params = {"limit": 4, "before": page[-1]["last_turn_at"], "before_id": page[-1]["conversation_id"]}
    assert seen == [f"c{index:02d}" for index in reversed(range(11))]


async def test_before_id_without_before_or_malformed_is_refused(
    client: AsyncTestClient[Litestar], admin: dict[str, str]
) -> None:
    listing = "/api/v1/bots/pizzeria/conversations"
    alone = await client.get(listing, headers=admin, params={"before_id": "c01"})
    assert alone.status_code == 400
    assert "`before`" in alone.json()["error"]["message"]
    bad = await client.get(listing, headers=admin, params={"before": START.isoformat(), "before_id": "a b"})
    assert bad.status_code == 400


@pytest.mark.parametrize("path", ["conversations", "conversations/c01", "analytics"])
async def test_the_read_models_of_a_bot_that_does_not_exist_are_not_found(
    client: AsyncTestClient[Litestar], admin: dict[str, str], infra: Infra, path: str
) -> None:
    await infra.db["conversations"].insert_many(_conversations("gone", 2))
    response = await client.get(f"/api/v1/bots/gone/{path}", headers=admin)
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "not_found"
