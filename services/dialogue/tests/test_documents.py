"""Uploaded bot documents that are not UTF-8, nest too deep or hold impossible values: a clear
`InvalidInputError` (HTTP 400), whatever the content type says."""

from __future__ import annotations

import pytest

from parley_dialogue.documents import load_document, parse_document
from parley_runtime.client_json import MAX_DEPTH
from parley_runtime.errors import InvalidInputError


@pytest.mark.parametrize(
    "content_type",
    [None, "application/json", "application/json; charset=latin-1", "text/plain; charset=latin-1"],
)
def test_json_that_is_not_utf8_is_refused(content_type: str | None) -> None:
    with pytest.raises(InvalidInputError, match="not valid UTF-8"):
        load_document(b'{"name": "caf\xe9", "intents": []}', content_type)


def test_yaml_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="not valid YAML"):
        load_document(b"name: caf\xe9\n", "application/yaml; charset=latin-1")


@pytest.mark.parametrize("raw", [b"[" * 100_000, b'{"intents": ' + b"[" * 3000 + b"]" * 3000 + b"}"])
def test_json_nested_too_deep_is_refused(raw: bytes) -> None:
    with pytest.raises(InvalidInputError, match=f"more than {MAX_DEPTH} levels"):
        load_document(raw, "application/json")


@pytest.mark.parametrize(
    "raw",
    [
        b"a:\n" + b"".join(b" " * i + b"- \n" for i in range(1, 1000)),
        b"intents: " + b"[" * 20_000,
        b"- " * 20_000 + b"x",
    ],
)
def test_yaml_nested_too_deep_is_refused(raw: bytes) -> None:
    with pytest.raises(InvalidInputError, match=f"more than {MAX_DEPTH} levels"):
        load_document(raw, "application/yaml")


def test_yaml_nested_within_the_limit_is_read() -> None:
    raw = b"a: " + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1)
    assert isinstance(load_document(raw, "application/yaml"), dict)


@pytest.mark.parametrize("value", [b"!!timestamp 2026-02-30", b"!!timestamp 2026-13-01", b"!!int 0x"])
def test_a_yaml_value_that_cannot_be_constructed_is_refused(value: bytes) -> None:
    with pytest.raises(InvalidInputError, match="not valid YAML"):
        parse_document(b"name: shop\nupdated: " + value + b"\n")


@pytest.mark.parametrize("escaped", [rb"hi \ud800 there", rb"\udc00", rb"\ude00\ud83d", rb"\ud83d"])
def test_yaml_that_escapes_half_a_surrogate_pair_is_refused(escaped: bytes) -> None:
    with pytest.raises(InvalidInputError, match=r"not valid Unicode: \\ud[8-9a-f]"):
        load_document(b'name: "' + escaped + b'"\n', "application/yaml")


def test_yaml_that_escapes_a_whole_surrogate_pair_reads_its_character() -> None:
    assert load_document(rb'name: "hi \ud83d\ude00 caf\u00e9"', "application/yaml") == {"name": "hi 😀 café"}


MERGED_BY_HAND = b"""\
intents:
  - id: greet
    examples: [hi, hello]
  - id: bye
    examples: [bye]
entities: []
intents:
  - id: thanks
    examples: [thanks]
"""


def test_a_yaml_key_given_twice_is_refused_naming_its_path_and_lines() -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_document(MERGED_BY_HAND, "application/yaml", name="shop")
    assert str(refused.value) == "invalid bot definition (1 problem)"
    assert refused.value.details == [
        {
            "path": "intents",
            "message": "is given more than once (lines 1 and 7): a mapping gives each key once",
        }
    ]


def test_every_repeated_yaml_key_is_listed_where_it_is() -> None:
    raw = b"""\
name: shop
intents:
  - id: greet
    examples: [hi]
    replies: [Hello]
    action: {url: "https://a.example", url: "https://b.example"}
    replies: [Hi]
    replies: [Hey]
settings: {fallback_threshold: 0.5}
"""
    with pytest.raises(InvalidInputError) as refused:
        parse_document(raw, "application/yaml")
    assert [(p["path"], p["message"].split(":")[0]) for p in refused.value.details] == [
        ("intents[0].action.url", "is given more than once (lines 6 and 6)"),
        ("intents[0].replies", "is given more than once (lines 5, 7 and 8)"),
    ]


def test_a_json_key_given_twice_is_refused_as_an_invalid_definition_naming_its_path() -> None:
    raw = b'{"intents": [{"id": "greet", "examples": ["hi"], "replies": ["A"], "replies": ["B"]}]}'
    with pytest.raises(InvalidInputError) as refused:
        parse_document(raw, "application/json", name="shop")
    assert str(refused.value) == "invalid bot definition (1 problem)"
    assert refused.value.details == [
        {"path": "intents[0].replies", "message": "is given more than once: an object gives each key once"}
    ]


@pytest.mark.parametrize(
    "raw",
    [
        b"intents:\n  - id: a\n    examples: [a]\n  - id: b\n    examples: [b]\n",
        b"entities:\n  - {name: size, values: [{value: big}]}\n  - {name: crust, values: [{value: big}]}\n",
    ],
)
def test_the_same_key_in_different_mappings_is_not_repeated(raw: bytes) -> None:
    assert isinstance(load_document(raw, "application/yaml"), dict)


YES_NO = b"""\
intents:
  - id: affirm
    examples: [yes, yep, sure, ok, on, Y]
    replies: [Great]
  - id: no
    examples: [no, nope, off, never, n]
  - id: book
    examples: [book a table]
    parameters:
      - {name: time, choices: [12:30, 19:00]}
      - {name: day, choices: [2026-01-01]}
"""


def test_yaml_reads_yes_no_on_and_off_as_the_words_written() -> None:
    bot = parse_document(YES_NO, "application/yaml", name="yesno")
    assert [i.id for i in bot.intents] == ["affirm", "no", "book"]
    assert [e.text for e in bot.intents[0].examples] == ["yes", "yep", "sure", "ok", "on", "Y"]
    assert [e.text for e in bot.intents[1].examples] == ["no", "nope", "off", "never", "n"]


def test_yaml_reads_times_and_days_as_the_text_written() -> None:
    book = parse_document(YES_NO, "application/yaml", name="yesno").intents[2]
    assert [p.choices for p in book.parameters] == [["12:30", "19:00"], ["2026-01-01"]]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (b"true", True),
        (b"FALSE", False),
        (b"~", None),
        (b"null", None),
        (b"12", 12),
        (b"010", 10),
        (b"-3", -3),
        (b"0o17", 15),
        (b"0x1F", 31),
        (b"0.25", 0.25),
        (b"1e3", 1000.0),
        (b"-.inf", float("-inf")),
        (b"1_000", "1_000"),
        (b"0b11", "0b11"),
        (b"=", "="),
        (b"!!bool yes", True),
        (b"!!str 12", "12"),
    ],
)
def test_yaml_types_plain_scalars_by_the_yaml_1_2_core_schema(text: bytes, value: object) -> None:
    assert load_document(b"value: " + text, "application/yaml") == {"value": value}


def test_yaml_numbers_where_a_definition_takes_them_are_read_as_before() -> None:
    raw = b"""\
settings: {fallback_threshold: 0.3}
entities: [{name: size, values: [{value: large}]}]
intents:
  - id: order
    examples: [{text: a large pizza, entities: [{entity: size, start: 2, end: 7}]}]
    action: {url: "https://a.example/orders", timeout: 2}
"""
    bot = parse_document(raw, "application/yaml", name="shop")
    order = bot.intents[0]
    assert bot.settings.fallback_threshold == 0.3
    assert (order.examples[0].entities[0].start, order.examples[0].entities[0].end) == (2, 7)
    assert order.action is not None and order.action.timeout == 2


@pytest.mark.parametrize(
    "tag", [b"!!python/object:os.system", b"!!python/name:os.system", b"!<tag:example.com,2026:x>"]
)
def test_yaml_tags_that_would_build_objects_are_still_refused(tag: bytes) -> None:
    with pytest.raises(InvalidInputError, match="not valid YAML"):
        load_document(b"name: " + tag + b" x\n", "application/yaml")
