"""JSON from clients: decoded only when it is UTF-8 and nested at most `MAX_DEPTH` deep.

A JSON decoder recurses once per level of nesting, so a few kilobytes of `[` exhaust Python's
recursion limit inside it (`RecursionError`, which no handler expects: a 500). The depth is
therefore counted before decoding, with passes over the bytes that run in C: a body with no more
brackets than the limit is accepted at once, any other has its strings removed and its brackets
summed. Failures are `InvalidInputError`s (HTTP 400), as for any other malformed body.
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
        raise InvalidInputError(f"not valid JSON: {exc}", details=[{"message": str(exc)}]) from None
    except UnicodeError as exc:
        raise InvalidInputError(not_utf8(exc), details=[{"message": str(exc)}]) from None


def not_utf8(exc: UnicodeError) -> str:
    """The message for text that is not UTF-8."""
    where = f" (at byte {exc.start})" if isinstance(exc, UnicodeDecodeError) else ""
    return f"not valid UTF-8{where}"
