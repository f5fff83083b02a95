"""A time parameter's `hours`: a time said without am/pm is read in the half of the day they
take, a time outside them that cannot be so read is refused and the hours said, and a range that
is no range is refused at save. Pure engine and validation."""

from __future__ import annotations

import json
import random
from typing import Any

import msgspec
import pytest
import yaml

from parley_dialogue.acf_export import to_acf
from parley_dialogue.conversation import ConversationState, Outcome, new_state
from parley_dialogue.definition import BotDefinition
from parley_dialogue.documents import parse_document
from parley_dialogue.engine import advance
from parley_dialogue.service import DialogueService
from parley_dialogue.validation import build_definition, problems_of
from parley_messages import EntityValue, IntentScore, ParseResult
from parley_runtime.errors import InvalidInputError

CLINIC = """
name: clinic
intents:
  - id: book
    examples: [I want to book an appointment]
    parameters:
      - {name: day, entity: date, prompt: "Which day?"}
      - {name: time, entity: time, prompt: "What time?", hours: "08:00-20:00"}
      - {name: name, prompt: "Your name?"}
    replies: ["See you on {{ slots.day }} at {{ slots.time }}."]
"""
MONDAY = "2026-11-30"


@pytest.fixture
def bot() -> BotDefinition:
    return build_definition(yaml.safe_load(CLINIC))


def with_hours(hours: str) -> BotDefinition:
    doc = yaml.safe_load(CLINIC)
    doc["intents"][0]["parameters"][1]["hours"] = hours
    return build_definition(doc)


def at_time_prompt(bot: BotDefinition, **slots: Any) -> ConversationState:
    state = new_state(bot, "c1", 1, {})
    filled = {"day": MONDAY, **slots}
    gaps = [name for name in ("day", "time", "name") if name not in filled]
    prompted = gaps[0] if gaps else "name"
    return msgspec.structs.replace(state, active_intent="book", slots=filled, missing=gaps, prompted=prompted)


def say(
    state: ConversationState,
    bot: BotDefinition,
    text: str,
    *times: tuple[str, str],
    intent: str | None = None,
) -> tuple[ConversationState, Outcome]:
    """The turn where the NLU read each (words, value) of `times` as a `time` at those words of `text`."""
    values = [_time(text, words, value) for words, value in times]
    read = IntentScore(name=intent or "fallback", confidence=0.9 if intent else 0.1)
    parse = ParseResult(intent=read, ranking=[read], entities=values)
    return advance(state, parse, text, bot, rng=random.Random(1))


def _time(text: str, words: str, value: str) -> EntityValue:
    start = text.index(words)
    return EntityValue(entity="time", value=value, start=start, end=start + len(words), extractor="builtin")


def texts(outcome: Outcome) -> list[str]:
    return [m.text for m in outcome.messages]


# Read in the hours


@pytest.mark.parametrize(
    ("text", "words", "read", "taken"),
    [
        ("at 3", "3", "03:00", "15:00"),
        ("half past three", "half past three", "03:30", "15:30"),
        ("3 o'clock", "3 o'clock", "03:00", "15:00"),
        ("ten to one", "ten to one", "00:50", "12:50"),
    ],
)
def test_a_time_said_without_am_pm_is_read_in_the_hours(bot, text, words, read, taken):
    state, outcome = say(at_time_prompt(bot), bot, text, (words, read))
    assert state.slots["time"] == taken
    assert texts(outcome) == ["Your name?"]
    assert not outcome.fallback


@pytest.mark.parametrize(
    ("text", "words", "read"),
    [("at 10", "10", "10:00"), ("at 7 tonight", "7", "19:00"), ("at 8", "8", "08:00")],
)
def test_a_time_inside_the_hours_is_kept_as_read(bot, text, words, read):
    state, _ = say(at_time_prompt(bot), bot, text, (words, read))
    assert state.slots["time"] == read


@pytest.mark.parametrize(
    ("text", "words", "read"),
    [
        ("3am", "3am", "03:00"),
        ("at 3 a.m. please", "3 a.m.", "03:00"),
        ("at 7 in the morning", "7 in the morning", "07:00"),
        ("tomorrow morning at 7", "7", "07:00"),
        ("at 7 this morning", "7", "07:00"),
        ("07:30", "07:30", "07:30"),
        ("at 21:30", "21:30", "21:30"),
        ("midnight", "midnight", "00:00"),
    ],
)
def test_a_time_whose_half_of_the_day_was_said_is_never_moved(bot, text, words, read):
    state, outcome = say(at_time_prompt(bot), bot, text, (words, read))
    assert "time" not in state.slots
    assert texts(outcome) == [f"Sorry, {read} is not between 08:00 and 20:00.", "What time?"]
    assert (state.prompted, outcome.fallback) == ("time", False)


def test_a_time_outside_the_hours_in_both_halves_of_the_day_is_refused():
    bot = with_hours("13:00-17:00")
    state, outcome = say(at_time_prompt(bot), bot, "at 10", ("10", "10:00"))
    assert "time" not in state.slots
    assert texts(outcome) == ["Sorry, 10:00 is not between 13:00 and 17:00.", "What time?"]


@pytest.mark.parametrize(("words", "read", "taken"), [("1", "01:00", "01:00"), ("11", "11:00", "23:00")])
def test_hours_may_run_past_midnight(words, read, taken):
    bot = with_hours("18:00-2:00")
    state, _ = say(at_time_prompt(bot), bot, f"at {words}", (words, read))
    assert state.slots["time"] == taken


def test_a_time_that_opens_the_form_is_read_in_the_hours_too(bot):
    state, outcome = say(new_state(bot, "c1", 1, {}), bot, "book me in at 4", ("4", "04:00"), intent="book")
    assert outcome.slots == {"time": "16:00"}
    assert texts(outcome) == ["Which day?"]
    assert state.prompted == "day"


def test_a_correction_of_the_time_is_read_in_the_hours_and_acknowledged(bot):
    state = msgspec.structs.replace(at_time_prompt(bot), slots={"time": "15:00"}, missing=["day", "name"])
    state, outcome = say(
        msgspec.structs.replace(state, prompted="day"), bot, "actually make it 4", ("4", "04:00")
    )
    assert state.slots["time"] == "16:00"
    assert texts(outcome) == ["OK, 16:00 instead of 15:00.", "Which day?"]


def test_a_correction_of_the_time_outside_the_hours_asks_for_the_time_again(bot):
    state = msgspec.structs.replace(at_time_prompt(bot), slots={"time": "15:00"}, missing=["day", "name"])
    state, outcome = say(msgspec.structs.replace(state, prompted="day"), bot, "no, 3am", ("3am", "03:00"))
    assert "time" not in state.slots
    assert texts(outcome) == ["Sorry, 03:00 is not between 08:00 and 20:00.", "What time?"]


def test_a_payloads_time_is_taken_as_written(bot):
    state, outcome = say(new_state(bot, "c1", 1, {}), bot, '/book{"day": "2026-11-30", "time": "03:00"}')
    assert "time" not in outcome.slots
    assert state.prompted == "time"
    _, outcome = say(new_state(bot, "c1", 1, {}), bot, '/book{"day": "2026-11-30", "time": "15:00"}')
    assert outcome.slots["time"] == "15:00"


def test_the_refusal_is_the_bots_own_sentence_and_may_be_left_empty():
    doc = yaml.safe_load(CLINIC)
    doc["settings"] = {"messages": {"outside_hours": "We see patients {{ earliest }}-{{ latest }} only."}}
    bot = build_definition(doc)
    _, outcome = say(at_time_prompt(bot), bot, "3am", ("3am", "03:00"))
    assert texts(outcome) == ["We see patients 08:00-20:00 only.", "What time?"]
    doc["settings"] = {"messages": {"outside_hours": ""}}
    bot = build_definition(doc)
    _, outcome = say(at_time_prompt(bot), bot, "3am", ("3am", "03:00"))
    assert texts(outcome) == ["What time?"]


# Refused at save


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("8-20", "'8-20' is not a range of times: write it HH:MM-HH:MM, such as 08:00-20:00"),
        ("08:00-24:00", "'08:00-24:00' is not a range of times: write it HH:MM-HH:MM, such as 08:00-20:00"),
        ("09:00 - 09:00", "'09:00 - 09:00' starts and ends at the same minute"),
    ],
)
def test_hours_that_are_no_range_are_refused_at_save_naming_the_field(hours, message):
    doc = yaml.safe_load(CLINIC)
    doc["intents"][0]["parameters"][1]["hours"] = hours
    problems = problems_of(doc)
    assert [p["path"] for p in problems] == ["intents[0].parameters[1].hours"]
    assert problems[0]["message"].startswith(message)


@pytest.mark.parametrize(("index", "taken"), [(0, "'date'"), (2, "free text")])
def test_hours_of_a_parameter_that_takes_no_built_in_time_are_refused(index, taken):
    doc = yaml.safe_load(CLINIC)
    doc["intents"][0]["parameters"][index]["hours"] = "08:00-20:00"
    problems = problems_of(doc)
    assert [p["path"] for p in problems] == [f"intents[0].parameters[{index}].hours"]
    assert problems[0]["message"].endswith(f"this one takes {taken}")


async def test_a_bot_with_hours_that_are_no_range_is_never_stored(service: DialogueService):
    document = CLINIC.replace('"08:00-20:00"', '"8am-8pm"').encode()
    with pytest.raises(InvalidInputError) as refused:
        await service.put_bot("clinic", document, "application/yaml")
    assert [problem["path"] for problem in refused.value.details] == ["intents[0].parameters[1].hours"]
    assert await service.list_bots() == []


def test_hours_of_the_bots_own_time_entity_are_refused():
    doc = yaml.safe_load(CLINIC)
    doc["entities"] = [{"name": "time", "values": [{"value": "morning"}, {"value": "evening"}]}]
    assert [p["path"] for p in problems_of(doc)] == ["intents[0].parameters[1].hours"]


def test_a_blank_refusal_sentence_is_refused_at_save():
    doc = yaml.safe_load(CLINIC)
    doc["settings"] = {"messages": {"outside_hours": " "}}
    assert [p["path"] for p in problems_of(doc)] == ["settings.messages.outside_hours"]


def test_hours_survive_the_acf_export(bot):
    assert parse_document(json.dumps(to_acf(bot)).encode(), "application/json", name="clinic") == bot
