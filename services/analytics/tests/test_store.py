from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import msgspec

from parley_analytics.store import SHARDS, MongoAnalyticsStore, Sightings, bucket_id, utc_day
from parley_messages import ModelPublished, TurnCompleted
from parley_messages.analytics_names import channel_counts, intent_counts

DAY = datetime(2026, 11, 27, 12, tzinfo=UTC)


def _turn(conversation: str, intent: str = "greet", fallback: bool = False) -> TurnCompleted:
    return TurnCompleted(
        bot="pizzeria",
        conversation_id=conversation,
        channel="rest",
        user_text="hi",
        replies=["hello"],
        intent=intent,
        confidence=0.8,
        fallback=fallback,
        occurred_at=DAY,
    )


async def _totals(db: object) -> dict[str, float]:
    totals: dict[str, float] = {}
    async for doc in db["analytics_daily"].find({"bot": "pizzeria"}):  # type: ignore[index]
        for key in ("turns", "conversations", "fallbacks"):
            totals[key] = totals.get(key, 0) + doc.get(key, 0)
        for intent, n in intent_counts(doc).items():
            totals[f"intent:{intent}"] = totals.get(f"intent:{intent}", 0) + n
    return totals


async def test_each_turn_is_counted_once_however_often_it_is_delivered(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    events = [_turn("c1"), _turn("c1", "menu"), _turn("c2", "fallback", fallback=True)]
    for event in events + events + list(reversed(events)):
        await store.count_turn(event)
    assert await _totals(db) == {
        "turns": 3,
        "conversations": 2,
        "fallbacks": 1,
        "intent:greet": 1,
        "intent:menu": 1,
        "intent:fallback": 1,
    }


async def test_a_redelivered_turn_reports_it_was_already_counted(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, _ = analytics
    event = _turn("c1")
    assert await store.count_turn(event) == "counted"
    assert await store.count_turn(event) == "duplicate"


async def test_published_models_are_counted(analytics: tuple[MongoAnalyticsStore, Any]) -> None:
    store, db = analytics
    event = ModelPublished(
        bot="pizzeria", version="v1", artifact_key="models/pizzeria/v1/model.npz", occurred_at=DAY
    )
    await store.count_model(event)
    await store.count_model(event)
    docs = [d async for d in db["analytics_daily"].find({"models_published": {"$gt": 0}})]  # type: ignore[index]
    assert sum(d["models_published"] for d in docs) == 1


def test_events_spread_over_the_day_buckets() -> None:
    shards = {bucket_id("b", DAY.date(), f"{i:032x}") for i in range(2000)}
    assert len(shards) == SHARDS


def _user_turn(conversation: str, user: str | None, *, latency_ms: float = 10.0) -> TurnCompleted:
    return TurnCompleted(
        bot="pizzeria",
        conversation_id=conversation,
        channel="rest",
        user_text="hi",
        replies=["hello"],
        intent="greet",
        confidence=None if user is None else 0.5,
        user_id=user,
        latency_ms=latency_ms,
        occurred_at=DAY,
    )


async def _sum(db: object, field: str) -> float:
    return sum([d.get(field, 0) async for d in db["analytics_daily"].find({"bot": "pizzeria"})])  # type: ignore[index]


async def test_each_user_is_counted_once_a_day_and_an_anonymous_conversation_as_one_user(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    events = [
        _user_turn("c1", "ann"),
        _user_turn("c2", "ann"),
        _user_turn("c3", "bob"),
        _user_turn("c4", None),
        _user_turn("c4", None),
    ]
    for event in events + events:
        await store.count_turn(event)
    assert await _sum(db, "users") == 3


async def test_confidence_is_averaged_over_the_turns_that_have_one(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    for event in (_user_turn("c1", "ann"), _user_turn("c2", None)):
        await store.count_turn(event)
    assert (await _sum(db, "confidence_sum"), await _sum(db, "confidence_count")) == (0.5, 1)


async def test_latencies_are_counted_in_fixed_histogram_buckets(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    for index, latency in enumerate((3.0, 7.0, 9.0, 20_000.0)):
        await store.count_turn(_user_turn(f"c{index}", "ann", latency_ms=latency))
    buckets: dict[str, int] = {}
    async for doc in db["analytics_daily"].find({"bot": "pizzeria"}):  # type: ignore[index]
        for name, n in doc.get("latency_ms_buckets", {}).items():
            buckets[name] = buckets.get(name, 0) + n
    assert buckets == {"le_5": 1, "le_10": 2, "le_inf": 1}


def test_a_remembered_marker_is_forgotten_when_it_expires_or_is_the_oldest() -> None:
    sightings = Sightings(size=2)
    now = datetime.now(UTC)
    sightings.remember("expired", "e1", now - timedelta(seconds=1))
    sightings.remember("a", "e2", now + timedelta(days=1))
    sightings.remember("b", "e3", now + timedelta(days=1))
    assert sightings.first_event("expired") is None
    assert (sightings.first_event("a"), sightings.first_event("b")) == ("e2", "e3")
    sightings.remember("c", "e4", now + timedelta(days=1))
    assert (sightings.first_event("a"), sightings.first_event("c")) == (None, "e4")


async def test_a_conversation_is_counted_once_by_every_replica_sharing_the_markers(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    first, db = analytics
    second = MongoAnalyticsStore(db)  # type: ignore[arg-type]
    for index, store in enumerate([first, second, first, second]):
        await store.count_turn(_turn("c1", intent=f"i{index}"))
    assert (await _totals(db))["conversations"] == 1


async def test_a_turn_is_counted_on_its_utc_day_whatever_its_offset(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    evening_in_new_york = datetime(2026, 11, 27, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    event = msgspec.structs.replace(_turn("c1"), occurred_at=evening_in_new_york)
    await store.count_turn(event)
    model = ModelPublished(bot="pizzeria", version="v1", artifact_key="k", occurred_at=evening_in_new_york)
    await store.count_model(model)
    days = {doc["day"].date() async for doc in db["analytics_daily"].find({"bot": "pizzeria"})}  # type: ignore[index]
    assert days == {date(2026, 11, 28)}


def test_a_time_without_an_offset_is_utc() -> None:
    assert utc_day(datetime(2026, 11, 27, 23, 30)) == date(2026, 11, 27)
    assert utc_day(datetime(2026, 11, 28, 1, 0, tzinfo=timezone(timedelta(hours=2)))) == date(2026, 11, 27)


def _welcome(conversation: str) -> TurnCompleted:
    """A websocket's greeting of a new conversation, before the user said anything."""
    return TurnCompleted(
        bot="pizzeria",
        conversation_id=conversation,
        channel="websocket",
        user_text="",
        replies=["Hi Ann"],
        intent="init_conversation",
        confidence=1.0,
        welcome=True,
        occurred_at=DAY,
    )


async def test_a_visitor_who_leaves_after_the_welcome_is_a_conversation_and_a_user_but_no_turn(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    welcome = _welcome("c1")
    await store.count_turn(welcome)
    await store.count_turn(welcome)
    assert await _totals(db) == {"turns": 0, "conversations": 1, "fallbacks": 0}
    assert (await _sum(db, "users"), await _sum(db, "welcomes"), await _sum(db, "confidence_count")) == (
        1,
        1,
        0,
    )


async def test_a_welcomed_conversation_counts_once_and_only_its_users_turns_as_turns(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    for event in (_welcome("c1"), _turn("c1"), _turn("c1", "menu")):
        await store.count_turn(event)
    assert await _totals(db) == {
        "turns": 2,
        "conversations": 1,
        "fallbacks": 0,
        "intent:greet": 1,
        "intent:menu": 1,
    }
    docs = [d async for d in db["analytics_daily"].find({"bot": "pizzeria"})]  # type: ignore[index]
    assert sum(channel_counts(d)["websocket"] for d in docs) == 0
