"""Text a user could not send, or a client should not be sent: control characters (but tabs and line
breaks) are refused wherever a definition holds text, as the chat refuses them in a user's message."""

from __future__ import annotations

import pytest

from parley_dialogue.validation import problems_of

RULE = "text may hold tabs and line breaks but no other control characters"


def at(path: str, character: str, position: int) -> dict[str, str]:
    return {
        "path": path,
        "message": f"holds the control character {character} (at character {position}); {RULE}",
    }


def test_control_characters_are_refused_wherever_a_definition_holds_text() -> None:
    doc = {
        "name": "b",
        "description": "Shop\x1b[31m",
        "intents": [
            {
                "id": "greet",
                "name": "Greet\x00",
                "examples": ["hi\x07", {"text": "hello\x7f"}],
                "replies": ["a\x00b", "ok"],
                "buttons": [{"title": "Menu\x08", "payload": "/greet"}],
            }
        ],
        "entities": [{"name": "size", "values": [{"value": "large", "synonyms": ["big\x85"]}]}],
    }
    assert problems_of(doc) == [
        at("description", "U+001B", 4),
        at("intents[0].name", "U+0000", 5),
        at("intents[0].examples[0].text", "U+0007", 2),
        at("intents[0].examples[1].text", "U+007F", 5),
        at("intents[0].replies[0]", "U+0000", 1),
        at("intents[0].buttons[0].title", "U+0008", 4),
        at("entities[0].values[0].synonyms[0]", "U+0085", 3),
    ]


def test_tabs_and_line_breaks_are_text() -> None:
    doc = {"name": "b", "intents": [{"id": "a", "examples": ["a\tb"], "replies": ["line one\r\nline two\n"]}]}
    assert problems_of(doc) == []


def test_control_characters_are_listed_beside_the_problems_of_a_misshapen_document() -> None:
    doc = {"name": "b", "intents": [{"id": "a", "examples": ["hi\x07"], "replies": 5}]}
    assert problems_of(doc) == [
        {"path": "intents[0].replies", "message": "Expected `array`, got `int`"},
        at("intents[0].examples[0].text", "U+0007", 2),
    ]


@pytest.mark.parametrize(
    ("intent", "path"),
    [
        ({"id": "a\x07", "examples": ["a"]}, "intents[0].id"),
        (
            {"id": "a", "examples": ["a"], "action": {"url": "https://a.example", "headers": {"X": "a\x01"}}},
            "intents[0].action.headers.X",
        ),
    ],
)
def test_text_already_refused_for_its_characters_is_refused_once(
    intent: dict[str, object], path: str
) -> None:
    problems = problems_of({"name": "b", "intents": [intent]})
    assert [p["path"] for p in problems] == [path]
    assert "control character" not in problems[0]["message"]
