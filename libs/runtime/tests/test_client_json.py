"""JSON from clients: UTF-8 and a nesting limit, checked before decoding, as `InvalidInputError`s."""

from __future__ import annotations

import pytest

from parley_runtime.client_json import MAX_DEPTH, check_depth, decode_json, nesting_depth
from parley_runtime.errors import InvalidInputError


@pytest.mark.parametrize(
    ("raw", "depth"),
    [
        (b"5", 0),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'{"text": "[[[[{{{{"}', 1),
        (b'["\\"[[[", [["\\\\"]]]', 3),
    ],
)
def test_nesting_is_counted_outside_strings(raw: bytes, depth: int) -> None:
    assert nesting_depth(raw) == depth


def test_json_nested_as_deep_as_the_limit_is_decoded() -> None:
    raw = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    check_depth(raw)
    assert decode_json(raw) is not None


@pytest.mark.parametrize("raw", [b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), b"[" * 100_000])
def test_json_nested_deeper_than_the_limit_is_refused_before_decoding(raw: bytes) -> None:
    with pytest.raises(InvalidInputError, match=f"more than {MAX_DEPTH} levels"):
        decode_json(raw)


def test_brackets_in_strings_do_not_count_towards_the_limit() -> None:
    raw = b'{"text": "' + b"[" * 5000 + b'"}'
    assert decode_json(raw) == {"text": "[" * 5000}


@pytest.mark.parametrize("raw", [b'{"text": "h\xffi"}', '{"text": "h\udcffi"}'])
def test_text_that_is_not_utf8_is_refused(raw: bytes | str) -> None:
    with pytest.raises(InvalidInputError, match="not valid UTF-8"):
        decode_json(raw)


def test_malformed_json_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        decode_json(b'{"text": ')
