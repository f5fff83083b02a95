"""The emulation's document shortcuts give exactly what mongomock's own code gives."""

from __future__ import annotations

import inspect
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import mongomock.collection
import pymongo_async_mock.patches
from bson import ObjectId
from mongomock import helpers

from parley_runtime.mongo_documents import _field_name_check, _normaliser, _string_normaliser, copy_document

# mongomock's own function, whether or not the emulation has wrapped it already
ORIGINAL = getattr(
    helpers.patch_datetime_awareness_in_document,
    "__wrapped__",
    helpers.patch_datetime_awareness_in_document,
)


def _document() -> OrderedDict[str, object]:
    aware = datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    return OrderedDict(
        _id=ObjectId(),
        text="hi",
        count=3,
        ratio=0.5,
        flag=True,
        none=None,
        blob=b"x",
        at=aware,
        naive=datetime(2026, 5, 1, 12, 0, 0, 999999),
        pair=("a", aware),
        nested={"ids": ["a", "b"], "when": [{"at": datetime.now(UTC)}], "deep": OrderedDict(k=[1, (2, 3)])},
        bson=helpers.hashdict({"a": 1}),
    )


def test_normalising_gives_what_mongomock_gives() -> None:
    document = _document()
    assert _normaliser(ORIGINAL)(document) == ORIGINAL(document)
    assert type(_normaliser(ORIGINAL)(document)["nested"]["deep"]) is OrderedDict


def test_a_copy_is_equal_and_shares_no_container() -> None:
    document = _document()
    del document["bson"]  # immutable by design: even copy.deepcopy cannot copy it
    copied = copy_document(document)
    assert copied == document and type(copied) is OrderedDict
    assert copied["nested"] is not document["nested"]
    assert copied["nested"]["ids"] is not document["nested"]["ids"]
    assert copied["nested"]["when"][0] is not document["nested"]["when"][0]


def test_a_datetime_in_a_fold_or_any_offset_is_stored_as_mongomock_stores_it() -> None:
    moments = [
        datetime(2026, 10, 25, 1, 30, 0, 999999, fold=1),
        datetime(2026, 5, 1, 23, 59, 59, 999500, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
        datetime(2026, 5, 1, 0, 0, 0, 500, tzinfo=UTC),
    ]
    for moment in moments:
        assert repr(_normaliser(ORIGINAL)(moment)) == repr(ORIGINAL(moment))


def test_field_names_are_checked_as_mongomock_checks_them() -> None:
    original = inspect.unwrap(mongomock.collection._validate_data_fields)
    check = _field_name_check(original)
    documents: list[dict[str, object]] = [
        {"a": 1, "nested": {"b": [1, {"c\0": 2}]}},
        {"a": {"b\0": 1}},
        {"a": helpers.hashdict({"b\0": 1})},
        {"$a": 1},
        {"a": {"$b": 1}},
        {"a\0": 1},
        {"a": OrderedDict(b=OrderedDict(c=[("t",)]))},
    ]
    for document in documents:
        assert _raised(check, document) == _raised(original, document), document


def test_queries_are_rebuilt_as_pymongo_async_mock_rebuilds_them() -> None:
    original = inspect.unwrap(pymongo_async_mock.patches._normalize_strings)
    normalise = _string_normaliser(original)
    queries: list[object] = [
        {"_id": "x", "ids": {"$ne": "y"}},
        {"$or": [{"a": 1}, {"b": OrderedDict(c=(1, [2]))}], "at": {"$gte": datetime.now(UTC)}},
        helpers.hashdict({"a": 1}),
        [("a", 1)],
        "s",
    ]
    for query in queries:
        normalised = normalise(query)
        assert normalised == original(query) and repr(normalised) == repr(original(query))


def _raised(check: Callable[[object], None], document: object) -> str | None:
    try:
        check(document)
    except Exception as exc:  # the error mongomock raises is what must match
        return f"{type(exc).__name__}: {exc}"
    return None
