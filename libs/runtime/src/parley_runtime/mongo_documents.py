"""Faster document handling for the Mongo emulation, with mongomock's results.

Mongomock copies a document on every read and every update (its rollback snapshot), normalises
every inserted document and update for datetimes, checks every inserted field name, and answers
queries with a generic matcher; pymongo_async_mock rebuilds every filter. In embedded mode those
were most of the turn logger's and analytics worker's cost. Here plain dicts, lists and immutable
scalars take a direct path, and anything else goes to mongomock's own code.
"""

# pyright: reportMissingTypeStubs=false, reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false, reportAttributeAccessIssue=false, reportPrivateImportUsage=false
# pyright: reportPrivateUsage=false

from __future__ import annotations

import copy
import functools
import types
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import mongomock.collection
import pymongo_async_mock.patches
from bson import ObjectId
from mongomock import helpers

_SCALARS: frozenset[type] = frozenset({str, int, float, bool, type(None), ObjectId, bytes})
"""Immutable values that datetime normalisation leaves alone."""
_ATOMS: frozenset[type] = _SCALARS | {datetime}
"""Immutable values a copy may share."""
_MISSING = object()
PLAIN_DOCUMENTS = (dict, OrderedDict)
"""The types of mongomock's stored documents and sub-documents, which the direct paths handle."""

Condition = tuple[str, str, bool]


def copy_document(value: Any) -> Any:
    """A deep copy: dicts (mongomock stores OrderedDicts), lists and immutable scalars directly,
    anything else by `copy.deepcopy`, without its memo bookkeeping for every string.

    A container is copied whole in C and only its containers are copied again: a bucket's list of
    event ids or a turn's slots cost one call, not one Python step per item."""
    kind = type(value)
    if kind is dict or kind is OrderedDict:
        return _rebuilt_mapping(value, _ATOMS, copy_document)
    if kind is list:
        return _rebuilt_sequence(value, _ATOMS, copy_document)
    return value if kind in _ATOMS else copy.deepcopy(value)


def _rebuilt_mapping(mapping: Any, atoms: frozenset[type], rebuild: Callable[[Any], Any]) -> Any:
    """A copy of `mapping` (of its own type) made whole in C, with every value not of an `atoms`
    type replaced by `rebuild(value)`."""
    rebuilt = type(mapping)(mapping)
    if not atoms.issuperset(map(type, mapping.values())):
        for key, item in mapping.items():
            if type(item) not in atoms:
                rebuilt[key] = rebuild(item)
    return rebuilt


def _rebuilt_sequence(sequence: Any, atoms: frozenset[type], rebuild: Callable[[Any], Any]) -> list[Any]:
    """`sequence` as a new list, every item not of an `atoms` type replaced by `rebuild(item)`."""
    if atoms.issuperset(map(type, sequence)):
        return list(sequence)
    return [item if type(item) in atoms else rebuild(item) for item in sequence]


def _normaliser(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`helpers.patch_datetime_awareness_in_document` (datetimes to naive UTC milliseconds, tuples
    to lists), walking plain containers directly and leaving everything else to `original`."""

    @functools.wraps(original)
    def normalise(value: Any) -> Any:
        kind = type(value)
        if kind is dict or kind is OrderedDict:
            return _rebuilt_mapping(value, _SCALARS, normalise)
        if kind is list or kind is tuple:
            return _rebuilt_sequence(value, _SCALARS, normalise)
        if kind is datetime and not value.fold:
            return stored_datetime(value)
        return value if kind in _SCALARS else original(value)

    return normalise


def stored_datetime(moment: datetime) -> datetime:
    """As mongomock stores a datetime (and MongoDB reads one): naive UTC, to the millisecond.
    (The constructor, because `replace` with keywords costs three times as much.)"""
    offset = moment.utcoffset()
    utc = moment if offset is None else moment - offset
    milliseconds = utc.microsecond // 1000 * 1000
    return datetime(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, milliseconds)


def _field_name_check(original: Callable[[Any], None]) -> Callable[[Any], None]:
    """mongomock's `_validate_data_fields` (no NUL in a field name at any depth of nested mappings,
    no `$` at the start of a top-level one), which tests every value against the `Mapping` ABC:
    names of plain documents are checked directly, and anything else is left to `original`."""

    @functools.wraps(original)
    def check(document: Any) -> None:
        if not _plain_names(document, top_level=True):
            original(document)

    return check


def _plain_names(document: Any, *, top_level: bool = False) -> bool:
    for key, value in document.items():
        if type(key) is not str or "\0" in key or (top_level and key.startswith("$")):
            return False
        kind = type(value)
        if kind is dict or kind is OrderedDict:
            if not _plain_names(value):
                return False
        elif kind is not list and kind not in _ATOMS:
            return False
    return True


def _string_normaliser(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """pymongo_async_mock's `_normalize_strings` (every dict made a plain dict, lists and tuples
    rebuilt, on every query), passing plain values and rebuilding plain containers directly."""

    @functools.wraps(original)
    def normalise(value: Any) -> Any:
        kind = type(value)
        if kind in _ATOMS:
            return value
        if kind is dict:
            return {key: item if type(item) in _ATOMS else normalise(item) for key, item in value.items()}
        if kind is list:
            return [item if type(item) in _ATOMS else normalise(item) for item in value]
        return original(value)

    return normalise


def string_conditions(query: Mapping[str, Any]) -> list[Condition] | None:
    """(field, value, negated) of a query made only of `field: "s"` and `field: {"$ne": "s"}` on
    top-level fields, or None for any other query (which mongomock's matcher answers)."""
    conditions: list[Condition] = []
    for field, condition in query.items():
        if field.startswith("$") or "." in field:
            return None
        negated = isinstance(condition, Mapping) and list(condition) == ["$ne"]
        value = condition["$ne"] if negated else condition
        if not isinstance(value, str):
            return None
        conditions.append((field, value, negated))
    return conditions


def satisfies(document: Mapping[str, Any], conditions: list[Condition]) -> bool:
    """As MongoDB reads them: equal to the string, or an array holding it (`$ne`: neither)."""
    for field, value, negated in conditions:
        found = document.get(field, _MISSING)
        equal = found == value or (type(found) is list and value in found)
        if equal == negated:
            return False
    return True


@functools.cache
def install_document_speedups() -> None:
    """Make mongomock copy and normalise documents with the functions above (once per process)."""
    mongomock.collection.copy = types.SimpleNamespace(copy=copy.copy, deepcopy=copy_document)
    helpers.patch_datetime_awareness_in_document = _normaliser(helpers.patch_datetime_awareness_in_document)
    mongomock.collection._validate_data_fields = _field_name_check(mongomock.collection._validate_data_fields)
    # mongomock parses the same few version strings on every insert and `$set` field
    parse = functools.cache(mongomock.collection.version.parse)
    mongomock.collection.version = types.SimpleNamespace(parse=parse)
    patches = pymongo_async_mock.patches
    patches._normalize_strings = _string_normaliser(patches._normalize_strings)
