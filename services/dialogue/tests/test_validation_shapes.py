"""A definition of the wrong shape lists every misshapen field at once, each where it is, not only the
first one msgspec meets."""

from __future__ import annotations

import pytest

from parley_dialogue.acf import from_acf
from parley_dialogue.validation import build_definition, problems_of
from parley_runtime.errors import InvalidInputError


def test_every_field_of_the_wrong_type_is_listed():
    doc = {"name": "b", "intents": [{"id": "a", "examples": "hi", "replies": 5}]}
    assert problems_of(doc) == [
        {"path": "intents[0].examples", "message": "Expected `array`, got `str`"},
        {"path": "intents[0].replies", "message": "Expected `array`, got `int`"},
    ]


def test_misshapen_fields_are_listed_across_intents_entities_and_settings():
    doc = {
        "name": "b",
        "settings": {"fallback_threshold": 2},
        "entities": [{"name": "size", "values": [{"value": 3}]}],
        "intents": [
            {
                "id": "a",
                "examples": [{"text": "hi", "entities": [{"entity": "size", "start": "0", "end": 2}]}],
            },
            {"id": "b c", "action": {"url": "https://x.example", "timeout": 60, "headers": {"X": 1}}},
        ],
    }
    assert [p["path"] for p in problems_of(doc)] == [
        "settings.fallback_threshold",
        "intents[0].examples[0].entities[0].start",
        "intents[1].id",
        "intents[1].action.headers.X",
        "intents[1].action.timeout",
        "entities[0].values[0].value",
    ]


def test_missing_and_misspelt_fields_are_listed_with_the_misshapen_ones():
    doc = {
        "name": "b",
        "intents": [
            {"examples": ["hi"]},
            {"id": "a", "exmaples": ["hi"], "replies": 5},
        ],
        "entities": [{"name": "size", "values": [{"value": "large", "synonym": ["big"]}]}],
    }
    assert problems_of(doc) == [
        {"path": "intents[0].id", "message": "is missing"},
        {"path": "intents[1].replies", "message": "Expected `array`, got `int`"},
        {
            "path": "intents[1].exmaples",
            "message": "unknown field (did you mean 'examples'?); an intent has id, name, examples, "
            "parameters, replies, buttons, action",
        },
        {
            "path": "entities[0].values[0].synonym",
            "message": "unknown field (did you mean 'synonyms'?); an entity value has value, synonyms",
        },
    ]


def test_a_document_of_the_wrong_shape_at_the_top_says_so():
    assert problems_of({"name": "b", "intents": {"id": "a"}}) == [
        {"path": "intents", "message": "Expected `array`, got `object`"}
    ]


@pytest.mark.parametrize(
    ("intents", "counted"),
    [
        ([{"id": "a", "examples": "hi"}], "(1 problem)"),
        ([{"id": "a", "examples": 1, "replies": 2}], "(2 problems)"),
    ],
)
def test_the_refusal_counts_its_problems_in_words(intents: list[dict[str, object]], counted: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        build_definition({"name": "b", "intents": intents})
    assert str(refused.value) == f"invalid bot definition {counted}"


def test_an_acf_refusal_counts_its_problems_in_words() -> None:
    with pytest.raises(InvalidInputError, match=r"^invalid ACF export \(1 problem\)$"):
        from_acf({"intents": [{"name": "Book", "trainingData": []}]}, name="b")


def test_a_value_where_text_goes_is_named_with_how_to_make_it_text() -> None:
    doc = {"name": "b", "intents": [{"id": "a", "examples": ["hi", True, 42], "replies": [None]}]}
    quote = "; quote it to make it text (YAML reads true, false, null and numbers as values)"
    assert problems_of(doc) == [
        {"path": "intents[0].examples[1]", "message": f"Expected a string or an object, got `bool`{quote}"},
        {"path": "intents[0].examples[2]", "message": f"Expected a string or an object, got `int`{quote}"},
        {"path": "intents[0].replies[0]", "message": f"Expected `str`, got `null`{quote}"},
    ]


def test_a_value_where_a_number_or_a_list_goes_keeps_msgspecs_words() -> None:
    doc = {"name": "b", "settings": {"fallback_threshold": True}, "intents": [{"id": "a", "examples": 5}]}
    assert problems_of(doc) == [
        {"path": "settings.fallback_threshold", "message": "Expected `float`, got `bool`"},
        {"path": "intents[0].examples", "message": "Expected `array`, got `int`"},
    ]
