"""The Mongo contract: exactly the operations Parley's stores use, alike on the emulation and on MongoDB."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from parley_runtime.mongo import ping

Db = AsyncDatabase[Any]


async def test_ping_answers(mongo: Db) -> None:
    await ping(mongo)


async def test_an_inserted_document_is_found_by_its_fields(mongo: Db) -> None:
    result = await mongo["turns"].insert_one({"_id": "e1", "bot": "pizzeria", "text": "hi"})
    assert result.inserted_id == "e1"
    assert await mongo["turns"].find_one({"bot": "pizzeria"}) == {
        "_id": "e1",
        "bot": "pizzeria",
        "text": "hi",
    }


async def test_a_unique_index_rejects_a_second_insert_with_duplicate_key_error(mongo: Db) -> None:
    await mongo["turns"].create_index([("event_id", ASCENDING)], unique=True)
    await mongo["turns"].insert_one({"event_id": "e1"})
    with pytest.raises(DuplicateKeyError):
        await mongo["turns"].insert_one({"event_id": "e1"})
    assert await mongo["turns"].count_documents({}) == 1


async def test_a_unique_index_rejects_an_upsert_that_would_duplicate_a_key(mongo: Db) -> None:
    await mongo["api_keys"].create_index("hash", unique=True)
    await mongo["api_keys"].insert_one({"_id": "k1", "hash": "abc"})
    with pytest.raises(DuplicateKeyError):
        await mongo["api_keys"].update_one({"_id": "k2"}, {"$set": {"hash": "abc"}}, upsert=True)


async def test_an_upsert_inserts_then_updates_with_set_on_insert_inc_min_and_max(mongo: Db) -> None:
    early, late = datetime(2026, 1, 1, 12, tzinfo=UTC), datetime(2026, 1, 1, 13, tzinfo=UTC)
    conversations = mongo["conversations"]

    async def record_turn(at: datetime) -> None:
        await conversations.update_one(
            {"_id": "c1"},
            {
                "$setOnInsert": {"bot": "pizzeria", "channel": "websocket"},
                "$set": {"updated": True},
                "$inc": {"turn_count": 1},
                "$min": {"first_turn_at": at},
                "$max": {"last_turn_at": at},
            },
            upsert=True,
        )

    await record_turn(late)
    await record_turn(early)
    stored = await conversations.find_one({"_id": "c1"})
    assert stored == {
        "_id": "c1",
        "bot": "pizzeria",
        "channel": "websocket",
        "updated": True,
        "turn_count": 2,
        "first_turn_at": early,
        "last_turn_at": late,
    }


async def test_set_on_insert_leaves_an_existing_document_alone(mongo: Db) -> None:
    await mongo["bots"].update_one({"_id": "b"}, {"$setOnInsert": {"version": 1}}, upsert=True)
    result = await mongo["bots"].update_one({"_id": "b"}, {"$setOnInsert": {"version": 9}}, upsert=True)
    assert (result.matched_count, result.upserted_id) == (1, None)
    assert await mongo["bots"].find_one({"_id": "b"}) == {"_id": "b", "version": 1}


async def test_stored_datetimes_come_back_timezone_aware_in_utc(mongo: Db) -> None:
    at = datetime(2026, 11, 27, 12, 30, 15, 123000, tzinfo=UTC)
    await mongo["turns"].insert_one({"_id": "e1", "at": at})
    stored = await mongo["turns"].find_one({"_id": "e1"})
    assert stored is not None
    assert stored["at"] == at
    assert stored["at"].utcoffset() is not None


async def test_find_sorts_and_limits(mongo: Db) -> None:
    await mongo["turns"].insert_many([{"_id": f"e{n}", "conversation": "c1", "n": n} for n in (3, 1, 4, 2)])
    await mongo["turns"].insert_one({"_id": "other", "conversation": "c2", "n": 9})
    cursor = mongo["turns"].find({"conversation": "c1"}, {"_id": 0, "n": 1}).sort("n", DESCENDING).limit(3)
    assert await cursor.to_list() == [{"n": 4}, {"n": 3}, {"n": 2}]


async def test_find_iterates_asynchronously_in_sort_order(mongo: Db) -> None:
    await mongo["models"].insert_many([{"bot": "b", "version": v} for v in (2, 3, 1)])
    versions = [
        doc["version"] async for doc in mongo["models"].find({"bot": "b"}).sort([("version", ASCENDING)])
    ]
    assert versions == [1, 2, 3]


async def test_count_documents_counts_matches_only(mongo: Db) -> None:
    await mongo["analytics_daily"].insert_many([{"bot": "a"}, {"bot": "a"}, {"bot": "b"}])
    assert await mongo["analytics_daily"].count_documents({"bot": "a"}) == 2
    assert await mongo["analytics_daily"].count_documents({"bot": "none"}) == 0
