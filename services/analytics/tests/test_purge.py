"""A deleted bot's aggregates are dropped up to its deletion, and its late events stay uncounted."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from parley_analytics.handlers import handle
from parley_analytics.store import MongoAnalyticsStore
from parley_messages import BotDeleted, ModelPublished, TurnCompleted

DELETED_AT = datetime(2026, 11, 27, 12, tzinfo=UTC)
BEFORE, AFTER = DELETED_AT - timedelta(minutes=5), DELETED_AT + timedelta(minutes=5)
COUNTERS = ("turns", "conversations", "users", "models_published")


def _turn(
    at: datetime, conversation: str = "c1", bot: str = "pizzeria", user: str | None = None
) -> TurnCompleted:
    return TurnCompleted(
        bot=bot,
        conversation_id=conversation,
        channel="rest",
        user_text="hi",
        replies=[],
        user_id=user,
        occurred_at=at,
    )


async def _totals(db: Any, bot: str = "pizzeria") -> dict[str, float]:
    totals = dict.fromkeys(COUNTERS, 0.0)
    async for doc in db["analytics_daily"].find({"bot": bot}):
        for name in COUNTERS:
            totals[name] += doc.get(name, 0)
    return totals


def _counted(
    turns: float = 0, conversations: float = 0, users: float = 0, models: float = 0
) -> dict[str, float]:
    return {"turns": turns, "conversations": conversations, "users": users, "models_published": models}


async def test_a_deleted_bots_aggregates_are_dropped_and_its_successors_kept(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    for turn in (_turn(BEFORE - timedelta(days=1), "c1"), _turn(BEFORE, "c2"), _turn(BEFORE, "c3")):
        await store.count_turn(turn)
    await store.count_model(ModelPublished(bot="pizzeria", version="1", artifact_key="k", occurred_at=BEFORE))
    await handle(BotDeleted(bot="pizzeria", occurred_at=DELETED_AT), store=store)
    await store.count_turn(_turn(AFTER, "c4"))
    assert await _totals(db) == _counted(turns=1, conversations=1, users=1)
    assert [doc["day"].date() async for doc in db["analytics_daily"].find()] == [AFTER.date()]


async def test_other_bots_keep_their_aggregates(analytics: tuple[MongoAnalyticsStore, Any]) -> None:
    store, db = analytics
    await store.count_turn(_turn(BEFORE, bot="florist"))
    await store.purge("pizzeria", DELETED_AT)
    assert await _totals(db, "florist") == _counted(turns=1, conversations=1, users=1)


async def test_a_redelivered_deletion_leaves_the_new_bots_aggregates_alone(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    await store.count_turn(_turn(BEFORE))
    deleted = BotDeleted(bot="pizzeria", occurred_at=DELETED_AT)
    await handle(deleted, store=store)
    await store.count_turn(_turn(AFTER, "c2"))
    await handle(deleted, store=store)
    assert await _totals(db) == _counted(turns=1, conversations=1, users=1)


async def test_events_that_arrive_after_their_bots_purge_are_not_counted(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    await store.purge("pizzeria", DELETED_AT)
    assert await store.count_turn(_turn(BEFORE)) == "purged"
    model = ModelPublished(bot="pizzeria", version="1", artifact_key="k", occurred_at=BEFORE)
    assert await store.count_model(model) == "purged"
    assert await db["analytics_daily"].count_documents({}) == 0


async def test_late_turns_leave_the_new_bots_counts_as_they_were_even_when_the_deletion_comes_again(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    await store.purge("pizzeria", DELETED_AT)
    for index in range(100):  # every bucket of the day holds some of the new bot's turns
        await store.count_turn(_turn(AFTER, f"n{index}"))
    for index in range(20):
        await store.count_turn(_turn(BEFORE, f"n{index}"))
    await store.purge("pizzeria", DELETED_AT)
    assert await _totals(db) == _counted(turns=100, conversations=100, users=100)


async def test_a_deleted_bots_user_and_conversation_count_again_for_the_new_bot_the_same_day(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    await store.count_turn(_turn(BEFORE, "c1", user="ann"))
    await store.purge("pizzeria", DELETED_AT)
    await store.count_turn(_turn(BEFORE, "c2", user="bob"))  # late: its markers go too
    for conversation, user in (("c1", "ann"), ("c2", "bob")):
        await store.count_turn(_turn(AFTER, conversation, user=user))
    assert await _totals(db) == _counted(turns=2, conversations=2, users=2)


async def test_an_earlier_deletion_delivered_last_does_not_let_later_events_back(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    await store.purge("pizzeria", DELETED_AT)
    await store.purge("pizzeria", DELETED_AT - timedelta(hours=1))
    assert await store.count_turn(_turn(DELETED_AT - timedelta(minutes=1))) == "purged"
    assert await db["analytics_daily"].count_documents({}) == 0


async def test_buckets_written_before_buckets_kept_their_first_event_time_are_dropped(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    await store.count_turn(_turn(BEFORE))
    await db["analytics_daily"].update_many({}, {"$unset": {"first_at": ""}})
    await store.purge("pizzeria", DELETED_AT)
    assert await db["analytics_daily"].count_documents({}) == 0


class _PurgedAfterUpdate:
    """A database on which another replica purges the bot right after a bucket is updated, before
    the purges are checked."""

    def __init__(self, db: Any, purge: Callable[[], Awaitable[object]]) -> None:
        self._db, self._purge = db, purge

    def __getitem__(self, name: str) -> Any:
        return self if name == "analytics_daily" else self._db[name]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db["analytics_daily"], name)

    async def update_one(self, *args: Any, **kwargs: Any) -> Any:
        result = await self._db["analytics_daily"].update_one(*args, **kwargs)
        await self._purge()
        return result


async def test_a_turn_counted_while_its_bot_is_purged_does_not_survive_the_purge(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    other_replica, db = analytics
    purge = partial(other_replica.purge, "pizzeria", DELETED_AT)
    store = MongoAnalyticsStore(_PurgedAfterUpdate(db, purge))
    assert await store.count_turn(_turn(BEFORE)) == "purged"
    assert await db["analytics_daily"].count_documents({}) == 0


async def test_a_late_welcome_of_a_deleted_bot_is_taken_back_out(
    analytics: tuple[MongoAnalyticsStore, Any],
) -> None:
    store, db = analytics
    await handle(BotDeleted(bot="pizzeria", occurred_at=DELETED_AT), store=store)
    welcome = TurnCompleted(
        bot="pizzeria",
        conversation_id="c1",
        channel="websocket",
        user_text="",
        replies=["Hi"],
        welcome=True,
        occurred_at=BEFORE,
    )
    assert await store.count_turn(welcome) == "purged"
    assert await _totals(db) == _counted()
    assert await db["analytics_daily"].count_documents({"bot": "pizzeria"}) == 0
