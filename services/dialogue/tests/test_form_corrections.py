"""What the bot says while a form goes on: a date or time said at another parameter's prompt, a
reply that says it corrects, the acknowledgement of a replaced value, the hint after a reply the
form could take nothing from, and the intent and confidence such a turn reports. Pure engine."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
import yaml

from parley_dialogue.acf_export import to_acf
from parley_dialogue.conversation import ConversationState, Outcome, new_state
from parley_dialogue.definition import BotDefinition
from parley_dialogue.documents import parse_document
from parley_dialogue.engine import advance
from parley_dialogue.validation import build_definition, problems_of
from parley_messages import EntityValue, IntentScore, ParseResult

DENTIST = """
name: dentist
entities:
  - name: service
    values:
      - {value: cleaning, synonyms: [hygiene]}
      - {value: checkup, synonyms: [check-up]}
      - {value: filling}
      - {value: extraction}
  - name: phone
    pattern: "[0-9]{6,12}"
intents:
  - id: fallback
    replies: ["Sorry, I can book appointments."]
  - id: book
    examples: [I want to book an appointment]
    parameters:
      - {name: service, entity: service, prompt: "What do you need?"}
      - {name: day, entity: date, prompt: "Which day?"}
      - {name: time, entity: time, prompt: "What time?"}
      - {name: people, entity: number, prompt: "For how many?"}
      - {name: phone, entity: phone, prompt: "Your phone number?"}
      - {name: name, prompt: "Your name?"}
    replies: ["{{ slots.service }} on {{ slots.day }} at {{ slots.time }}."]
  - id: hours
    examples: [when are you open]
    replies: ["9 to 5."]
"""
MONDAY, TUESDAY = "2026-11-30", "2026-12-01"
SHOWN_MONDAY, SHOWN_TUESDAY = "Monday 30 November", "Tuesday 1 December"
NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


@pytest.fixture
def bot() -> BotDefinition:
    return build_definition(yaml.safe_load(DENTIST))


def at(bot: BotDefinition, prompted: str, **slots: Any) -> ConversationState:
    """The booking form holding `slots`, waiting for `prompted`."""
    form = bot.intent("book")
    assert form is not None
    gaps = [p.name for p in form.parameters if p.name not in slots]
    state = new_state(bot, "c1", 1, {})
    return msgspec.structs.replace(state, active_intent="book", slots=slots, missing=gaps, prompted=prompted)


def say(
    state: ConversationState,
    bot: BotDefinition,
    text: str,
    *entities: tuple[str, Any],
    intent: str | None = None,
    ranking: tuple[tuple[str, float], ...] = (("hours", 0.3), ("book", 0.02)),
) -> tuple[ConversationState, Outcome]:
    """The turn where the NLU read `entities` and recognised `intent` (0.9), or none: the fallback,
    at its top ranked intent's confidence."""
    values = [EntityValue(entity=e, value=v, start=n, end=n + 1) for n, (e, v) in enumerate(entities)]
    scores = [IntentScore(name=name, confidence=confidence) for name, confidence in ranking]
    read = IntentScore(name=intent or "fallback", confidence=0.9 if intent else scores[0].confidence)
    parse = ParseResult(intent=read, ranking=scores, entities=values)
    return advance(state, parse, text, bot, now=NOW, rng=random.Random(1))


def texts(outcome: Outcome) -> list[str]:
    return [m.text for m in outcome.messages]


# A date or time at another parameter's prompt


@pytest.mark.parametrize("reply", ["no, make it Tuesday", "change the day to Tuesday", "1 December"])
def test_a_date_at_the_time_prompt_replaces_the_day_and_says_so(bot, reply):
    state = at(bot, "time", service="cleaning", day=MONDAY)
    state, outcome = say(state, bot, reply, ("date", TUESDAY))
    assert state.slots == {"service": "cleaning", "day": TUESDAY}
    assert texts(outcome) == [f"OK, {SHOWN_TUESDAY} instead of {SHOWN_MONDAY}.", "What time?"]
    assert (state.prompted, outcome.fallback) == ("time", False)
    assert outcome.intent is not None and outcome.intent.name == "book"


def test_a_date_at_a_dictionary_prompt_fills_the_missing_day(bot):
    state, outcome = say(at(bot, "service"), bot, "tomorrow", ("date", TUESDAY))
    assert state.slots == {"day": TUESDAY}
    assert texts(outcome) == ["What do you need?"]
    assert not outcome.fallback


def test_a_time_beside_the_answer_to_the_time_prompt_is_no_correction_of_it(bot):
    state = at(bot, "time", service="cleaning", day=MONDAY)
    state, outcome = say(state, bot, "3pm on Tuesday", ("time", "15:00"), ("date", TUESDAY))
    assert state.slots == {"service": "cleaning", "day": TUESDAY, "time": "15:00"}
    assert texts(outcome) == [f"OK, {SHOWN_TUESDAY} instead of {SHOWN_MONDAY}.", "For how many?"]


def test_a_correction_takes_the_value_it_does_not_name_as_wrong(bot):
    state = at(bot, "time", service="cleaning", day=MONDAY)
    state, _ = say(state, bot, "not Monday, Tuesday", ("date", MONDAY), ("date", TUESDAY))
    assert state.slots["day"] == TUESDAY


def test_the_value_a_parameter_has_already_is_no_correction(bot):
    state = at(bot, "time", service="cleaning", day=MONDAY)
    state, outcome = say(state, bot, "Monday, yes", ("date", MONDAY))
    assert state.slots == {"service": "cleaning", "day": MONDAY}
    assert texts(outcome)[-1] == "What time?"
    assert not any("instead" in text for text in texts(outcome))


def test_a_date_in_a_free_text_answer_is_part_of_it(bot):
    state = at(bot, "name", service="cleaning", day=MONDAY, time="10:00", people=1, phone="0123456")
    _, outcome = say(state, bot, "Ann Tuesday", ("date", TUESDAY))
    assert outcome.complete
    assert (outcome.slots["day"], outcome.slots["name"]) == (MONDAY, "Ann Tuesday")


# A reply that says it corrects


def test_a_number_after_a_correction_word_replaces_the_filled_number(bot):
    state = at(bot, "phone", service="cleaning", day=MONDAY, time="10:00", people=2)
    state, outcome = say(state, bot, "no, make it 3 people", ("number", 3))
    assert state.slots["people"] == 3
    assert texts(outcome) == ["OK, 3 instead of 2.", "Your phone number?"]
    assert not outcome.fallback


def test_a_bare_number_at_another_prompt_still_replaces_nothing(bot):
    state = at(bot, "phone", service="cleaning", day=MONDAY, time="10:00", people=2)
    state, outcome = say(state, bot, "3", ("number", 3))
    assert state.slots["people"] == 2
    assert texts(outcome) == ["Sorry, I didn't understand that.", "Your phone number?"]
    assert outcome.fallback


def test_a_correction_word_in_a_free_text_answer_changes_no_built_in_value(bot):
    state = at(bot, "name", service="cleaning", day=MONDAY, time="10:00", people=2, phone="0123456")
    _, outcome = say(state, bot, "actually 4 of us, I am Ann", ("number", 4))
    assert outcome.complete
    assert (outcome.slots["people"], outcome.slots["name"]) == (2, "actually 4 of us, I am Ann")


# The acknowledgement, worded by the bot


def test_the_acknowledgement_is_the_bots_own_sentence_and_may_be_left_empty(bot):
    worded = yaml.safe_load(DENTIST)
    worded["settings"] = {"messages": {"corrected": "Changed the {{ parameter }} to {{ value }}."}}
    state = at(bot, "time", service="cleaning", day=MONDAY)
    _, outcome = say(state, build_definition(worded), "Tuesday", ("date", TUESDAY))
    assert texts(outcome) == [f"Changed the day to {SHOWN_TUESDAY}.", "What time?"]
    worded["settings"] = {"messages": {"corrected": ""}}
    _, outcome = say(state, build_definition(worded), "Tuesday", ("date", TUESDAY))
    assert texts(outcome) == ["What time?"]


def test_a_value_of_the_bots_own_entity_that_corrects_is_acknowledged(bot):
    state = at(bot, "time", service="cleaning", day=MONDAY)
    state, outcome = say(state, bot, "actually make it a checkup", ("service", "checkup"))
    assert texts(outcome) == ["OK, checkup instead of cleaning.", "What time?"]


# A reply the form could take nothing from


def test_a_reply_with_no_value_for_a_dictionary_prompt_is_told_the_options(bot):
    _, outcome = say(at(bot, "service"), bot, "purple")
    assert texts(outcome) == [
        "Sorry, I didn't understand that. The options are cleaning, checkup, filling, extraction.",
        "What do you need?",
    ]
    assert outcome.fallback


def test_the_options_named_are_at_most_five(bot):
    many = yaml.safe_load(DENTIST)
    many["entities"][0]["values"] += [{"value": f"service {n}"} for n in range(3)]
    _, outcome = say(at(bot, "service"), build_definition(many), "purple")
    assert texts(outcome)[0] == (
        "Sorry, I didn't understand that. The options are cleaning, checkup, filling, extraction,"
        " service 0 and 2 more."
    )


def test_a_reply_with_no_value_for_a_built_in_or_pattern_prompt_is_said_not_understood(bot):
    _, outcome = say(at(bot, "day", service="cleaning"), bot, "whenever")
    assert texts(outcome) == ["Sorry, I didn't understand that.", "Which day?"]
    state = at(bot, "phone", service="cleaning", day=MONDAY, time="10:00", people=2)
    _, outcome = say(state, bot, "I have none")
    assert texts(outcome) == ["Sorry, I didn't understand that.", "Your phone number?"]


def test_the_hint_is_the_bots_own_sentence_and_may_be_left_empty(bot):
    worded = yaml.safe_load(DENTIST)
    worded["settings"] = {"messages": {"not_understood": "Pardon? ({{ options | join('/') }})"}}
    _, outcome = say(at(bot, "service"), build_definition(worded), "purple")
    assert texts(outcome) == ["Pardon? (cleaning/checkup/filling/extraction)", "What do you need?"]
    worded["settings"] = {"messages": {"not_understood": ""}}
    _, outcome = say(at(bot, "service"), build_definition(worded), "purple")
    assert texts(outcome) == ["What do you need?"]


@pytest.mark.parametrize(
    ("messages", "path"),
    [
        ({"action_failed": ""}, "settings.messages.action_failed"),
        ({"action_failed": " ### "}, "settings.messages.action_failed"),
        ({"corrected": "  "}, "settings.messages.corrected"),
        ({"not_understood": "{{ options | nosuchfilter }}"}, "settings.messages.not_understood"),
        ({"not_a_choice": "{% if value %}"}, "settings.messages.not_a_choice"),
    ],
)
def test_a_message_that_would_say_nothing_or_cannot_render_is_refused_at_save(messages, path):
    doc = yaml.safe_load(DENTIST)
    doc["settings"] = {"messages": messages}
    assert [problem["path"] for problem in problems_of(doc)] == [path]


def test_worded_messages_survive_the_acf_export():
    doc = yaml.safe_load(DENTIST)
    doc["settings"] = {"messages": {"action_failed": "Our diary is offline.", "corrected": ""}}
    bot = build_definition(doc)
    assert parse_document(json.dumps(to_acf(bot)).encode(), "application/json", name="dentist") == bot


def test_an_unknown_message_is_refused_at_save():
    doc = yaml.safe_load(DENTIST)
    doc["settings"] = {"messages": {"corrections": "x"}}
    assert [problem["path"] for problem in problems_of(doc)] == ["settings.messages.corrections"]


# The intent and confidence a turn reports


def test_an_answer_to_a_prompt_reports_the_forms_intent_with_the_nlus_own_confidence(bot):
    _, outcome = say(at(bot, "time", service="cleaning", day=MONDAY), bot, "at 2pm", ("time", "14:00"))
    assert outcome.intent == IntentScore(name="book", confidence=0.02)
    assert outcome.intent_source == "form"


def test_an_answer_to_a_prompt_the_nlu_did_not_rank_reports_no_confidence_for_it(bot):
    state = at(bot, "time", service="cleaning", day=MONDAY)
    _, outcome = say(state, bot, "at 2pm", ("time", "14:00"), ranking=(("hours", 0.3),))
    assert outcome.intent == IntentScore(name="book", confidence=0.0)


def test_a_recognised_or_triggered_intent_reports_who_chose_it(bot):
    state = new_state(bot, "c1", 1, {})
    _, outcome = say(state, bot, "book a cleaning", ("service", "cleaning"), intent="book")
    assert (outcome.intent, outcome.intent_source) == (IntentScore(name="book", confidence=0.9), "nlu")
    _, outcome = say(state, bot, "/book")
    assert (outcome.intent, outcome.intent_source) == (IntentScore(name="book", confidence=1.0), "trigger")
    _, outcome = say(at(bot, "service"), bot, "purple")
    assert (outcome.intent, outcome.intent_source) == (IntentScore(name="fallback", confidence=0.3), "nlu")
