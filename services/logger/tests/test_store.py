from datetime import UTC, datetime, timedelta

from parley_logger.store import MongoTranscriptStore
from parley_messages import TurnCompleted
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
    assert await store.append(turn) is True
    assert await store.append(turn) is False
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
