"""A definition of the wrong shape lists every misshapen field at once, each where it is, not only the
first one msgspec meets."""

from __future__ import annotations

from parley_dialogue.validation import problems_of


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
