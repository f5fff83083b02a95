"""The built-in sentences show a built-in entity's values as a user says them ("Tuesday 1 December",
"1 hour 30 minutes", "3rd"), while templates see them as stored and may show them so with the
`day` and `duration` filters. Pure engine and templates."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

import msgspec
import pytest
import yaml

from parley_dialogue.conversation import ConversationState, Outcome, new_state
from parley_dialogue.definition import BotDefinition
from parley_dialogue.engine import advance
from parley_dialogue.shown import day, duration, shown
from parley_dialogue.templates import render, template_problem
from parley_dialogue.validation import build_definition
from parley_messages import EntityValue, IntentScore, ParseResult

TODAY = date(2026, 11, 29)
NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
SPA = """
name: spa
entities:
  - name: room
    values: [{value: blue}, {value: green}]
intents:
  - id: fallback
    replies: ["Sorry?"]
  - id: book
    examples: [book a massage]
    parameters:
      - {name: day, entity: date, prompt: "Which day?", choices: ["2026-12-01", "2026-12-02"]}
      - {name: length, entity: duration, prompt: "How long?"}
      - {name: turn, entity: ordinal, prompt: "Which slot?"}
      - {name: at, entity: time, prompt: "What time?", hours: "08:00-14:00"}
      - {name: room, entity: room, prompt: "Which room?"}
      - {name: note, prompt: "Anything else?"}
    replies: ["{{ slots.day }} for {{ slots.length }} s."]
"""
PROMPTS = ["day", "length", "turn", "at", "room", "note"]


@pytest.fixture
def bot() -> BotDefinition:
    return build_definition(yaml.safe_load(SPA))


def at(bot: BotDefinition, prompted: str, **slots: Any) -> ConversationState:
    gaps = [name for name in PROMPTS if name not in slots]
    state = new_state(bot, "c1", 1, {})
    return msgspec.structs.replace(state, active_intent="book", slots=slots, missing=gaps, prompted=prompted)


def say(
    state: ConversationState,
    bot: BotDefinition,
    text: str,
    *entities: tuple[str, Any],
    intent: str = "fallback",
) -> tuple[ConversationState, Outcome]:
    values = [EntityValue(entity=e, value=v, start=n, end=n + 1) for n, (e, v) in enumerate(entities)]
    read = IntentScore(name=intent, confidence=0.9)
    parse = ParseResult(intent=read, ranking=[read], entities=values)
    return advance(state, parse, text, bot, now=NOW, rng=random.Random(1))


def texts(outcome: Outcome) -> list[str]:
    return [m.text for m in outcome.messages]


# How a value is shown


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-01", "Tuesday 1 December"),
        ("2026-01-05", "Monday 5 January"),
        ("2027-01-05", "Tuesday 5 January 2027"),
        ("2025-12-31", "Wednesday 31 December 2025"),
    ],
)
def test_a_date_is_shown_with_its_weekday_and_its_year_only_when_not_this_year(value, expected):
    assert shown(value, "date", TODAY) == expected


@pytest.mark.parametrize("value", ["tomorrow", "2026-02-30", "20261201", "2026-W49-2", 5, None])
def test_what_is_no_iso_date_is_shown_as_given(value):
    assert day(value, today=TODAY) == value


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (5400, "1 hour 30 minutes"),
        (60, "1 minute"),
        (45, "45 seconds"),
        (90_061, "1 day 1 hour 1 minute 1 second"),
        (7200, "2 hours"),
        (0, "0 seconds"),
    ],
)
def test_a_duration_is_shown_in_units(seconds, expected):
    assert shown(seconds, "duration", TODAY) == expected


@pytest.mark.parametrize("value", [-5, 2.5, "an hour", True])
def test_what_is_no_count_of_seconds_is_no_duration(value):
    assert duration(value) == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (102, "102nd"),
    ],
)
def test_an_ordinal_is_shown_with_its_suffix(value, expected):
    assert shown(value, "ordinal", TODAY) == expected


def test_times_numbers_and_text_are_shown_as_stored():
    assert [shown("15:00", "time", TODAY), shown(2.5, "number", TODAY), shown("2026-12-01", None, TODAY)] == [
        "15:00",
        "2.5",
        "2026-12-01",
    ]


def test_several_values_are_shown_each_in_a_list():
    assert shown(["2026-12-01", "2026-12-02"], "date", TODAY) == "Tuesday 1 December, Wednesday 2 December"


# The built-in sentences


def test_a_corrected_date_is_said_as_a_day(bot):
    state = at(bot, "length", day="2026-12-01")
    state, outcome = say(state, bot, "no, make it Wednesday", ("date", "2026-12-02"))
    assert state.slots["day"] == "2026-12-02"
    assert texts(outcome) == ["OK, Wednesday 2 December instead of Tuesday 1 December.", "How long?"]


def test_so_far_says_days_durations_and_ordinals_as_a_user_would(bot):
    state = at(bot, "at", day="2026-12-01", length=5400, turn=2)
    _, outcome = say(state, bot, "what have I chosen so far?")
    assert texts(outcome) == [
        "So far: day Tuesday 1 December, length 1 hour 30 minutes, turn 2nd.",
        "What time?",
    ]


def test_a_date_the_choices_refuse_is_named_as_a_day_and_the_options_too(bot):
    _, outcome = say(at(bot, "day"), bot, "the 3rd of December", ("date", "2026-12-03"))
    assert texts(outcome)[0] == "Sorry, Thursday 3 December is not one of the options."
    _, outcome = say(at(bot, "day"), bot, "whenever")
    assert texts(outcome)[0] == (
        "Sorry, I didn't understand that. The options are Tuesday 1 December, Wednesday 2 December."
    )


def test_a_time_outside_the_hours_is_said_as_a_clock_time(bot):
    state = at(bot, "at", day="2026-12-01", length=60, turn=1)
    _, outcome = say(state, bot, "at 3", ("time", "03:00"))
    assert texts(outcome)[0] == "Sorry, 03:00 is not between 08:00 and 14:00."


def test_a_bot_wording_the_sentences_sees_the_value_shown_and_the_slots_as_stored():
    doc = yaml.safe_load(SPA)
    doc["settings"] = {"messages": {"corrected": "{{ value }} / {{ slots[parameter] }}"}}
    bot = build_definition(doc)
    _, outcome = say(at(bot, "length", day="2026-12-01"), bot, "no, Wednesday", ("date", "2026-12-02"))
    assert texts(outcome)[0] == "Wednesday 2 December / 2026-12-02"


def test_a_bot_entity_named_like_a_built_in_is_shown_as_stored():
    doc = yaml.safe_load(SPA)
    doc["entities"].append({"name": "date", "pattern": "[0-9]{4}-[0-9]{2}-[0-9]{2}"})
    bot = build_definition(doc)
    _, outcome = say(at(bot, "length", day="2026-12-01"), bot, "no, 2026-12-02", ("date", "2026-12-02"))
    assert texts(outcome)[0] == "OK, 2026-12-02 instead of 2026-12-01."


def test_replies_see_values_as_stored(bot):
    state = at(bot, "note", day="2026-12-01", length=5400, turn=1, at="10:00", room="blue")
    _, outcome = say(state, bot, "nothing")
    assert texts(outcome) == ["2026-12-01 for 5400 s."]


# The filters of templates


def test_templates_show_a_day_and_a_duration_with_filters():
    variables = {"slots": {"day": "2026-12-01", "length": 5400}}
    this_year = datetime.now(UTC).year == 2026  # the filter has no turn: its year is the clock's (UTC)
    expected = "Tuesday 1 December" if this_year else "Tuesday 1 December 2026"
    assert (
        render("{{ slots.day | day }}, {{ slots.length | duration }}", variables)
        == f"{expected}, 1 hour 30 minutes"
    )
    assert template_problem("{{ slots.day | day }} {{ slots.length | duration }}") is None


def test_the_filters_leave_missing_and_other_values_as_they_are():
    assert (
        render("[{{ slots.none | day }}][{{ slots.text | duration }}]", {"slots": {"text": "soon"}})
        == "[][soon]"
    )
