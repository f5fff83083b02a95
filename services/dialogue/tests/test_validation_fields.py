"""A misspelt field is an error (decision 7), in entity values and buttons too, although those are
also wire contracts that stay lenient for newer writers."""

from __future__ import annotations

import pytest

from parley_dialogue.documents import parse_document
from parley_dialogue.validation import build_definition, problems_of
from parley_runtime.errors import InvalidInputError


def test_a_misspelt_synonyms_field_is_refused_instead_of_dropping_the_synonyms():
    doc = {
        "name": "b",
        "intents": [{"id": "order", "examples": ["a big one"]}],
        "entities": [{"name": "size", "values": [{"value": "large", "synonym": ["big"]}]}],
    }
    assert problems_of(doc) == [
        {
            "path": "entities[0].values[0].synonym",
            "message": "unknown field (did you mean 'synonyms'?); an entity value has value, synonyms",
        }
    ]


def test_a_misspelt_button_field_is_refused():
    doc = {
        "name": "b",
        "intents": [
            {"id": "a", "examples": ["again"], "buttons": [{"title": "x", "payload": "y", "tilte": "z"}]}
        ],
    }
    assert problems_of(doc) == [
        {
            "path": "intents[0].buttons[0].tilte",
            "message": "unknown field (did you mean 'title'?); a button has title, payload",
        }
    ]


def test_an_unknown_field_without_a_close_name_lists_the_known_ones():
    doc = {
        "name": "b",
        "intents": [
            {"id": "a", "examples": ["again"], "buttons": [{"title": "x", "payload": "y", "colour": "red"}]}
        ],
    }
    assert [p["message"] for p in problems_of(doc)] == ["unknown field; a button has title, payload"]


def test_unknown_fields_are_listed_with_the_other_problems_at_once():
    doc = {
        "name": "b",
        "entities": [{"name": "size", "values": [{"value": "large"}, {"value": "small", "synonim": ["s"]}]}],
        "intents": [
            {
                "id": "a",
                "examples": ["again"],
                "buttons": [{"title": "Go", "payload": "/nowhere", "url": "https://x.example"}],
            }
        ],
    }
    with pytest.raises(InvalidInputError) as caught:
        build_definition(doc)
    paths = [p["path"] for p in caught.value.details]
    assert paths == [
        "entities[0].values[1].synonim",
        "intents[0].buttons[0].url",
        "intents[0].buttons[0].payload",
    ]


def test_a_yaml_document_with_a_misspelt_synonyms_field_is_refused():
    raw = (
        b"name: b\nintents: [{id: order, examples: [a big one]}]\n"
        b"entities:\n  - name: size\n    values: [{value: large, synonym: [big]}]\n"
    )
    with pytest.raises(InvalidInputError) as caught:
        parse_document(raw, "application/yaml")
    assert [p["path"] for p in caught.value.details] == ["entities[0].values[0].synonym"]


def test_correct_entity_values_and_buttons_are_kept():
    doc = {
        "name": "b",
        "entities": [{"name": "size", "values": [{"value": "large", "synonyms": ["big"]}]}],
        "intents": [{"id": "a", "examples": ["again"], "buttons": [{"title": "Again", "payload": "/a"}]}],
    }
    bot = build_definition(doc)
    assert bot.entities[0].values[0].synonyms == ["big"]
    assert bot.intents[0].buttons[0].title == "Again"


@pytest.mark.parametrize("name", ["greet\n", "greet\n\n"])
def test_a_name_with_a_trailing_line_break_is_refused(name: str):
    """`$` alone also matches before a final line break: "greet\n" looked like "greet" in the console."""
    doc = {"name": "b", "intents": [{"id": name, "examples": ["hello"]}, {"id": "greet", "examples": ["hi"]}]}
    assert [p["path"] for p in problems_of(doc)] == ["intents[0].id"]
