"""Built-in entities: numbers, ordinals, durations, dates and times."""

from __future__ import annotations

import time
from datetime import date

import pytest

from parley_nlu.entities import EntityExtractor

TODAY = date(2024, 5, 15)  # a Wednesday


def found(text: str) -> list[tuple[str, object, str]]:
    entities = EntityExtractor([]).extract(text, today=TODAY)
    return [(e.entity, e.value, text[e.start : e.end]) for e in entities]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("send $1,200.50", [("number", 1200.5, "1,200.50")]),
        ("twenty-five people", [("number", 25, "twenty-five")]),
        ("a hundred and five", [("number", 105, "a hundred and five")]),
        ("the third one and my 2nd", [("ordinal", 3, "third"), ("ordinal", 2, "2nd")]),
        ("play the twenty-first track", [("ordinal", 21, "twenty-first")]),
        ("a 30 second timer", [("duration", 30, "30 second")]),
        ("set a timer for half an hour", [("duration", 1800, "half an hour")]),
    ],
)
def test_numbers_ordinals_and_durations(text: str, expected: list[tuple[str, object, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow", [("date", "2024-05-16", "tomorrow")]),
        ("on friday", [("date", "2024-05-17", "on friday")]),
        ("last monday", [("date", "2024-05-13", "last monday")]),
        ("March 3rd", [("date", "2025-03-03", "March 3rd")]),
        ("12 june 2024", [("date", "2024-06-12", "12 june 2024")]),
        ("on the 20th", [("date", "2024-05-20", "on the 20th")]),
        ("in 3 days", [("date", "2024-05-18", "in 3 days")]),
        ("at 7pm", [("time", "19:00", "7pm")]),
        ("at 19:30", [("time", "19:30", "19:30")]),
        ("half past six", [("time", "06:30", "half past six")]),
        ("quarter to seven", [("time", "06:45", "quarter to seven")]),
        ("six thirty in the evening", [("time", "18:30", "six thirty in the evening")]),
        ("at noon", [("time", "12:00", "noon")]),
    ],
)
def test_dates_and_times_resolve_against_today(text: str, expected: list[tuple[str, object, str]]) -> None:
    assert found(text) == expected


def test_a_date_and_a_time_in_one_utterance() -> None:
    assert found("5:45 tomorrow") == [("time", "05:45", "5:45"), ("date", "2024-05-16", "tomorrow")]


def test_codes_with_digits_are_not_numbers() -> None:
    assert found("flight BA123, order ORD123456") == []


def test_an_impossible_date_is_not_a_date() -> None:
    assert [e for e in found("february 30") if e[0] == "date"] == []


@pytest.mark.parametrize(
    "text",
    ["one " * 4000, "twenty-one " * 1500, "this one " * 1500, "a day, " * 2000, "second, " * 2000],
    ids=["number words", "hyphenated number words", "pronoun ones", "articles and units", "seconds"],
)
def test_a_long_repetitive_text_is_parsed_in_linear_time(text: str) -> None:
    # 16 kB, eight times what a parse accepts; quadratic patterns took 0.5 to 7 s on these (the event loop
    # stalls meanwhile), linear ones well under a tenth. CPU time, as the wall clock is noisy here.
    started = time.thread_time()
    found(text)
    assert time.thread_time() - started < 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at 1 tonight", [("time", "01:00", "1"), ("date", "2024-05-16", "tonight")]),
        ("tonight at 12", [("date", "2024-05-16", "tonight"), ("time", "00:00", "12")]),
        ("tomorrow night at 2", [("date", "2024-05-17", "tomorrow"), ("time", "02:00", "2")]),
        ("at 11 tonight", [("time", "23:00", "11"), ("date", "2024-05-15", "tonight")]),
        ("tomorrow at 1", [("date", "2024-05-16", "tomorrow"), ("time", "01:00", "1")]),
    ],
)
def test_a_nights_small_hours_are_the_next_day(text: str, expected: list[tuple[str, object, str]]) -> None:
    assert sorted(found(text), key=lambda e: text.index(e[2])) == expected
