"""A conversation erased at an admin's request (the gateway's record in `conversation_erasures`)
stays erased: its turns that arrive later are taken out again, and later turns start anew."""

from datetime import UTC, datetime, timedelta
from typing import Any

from parley_logger.store import MongoTranscriptStore
from parley_messages import TurnCompleted
from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import connect_mongo

ERASED_AT = datetime(2026, 11, 27, 12, tzinfo=UTC)
BEFORE, AFTER = ERASED_AT - timedelta(minutes=5), ERASED_AT + timedelta(minutes=5)


def _turn(at: datetime, conversation: str = "c1") -> TurnCompleted:
    return TurnCompleted(
        bot="shop", conversation_id=conversation, channel="rest", user_text="hi", replies=[], occurred_at=at
    )


async def _erased_store() -> tuple[MongoTranscriptStore, Any]:
    """A store whose conversation c1 of bot shop was erased at ERASED_AT, as the gateway records it."""
    db = connect_mongo(InfraSettings())
    store = MongoTranscriptStore(db)
    await store.ensure_indexes()
    record = {"_id": "shop:c1", "bot": "shop", "conversation_id": "c1", "through": ERASED_AT}
    await db["conversation_erasures"].insert_one(record)
    return store, db


async def _turn_times(db: Any, conversation: str = "c1") -> list[datetime]:
    return sorted([doc["at"] async for doc in db["turns"].find({"conversation_id": conversation})])


async def test_a_turn_of_an_erased_conversation_that_arrives_late_is_taken_out_again() -> None:
    store, db = await _erased_store()
    assert await store.append(_turn(BEFORE)) == "erased"
    assert await _turn_times(db) == []
    assert await db["conversations"].find_one({"conversation_id": "c1"}) is None


async def test_a_turn_after_the_erasure_starts_the_conversations_transcript_anew() -> None:
    store, db = await _erased_store()
    await store.append(_turn(BEFORE))
    assert await store.append(_turn(AFTER)) == "stored"
    assert await _turn_times(db) == [AFTER]
    conversation = await db["conversations"].find_one({"conversation_id": "c1"})
    assert conversation is not None
    assert conversation["turn_count"] == 1


async def test_the_bots_other_conversations_are_stored_as_ever() -> None:
    store, db = await _erased_store()
    assert await store.append(_turn(BEFORE, "c2")) == "stored"
    assert await _turn_times(db, "c2") == [BEFORE]
