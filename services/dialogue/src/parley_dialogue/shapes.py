"""Where a bot document departs from the definition's shape, every place at once.

msgspec stops at the first problem; an author fixing a document wants them all. So a document that
failed to convert is converted again piece by piece: each object's fields and each list's or
dictionary's items, down to the fields that are wrong (of another type, missing, or unknown to a
strict struct).
"""

from __future__ import annotations

import difflib
import re
from types import UnionType
from typing import Any, Union, cast, get_args, get_origin

import msgspec

from parley_dialogue.definition import (
    ActionDef,
    BotDefinition,
    EntityDefinition,
    ExampleDef,
    IntentDef,
    ParameterDef,
    Settings,
    SpanDef,
)

_NOUNS: dict[type[msgspec.Struct], str] = {
    BotDefinition: "a bot",
    Settings: "the settings object",
    IntentDef: "an intent",
    ExampleDef: "an example",
    SpanDef: "an annotated span",
    ParameterDef: "a parameter",
    ActionDef: "an action",
    EntityDefinition: "an entity",
}
"""What each strict struct is called when an unknown field of it is reported."""
_AT = re.compile(r"(.*) - at `\$(.*)`", re.DOTALL)


def shape_problems(doc: dict[str, Any], error: msgspec.ValidationError) -> list[tuple[str, str]]:
    """Every (path, message) where `doc`, which failed to convert with `error`, departs from the
    definition's shape. msgspec stops at the first problem, so each object's fields and each list's
    or dictionary's items are converted one by one, down to the fields that are wrong: of another
    type, missing, or unknown to a strict struct."""
    return _shape_problems(doc, BotDefinition, "") or [_located("", str(error))]


def _shape_problems(value: object, kind: Any, path: str) -> list[tuple[str, str]]:
    try:
        msgspec.convert(value, kind)
    except msgspec.ValidationError as exc:
        return _parts_problems(value, _present(kind), path) or [
            _located(path, _worded(value, kind, str(exc)))
        ]
    return []


def _worded(value: object, kind: Any, message: str) -> str:
    """msgspec's `message` for `value`, said for an author where a boolean, number or null stands
    for text: an example is a string or an object (msgspec names only the object), and YAML reads
    an unquoted `true` or `12` as a value, not as the text written."""
    if not isinstance(value, (bool, int, float, type(None))) or " - at `" in message:
        return message
    if _present(kind) is ExampleDef:
        message = message.replace("Expected `object`", "Expected a string or an object", 1)
    elif not message.startswith("Expected `str`"):
        return message
    return f"{message}; quote it to make it text (YAML reads true, false, null and numbers as values)"


def _parts_problems(value: object, kind: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(kind, type) and issubclass(kind, msgspec.Struct) and isinstance(value, dict):
        return _struct_problems(cast(dict[str, Any], value), kind, path)
    items: list[tuple[str, Any]] = []
    if get_origin(kind) is list and isinstance(value, list):
        items = [(f"{path}[{n}]", item) for n, item in enumerate(cast(list[Any], value))]
    elif get_origin(kind) is dict and isinstance(value, dict):
        items = [(_field(path, str(key)), item) for key, item in cast(dict[Any, Any], value).items()]
    item_kind = get_args(kind)[-1] if items else None
    return [problem for where, item in items for problem in _shape_problems(item, item_kind, where)]


def _struct_problems(value: dict[str, Any], kind: type[msgspec.Struct], path: str) -> list[tuple[str, str]]:
    fields = msgspec.structs.fields(kind)
    problems: list[tuple[str, str]] = []
    for field in fields:
        where = _field(path, field.encode_name)
        if field.encode_name in value:
            problems += _shape_problems(value[field.encode_name], field.type, where)
        elif field.required:
            problems.append((where, "is missing"))
    if kind.__struct_config__.forbid_unknown_fields:
        known = tuple(field.encode_name for field in fields)
        what = _NOUNS.get(kind, kind.__name__)
        problems += [
            (_field(path, key), unknown_field(key, known, what)) for key in value if key not in known
        ]
    return problems


def _present(kind: Any) -> Any:
    """`X` for `X | None`: a value that is there and fails is read as an `X`."""
    if get_origin(kind) in (Union, UnionType):
        others = [arg for arg in get_args(kind) if arg is not type(None)]
        return others[0] if len(others) == 1 else kind
    return kind


def _located(path: str, message: str) -> tuple[str, str]:
    """msgspec's "Expected `int`, got `str` - at `$[0].start`" as a path below `path` and a message."""
    found = _AT.fullmatch(message)
    if found is None:
        return path or "$", message
    return (path + found[2]).lstrip(".") or "$", found[1]


def _field(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def unknown_field(key: str, known: tuple[str, ...], what: str) -> str:
    """The message for a field `key` that `what` (which has the fields `known`) does not have."""
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown field{hint}; {what} has {', '.join(known)}"
