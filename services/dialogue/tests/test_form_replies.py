"""How a reply to a form's prompt is read when it does not simply answer the prompt: a value of
another parameter (a correction, or one given ahead), or a value found in an answer to another
question. Pure engine: no stores, no NLU, no network."""

from __future__ import annotations

import random
from typing import Any

import msgspec
import pytest
import yaml

from parley_dialogue.conversation import ConversationState, Outcome, new_state
from parley_dialogue.definition import BotDefinition
from parley_dialogue.engine import advance
from parley_dialogue.testing import parsed
from parley_dialogue.validation import build_definition

SHOP = """
name: shop
entities:
  - name: color
    values:
      - {value: red}
      - {value: blue, synonyms: [navy, azure]}
      - {value: light green, synonyms: [lime]}
      - {value: purple}
  - name: location                      # open: learnt from the examples, as in ACF
  - name: cuisine
  - name: size
    values: [{value: small}, {value: medium, synonyms: [regular]}, {value: large}]
intents:
  - id: fallback
    replies: ["Pardon?"]
  - id: buy_shirt
    examples: [I want a shirt]
    parameters:
      - {name: color, entity: color, prompt: "Which color?"}
      - {name: qty, entity: number, prompt: "How many?"}
      - {name: day, entity: date, prompt: "When should we deliver?"}
      - {name: address, prompt: "Where to?"}
    replies: ["{{ slots.qty }} {{ slots.color }} shirts on {{ slots.day }} to {{ slots.address }}."]
  - id: restaurant_search
    examples: [I'm looking for a restaurant]
    parameters:
      - {name: location, entity: location, prompt: "Where?"}
      - {name: cuisine, entity: cuisine, prompt: "Which cuisine?"}
    replies: ["{{ slots.cuisine }} in {{ slots.location }}."]
  - id: order_coffee
    examples: [a coffee please]
    parameters:
      - {name: size, entity: size, prompt: "Which size?", choices: [small, large]}
      - {name: cups, entity: number, prompt: "How many cups?", choices: ["1", "2"]}
      - {name: milk, prompt: "Milk?", choices: ["yes", "no"]}
    replies: ["{{ slots.cups }} {{ slots.size }}."]
  - id: buy_tee
    examples: [a t-shirt please]
    parameters:
      - {name: size, entity: size, prompt: "Which size?", choices: [small, large]}
      - {name: qty, entity: number, prompt: "How many?", choices: ["1", "2"]}
      - {name: color, entity: color, prompt: "Which color?", choices: [red, blue]}
      - {name: trim, entity: color, required: false, choices: [light green]}
      - {name: note, prompt: "Any note?"}
    replies: ["{{ slots.qty }} {{ slots.size }} {{ slots.color }} tees."]
"""


@pytest.fixture
def bot() -> BotDefinition:
    return build_definition(yaml.safe_load(SHOP))


def say(
    state: ConversationState,
    bot: BotDefinition,
    text: str,
    *entities: tuple[str, Any],
    intent: str = "fallback",
    confidence: float = 0.1,
) -> tuple[ConversationState, Outcome]:
    return advance(state, parsed(intent, confidence, *entities), text, bot, rng=random.Random(1))


def texts(outcome: Outcome) -> list[str]:
    return [m.text for m in outcome.messages]


def asked_for(bot: BotDefinition, intent: str, prompted: str, **slots: Any) -> ConversationState:
    """A conversation in which `intent`'s form holds `slots` and waits for `prompted`."""
    form = bot.intent(intent)
    assert form is not None
    gaps = [p.name for p in form.parameters if p.name not in slots]
    state = new_state(bot, "c1", 1, {})
    return msgspec.structs.replace(state, active_intent=intent, slots=slots, missing=gaps, prompted=prompted)


def test_a_correction_at_an_open_prompt_is_applied_and_the_prompt_is_asked_again(bot):
    state = asked_for(bot, "restaurant_search", "cuisine", location="Mumbai")
    state, outcome = say(state, bot, "actually make it in Delhi", ("location", "Delhi"))
    assert (outcome.slots, outcome.missing_slots) == ({"location": "Delhi"}, ["cuisine"])
    assert (texts(outcome), state.prompted) == (["OK, Delhi instead of Mumbai.", "Which cuisine?"], "cuisine")


def test_a_value_given_ahead_is_not_also_the_whole_answer_to_an_open_prompt(bot):
    state = asked_for(bot, "restaurant_search", "location")
    _, outcome = say(state, bot, "chinese food", ("cuisine", "chinese"))
    assert outcome.slots == {"cuisine": "chinese"}
    assert texts(outcome) == ["Where?"]


def test_a_correction_at_a_free_text_prompt_is_applied_and_the_prompt_is_asked_again(bot):
    state = asked_for(bot, "buy_shirt", "address", color="red", qty=2, day="2026-12-01")
    _, outcome = say(state, bot, "actually make it azure", ("color", "blue"))
    assert outcome.slots == {"color": "blue", "qty": 2, "day": "2026-12-01"}
    assert texts(outcome) == ["OK, blue instead of red.", "Where to?"]


def test_a_number_inside_a_free_text_answer_is_part_of_it(bot):
    state = asked_for(bot, "buy_shirt", "address", color="red", qty=2, day="2026-12-01")
    _, outcome = say(state, bot, "12 Main Street", ("number", 12))
    assert outcome.complete
    assert outcome.slots == {"color": "red", "qty": 2, "day": "2026-12-01", "address": "12 Main Street"}


def test_a_bare_number_at_a_date_prompt_is_a_wrong_answer_not_a_new_quantity(bot):
    state = asked_for(bot, "buy_shirt", "day", color="light green", qty=12)
    state, outcome = say(state, bot, "5", ("number", 5))
    assert state.slots == {"color": "light green", "qty": 12}
    assert texts(outcome) == ["Sorry, I didn't understand that.", "When should we deliver?"]
    assert outcome.fallback


def test_a_value_of_the_bots_own_entity_corrects_a_filled_parameter_and_is_no_fallback(bot):
    state = asked_for(bot, "buy_shirt", "qty", color="light green")
    state, outcome = say(state, bot, "azure please", ("color", "blue"))
    assert state.slots == {"color": "blue"}
    assert texts(outcome) == ["OK, blue instead of light green.", "How many?"]
    assert not outcome.fallback
    assert outcome.intent is not None and outcome.intent.name == "buy_shirt"


def test_restating_the_forms_intent_corrects_a_number_too(bot):
    state = asked_for(bot, "buy_shirt", "day", color="light green", qty=12)
    _, outcome = say(
        state, bot, "I want 3 red shirts", ("number", 3), ("color", "red"), intent="buy_shirt", confidence=0.9
    )
    assert outcome.slots == {"color": "red", "qty": 3}
    assert texts(outcome) == [
        "OK, red instead of light green.",
        "OK, 3 instead of 12.",
        "When should we deliver?",
    ]


def test_a_number_answering_its_own_prompt_replaces_nothing_else(bot):
    state = asked_for(bot, "buy_shirt", "qty", color="red")
    _, outcome = say(state, bot, "5", ("number", 5))
    assert outcome.slots == {"color": "red", "qty": 5}
    assert (texts(outcome), outcome.fallback) == (["When should we deliver?"], False)


def test_a_number_at_an_unanswered_prompt_fills_no_other_missing_parameter(bot):
    state, outcome = say(asked_for(bot, "buy_shirt", "color"), bot, "the 5", ("number", 5))
    assert state.slots == {}
    assert (texts(outcome)[-1], outcome.fallback) == ("Which color?", True)
    _, outcome = say(
        asked_for(bot, "buy_shirt", "color"),
        bot,
        "I want 5 shirts",
        ("number", 5),
        intent="buy_shirt",
        confidence=0.9,
    )
    assert (outcome.slots, texts(outcome)) == ({"qty": 5}, ["Which color?"])


def test_a_number_inside_a_whole_reply_answer_fills_no_other_missing_parameter(bot):
    state = asked_for(bot, "buy_shirt", "address", color="red", day="2026-12-01")
    _, outcome = say(state, bot, "12 Main Street", ("number", 12))
    assert outcome.slots == {"color": "red", "day": "2026-12-01", "address": "12 Main Street"}
    assert texts(outcome) == ["How many?"]


def test_a_number_beside_the_prompts_answer_fills_its_own_parameter_too(bot):
    state = asked_for(bot, "buy_shirt", "color")
    _, outcome = say(state, bot, "red, 2 of them", ("color", "red"), ("number", 2))
    assert outcome.slots == {"color": "red", "qty": 2}
    assert texts(outcome) == ["When should we deliver?"]


def test_a_value_the_choices_do_not_offer_is_named_before_the_prompt_is_asked_again(bot):
    state = asked_for(bot, "order_coffee", "size")
    state, outcome = say(state, bot, "a regular one", ("size", "medium"))
    assert (state.slots, state.prompted) == ({}, "size")
    assert texts(outcome) == ["Sorry, medium is not one of the options.", "Which size?"]
    assert [b.title for b in outcome.messages[-1].buttons] == ["small", "large"]
    assert not outcome.fallback  # understood, and told why it cannot be taken
    assert outcome.intent is not None and outcome.intent.name == "order_coffee"


def test_a_refused_value_read_by_the_dialogue_itself_or_a_built_in_is_named_too(bot):
    _, outcome = say(asked_for(bot, "order_coffee", "size"), bot, "medium")
    assert texts(outcome) == ["Sorry, medium is not one of the options.", "Which size?"]
    _, outcome = say(asked_for(bot, "order_coffee", "cups", size="large"), bot, "7", ("number", 7))
    assert texts(outcome) == ["Sorry, 7 is not one of the options.", "How many cups?"]


@pytest.mark.parametrize("reply", ["what do you mean?", "maybe"])
def test_a_reply_that_names_no_value_is_not_understood_as_an_option(bot, reply):
    _, outcome = say(asked_for(bot, "order_coffee", "size"), bot, reply)
    assert texts(outcome) == ["Sorry, I didn't understand that. The options are small, large.", "Which size?"]
    _, outcome = say(asked_for(bot, "order_coffee", "milk", size="large", cups="1"), bot, reply)
    assert texts(outcome) == ["Sorry, I didn't understand that. The options are yes, no.", "Milk?"]


def test_a_choice_is_accepted_without_a_word_about_the_options(bot):
    _, outcome = say(asked_for(bot, "order_coffee", "size"), bot, "Large", ("size", "large"))
    assert texts(outcome) == ["How many cups?"]


def test_a_value_another_parameters_choices_refuse_is_named_and_that_parameter_asked_next(bot):
    state = asked_for(bot, "buy_tee", "size")
    state, outcome = say(state, bot, "large and purple", ("size", "large"), ("color", "purple"))
    assert (state.slots, state.prompted) == ({"size": "large"}, "color")
    assert texts(outcome) == ["Sorry, purple is not one of the options.", "Which color?"]
    assert [b.title for b in outcome.messages[-1].buttons] == ["red", "blue"]
    assert not outcome.fallback
    assert outcome.intent is not None and outcome.intent.name == "buy_tee"
    state, outcome = say(state, bot, "red", ("color", "red"))
    assert (state.slots, texts(outcome)) == ({"size": "large", "color": "red"}, ["How many?"])


def test_a_refused_value_of_another_parameter_is_named_though_the_prompt_went_unanswered(bot):
    state, outcome = say(asked_for(bot, "buy_tee", "size"), bot, "purple please", ("color", "purple"))
    assert (state.slots, state.prompted) == ({}, "color")
    assert texts(outcome) == ["Sorry, purple is not one of the options.", "Which color?"]
    assert not outcome.fallback


def test_a_refused_correction_asks_for_its_parameter_again(bot):
    state = asked_for(bot, "buy_tee", "qty", size="large", color="red", trim="light green")
    state, outcome = say(state, bot, "make it purple", ("color", "purple"))
    assert (state.slots, state.prompted) == ({"size": "large", "trim": "light green"}, "color")
    assert state.missing == ["qty", "color", "note"]
    assert texts(outcome) == ["Sorry, purple is not one of the options.", "Which color?"]


def test_a_refused_value_that_starts_a_form_is_named_and_its_parameter_asked_first(bot):
    state, outcome = say(
        new_state(bot, "c1", 1, {}),
        bot,
        "a purple t-shirt",
        ("color", "purple"),
        intent="buy_tee",
        confidence=0.9,
    )
    assert (state.slots, state.prompted) == ({}, "color")
    assert texts(outcome) == ["Sorry, purple is not one of the options.", "Which color?"]


def test_a_value_one_parameter_refuses_goes_to_another_of_its_entity(bot):
    state = asked_for(bot, "buy_tee", "size")
    state, outcome = say(
        state, bot, "large, lime trim on red", ("size", "large"), ("color", "light green"), ("color", "red")
    )
    assert state.slots == {"size": "large", "color": "red", "trim": "light green"}
    assert texts(outcome) == ["How many?"]


def test_a_whole_reply_to_a_free_text_prompt_names_no_refused_value(bot):
    state = asked_for(bot, "buy_tee", "note", size="large", qty="1", color="red")
    _, outcome = say(state, bot, "leave it by the purple door", ("color", "purple"))
    assert outcome.complete
    assert outcome.slots == {
        "size": "large",
        "qty": "1",
        "color": "red",
        "note": "leave it by the purple door",
    }


def test_a_refused_built_in_value_is_named_only_where_it_would_have_filled_its_parameter(bot):
    state, outcome = say(
        asked_for(bot, "buy_tee", "size"), bot, "large, 7 of them", ("size", "large"), ("number", 7)
    )
    assert (state.slots, state.prompted) == ({"size": "large"}, "qty")
    assert texts(outcome) == ["Sorry, 7 is not one of the options.", "How many?"]
    state, outcome = say(asked_for(bot, "buy_tee", "color", size="large"), bot, "the 7", ("number", 7))
    assert (state.slots, texts(outcome)[-1], outcome.fallback) == ({"size": "large"}, "How many?", True)


def test_the_prompts_own_refused_value_is_named_first_and_the_prompt_asked_again(bot):
    state = asked_for(bot, "buy_tee", "size")
    state, outcome = say(state, bot, "medium and purple", ("size", "medium"), ("color", "purple"))
    assert (state.slots, state.prompted) == ({}, "size")
    assert texts(outcome) == [
        "Sorry, medium is not one of the options.",
        "Sorry, purple is not one of the options.",
        "Which size?",
    ]
