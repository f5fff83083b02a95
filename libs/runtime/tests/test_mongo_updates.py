"""Updates the emulation applies in place give exactly what mongomock's own `_update` gives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pymongo import ASCENDING, ReturnDocument
from pymongo_async_mock import AsyncMongoMockClient

from parley_runtime import mongo_emulation
from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import connect_mongo

AT = datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)
STORED: dict[str, Any] = {
    "_id": "d",
    "n": 1,
    "x": 2.5,
    "flag": True,
    "text": "m",
    "at": AT,
    "tags": ["a"],
    "sub": {"k": 1},
    "nan": float("nan"),
}

DIRECT: list[dict[str, Any]] = [
    {  # an analytics bucket
        "$inc": {"n": 1, "x": 0.5, "new": 1, "sub.k": 2, "sub2.deep.k": 1},
        "$push": {"tags": "b"},
        "$setOnInsert": {"bot": "b", "day": AT},
    },
    {  # a conversation
        "$setOnInsert": {"bot": "b", "channel": "web"},
        "$min": {"at": AT - timedelta(hours=1)},
        "$max": {"last": AT, "n": 0},
    },
    {"$max": {"n": 1.0}, "$min": {"x": 2.5}},
    {"$min": {"n": 1.0}},
    {"$min": {"at": AT + timedelta(hours=1)}},
    {"$inc": {"n": 0}},
    {"$max": {"text": "z"}, "$min": {"x": -1}},
    {"$push": {"other": 3, "tags": AT}},
    {"$max": {"at": datetime(2026, 5, 1, 16, 0, 0, 999999, tzinfo=timezone(timedelta(hours=2)))}},
    {"$max": {"nan": 1.0}},
    {"$inc": {"nan": 1}},
    {  # a conversation's latest turn ids
        "$inc": {"n": 1},
        "$push": {"tags": {"$each": ["b"], "$slice": -100}},
        "$max": {"last": AT},
    },
    {"$push": {"tags": {"$each": ["b", "c"], "$slice": -2}}},
    {"$push": {"tags": {"$each": ["a"], "$slice": -1}}},
    {"$push": {"fresh": {"$each": ["x", "y", AT], "$slice": -2}}},
]
LEFT_TO_MONGOMOCK: list[dict[str, Any]] = [
    {"$inc": {"flag": 1}},
    {"$inc": {"text": 1}},
    {"$max": {"text": 5}},
    {"$push": {"text": "x"}},
    {"$inc": {"text.k": 1}},
    {"$inc": {"tags.0": 1}},
    {"$inc": {"n": 1}, "$max": {"n": 3}},
    {"$set": {"y": [1]}, "$inc": {"n": 1}},
    {"$inc": {}},
    {"$push": {"tags": {"$each": ["c", "d"]}}},
    {"$push": {"tags": {"$each": ["c"], "$slice": 1}}},
    {"$push": {"tags": {"$each": [], "$slice": -1}}},
    {"$push": {"tags": {"$each": [["c"]], "$slice": -1}}},
    {"$push": {"tags": {"$each": ["c"], "$slice": -1, "$position": 0}}},
    {"$push": {"text": {"$each": ["c"], "$slice": -1}}},
]
QUERIES: list[dict[str, Any]] = [
    {"_id": "d"},
    {"_id": "d", "tags": {"$ne": "zz"}},
    {"_id": "d", "tags": {"$ne": "a"}},
    {"_id": "d", "text": "m"},
    {"_id": "missing"},
]


async def _outcome(collection: Any, query: dict[str, Any], update: dict[str, Any]) -> str:
    """What an update answers and leaves stored, as text (field order and NaN included)."""
    await collection.delete_many({})
    await collection.insert_one(dict(STORED))
    try:
        result = await collection.update_one(query, update)
        answer = (result.matched_count, result.modified_count, result.upserted_id)
    except Exception as exc:  # the very error mongomock raises is part of what must match
        answer = type(exc).__name__
    stored = [list(doc.items()) async for doc in collection.find({})]
    return repr((answer, stored))


@pytest.fixture
def direct_updates(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the updates the emulation applied without mongomock's `_update`."""
    applied: list[int] = []
    apply: Callable[..., bool | None] = mongo_emulation.apply_in_place

    def counting(*args: Any) -> bool | None:
        changed = apply(*args)
        applied.append(int(changed is not None))
        return changed

    monkeypatch.setattr(mongo_emulation, "apply_in_place", counting)
    return applied


def _collections() -> tuple[Any, Any]:
    emulated = connect_mongo(InfraSettings())["docs"]
    plain = AsyncMongoMockClient(tz_aware=True).get_database("plain")["docs"]
    return emulated, plain


@pytest.mark.parametrize("update", DIRECT + LEFT_TO_MONGOMOCK)
@pytest.mark.parametrize("query", QUERIES)
async def test_an_update_answers_and_stores_what_mongomock_does(
    query: dict[str, Any], update: dict[str, Any]
) -> None:
    emulated, plain = _collections()
    assert await _outcome(emulated, query, update) == await _outcome(plain, query, update)


@pytest.mark.parametrize("update", DIRECT)
async def test_plain_updates_of_an_existing_document_skip_mongomocks_update(
    update: dict[str, Any], direct_updates: list[int]
) -> None:
    emulated, _ = _collections()
    await _outcome(emulated, {"_id": "d", "tags": {"$ne": "zz"}}, update)
    assert direct_updates == [1]


async def test_find_one_and_update_returns_what_mongomock_returns() -> None:
    update = {"$setOnInsert": {"first": "e0"}, "$inc": {"n": 1}}
    found = []
    for collection in _collections():
        await collection.insert_one(dict(STORED))
        found.append(
            await collection.find_one_and_update(
                {"_id": "d"}, update, upsert=True, return_document=ReturnDocument.AFTER
            )
        )
    assert repr(found[0]) == repr(found[1])


async def test_a_value_moved_in_place_is_found_under_its_new_value_only() -> None:
    emulated, _ = _collections()
    await emulated.create_index([("tag", ASCENDING)])
    await emulated.insert_one({"_id": "d", "tag": "a", "n": 1})
    await emulated.update_one({"_id": "d"}, {"$max": {"tag": "b"}, "$inc": {"n": 1}})
    assert await emulated.count_documents({"tag": "b"}) == 1
    assert await emulated.count_documents({"tag": "a"}) == 0
