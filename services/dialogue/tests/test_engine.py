"""The turn engine, pure: no stores, no NLU, no network."""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml

from parley_dialogue.completion import finish, welcome
from parley_dialogue.conversation import ConversationState, Outcome, new_state
from parley_dialogue.definition import BotDefinition, Messages
from parley_dialogue.engine import advance
from parley_dialogue.replies import DEFAULT_FALLBACK, SAFE_REPLY
from parley_dialogue.testing import parsed
from parley_dialogue.validation import build_definition

PIZZA = """
name: pizza
settings: {fallback_threshold: 0.6}
entities:
  - name: size
    values: [{value: large, synonyms: [big, XL]}, {value: small}]
  - name: topping
    values: [{value: ham}, {value: olives}, {value: mushrooms}]
  - name: crust
    values: [{value: thin}, {value: thick}]
intents:
  - id: init_conversation
    examples: [hi]
    replies: ["Hi {{ context.username }} ### What would you like?"]
  - id: fallback
    replies: ["Sorry?"]
  - id: cancel
    examples: [cancel]
    replies: ["Cancelled."]
  - id: greet_again
    examples: [hello again]
    replies: ["Hello again!"]
  - id: order
    examples: [a pizza please]
    parameters:
      - {name: size, entity: size, prompt: ["What size? ### Large or small?"]}
      - {name: toppings, entity: topping, multiple: true, prompt: ["Which toppings?"]}
      - {name: crust, entity: crust, required: false}
      - {name: note, required: false}
    replies: ["A {{ parameters.size }} pizza with {{ parameters.toppings | join(' and ') }}."]
  - id: deliver
    examples: [deliver it]
    parameters:
      - {name: address, prompt: ["Where to?", "What is the address?"]}
    replies: ["Delivering to {{ slots.address }}."]
    action: {url: "https://api.example.com/deliver", body: '{"to": "{{ slots.address }}"}'}
  - id: rate
    examples: [rate us]
    parameters:
      - {name: stars, entity: null, choices: ["1", "2", "3"], prompt: ["How many stars?"]}
    replies: ["Thanks for {{ slots.stars }} stars."]
  - id: broken
    examples: [break]
    replies: ["{{ 'a' * 100000 }}"]
"""


@pytest.fixture
def bot() -> BotDefinition:
    return build_definition(yaml.safe_load(PIZZA))


@pytest.fixture
def start(bot: BotDefinition) -> ConversationState:
    return new_state(bot, "c1", 1, {"username": "Ann"})


def say(
    state: ConversationState,
    bot: BotDefinition,
    text: str,
    intent: str = "fallback",
    confidence: float = 0.9,
    *entities: tuple[str, Any],
    context: dict[str, Any] | None = None,
) -> tuple[ConversationState, Outcome]:
    return advance(state, parsed(intent, confidence, *entities), text, bot, context, rng=random.Random(1))


def texts(outcome: Outcome) -> list[str]:
    return [m.text for m in outcome.messages]


def test_welcome_renders_the_welcome_intent_with_the_context(bot):
    outcome = welcome(bot, {"username": "Ann"})
    assert outcome is not None
    assert texts(outcome) == ["Hi Ann", "What would you like?"]


def test_welcome_is_none_without_a_welcome_intent(bot):
    other = build_definition({"name": "quiet", "intents": [{"id": "x", "examples": ["x"], "replies": ["x"]}]})
    assert welcome(other, {}) is None


def test_an_intent_whose_slots_all_arrive_at_once_completes_in_one_turn(bot, start):
    _, outcome = say(start, bot, "a big pizza with ham", "order", 0.9, ("size", "large"), ("topping", "ham"))
    assert outcome.complete
    assert texts(outcome) == ["A large pizza with ham."]
    assert outcome.slots == {"size": "large", "toppings": ["ham"]}


def test_missing_slot_is_prompted_for(bot, start):
    state, outcome = say(start, bot, "a pizza please", "order", 0.9)
    assert not outcome.complete
    assert outcome.missing_slots == ["size", "toppings"]
    assert texts(outcome) == ["What size?", "Large or small?"]
    assert state.active_intent == "order"
    assert state.prompted == "size"


def test_slots_fill_across_turns_until_the_intent_completes(bot, start):
    state, _ = say(start, bot, "a pizza please", "order", 0.9)
    state, second = say(state, bot, "large", "fallback", 0.2, ("size", "large"))
    assert texts(second) == ["Which toppings?"]
    assert second.slots == {"size": "large"}
    state, third = say(
        state, bot, "ham and olives", "fallback", 0.3, ("topping", "ham"), ("topping", "olives")
    )
    assert third.complete
    assert texts(third) == ["A large pizza with ham and olives."]
    assert state.active_intent is None
    assert state.slots == {}


def test_a_reply_to_a_prompt_is_matched_against_the_entity_synonyms(bot, start):
    state, _ = say(start, bot, "a pizza please", "order", 0.9)
    _, outcome = say(state, bot, "XL please", "fallback", 0.1)
    assert outcome.slots == {"size": "large"}
    assert outcome.intent is not None
    assert outcome.intent.name == "order"


def test_a_reply_that_fits_no_value_of_a_closed_entity_is_prompted_again(bot, start):
    state, _ = say(start, bot, "a pizza please", "order", 0.9)
    state, outcome = say(state, bot, "purple", "fallback", 0.1)
    assert texts(outcome) == [
        "Sorry, I didn't understand that. The options are large, small.",
        "What size?",
        "Large or small?",
    ]
    assert outcome.fallback
    assert state.active_intent == "order"


def test_a_free_text_parameter_takes_the_whole_reply(bot, start):
    state, _ = say(start, bot, "deliver it", "deliver", 0.9)
    _, outcome = say(state, bot, "  12 Main Street ", "fallback", 0.1)
    assert outcome.slots == {"address": "12 Main Street"}


def test_prompt_variants_are_all_used(bot, start):
    seen = {
        advance(start, parsed("deliver"), "deliver it", bot, rng=random.Random(seed))[1].messages[0].text
        for seed in range(20)
    }
    assert seen == {"Where to?", "What is the address?"}


def test_choices_are_offered_as_buttons_and_other_answers_are_refused(bot, start):
    state, asked = say(start, bot, "rate us", "rate", 0.9)
    assert [b.title for b in asked.messages[-1].buttons] == ["1", "2", "3"]
    state, refused = say(state, bot, "7", "fallback", 0.1)
    assert refused.missing_slots == ["stars"]
    _, accepted = say(state, bot, "3", "fallback", 0.1)
    assert texts(accepted) == ["Thanks for 3 stars."]


def test_a_multiple_parameter_keeps_every_value_once(bot, start):
    _, outcome = say(
        start,
        bot,
        "large with ham, olives and ham",
        "order",
        0.9,
        ("size", "large"),
        ("topping", "ham"),
        ("topping", "olives"),
        ("topping", "ham"),
    )
    assert outcome.slots["toppings"] == ["ham", "olives"]


def test_cancel_clears_the_form(bot, start):
    state, _ = say(start, bot, "a pizza please", "order", 0.9)
    state, outcome = say(state, bot, "cancel", "cancel", 0.95)
    assert texts(outcome) == ["Cancelled."]
    assert outcome.complete
    assert state.active_intent is None
    assert state.slots == {}


def test_cancel_without_a_form_just_answers(bot, start):
    state, outcome = say(start, bot, "cancel", "cancel", 0.95)
    assert texts(outcome) == ["Cancelled."]
    assert state.active_intent is None


def test_low_confidence_gets_the_fallback_reply(bot, start):
    _, outcome = say(start, bot, "what is love", "order", 0.3)
    assert texts(outcome) == ["Sorry?"]
    assert outcome.fallback
    assert outcome.intent is not None
    assert outcome.intent.name == "fallback"


def test_a_bot_without_a_fallback_intent_answers_a_default_sentence(start):
    bare = build_definition({"name": "bare", "intents": [{"id": "x", "examples": ["x"], "replies": ["x"]}]})
    _, outcome = advance(start, parsed("fallback", 0.9), "??", bare)
    assert texts(outcome) == [DEFAULT_FALLBACK]


def test_an_unrecognised_reply_keeps_the_form_active(bot, start):
    state, _ = say(start, bot, "a pizza please", "order", 0.9)
    state, outcome = say(state, bot, "hmm", "greet_again", 0.2)
    assert state.active_intent == "order"
    assert not outcome.complete


def test_a_slash_intent_triggers_it_whatever_the_nlu_said(bot, start):
    _, outcome = say(start, bot, "/greet_again", "fallback", 0.0)
    assert texts(outcome) == ["Hello again!"]
    assert outcome.intent is not None
    assert outcome.intent.confidence == 1.0


def test_a_slash_intent_payload_fills_slots(bot, start):
    _, outcome = say(start, bot, '/order{"size": "small", "toppings": ["olives"]}')
    assert texts(outcome) == ["A small pizza with olives."]


def test_a_slash_intent_payload_is_checked_like_spoken_values(bot, start):
    state, outcome = say(start, bot, '/order{"size": "gigantic", "toppings": ["ham", "sushi"], "price": 0}')
    assert outcome.slots == {"toppings": ["ham"]}
    assert outcome.missing_slots == ["size"]
    _, outcome = say(state, bot, '/order{"size": "BIG"}')
    assert texts(outcome) == ["A large pizza with ham."]


def test_a_slash_intent_payload_of_structures_fills_nothing(bot, start):
    _, outcome = say(start, bot, '/rate{"stars": {"a": [1, 2]}}')
    assert outcome.missing_slots == ["stars"]


def test_a_slash_intent_during_its_own_form_is_not_taken_as_the_answer(bot, start):
    state, _ = say(start, bot, "deliver it", "deliver", 0.9)
    state, outcome = say(state, bot, "/deliver")
    assert outcome.missing_slots == ["address"]
    assert "address" not in state.slots
    _, outcome = say(state, bot, '/deliver{"address": "1 Main St"}')
    assert outcome.action is not None
    assert outcome.action.slots == {"address": "1 Main St"}


def test_an_unanswered_prompt_is_reported_as_a_fallback(bot, start):
    state, _ = say(start, bot, "a pizza please", "order", 0.9)
    _, outcome = say(state, bot, "stop it", "cancel", 0.3)
    assert outcome.fallback
    assert outcome.intent is not None
    assert outcome.intent.name == "fallback"


def test_an_answered_prompt_is_not_a_fallback(bot, start):
    state, _ = say(start, bot, "a pizza please", "order", 0.9)
    _, outcome = say(state, bot, "big", "fallback", 0.9)
    assert not outcome.fallback
    assert outcome.slots == {"size": "large"}


def test_a_form_follows_an_edit_of_the_bot_between_turns(bot, start):
    state, _ = say(start, bot, "a pizza please", "order", 0.9)
    renamed = PIZZA.replace("{name: size, entity: size", "{name: pizza_size, entity: size")
    edited = build_definition(yaml.safe_load(renamed))
    state, outcome = advance(state, parsed("greet_again", 0.95), "hello again", edited, rng=random.Random(1))
    assert texts(outcome) == ["Hello again!", "What size?", "Large or small?"]
    assert state.prompted == "pizza_size"


def test_a_form_whose_intent_was_removed_is_dropped(bot, start):
    state, _ = say(start, bot, "a pizza please", "order", 0.9)
    document = yaml.safe_load(PIZZA)
    document["intents"] = [i for i in document["intents"] if i["id"] != "order"]
    edited = build_definition(document)
    state, outcome = advance(state, parsed("greet_again", 0.95), "hello again", edited, rng=random.Random(1))
    assert texts(outcome) == ["Hello again!"]
    assert state.active_intent is None


def test_a_slash_text_naming_no_intent_is_understood_by_the_nlu(bot, start):
    _, outcome = say(start, bot, "/nothing", "fallback", 0.9)
    assert outcome.fallback


def test_a_confident_other_intent_interrupts_and_the_form_resumes(bot, start):
    state, _ = say(start, bot, "a pizza please", "order", 0.9)
    state, outcome = say(state, bot, "hello again", "greet_again", 0.95)
    assert texts(outcome) == ["Hello again!", "What size?", "Large or small?"]
    assert not outcome.complete
    assert state.active_intent == "order"
    _, done = say(state, bot, "small with ham", "order", 0.9, ("size", "small"), ("topping", "ham"))
    assert texts(done) == ["A small pizza with ham."]


def test_with_the_drop_policy_an_interruption_abandons_the_form(start):
    doc = yaml.safe_load(PIZZA)
    doc["settings"]["interruption"] = "drop"
    bot = build_definition(doc)
    state, _ = say(start, bot, "a pizza please", "order", 0.9)
    state, outcome = say(state, bot, "hello again", "greet_again", 0.95)
    assert texts(outcome) == ["Hello again!"]
    assert state.active_intent is None


def test_an_interrupting_intent_with_its_own_form_replaces_the_form(bot, start):
    state, _ = say(start, bot, "a pizza please", "order", 0.9)
    state, outcome = say(state, bot, "deliver it", "deliver", 0.95)
    assert state.active_intent == "deliver"
    assert outcome.missing_slots == ["address"]


def test_an_entity_answering_the_prompt_wins_over_another_intent(bot, start):
    state, _ = say(start, bot, "a pizza please", "order", 0.9)
    state, outcome = say(state, bot, "small", "greet_again", 0.8, ("size", "small"))
    assert outcome.slots == {"size": "small"}
    assert state.active_intent == "order"


def test_context_is_carried_across_turns(bot, start):
    state, _ = say(start, bot, "a pizza please", "order", 0.9, context={"username": "Bob"})
    state, _ = say(state, bot, "hello again", "greet_again", 0.95)
    assert state.context == {"username": "Bob"}
    assert state.turn_count == 2


def test_completing_an_intent_with_an_action_defers_the_reply_to_the_webhook(bot, start):
    state, _ = say(start, bot, "deliver it", "deliver", 0.9)
    _, outcome = say(state, bot, "Elm Street", "fallback", 0.1)
    assert outcome.action is not None
    assert outcome.action.slots == {"address": "Elm Street"}
    assert outcome.messages == []
    assert texts(finish(outcome, bot, {"eta": 5})) == ["Delivering to Elm Street."]


def test_a_failed_webhook_gets_a_clear_reply(bot, start):
    state, _ = say(start, bot, "deliver it", "deliver", 0.9)
    _, outcome = say(state, bot, "Elm Street", "fallback", 0.1)
    assert texts(finish(outcome, bot, None, failed=True)) == [Messages().action_failed]


def test_a_template_that_fails_gets_a_safe_reply_and_a_problem(bot, start):
    _, outcome = say(start, bot, "break", "broken", 0.9)
    assert texts(outcome) == [SAFE_REPLY]
    assert outcome.problems


def test_the_state_records_the_bot_version_it_last_ran(bot, start):
    state, _ = advance(start, parsed("greet_again"), "hello again", bot, version=4)
    assert state.bot_version == 4
