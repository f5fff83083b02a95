"""The Mongo emulation's index lookups narrow queries without ever changing their answers."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING
from pymongo_async_mock import AsyncMongoMockClient

from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import connect_mongo


async def _collection() -> Any:
    collection = connect_mongo(InfraSettings())["items"]
    await collection.create_index([("bot", ASCENDING), ("conversation", ASCENDING), ("at", ASCENDING)])
    return collection


async def _ids(collection: Any, query: dict[str, Any]) -> list[Any]:
    return sorted([doc["_id"] async for doc in collection.find(query)])


async def test_a_query_on_an_index_prefix_finds_exactly_the_matching_documents() -> None:
    items = await _collection()
    for index in range(30):
        await items.insert_one({"_id": index, "bot": f"b{index % 3}", "conversation": f"c{index % 5}"})
    assert await _ids(items, {"bot": "b1", "conversation": "c2"}) == [7, 22]
    assert await items.count_documents({"bot": "b0"}) == 10
    assert await _ids(items, {"bot": "b1", "conversation": "c2", "_id": {"$gt": 10}}) == [22]


async def test_a_document_updated_in_place_is_found_under_its_new_value_only() -> None:
    items = await _collection()
    await items.insert_one({"_id": "x", "bot": "old", "conversation": "c"})
    await items.update_one({"_id": "x"}, {"$set": {"bot": "new"}})
    assert (await _ids(items, {"bot": "new"}), await _ids(items, {"bot": "old"})) == (["x"], [])


async def test_a_replaced_or_upserted_document_is_found_under_its_values() -> None:
    items = await _collection()
    await items.insert_one({"_id": "x", "bot": "a"})
    await items.replace_one({"_id": "x"}, {"bot": "b"})
    await items.update_one({"bot": "c"}, {"$set": {"conversation": "k"}}, upsert=True)
    assert await _ids(items, {"bot": "b"}) == ["x"]
    assert await items.count_documents({"bot": "c", "conversation": "k"}) == 1


async def test_an_array_or_missing_value_still_matches_as_mongodb_would() -> None:
    items = await _collection()
    await items.insert_many([{"_id": 1, "bot": ["a", "b"]}, {"_id": 2}, {"_id": 3, "bot": "a"}])
    assert await _ids(items, {"bot": "a"}) == [1, 3]
    assert await _ids(items, {"bot": None}) == [2]


async def test_a_deleted_document_is_not_found_any_more() -> None:
    items = await _collection()
    await items.insert_many([{"_id": 1, "bot": "a"}, {"_id": 2, "bot": "a"}])
    await items.delete_one({"_id": 1})
    assert await _ids(items, {"bot": "a"}) == [2]
    assert await items.find_one({"_id": 1}) is None


async def test_a_lookup_by_id_still_tests_the_other_conditions() -> None:
    items = await _collection()
    await items.insert_one({"_id": "x", "bot": "a", "tags": ["t"]})
    assert await items.count_documents({"_id": "x"}) == 1
    assert await items.count_documents({"_id": "x", "bot": "b"}) == 0
    assert await items.count_documents({"_id": "x", "tags": {"$ne": "t"}}) == 0


async def test_string_conditions_beside_a_lookup_answer_as_mongomock_does() -> None:
    items = await _collection()
    plain = AsyncMongoMockClient(tz_aware=True).get_database("plain")["items"]
    documents = [
        {"_id": "s", "bot": "b", "tag": "t"},
        {"_id": "l", "bot": "b", "tag": ["u", "t"]},
        {"_id": "n", "bot": "b", "tag": [["t"]]},
        {"_id": "i", "bot": "b", "tag": 5},
        {"_id": "m", "bot": "b"},
    ]
    for collection in (items, plain):
        await collection.insert_many([dict(document) for document in documents])
    queries: list[dict[str, Any]] = [{"bot": "b", "tag": "t"}, {"bot": "b", "tag": {"$ne": "t"}}]
    queries += [{"_id": d["_id"], "tag": {"$ne": "t"}} for d in documents]
    for query in queries:
        assert await _ids(items, query) == await _ids(plain, query), query


async def test_a_document_read_or_updated_never_shares_its_stored_values() -> None:
    items = await _collection()
    await items.insert_one({"_id": "x", "ids": ["a"], "nested": {"at": [{"n": 1}]}})
    await items.update_one({"_id": "x", "ids": {"$ne": "b"}}, {"$push": {"ids": "b"}})
    found = await items.find_one({"_id": "x"})
    found["ids"].append("c")
    found["nested"]["at"][0]["n"] = 2
    assert await items.find_one({"_id": "x"}) == {"_id": "x", "ids": ["a", "b"], "nested": {"at": [{"n": 1}]}}
