"""The emulation's document shortcuts give exactly what mongomock's own code gives."""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime, timedelta, timezone

from bson import ObjectId
from mongomock import helpers

from parley_runtime.mongo_documents import _normaliser, copy_document

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
