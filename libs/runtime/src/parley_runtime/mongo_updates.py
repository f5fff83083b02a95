"""Updates of one stored document in place, with mongomock's results, for the shapes of Parley's writes.

mongomock applies an update through layers meant for every case: it normalises the update and the
query, finds the document through its generic matcher, deep-copies it to detect a change, and walks
each field through positional-operator and array handling. In embedded mode the analytics bucket
update (ten `$inc`s and a `$push`) and the conversation update (`$min`, `$max`) spent most of a
turn's emulated writes there.

Here an update made only of `$inc`, `$min`, `$max` and top-level `$push` of plain values (one, or
`$each` of them with a negative `$slice`: the conversation update keeps its latest turn ids) and
`$setOnInsert` (which an existing document ignores), on paths through plain sub-documents, is
first checked against the document and then applied as mongomock's updaters apply it: Python's `+`,
`min` and `max` within one kind of value, `append` (then the last items kept), missing
sub-documents created as `{}`, new fields in the update's order. Anything else (another operator,
an array or positional path, values or stored fields of other types, two writes under one
top-level field) is left to mongomock.
"""

# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from parley_runtime.mongo_documents import PLAIN_DOCUMENTS, stored_datetime

Path = tuple[str, ...]
Step = tuple[str, Path, Any]
"""(operator, path, value as mongomock stores it)"""

_MISSING: Any = object()
_NUMBERS = (int, float)
_KINDS: dict[type, str] = {int: "number", float: "number", str: "string", datetime: "date"}
"""What `$min` and `$max` compare here: values of one kind, as Python orders them (mongomock's rule)."""
_VALUES: dict[str, frozenset[type] | dict[type, str]] = {
    "$inc": frozenset(_NUMBERS),
    "$min": _KINDS,
    "$max": _KINDS,
    "$push": frozenset({str, int, float, bool, type(None), datetime}),
}
"""The values each operator's direct path takes."""


class _Sliced(NamedTuple):
    """`$push: {field: {"$each": values, "$slice": keep}}`, `keep` < 0: append, keep the last -keep."""

    values: list[Any]
    keep: int


def plan_update(update: Any) -> tuple[list[Step], set[str]] | None:
    """The steps of `update` and the top-level fields they write, or None when mongomock must apply it."""
    if type(update) is not dict:
        return None
    steps: list[Step] = []
    roots: set[str] = set()
    for operator, fields in update.items():
        if type(fields) is not dict or not fields:  # mongomock rejects an empty operator
            return None
        if operator == "$setOnInsert":
            continue
        allowed = _VALUES.get(operator)
        if allowed is None:
            return None
        for field, value in fields.items():
            path = _path(field, top_level=operator == "$push")
            planned = (
                _sliced(value) if operator == "$push" and type(value) is dict else _plain(value, allowed)
            )
            if path is None or planned is _MISSING or path[0] in roots:
                return None
            roots.add(path[0])
            steps.append((operator, path, planned))
    return steps, roots


def _plain(value: Any, allowed: frozenset[type] | dict[type, str]) -> Any:
    """`value` as mongomock stores it, or `_MISSING` when it is not one `allowed` here."""
    kind = type(value)
    if kind not in allowed or (kind is datetime and value.fold):
        return _MISSING
    return stored_datetime(value) if kind is datetime else value


def _sliced(value: dict[str, Any]) -> Any:
    """A `$push` of `$each` plain values with a negative `$slice`, or `_MISSING` for any other."""
    values, keep = value.get("$each"), value.get("$slice")
    if value.keys() != {"$each", "$slice"} or type(values) is not list or not values:
        return _MISSING
    if type(keep) is not int or keep >= 0:
        return _MISSING
    stored = [_plain(item, _VALUES["$push"]) for item in values]
    return _MISSING if any(item is _MISSING for item in stored) else _Sliced(stored, keep)


def apply_in_place(document: dict[str, Any], steps: list[Step]) -> bool | None:
    """Apply `steps` to `document`; whether it changed, or None (and `document` untouched) when
    mongomock must apply them."""
    found: list[tuple[dict[str, Any] | None, Any]] = []
    for operator, path, value in steps:
        parent = document if len(path) == 1 else _parent(document, path)
        if parent is _MISSING:
            return None
        old = _MISSING if parent is None else parent.get(path[-1], _MISSING)
        if not _ACCEPTS[operator](old, value):
            return None
        found.append((parent, old))
    changed = False
    for (operator, path, value), (parent, old) in zip(steps, found, strict=True):
        new = _APPLY[operator](old, value)
        (_create_parent(document, path) if parent is None else parent)[path[-1]] = new
        # what mongomock's comparison with its snapshot (which shares the values) finds
        appended = operator == "$push" and type(value) is not _Sliced
        changed = changed or old is _MISSING or appended or (new is not old and new != old)
    return changed


def _path(field: Any, *, top_level: bool) -> Path | None:
    if type(field) is not str or "$" in field or "\0" in field or field == "_id":
        return None
    if "." not in field:
        return (field,)
    path = tuple(field.split("."))
    return None if top_level or "" in path or path[0] == "_id" else path


def _parent(document: dict[str, Any], path: Path) -> Any:
    """The sub-document holding `path`'s last field; None when a sub-document on the way is
    missing (mongomock creates it), `_MISSING` when one is not a plain dict."""
    node: Any = document
    for part in path[:-1]:
        node = node.get(part, _MISSING)
        if node is _MISSING:
            return None
        if type(node) not in PLAIN_DOCUMENTS:
            return _MISSING
    return node


def _create_parent(document: dict[str, Any], path: Path) -> dict[str, Any]:
    node = document
    for part in path[:-1]:
        node = node.setdefault(part, {})
    return node


def _same_kind(old: Any, value: Any) -> bool:
    kind = _KINDS.get(type(old))
    return kind == _KINDS[type(value)] and (kind != "date" or old.tzinfo is None)


def _increment(old: Any, value: Any) -> Any:
    return (0 if old is _MISSING else old) + value


def _push(old: Any, value: Any) -> list[Any]:
    if type(value) is _Sliced:
        pushed = value.values if old is _MISSING else [*old, *value.values]
        return pushed[value.keep :]
    if old is _MISSING:
        return [value]
    old.append(value)
    return old


_ACCEPTS: dict[str, Callable[[Any, Any], bool]] = {
    "$inc": lambda old, value: old is _MISSING or type(old) in _NUMBERS,
    "$min": lambda old, value: old is _MISSING or _same_kind(old, value),
    "$max": lambda old, value: old is _MISSING or _same_kind(old, value),
    "$push": lambda old, value: old is _MISSING or type(old) is list,
}
_APPLY: dict[str, Callable[[Any, Any], Any]] = {
    "$inc": _increment,
    "$min": lambda old, value: value if old is _MISSING else min(old, value),
    "$max": lambda old, value: value if old is _MISSING else max(old, value),
    "$push": _push,
}
