"""JSON from clients: UTF-8 and a nesting limit, checked before decoding, as `InvalidInputError`s."""

from __future__ import annotations

import pytest

from parley_runtime.client_json import MAX_DEPTH, check_depth, decode_json, nesting_depth, repeated_keys
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


@pytest.mark.parametrize(
    ("raw", "escape", "at"),
    [
        (b'{"text": "\\ud800"}', "\\ud800", 10),
        (b'{"text": "a\\uDBFFb", "n": 1}', "\\uDBFF", 11),
        (b'{"text": "\\udc00"}', "\\udc00", 10),
        (b'{"text": "\\ud800\\u0041"}', "\\ud800", 10),
        (b'{"text": "\\ud83d\\ude00\\ud800\\ud800"}', "\\ud800", 22),
        (b'{"text": "\\\\\\ud800"}', "\\ud800", 12),
    ],
)
def test_half_a_surrogate_pair_is_refused_as_not_unicode(raw: bytes, escape: str, at: int) -> None:
    with pytest.raises(InvalidInputError) as refused:
        decode_json(raw)
    assert str(refused.value) == (
        f"not valid Unicode: {escape} (at byte {at}) is half of a UTF-16 surrogate pair;"
        " text must be valid UTF-8"
    )


@pytest.mark.parametrize(
    ("raw", "text"),
    [(b'{"text": "\\ud83d\\ude00"}', "\U0001f600"), (b'{"text": "\\\\ud800"}', "\\ud800")],
)
def test_a_whole_pair_or_an_escaped_backslash_is_text(raw: bytes, text: str) -> None:
    assert decode_json(raw) == {"text": text}


def test_malformed_json_with_a_whole_pair_is_still_malformed() -> None:
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        decode_json(b'{"text": "\\\\ud800 \\ud83d\\ude00", ')


def test_a_key_given_twice_is_refused_naming_its_path() -> None:
    raw = b'{"intents": [{"id": "greet", "replies": ["A"], "replies": ["B"]}], "name": "x"}'
    with pytest.raises(InvalidInputError) as refused:
        decode_json(raw)
    assert str(refused.value).startswith("repeated key in the JSON: `intents[0].replies` (")
    assert refused.value.details == [
        {"path": "intents[0].replies", "message": "is given more than once: an object gives each key once"}
    ]


def test_every_repeated_key_is_named_once_in_document_order() -> None:
    raw = b'{"a": 1, "a": 2, "a": 3, "b": [{"c": {}, "c": {"d": 1, "d": 2}}], "e": {"f": [], "f": 1}}'
    assert repeated_keys(raw) == ["a", "b[0].c", "b[0].c.d", "e.f"]
    with pytest.raises(
        InvalidInputError, match=r"repeated keys in the JSON: `a`, `b\[0\].c`, `b\[0\].c.d`, \.\.\."
    ):
        decode_json(raw)


@pytest.mark.parametrize(
    "raw",
    [b'{"a": {"b": 1}, "b": {"a": 2}}', b'[{"a": 1}, {"a": 2}]', b'{"a": "\\"a\\": 1"}', b'{"a": 1, "A": 2}'],
)
def test_the_same_key_in_different_objects_is_not_repeated(raw: bytes) -> None:
    assert repeated_keys(raw) == []
    decode_json(raw)


def test_a_repeated_key_may_be_let_through_where_a_reader_asks() -> None:
    assert decode_json(b'{"a": 1, "a": 2}', unique_keys=False) == {"a": 2}


def test_long_numbers_do_not_stop_the_search_for_repeated_keys() -> None:
    digits = b"9" * 4000
    assert repeated_keys(b'{"n": ' + digits + b', "n": 1.' + digits + b"}") == ["n"]
