"""Native definitions: loose shapes, validation that lists every problem, the NLU dataset."""

from __future__ import annotations

import pytest

from parley_dialogue.definition import to_dataset, to_document
from parley_dialogue.documents import parse_document
from parley_dialogue.validation import build_definition, problems_of
from parley_runtime.errors import InvalidInputError

YAML_BOT = b"""
name: shop
description: A small shop
entities:
  - name: product
    values: [{value: apple, synonyms: [apples]}]
  - name: order_id
    pattern: "ORD[0-9]{4}"
intents:
  - id: fallback
    replies: ["Sorry?"]
  - id: buy
    examples:
      - I want to buy
      - text: two apples please
        entities: [{entity: product, start: 4, end: 10, value: apple}]
    parameters:
      - {name: product, entity: product, prompt: "What would you like?"}
    replies: "Here are your {{ parameters.product }}s."
"""


def messages(doc: dict) -> list[str]:
    return [p["message"] for p in problems_of(doc)]


def test_a_yaml_definition_with_loose_shapes_is_normalised():
    bot = parse_document(YAML_BOT, "application/yaml")
    buy = bot.intent("buy")
    assert buy is not None
    assert buy.examples[0].text == "I want to buy"
    assert buy.parameters[0].prompt == ["What would you like?"]
    assert buy.replies == ["Here are your {{ parameters.product }}s."]


def test_yaml_is_detected_without_a_content_type():
    assert parse_document(YAML_BOT).name == "shop"


def test_the_name_from_the_path_wins():
    assert parse_document(YAML_BOT, None, name="other").name == "other"


def test_an_exported_document_imports_to_the_same_definition():
    bot = parse_document(YAML_BOT)
    assert build_definition(to_document(bot)) == bot


def test_plain_examples_export_as_strings():
    doc = to_document(parse_document(YAML_BOT))
    assert doc["intents"][1]["examples"][0] == "I want to buy"


def test_the_dataset_has_examples_spans_and_entities_but_not_the_fallback():
    dataset = to_dataset(parse_document(YAML_BOT))
    assert [i.name for i in dataset.intents] == ["buy"]
    span = dataset.intents[0].examples[1].spans[0]
    assert (span.entity, span.start, span.end, span.value) == ("product", 4, 10, "apple")
    assert [e.name for e in dataset.entities] == ["product", "order_id"]
    assert dataset.entities[1].pattern == "ORD[0-9]{4}"
    assert dataset.fallback_threshold == 0.5


def test_every_problem_is_listed_at_once():
    doc = {
        "name": "bad",
        "intents": [
            {
                "id": "a",
                "examples": [{"text": "hello", "entities": [{"entity": "ghost", "start": 0, "end": 9}]}],
            },
            {"id": "a", "parameters": [{"name": "p", "entity": "missing"}], "replies": ["{{ x.__class__ }}"]},
        ],
    }
    found = messages(doc)
    assert any("duplicate intent id 'a'" in m for m in found)
    assert any("'ghost' is not a declared entity" in m for m in found)
    assert any("outside the text" in m for m in found)
    assert any("'missing' is neither a declared nor a built-in entity" in m for m in found)
    assert any("__class__" in m for m in found)


def test_problems_name_where_they_are():
    doc = {
        "name": "bad",
        "intents": [{"id": "a", "examples": ["a"], "parameters": [{"name": "p", "entity": "nope"}]}],
    }
    assert problems_of(doc) == [
        {
            "path": "intents[0].parameters[0].entity",
            "message": "'nope' is neither a declared nor a built-in entity",
        }
    ]


def test_a_span_whose_text_does_not_match_is_refused():
    doc = {
        "name": "bad",
        "entities": [{"name": "city"}],
        "intents": [
            {
                "id": "a",
                "examples": [
                    {
                        "text": "to paris",
                        "entities": [{"entity": "city", "start": 3, "end": 8, "text": "rome"}],
                    }
                ],
            }
        ],
    }
    assert any("not 'rome'" in m for m in messages(doc))


def test_overlapping_spans_are_refused():
    doc = {
        "name": "bad",
        "entities": [{"name": "city"}],
        "intents": [
            {
                "id": "a",
                "examples": [
                    {
                        "text": "new york city",
                        "entities": [
                            {"entity": "city", "start": 0, "end": 8},
                            {"entity": "city", "start": 4, "end": 13},
                        ],
                    }
                ],
            }
        ],
    }
    assert "overlaps the previous span" in messages(doc)


def test_a_button_triggering_an_unknown_intent_is_refused():
    doc = {"name": "bad", "intents": [{"id": "a", "buttons": [{"title": "Go", "payload": "/nowhere"}]}]}
    assert any("'nowhere'" in m for m in messages(doc))


@pytest.mark.parametrize("pattern", ["(unclosed", "(?<=x)y", "x" * 301])
def test_bad_unsupported_or_overlong_patterns_are_refused(pattern):
    doc = {"name": "bad", "entities": [{"name": "e", "pattern": pattern}]}
    assert problems_of(doc)


def test_a_misspelt_field_is_an_error():
    assert problems_of(
        {"name": "x", "intents": [{"id": "a", "parameters": [{"name": "p", "promt": "?"}]}]}
    ) == [
        {
            "path": "intents[0].parameters[0].promt",
            "message": "unknown field (did you mean 'prompt'?); a parameter has name, entity, required, "
            "prompt, multiple, choices, pattern, hours",
        }
    ]


def test_an_invalid_bot_name_is_an_error():
    with pytest.raises(InvalidInputError):
        build_definition({"name": "no spaces allowed"})


def test_invalid_json_is_an_input_error():
    with pytest.raises(InvalidInputError, match="JSON"):
        parse_document(b'{"name": ', "application/json")


def test_yaml_aliases_are_refused():
    bomb = b"a: &a [x, x]\nb: &b [*a, *a]\nname: x\n"
    with pytest.raises(InvalidInputError, match="aliases"):
        parse_document(bomb, "application/yaml")


def test_a_document_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidInputError):
        parse_document(b"[1, 2]", "application/json")


def test_an_action_is_called_unless_marked_notify():
    action = {"url": "https://api.example.com/hook"}
    called = build_definition({"name": "x", "intents": [{"id": "a", "examples": ["a"], "action": action}]})
    notify_action = {**action, "mode": "notify"}
    notify = build_definition(
        {"name": "x", "intents": [{"id": "a", "examples": ["a"], "action": notify_action}]}
    )
    assert [bot.intents[0].action.mode for bot in (called, notify)] == ["call", "notify"]
    assert to_document(notify)["intents"][0]["action"]["mode"] == "notify"


def test_an_unknown_action_mode_is_an_error():
    doc = {"name": "x", "intents": [{"id": "a", "action": {"url": "https://a.b", "mode": "later"}}]}
    assert problems_of(doc) == [{"path": "intents[0].action.mode", "message": "Invalid enum value 'later'"}]
