"""A reply that is nothing but a built-in value the open form is missing ("at 10am", "saturday" at
the bike prompt) answers the form though the NLU heard another intent in it; a longer reply holding
such a value is a question, which the other intent answers (decision 137). Also: a value of a
parameter the bot no longer has leaves the conversation, and prompts see the conversation id.
Pure engine."""

from __future__ import annotations

import random
from typing import Any

import msgspec
import pytest
import yaml

from parley_dialogue.conversation import ConversationState, Outcome, new_state
from parley_dialogue.definition import BotDefinition
from parley_dialogue.engine import advance
from parley_dialogue.validation import build_definition
from parley_messages import EntityValue, IntentScore, ParseResult

BIKESHOP = """
name: bikeshop
entities:
  - name: bike_type
    values: [{value: road}, {value: mountain}, {value: ebike}]
intents:
  - id: fallback
    replies: ["Sorry?"]
  - id: book_repair
    examples: [book a repair]
    parameters:
      - {name: bike, entity: bike_type, prompt: "What kind of bike is it?", choices: [road, mountain, ebike]}
      - {name: visit_day, entity: date, prompt: "Which day?"}
      - {name: at, entity: time, prompt: "What time?"}
    replies: ["Booked."]
  - id: opening_hours
    examples: [when are you open]
    replies: ["We're open Mon-Sat 9:00-18:00."]
"""
SATURDAY = "2026-12-05"


@pytest.fixture
def bot() -> BotDefinition:
    return build_definition(yaml.safe_load(BIKESHOP))


def at_prompt(bot: BotDefinition, prompted: str, **slots: Any) -> ConversationState:
    gaps = [name for name in ("bike", "visit_day", "at") if name not in slots]
    state = new_state(bot, "conv-9", 1, {})
    return msgspec.structs.replace(
        state, active_intent="book_repair", slots=slots, missing=gaps, prompted=prompted
    )


def heard(
    state: ConversationState, bot: BotDefinition, text: str, entity: str, value: str, word: str
) -> tuple[ConversationState, Outcome]:
    """`text` read as opening_hours (0.62) with the value `value` of `entity` at `word`."""
    start = text.index(word)
    read = IntentScore(name="opening_hours", confidence=0.62)
    found = EntityValue(entity=entity, value=value, start=start, end=start + len(word))
    return advance(
        state, ParseResult(intent=read, ranking=[read], entities=[found]), text, bot, rng=random.Random(1)
    )


def texts(outcome: Outcome) -> list[str]:
    return [m.text for m in outcome.messages]


@pytest.mark.parametrize(
    ("text", "word"), [("at 10am", "10am"), ("10am", "10am"), ("10am please.", "10am"), ("At 10am!", "10am")]
)
def test_a_lone_time_at_the_bike_prompt_fills_the_time(bot, text, word):
    state, outcome = heard(at_prompt(bot, "bike"), bot, text, "time", "10:00", word)
    assert state.slots == {"at": "10:00"}
    assert texts(outcome) == ["What kind of bike is it?"]
    assert (outcome.intent_source, outcome.intent and outcome.intent.name) == ("form", "book_repair")


def test_a_lone_day_at_the_bike_prompt_fills_the_day(bot):
    state, outcome = heard(at_prompt(bot, "bike"), bot, "saturday", "date", SATURDAY, "saturday")
    assert state.slots == {"visit_day": SATURDAY}
    assert texts(outcome) == ["What kind of bike is it?"]


def test_a_lone_time_at_the_day_prompt_fills_the_time(bot):
    state, outcome = heard(at_prompt(bot, "visit_day", bike="road"), bot, "at 10am", "time", "10:00", "10am")
    assert state.slots == {"bike": "road", "at": "10:00"}
    assert texts(outcome) == ["Which day?"]


@pytest.mark.parametrize("text", ["not sure, are you open saturday?", "when are you open saturday"])
def test_a_question_holding_a_value_is_answered_by_the_intent_heard(bot, text):
    state, outcome = heard(at_prompt(bot, "bike"), bot, text, "date", SATURDAY, "saturday")
    assert texts(outcome) == ["We're open Mon-Sat 9:00-18:00.", "What kind of bike is it?"]
    assert state.slots == {}


def test_a_value_of_a_parameter_the_bot_no_longer_has_is_dropped_at_the_next_turn(bot):
    state = at_prompt(bot, "visit_day", bike="mountain")
    state = msgspec.structs.replace(state, slots={"bike": "mountain", "wheel": "29in"})  # renamed since
    state, outcome = heard(state, bot, "saturday", "date", SATURDAY, "saturday")
    assert state.slots == outcome.slots == {"bike": "mountain", "visit_day": SATURDAY}


def test_prompts_and_replies_see_the_conversation_id_and_the_bot():
    document = yaml.safe_load(BIKESHOP)
    document["intents"][1]["parameters"][0]["prompt"] = "Bike? ({{ bot }}/{{ conversation_id }})"
    document["intents"][1]["replies"] = ["Booked: {{ conversation_id }}."]
    bot = build_definition(document)
    _, outcome = heard(
        at_prompt(bot, "at", bike="road", visit_day=SATURDAY), bot, "10am", "time", "10:00", "10am"
    )
    assert texts(outcome) == ["Booked: conv-9."]
    _, outcome = heard(at_prompt(bot, "visit_day"), bot, "at 10am", "time", "10:00", "10am")
    assert texts(outcome) == ["Bike? (bikeshop/conv-9)"]
