"""A deleted bot's transcripts are purged up to its deletion, and its late turns stay out."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from parley_logger.handlers import handle
from parley_logger.store import MongoTranscriptStore
from parley_messages import BotDeleted, TurnCompleted
from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import connect_mongo

DELETED_AT = datetime(2026, 11, 27, 12, tzinfo=UTC)
BEFORE, AFTER = DELETED_AT - timedelta(minutes=5), DELETED_AT + timedelta(minutes=5)


def _turn(at: datetime, conversation: str = "c1", bot: str = "pizzeria") -> TurnCompleted:
    return TurnCompleted(
        bot=bot, conversation_id=conversation, channel="rest", user_text="hi", replies=[], occurred_at=at
    )


async def _store() -> tuple[MongoTranscriptStore, Any]:
    db = connect_mongo(InfraSettings())
    store = MongoTranscriptStore(db)
    await store.ensure_indexes()
    return store, db


async def _conversations(db: Any, bot: str = "pizzeria") -> dict[str, dict[str, Any]]:
    return {doc["conversation_id"]: doc async for doc in db["conversations"].find({"bot": bot})}


async def _turn_times(db: Any, bot: str = "pizzeria") -> list[datetime]:
    return sorted([doc["at"] async for doc in db["turns"].find({"bot": bot})])


async def test_a_deleted_bots_turns_and_conversations_are_purged_and_its_successors_kept() -> None:
    store, db = await _store()
    for turn in (_turn(BEFORE, "c1"), _turn(BEFORE, "c2"), _turn(AFTER, "c3")):
        await store.append(turn)
    await handle(BotDeleted(bot="pizzeria", occurred_at=DELETED_AT), store=store)
    assert await _turn_times(db) == [AFTER]
    assert list(await _conversations(db)) == ["c3"]


async def test_other_bots_keep_their_transcripts() -> None:
    store, db = await _store()
    await store.append(_turn(BEFORE, bot="florist"))
    await store.purge("pizzeria", DELETED_AT)
    assert await _turn_times(db, "florist") == [BEFORE]
    assert list(await _conversations(db, "florist")) == ["c1"]


async def test_a_redelivered_deletion_leaves_the_new_bots_turns_alone() -> None:
    store, db = await _store()
    await store.append(_turn(BEFORE))
    deleted = BotDeleted(bot="pizzeria", occurred_at=DELETED_AT)
    await handle(deleted, store=store)
    await store.append(_turn(AFTER))
    await handle(deleted, store=store)
    assert await _turn_times(db) == [AFTER]
    assert (await _conversations(db))["c1"]["turn_count"] == 1


async def test_a_turn_that_arrives_after_its_bots_purge_is_not_stored() -> None:
    store, db = await _store()
    await store.purge("pizzeria", DELETED_AT)
    assert await store.append(_turn(BEFORE)) == "purged"
    assert await _turn_times(db) == []
    assert await _conversations(db) == {}


async def test_a_late_turn_leaves_the_conversation_the_new_bot_continues_as_it_was() -> None:
    store, db = await _store()
    await store.purge("pizzeria", DELETED_AT)
    await store.append(_turn(AFTER))
    await store.append(_turn(BEFORE))
    conversation = (await _conversations(db))["c1"]
    assert (conversation["turn_count"], conversation["first_turn_at"]) == (1, AFTER)


async def test_a_conversation_id_both_bots_used_keeps_only_the_new_bots_turns() -> None:
    store, db = await _store()
    for minutes in (-3, -2, 1, 2):
        await store.append(_turn(DELETED_AT + timedelta(minutes=minutes)))
    await store.purge("pizzeria", DELETED_AT)
    conversation = (await _conversations(db))["c1"]
    assert conversation["turn_count"] == 2
    assert conversation["first_turn_at"] == DELETED_AT + timedelta(minutes=1)
    assert len(conversation["turn_ids"]) == 2


async def test_an_earlier_deletion_delivered_last_does_not_let_later_turns_back() -> None:
    store, db = await _store()
    await store.purge("pizzeria", DELETED_AT)
    await store.purge("pizzeria", DELETED_AT - timedelta(hours=1))
    assert await store.append(_turn(DELETED_AT - timedelta(minutes=1))) == "purged"
    assert await _turn_times(db) == []


async def test_a_turn_in_the_millisecond_of_the_deletion_is_purged_whenever_it_arrives() -> None:
    store, db = await _store()
    same_millisecond = DELETED_AT + timedelta(microseconds=400)
    await store.append(_turn(same_millisecond, "c1"))
    await store.purge("pizzeria", DELETED_AT + timedelta(microseconds=700))
    assert await store.append(_turn(same_millisecond, "c2")) == "purged"
    assert await _turn_times(db) == []


class _PurgedAfterInsert:
    """A database on which another replica purges the bot right after a turn is inserted, before
    the turn's conversation is updated and the purges are checked."""

    def __init__(self, db: Any, purge: Callable[[], Awaitable[object]]) -> None:
        self._db, self._purge = db, purge

    def __getitem__(self, name: str) -> Any:
        return self if name == "turns" else self._db[name]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db["turns"], name)

    async def insert_one(self, document: dict[str, Any]) -> Any:
        result = await self._db["turns"].insert_one(document)
        await self._purge()
        return result


async def test_a_turn_stored_while_its_bot_is_purged_does_not_survive_the_purge() -> None:
    other_replica, db = await _store()
    purge = partial(other_replica.purge, "pizzeria", DELETED_AT)
    store = MongoTranscriptStore(_PurgedAfterInsert(db, purge))
    assert await store.append(_turn(BEFORE)) == "purged"
    assert await _turn_times(db) == []
    assert await _conversations(db) == {}
