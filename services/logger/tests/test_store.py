import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from parley_logger.archive import apply_retention
from parley_logger.store import MongoTranscriptStore, turn_document
from parley_messages import TurnCompleted
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import connect_mongo


def _turn(conversation: str = "c1", at: datetime | None = None, text: str = "hi") -> TurnCompleted:
    return TurnCompleted(
        bot="pizzeria",
        conversation_id=conversation,
        channel="websocket",
        user_text=text,
        replies=["hello"],
        intent="greet",
        confidence=0.9,
        occurred_at=at or datetime(2026, 11, 27, 12, tzinfo=UTC),
    )


async def _store() -> tuple[MongoTranscriptStore, object]:
    db = connect_mongo(InfraSettings())
    store = MongoTranscriptStore(db)
    await store.ensure_indexes()
    return store, db


async def test_a_turn_is_stored_once_even_when_delivered_twice() -> None:
    store, db = await _store()
    turn = _turn()
    assert await store.append(turn) == "stored"
    assert await store.append(turn) == "duplicate"
    assert await db["turns"].count_documents({}) == 1  # type: ignore[index]


async def test_the_conversation_counts_its_turns_and_spans_them() -> None:
    store, db = await _store()
    start = datetime(2026, 11, 27, 12, tzinfo=UTC)
    later = _turn(at=start + timedelta(minutes=5), text="bye")
    await store.append(later)
    await store.append(_turn(at=start))
    await store.append(later)
    conversation = await db["conversations"].find_one({"conversation_id": "c1"})  # type: ignore[index]
    assert conversation["turn_count"] == 2
    assert conversation["first_turn_at"].replace(tzinfo=UTC) == start
    assert conversation["last_turn_at"].replace(tzinfo=UTC) == start + timedelta(minutes=5)


async def test_a_conversation_keeps_counting_after_retention_deletes_its_archived_turns(
    tmp_path: Path,
) -> None:
    store, db = await _store()
    now = datetime.now(UTC)
    for minute in range(10):
        await store.append(_turn(at=now - timedelta(days=40, minutes=-minute), text=f"old {minute}"))
    _, deleted = await apply_retention(now, 30, turns=store, blobs=LocalBlobStore(tmp_path))
    for minute in range(4):
        await store.append(_turn(at=now + timedelta(minutes=minute), text=f"new {minute}"))
    conversation = await db["conversations"].find_one({"conversation_id": "c1"})  # type: ignore[index]
    assert deleted == 10
    assert conversation["turn_count"] == 14


async def test_a_turn_stored_before_its_conversation_was_updated_is_counted_once() -> None:
    store, db = await _store()
    turn = _turn()
    await db["turns"].insert_one(turn_document(turn))  # type: ignore[index] - a crash came next
    assert await store.append(turn) == "duplicate"
    assert await store.append(turn) == "duplicate"
    conversation = await db["conversations"].find_one({"conversation_id": "c1"})  # type: ignore[index]
    assert conversation["turn_count"] == 1


async def test_turns_delivered_concurrently_and_twice_are_each_counted_once() -> None:
    store, db = await _store()
    turns = [_turn(text=f"turn {index}") for index in range(20)]
    await asyncio.gather(*(store.append(turn) for turn in turns + turns))
    conversation = await db["conversations"].find_one({"conversation_id": "c1"})  # type: ignore[index]
    assert conversation["turn_count"] == 20


async def test_a_welcome_is_a_turn_of_its_conversation_without_user_text_and_flagged() -> None:
    store, db = await _store()
    start = datetime(2026, 11, 27, 12, tzinfo=UTC)
    welcome = TurnCompleted(
        bot="pizzeria",
        conversation_id="c1",
        channel="websocket",
        user_text="",
        replies=["Hi Ann"],
        intent="init_conversation",
        confidence=1.0,
        welcome=True,
        occurred_at=start,
    )
    await store.append(welcome)
    await store.append(_turn(at=start + timedelta(seconds=5)))
    turns = [doc async for doc in db["turns"].find({"conversation_id": "c1"}).sort("at", 1)]  # type: ignore[index]
    assert [(t["welcome"], t["user_text"], t["replies"]) for t in turns] == [
        (True, "", ["Hi Ann"]),
        (False, "hi", ["hello"]),
    ]
    conversation = await db["conversations"].find_one({"conversation_id": "c1"})  # type: ignore[index]
    assert (conversation["turn_count"], conversation["channel"]) == (2, "websocket")
    assert conversation["first_turn_at"].replace(tzinfo=UTC) == start
