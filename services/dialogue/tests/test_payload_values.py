"""A direct trigger's payload fills typed slots only with values of their type, as the NLU would
have read them: `/book{"guests": "lots", "day": "someday"}` completes no form."""

from __future__ import annotations

import random

import pytest
import yaml

from parley_dialogue.conversation import ConversationState, Outcome, new_state
from parley_dialogue.definition import BotDefinition
from parley_dialogue.engine import advance
from parley_dialogue.payload_values import builtin_value, text_value
from parley_dialogue.testing import parsed
from parley_dialogue.validation import build_definition
from parley_messages import BUILTIN_ENTITIES

TABLES = """
name: tables
entities:
  - name: area                      # open: learnt from the examples
intents:
  - id: book
    examples:
      - book a table
      - text: a table on the terrace
        entities: [{entity: area, start: 15, end: 22}]
    parameters:
      - {name: guests, entity: number, prompt: "For how many people?"}
      - {name: day, entity: date, prompt: "Which day?"}
      - {name: at, entity: time, required: false}
      - {name: area, entity: area, required: false}
      - {name: note, required: false}
    replies: ["Booked for {{ slots.guests }} on {{ slots.day }}."]
"""


@pytest.fixture
def bot() -> BotDefinition:
    return build_definition(yaml.safe_load(TABLES))


def say(state: ConversationState, bot: BotDefinition, text: str) -> tuple[ConversationState, Outcome]:
    return advance(state, parsed("fallback", 0.0), text, bot, rng=random.Random(1))


def texts(outcome: Outcome) -> list[str]:
    return [m.text for m in outcome.messages]


def test_words_for_a_number_and_a_date_complete_no_form_and_the_bot_asks(bot):
    state, outcome = say(
        new_state(bot, "c", 1, {}), bot, '/book{"people": "lots", "guests": "lots", "day": "someday"}'
    )
    assert (outcome.complete, outcome.slots, outcome.missing_slots) == (False, {}, ["guests", "day"])
    assert texts(outcome) == ["For how many people?"]
    assert state.prompted == "guests"


def test_values_in_the_nlus_form_fill_typed_slots_normalised(bot):
    payload = '/book{"guests": " 4 ", "day": "2026-12-01", "at": "7:30"}'
    _, outcome = say(new_state(bot, "c", 1, {}), bot, payload)
    assert outcome.slots == {"guests": 4, "day": "2026-12-01", "at": "07:30"}
    assert texts(outcome) == ["Booked for 4 on 2026-12-01."]


def test_a_bad_value_typed_during_the_form_is_asked_for_again(bot):
    state, _ = say(new_state(bot, "c", 1, {}), bot, '/book{"day": "2026-12-01"}')
    state, again = say(state, bot, '/book{"guests": true}')
    assert (texts(again), again.slots) == (["For how many people?"], {"day": "2026-12-01"})
    _, done = say(state, bot, '/book{"guests": 2.5}')
    assert done.complete and done.slots["guests"] == 2.5


def test_open_and_free_text_values_must_be_text_that_is_not_blank(bot):
    payload = '/book{"guests": 2, "day": "2026-12-01", "area": " \\u200b ", "note": null}'
    _, blank = say(new_state(bot, "c", 1, {}), bot, payload)
    assert blank.slots == {"guests": 2, "day": "2026-12-01"}
    payload = '/book{"guests": 2, "day": "2026-12-01", "area": " terrace ", "note": 42}'
    _, given = say(new_state(bot, "c", 1, {}), bot, payload)
    assert (given.slots["area"], given.slots["note"]) == ("terrace", "42")


TRACKING = """
name: tracking
entities:
  - name: order_id
    pattern: "ORD[0-9]{6}"
intents:
  - id: track
    examples: [where is my order]
    parameters:
      - {name: oid, entity: order_id, prompt: "Your order id?"}
      - {name: ref, entity: order_id, pattern: "^ORD", required: false}
    replies: ["Tracking {{ slots.oid }}."]
"""


@pytest.mark.parametrize(("typed", "stored"), [("ord123456", "ord123456"), (" ORD123456 ", "ORD123456")])
def test_an_entity_pattern_reads_a_payload_ignoring_case_as_the_nlu_reads_speech(typed, stored):
    tracking = build_definition(yaml.safe_load(TRACKING))
    _, outcome = say(new_state(tracking, "c", 1, {}), tracking, f'/track{{"oid": "{typed}"}}')
    assert (outcome.slots, texts(outcome)) == ({"oid": stored}, [f"Tracking {stored}."])


def test_a_payload_that_the_entity_pattern_does_not_match_whole_is_asked_for():
    tracking = build_definition(yaml.safe_load(TRACKING))
    _, outcome = say(new_state(tracking, "c", 1, {}), tracking, '/track{"oid": "ord123456 please"}')
    assert (outcome.slots, texts(outcome)) == ({}, ["Your order id?"])


def test_a_parameters_own_pattern_still_respects_case_in_a_payload():
    tracking = build_definition(yaml.safe_load(TRACKING))
    payload = '/track{"oid": "ORD123456", "ref": "ord654321"}'
    _, outcome = say(new_state(tracking, "c", 1, {}), tracking, payload)
    assert outcome.slots == {"oid": "ORD123456"}


@pytest.mark.parametrize(
    ("entity", "value", "read"),
    [
        ("number", 4, 4),
        ("number", -2.5, -2.5),
        ("number", "12", 12),
        ("number", "+3.50", 3.5),
        ("ordinal", 3, 3),
        ("ordinal", "21", 21),
        ("duration", 5400, 5400),
        ("duration", 90.0, 90),
        ("date", " 2026-02-28 ", "2026-02-28"),
        ("time", "07:05", "07:05"),
        ("time", "9:00", "09:00"),
        ("time", "23:59", "23:59"),
    ],
)
def test_a_built_in_value_is_read_in_the_nlus_form(entity, value, read):
    assert builtin_value(entity, value) == read
    assert type(builtin_value(entity, value)) is type(read)


@pytest.mark.parametrize(
    ("entity", "value"),
    [
        ("number", "four"),
        ("number", "1e3"),
        ("number", True),
        ("number", float("nan")),
        ("number", float("inf")),
        ("number", None),
        ("number", [4]),
        ("ordinal", "3rd"),
        ("ordinal", -1),
        ("ordinal", 2.5),
        ("duration", "2 hours"),
        ("date", "tomorrow"),
        ("date", "2026-02-30"),
        ("date", "20261201"),
        ("date", 20261201),
        ("time", "7pm"),
        ("time", "24:00"),
        ("time", "07:60"),
    ],
)
def test_anything_else_is_no_built_in_value(entity, value):
    assert builtin_value(entity, value) is None


def test_every_built_in_entity_has_a_reader():
    samples = {"number": 4, "ordinal": 3, "duration": 60, "date": "2026-01-01", "time": "12:00"}
    assert set(samples) == set(BUILTIN_ENTITIES)
    assert {name: builtin_value(name, value) for name, value in samples.items()} == samples


@pytest.mark.parametrize(("value", "text"), [(" thai ", "thai"), (7, "7"), (2.5, "2.5")])
def test_text_is_a_string_or_a_number_stripped(value, text):
    assert text_value(value) == text


@pytest.mark.parametrize("value", ["", "  ", "\ufeff", True, None, {"a": 1}, ["thai"]])
def test_blank_text_booleans_null_and_structures_are_no_text(value):
    assert text_value(value) is None
