"""Faster document handling for the Mongo emulation, with mongomock's results.

Mongomock copies a document on every read and every update (its rollback snapshot), normalises
every inserted document and update for datetimes, and answers queries with a generic matcher; in
embedded mode those were most of the turn logger's and analytics worker's cost. Here plain dicts,
lists and immutable scalars take a direct path, and anything else goes to mongomock's own code.
"""

# pyright: reportMissingTypeStubs=false, reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false, reportAttributeAccessIssue=false, reportPrivateImportUsage=false

from __future__ import annotations

import copy
import functools
import types
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import mongomock.collection
from bson import ObjectId
from mongomock import helpers

_SCALARS: frozenset[type] = frozenset({str, int, float, bool, type(None), ObjectId, bytes})
"""Immutable values that datetime normalisation leaves alone."""
_ATOMS: frozenset[type] = _SCALARS | {datetime}
"""Immutable values a copy may share."""
_MISSING = object()

Condition = tuple[str, str, bool]


def copy_document(value: Any) -> Any:
    """A deep copy: dicts (mongomock stores OrderedDicts), lists and immutable scalars directly,
    anything else by `copy.deepcopy`, without its memo bookkeeping for every string."""
    kind = type(value)
    if kind is dict or kind is OrderedDict:
        items = value.items()
        return kind((key, item if type(item) in _ATOMS else copy_document(item)) for key, item in items)
    if kind is list:
        return [item if type(item) in _ATOMS else copy_document(item) for item in value]
    return value if kind in _ATOMS else copy.deepcopy(value)


def _normaliser(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`helpers.patch_datetime_awareness_in_document` (datetimes to naive UTC milliseconds, tuples
    to lists), walking plain containers directly and leaving everything else to `original`."""

    @functools.wraps(original)
    def normalise(value: Any) -> Any:
        kind = type(value)
        if kind is dict or kind is OrderedDict:
            items = value.items()
            return kind((key, item if type(item) in _SCALARS else normalise(item)) for key, item in items)
        if kind is list or kind is tuple:
            return [item if type(item) in _SCALARS else normalise(item) for item in value]
        return value if kind in _SCALARS else original(value)

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
