"""The conversations listing pages by the last conversation's time and id, over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar import Litestar
from litestar.testing import AsyncTestClient

from parley_runtime.infra import Infra

START = datetime(2026, 11, 27, 12, tzinfo=UTC)


async def _conversations(infra: Infra, count: int) -> None:
    """`count` conversations of `pizzeria` whose last turns share a millisecond three at a time."""
    await infra.db["conversations"].insert_many(
        [
            {
                "_id": f"pizzeria:c{index:02d}",
                "bot": "pizzeria",
                "conversation_id": f"c{index:02d}",
                "last_turn_at": START + timedelta(milliseconds=index // 3),
                "turn_count": 1,
            }
            for index in range(count)
        ]
    )


async def test_paging_with_before_and_before_id_lists_each_conversation_once(
    client: AsyncTestClient[Litestar], admin: dict[str, str], infra: Infra
) -> None:
    await _conversations(infra, 11)
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
