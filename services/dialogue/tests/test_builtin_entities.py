"""Parameters of the NLU's built-in entities (`number`, `ordinal`, `duration`, `date`, `time`):
valid without a declaration, and filled only by what the NLU read."""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml

from parley_dialogue.acceptance import from_reply
from parley_dialogue.conversation import ConversationState, Outcome, new_state
from parley_dialogue.definition import BotDefinition
from parley_dialogue.engine import advance
from parley_dialogue.testing import parsed
from parley_dialogue.validation import build_definition, problems_of
from parley_messages import BUILTIN_ENTITIES

TABLES = """
name: tables
intents:
  - id: book
    examples: [book a table, reserve a table for 4, table for two tomorrow]
    parameters:
      - {name: guests, entity: number, prompt: "For how many people?"}
      - {name: day, entity: date, prompt: "Which day?"}
      - {name: at, entity: time, required: false}
    replies: ["Booked for {{ slots.guests }} on {{ slots.day }}."]
"""


@pytest.fixture
def bot() -> BotDefinition:
    return build_definition(yaml.safe_load(TABLES))


def say(
    state: ConversationState, bot: BotDefinition, text: str, intent: str, *entities: tuple[str, Any]
) -> tuple[ConversationState, Outcome]:
    return advance(state, parsed(intent, 0.9, *entities), text, bot, rng=random.Random(1))


def texts(outcome: Outcome) -> list[str]:
    return [m.text for m in outcome.messages]


def test_every_built_in_entity_is_a_valid_parameter_entity():
    params = [{"name": name, "entity": name} for name in BUILTIN_ENTITIES]
    assert problems_of({"name": "b", "intents": [{"id": "a", "examples": ["a"], "parameters": params}]}) == []


def test_a_booking_with_every_value_at_once_completes(bot):
    _, outcome = say(
        new_state(bot, "c", 1, {}),
        bot,
        "book a table for 4 people tomorrow",
        "book",
        ("number", 4),
        ("date", "2026-11-29"),
    )
    assert outcome.complete
    assert outcome.slots == {"guests": 4, "day": "2026-11-29"}
    assert texts(outcome) == ["Booked for 4 on 2026-11-29."]


def test_a_reply_without_a_number_asks_again_instead_of_storing_the_reply(bot):
    state, asked = say(new_state(bot, "c", 1, {}), bot, "book a table", "book")
    assert texts(asked) == ["For how many people?"]
    state, again = say(state, bot, "we are a few", "fallback")
    assert texts(again) == ["Sorry, I didn't understand that.", "For how many people?"]
    assert again.slots == {}
    assert state.prompted == "guests"


def test_the_number_the_nlu_read_in_a_reply_answers_the_prompt(bot):
    state, _ = say(new_state(bot, "c", 1, {}), bot, "book a table", "book")
    state, next_prompt = say(state, bot, "we are 4", "fallback", ("number", 4))
    assert next_prompt.slots == {"guests": 4}
    assert texts(next_prompt) == ["Which day?"]
    _, done = say(state, bot, "next friday", "fallback", ("date", "2026-12-04"))
    assert texts(done) == ["Booked for 4 on 2026-12-04."]


def test_from_reply_leaves_a_built_in_parameter_to_the_nlu(bot):
    intent = bot.intent("book")
    assert intent is not None
    assert from_reply(intent.parameters[0], bot, "we are 4") is None


def test_a_payload_fills_built_in_parameters(bot):
    _, outcome = say(new_state(bot, "c", 1, {}), bot, '/book{"guests": 2, "day": "2026-12-01"}', "fallback")
    assert outcome.slots == {"guests": 2, "day": "2026-12-01"}
    assert outcome.complete


def test_declaring_a_built_in_name_bare_is_refused_with_what_to_do():
    doc = {
        "name": "b",
        "entities": [{"name": "number"}],
        "intents": [{"id": "a", "examples": ["a"], "parameters": [{"name": "guests", "entity": "number"}]}],
    }
    (problem,) = problems_of(doc)
    assert problem["path"] == "entities[0].name"
    assert problem["message"].startswith("'number' is a built-in entity")
    assert problem["message"].endswith("remove the declaration to use the built-in")


@pytest.mark.parametrize(
    "entity",
    [
        {"name": "time", "values": [{"value": "lunch"}, {"value": "dinner"}]},
        {"name": "number", "pattern": r"\d+"},
    ],
)
def test_a_declaration_with_values_or_a_pattern_replaces_the_built_in(entity):
    doc = {
        "name": "b",
        "entities": [entity],
        "intents": [{"id": "a", "examples": ["a"], "parameters": [{"name": "p", "entity": entity["name"]}]}],
    }
    assert problems_of(doc) == []


def test_an_open_declaration_learnt_from_annotations_replaces_the_built_in():
    example = {"text": "at lunch time", "entities": [{"entity": "time", "start": 3, "end": 8}]}
    doc = {"name": "b", "entities": [{"name": "time"}], "intents": [{"id": "a", "examples": [example]}]}
    assert problems_of(doc) == []


def test_annotating_an_undeclared_built_in_is_refused():
    example = {"text": "a table for 4", "entities": [{"entity": "number", "start": 12, "end": 13}]}
    (problem,) = problems_of({"name": "b", "intents": [{"id": "a", "examples": [example]}]})
    assert problem["path"] == "intents[0].examples[0].entities[0].entity"
    assert problem["message"].startswith(
        "'number' is a built-in entity, which the NLU finds without annotations"
    )
