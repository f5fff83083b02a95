"""Intent and channel names are counted under field names that give them back exactly, and the
maps written before (`intents`, `channels`, with `.` and `$` turned into `_`) are still read."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from parley_analytics.store import MongoAnalyticsStore, bucket_id
from parley_messages import TurnCompleted
from parley_messages.analytics_names import NOTHING, channel_counts, field_name, intent_counts, name_of

DAY = datetime(2026, 11, 27, 12, tzinfo=UTC)


def _turn(index: int, intent: str | None, channel: str = "rest") -> TurnCompleted:
    return TurnCompleted(
        bot="pizzeria",
        conversation_id=f"c{index}",
        channel=channel,
        user_text="hi",
        replies=[],
        intent=intent,
        occurred_at=DAY,
    )


async def _counted(db: Any) -> tuple[Counter[str], Counter[str]]:
    intents: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    async for doc in db["analytics_daily"].find({"bot": "pizzeria"}):
        intents.update(intent_counts(doc))
        channels.update(channel_counts(doc))
    return intents, channels


@pytest.mark.parametrize(
    "name", ["order.pizza", "order_pizza", "order$pizza", "$web", "a%2Eb", "100%", "_x", "x.", "é.ü", "a\0b"]
)
def test_a_name_is_given_back_exactly_from_its_field_name(name: str) -> None:
    field = field_name(name)
    assert "." not in field and not field.startswith("$") and "\0" not in field
    assert name_of(field) == name


def test_no_name_has_the_field_name_of_nothing() -> None:
    assert field_name(None) == field_name("") == NOTHING
    assert all(field_name(name) != NOTHING for name in ("_none", "none", "%5Fnone", "_"))


async def test_intents_that_differ_only_by_a_dot_are_counted_apart(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    for index, intent in enumerate(["order.pizza", "order.pizza", "order_pizza", "order$pizza"]):
        await store.count_turn(_turn(index, intent))
    intents, _ = await _counted(db)
    assert intents == {"order.pizza": 2, "order_pizza": 1, "order$pizza": 1}


async def test_an_intent_named_none_is_not_counted_with_turns_without_an_intent(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    for index, intent in enumerate(["none", None, None]):
        await store.count_turn(_turn(index, intent))
    intents, _ = await _counted(db)
    assert intents == {"none": 1, NOTHING: 2}


async def test_channel_names_with_dots_dollars_or_nothing_are_counted_as_they_are(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    for index, channel in enumerate(["$web.v2", "_web_v2", "", "rest"]):
        await store.count_turn(_turn(index, "greet", channel))
    _, channels = await _counted(db)
    assert channels == {"$web.v2": 1, "_web_v2": 1, NOTHING: 1, "rest": 1}


async def test_a_bucket_written_before_keeps_its_counts_where_its_names_are_unambiguous(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    """An older bucket, then a turn counted into it now: the two maps are read side by side."""
    store, db = analytics
    event = _turn(1, "order.pizza", "websocket")
    legacy = {"greet": 3, "order_pizza": 2, "none": 4}
    await db["analytics_daily"].insert_one(
        {
            "_id": bucket_id("pizzeria", DAY.date(), event.message_id),
            "bot": "pizzeria",
            "day": datetime(2026, 11, 27),
            "turns": 9,
            "intents": legacy,
            "channels": {"rest": 8, "_": 1},
            "event_ids": ["old"],
        }
    )
    await store.count_turn(event)
    assert await db["analytics_daily"].count_documents({}) == 1
    intents, channels = await _counted(db)
    # `order_pizza` may have been `order.pizza`: an old name with `_` is kept as it was stored.
    assert intents == {"greet": 3, "order_pizza": 2, NOTHING: 4, "order.pizza": 1}
    assert channels == {"rest": 8, NOTHING: 1, "websocket": 1}
