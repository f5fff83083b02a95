"""JSON from clients: decoded only when it is UTF-8 and nested at most `MAX_DEPTH` deep.

A JSON decoder recurses once per level of nesting, so a few kilobytes of `[` exhaust Python's
recursion limit inside it (`RecursionError`, which no handler expects: a 500). The depth is
therefore counted before decoding, with passes over the bytes that run in C: a body with no more
brackets than the limit is accepted at once, any other has its strings removed and its brackets
summed. Failures are `InvalidInputError`s (HTTP 400), as for any other malformed body.

JSON may escape a UTF-16 surrogate (`\\ud800`) without its other half, which no Unicode text holds;
msgspec refuses it, in words such as "Input data was truncated", so such a refusal is named for
what it is.

An object that gives a key twice (`{"replies": ["A"], "replies": ["B"]}`) is refused, naming where:
JSON decoders keep the last value and drop the others without a word, so a hand-merged document
lost what its first copy held. msgspec cannot tell, so the text is read once more by the standard
library, which hands over each object's pairs before they become a dictionary.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from typing import Any

import msgspec

from parley_runtime.errors import InvalidInputError

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted from a client. Bot definitions nest about 6 deep;
MongoDB refuses documents nested over 100 levels, which a chat context is stored inside."""

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = [1 if b in b"[{" else -1 if b in b"]}" else 0 for b in range(256)]
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_BACKSLASH = 0x5C


def nesting_depth(raw: bytes) -> int:
    """How deep arrays and objects nest in the JSON text `raw` (brackets inside strings do not count)."""
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0)


def check_depth(raw: bytes, max_depth: int = MAX_DEPTH) -> None:
    """Raise `InvalidInputError` when the JSON text `raw` nests deeper than `max_depth`."""
    if raw.count(b"[") + raw.count(b"{") <= max_depth:
        return
    if nesting_depth(raw) > max_depth:
        raise InvalidInputError(
            f"JSON nested more than {max_depth} levels deep",
            details=[{"message": f"arrays and objects nest at most {max_depth} levels deep"}],
        )


def decode_json(raw: bytes | str, max_depth: int = MAX_DEPTH, *, unique_keys: bool = True) -> Any:
    """Decode a client's JSON text; `InvalidInputError` saying why when it is not UTF-8 JSON
    nested at most `max_depth` deep, or (with `unique_keys`) when an object gives a key twice."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    check_depth(data, max_depth)
    try:
        value = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise not_json(data, str(exc)) from None
    except UnicodeError as exc:
        raise InvalidInputError(not_utf8(exc), details=[{"message": str(exc)}]) from None
    if unique_keys:
        check_unique_keys(data)
    return value


def check_unique_keys(raw: bytes) -> None:
    """`InvalidInputError` naming every key an object of the JSON text `raw` gives more than once;
    `raw` is JSON already decoded (its depth checked), so only that can be wrong with it."""
    paths = repeated_keys(raw)
    if paths:
        raise InvalidInputError(
            repeated_message(paths), details=[{"path": path, "message": REPEATED} for path in paths]
        )


REPEATED = "is given more than once: an object gives each key once"
"""What is wrong with a repeated key, said at its path."""


def repeated_message(paths: list[str]) -> str:
    """One line naming the repeated keys at `paths` (the first three of them)."""
    named = ", ".join(f"`{path}`" for path in paths[:3]) + (", ..." if len(paths) > 3 else "")
    keys = "key" if len(paths) == 1 else "keys"
    why = "an object gives each key once; readers keep only the last value"
    return f"repeated {keys} in the JSON: {named} ({why})"


def repeated_keys(raw: bytes) -> list[str]:
    """The paths (`intents[0].replies`) of the keys that an object of the JSON text `raw` gives
    more than once, each once, in the order of the document; `raw` must be valid JSON."""
    repeats: list[_Repeats] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        found = dict(items)
        if len(found) == len(items):
            return found
        counted: dict[str, int] = {}
        for key, _ in items:
            counted[key] = counted.get(key, 0) + 1
        repeats.append(_Repeats(found, [key for key, count in counted.items() if count > 1]))
        return repeats[-1]

    # Numbers stay text: their values do not matter here, and a long one would exceed `int`'s limit.
    value = json.loads(raw, object_pairs_hook=pairs, parse_int=str, parse_float=str, parse_constant=str)
    return list(_repeated_paths(value, "")) if repeats else []


class _Repeats(dict[str, Any]):
    """An object of the text that gives `repeated` more than once (its last values kept)."""

    def __init__(self, found: dict[str, Any], repeated: list[str]) -> None:
        super().__init__(found)
        self.repeated = repeated


def _repeated_paths(value: object, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        fields: dict[str, Any] = value  # pyright: ignore[reportUnknownVariableType]
        if isinstance(fields, _Repeats):
            yield from (_key_path(path, key) for key in fields.repeated)
        for key, item in fields.items():
            yield from _repeated_paths(item, _key_path(path, key))
    elif isinstance(value, list):
        items: list[Any] = value  # pyright: ignore[reportUnknownVariableType]
        for n, item in enumerate(items):
            yield from _repeated_paths(item, f"{path}[{n}]")


def _key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def not_json(raw: bytes, reason: str) -> InvalidInputError:
    """The error for the text `raw`, which a JSON decoder refused for `reason`."""
    if (lone := lone_surrogate(raw)) is not None:
        at, escape = lone
        message = f"not valid Unicode: {escape} (at byte {at}) is half of a UTF-16 surrogate pair"
        return InvalidInputError(f"{message}; text must be valid UTF-8", details=[{"message": message}])
    return InvalidInputError(f"not valid JSON: {reason}", details=[{"message": reason}])


def lone_surrogate(raw: bytes) -> tuple[int, str] | None:
    """Where the JSON text `raw` escapes half of a UTF-16 surrogate pair without the other half
    (a high one not followed by a low one, or a low one alone), and that escape; else None."""
    paired_until = -1
    for found in _SURROGATE.finditer(raw):
        if found.start() < paired_until or _escaped(raw, found.start()):
            continue
        after = _SURROGATE.match(raw, found.end())
        if _is_high(found[0]) and after is not None and not _is_high(after[0]):
            paired_until = after.end()
            continue
        return found.start(), found[0].decode()
    return None


def _is_high(escape: bytes) -> bool:
    return int(escape[2:], 16) < 0xDC00


def _escaped(raw: bytes, at: int) -> bool:
    """Whether the backslash at `at` is itself escaped: an odd number of backslashes before it."""
    before = at
    while before > 0 and raw[before - 1] == _BACKSLASH:
        before -= 1
    return (at - before) % 2 == 1


def not_utf8(exc: UnicodeError) -> str:
    """The message for text that is not UTF-8."""
    where = f" (at byte {exc.start})" if isinstance(exc, UnicodeDecodeError) else ""
    return f"not valid UTF-8{where}"
