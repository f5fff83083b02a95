"""JSON from clients: decoded only when it is UTF-8 and nested at most `MAX_DEPTH` deep.

A JSON decoder recurses once per level of nesting, so a few kilobytes of `[` exhaust Python's
recursion limit inside it (`RecursionError`, which no handler expects: a 500). The depth is
therefore counted before decoding, with passes over the bytes that run in C: a body with no more
brackets than the limit is accepted at once, any other has its strings removed and its brackets
summed. Failures are `InvalidInputError`s (HTTP 400), as for any other malformed body.

JSON may escape a UTF-16 surrogate (`\\ud800`) without its other half, which no Unicode text holds;
msgspec refuses it, in words such as "Input data was truncated", so such a refusal is named for
what it is.
"""

from __future__ import annotations

import itertools
import re
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


def decode_json(raw: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """Decode a client's JSON text; `InvalidInputError` saying why when it is not UTF-8 JSON
    nested at most `max_depth` deep."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    check_depth(data, max_depth)
    try:
        return msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise not_json(data, str(exc)) from None
    except UnicodeError as exc:
        raise InvalidInputError(not_utf8(exc), details=[{"message": str(exc)}]) from None


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
