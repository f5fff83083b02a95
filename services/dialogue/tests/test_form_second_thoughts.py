"""A user's second thoughts while a form is open: naming again a value the form holds, correcting
one where the NLU heard another intent, and asking what has been chosen so far; and after the form
completed, where its values are gone. Pure engine."""

from __future__ import annotations

import random
from typing import Any

import msgspec
import pytest
import yaml

from parley_dialogue.conversation import ConversationState, Outcome, new_state
from parley_dialogue.definition import BotDefinition
from parley_dialogue.engine import advance
from parley_dialogue.validation import build_definition, problems_of
from parley_messages import EntityValue, IntentScore, ParseResult

PIZZERIA = """
name: pizzeria
entities:
  - name: size
    values: [{value: small}, {value: medium}, {value: large, synonyms: [big]}]
  - name: pizza
    values: [{value: margherita}, {value: pepperoni}]
intents:
  - id: fallback
    replies: ["Sorry, I can take pizza orders."]
  - id: order
    examples: [I want a pizza]
    parameters:
      - {name: size, entity: size, prompt: "What size?"}
      - {name: pizza, entity: pizza, prompt: "Which pizza?"}
      - {name: note, prompt: "Anything else?"}
    replies: ["A {{ slots.size }} {{ slots.pizza }}."]
  - id: menu
    examples: [what pizzas do you have]
    replies: ["Margherita or pepperoni."]
"""
PROMPTS = {"size": "What size?", "pizza": "Which pizza?", "note": "Anything else?"}


@pytest.fixture
def bot() -> BotDefinition:
    return build_definition(yaml.safe_load(PIZZERIA))


def at(bot: BotDefinition, prompted: str, **slots: Any) -> ConversationState:
    gaps = [name for name in PROMPTS if name not in slots]
    state = new_state(bot, "c1", 1, {})
    return msgspec.structs.replace(state, active_intent="order", slots=slots, missing=gaps, prompted=prompted)


def say(
    state: ConversationState,
    bot: BotDefinition,
    text: str,
    *entities: tuple[str, Any],
    intent: str | None = None,
) -> tuple[ConversationState, Outcome]:
    """The turn where the NLU read `entities` and recognised `intent` (0.9), or nothing (fallback)."""
    values = [EntityValue(entity=e, value=v, start=n, end=n + 1) for n, (e, v) in enumerate(entities)]
    read = IntentScore(name=intent or "fallback", confidence=0.9)
    parse = ParseResult(intent=read, ranking=[read], entities=values)
    return advance(state, parse, text, bot, rng=random.Random(1))


def texts(outcome: Outcome) -> list[str]:
    return [m.text for m in outcome.messages]


# Naming a value the form holds, correcting one


def test_a_value_the_form_holds_named_again_is_understood_and_the_prompt_asked(bot):
    state, outcome = say(at(bot, "pizza", size="large"), bot, "make it a big one please", ("size", "large"))
    assert state.slots == {"size": "large"}
    assert texts(outcome) == ["Which pizza?"]
    assert not outcome.fallback
    assert (outcome.intent_source, outcome.intent and outcome.intent.name) == ("form", "order")


def test_a_correction_of_the_bots_own_value_is_taken_though_another_intent_was_heard(bot):
    state, outcome = say(
        at(bot, "pizza", size="small"), bot, "no, make it a large one", ("size", "large"), intent="menu"
    )
    assert state.slots == {"size": "large"}
    assert texts(outcome) == ["OK, large instead of small.", "Which pizza?"]
    assert outcome.intent_source == "form"


def test_a_value_without_a_correction_word_in_another_intent_does_not_change_the_form(bot):
    state, outcome = say(
        at(bot, "pizza", size="small"), bot, "do you have large ones", ("size", "large"), intent="menu"
    )
    assert state.slots == {"size": "small"}
    assert texts(outcome) == ["Margherita or pepperoni.", "Which pizza?"]


# What has been chosen so far


@pytest.mark.parametrize("reply", ["what have I chosen so far?", "what did I order", "recap please"])
def test_a_question_about_what_was_chosen_is_answered_before_the_prompt(bot, reply):
    state, outcome = say(at(bot, "pizza", size="large"), bot, reply)
    assert state.slots == {"size": "large"}
    assert texts(outcome) == ["So far: size large.", "Which pizza?"]
    assert not outcome.fallback
    assert outcome.intent_source == "form"


def test_the_recap_wins_over_another_intent_and_names_the_parameters_in_their_order(bot):
    state = at(bot, "note", pizza="margherita", size="large")
    _, outcome = say(state, bot, "what did I order so far", intent="menu")
    assert texts(outcome) == ["So far: size large, pizza margherita.", "Anything else?"]


def test_a_recap_question_is_no_free_text_answer(bot):
    state, outcome = say(at(bot, "note", size="large", pizza="margherita"), bot, "what have I picked so far?")
    assert "note" not in state.slots
    assert not outcome.complete


def test_a_recap_before_anything_is_chosen_says_so(bot):
    _, outcome = say(at(bot, "size"), bot, "what have I chosen so far?")
    assert texts(outcome) == ["Nothing is chosen yet.", "What size?"]


def test_the_recap_is_the_bots_own_sentence_and_may_be_left_empty():
    doc = yaml.safe_load(PIZZERIA)
    doc["settings"] = {"messages": {"so_far": "You have: {{ slots.size }}."}}
    _, outcome = say(at(build_definition(doc), "pizza", size="large"), build_definition(doc), "recap")
    assert texts(outcome) == ["You have: large.", "Which pizza?"]
    doc["settings"] = {"messages": {"so_far": ""}}
    _, outcome = say(at(build_definition(doc), "pizza", size="large"), build_definition(doc), "recap")
    assert texts(outcome) == ["Which pizza?"]
    doc["settings"] = {"messages": {"so_far": " "}}
    assert [p["path"] for p in problems_of(doc)] == ["settings.messages.so_far"]


# After the form completed


def test_after_the_form_completed_a_change_of_its_value_starts_nothing(bot):
    state, outcome = say(at(bot, "note", size="small", pizza="margherita"), bot, "no onions")
    assert outcome.complete
    state, outcome = say(state, bot, "change the size to large", ("size", "large"))
    assert (state.active_intent, state.slots) == (None, {})
    assert texts(outcome) == ["Sorry, I can take pizza orders."]
    assert outcome.fallback
