"""Built-in `number` and `duration`: counts with scale words and halves, in digits or words."""

from __future__ import annotations

import time
from datetime import date

import pytest

from parley_nlu.entities import EntityExtractor

TODAY = date(2026, 11, 29)  # a Sunday


def found(text: str) -> list[tuple[str, object, str]]:
    entities = EntityExtractor([]).extract(text, today=TODAY)
    return [(e.entity, e.value, text[e.start : e.end]) for e in entities]


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("3 million", 3_000_000, "3 million"),
        ("about 3 thousand", 3_000, "3 thousand"),
        ("send 3.5 thousand", 3_500, "3.5 thousand"),
        ("1.1 thousand", 1_100, "1.1 thousand"),
        ("2 dozen eggs", 24, "2 dozen"),
        ("3 hundred thousand", 300_000, "3 hundred thousand"),
        ("3,000 million", 3_000_000_000, "3,000 million"),
        ("1.25 million", 1_250_000, "1.25 million"),
        ("0.5 thousand", 500, "0.5 thousand"),
    ],
)
def test_digits_followed_by_scale_words_are_scaled(text: str, value: int, surface: str) -> None:
    assert found(text) == [("number", value, surface)]


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("half a dozen", 6, "half a dozen"),
        ("half a million", 500_000, "half a million"),
        ("two and a half", 2.5, "two and a half"),
        ("2 and a half", 2.5, "2 and a half"),
        ("one and a half", 1.5, "one and a half"),
        ("two and a half million", 2_500_000, "two and a half million"),
        ("a dozen eggs", 12, "a dozen"),
    ],
)
def test_halves_and_dozens_are_read_whole(text: str, value: float, surface: str) -> None:
    assert found(text) == [("number", value, surface)]


def test_a_whole_scaled_value_is_an_int() -> None:
    assert found("1.5 thousand and 1.2345 thousand") == [
        ("number", 1_500, "1.5 thousand"),
        ("number", 1_234.5, "1.2345 thousand"),
    ]
    assert [type(e[1]) for e in found("1.5 thousand and 1.2345 thousand")] == [int, float]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thousand island dressing", []),
        ("3 millions of reasons", [("number", 3, "3")]),
        ("half past seven", [("time", "07:30", "half past seven")]),
        ("a half", []),
    ],
)
def test_a_scale_or_a_half_alone_is_no_count(text: str, expected: list[tuple[str, object, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("seven", [("number", 7, "seven")]),
        ("table for seven", [("number", 7, "seven")]),
        ("a table for seven people", [("number", 7, "seven")]),
        ("seven people at seven", [("number", 7, "seven"), ("time", "07:00", "seven")]),
        ("seven people at 7", [("number", 7, "seven"), ("time", "07:00", "7")]),
    ],
)
def test_a_count_in_words_stays_a_number_beside_a_time(
    text: str, expected: list[tuple[str, object, str]]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "seconds", "surface"),
    [
        ("an hour and a half", 5_400, "an hour and a half"),
        ("two and a half hours", 9_000, "two and a half hours"),
        ("2 and a half hours", 9_000, "2 and a half hours"),
        ("wait 2 hours and a half", 9_000, "2 hours and a half"),
        ("for a day and a half", 129_600, "a day and a half"),
        ("half an hour", 1_800, "half an hour"),
        ("a quarter of an hour", 900, "a quarter of an hour"),
    ],
)
def test_durations_with_a_half(text: str, seconds: int, surface: str) -> None:
    assert found(text) == [("duration", seconds, surface)]


@pytest.mark.parametrize(
    ("text", "seconds", "surface"),
    [
        ("set a timer for 1 hour and 30 minutes", 5_400, "1 hour and 30 minutes"),
        ("for 2 hours, 15 minutes", 8_100, "2 hours, 15 minutes"),
        ("1 min 30 secs", 90, "1 min 30 secs"),
        ("in 74-hour 48-minute 35-second", 269_315, "74-hour 48-minute 35-second"),
        ("an hour and a half and ten minutes", 6_000, "an hour and a half and ten minutes"),
        ("a week and 2 days", 777_600, "a week and 2 days"),
    ],
)
def test_parts_of_one_length_of_time_are_added_up(text: str, seconds: int, surface: str) -> None:
    assert found(text) == [("duration", seconds, surface)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 minutes or 2 hours", [("duration", 600, "10 minutes"), ("duration", 7_200, "2 hours")]),
        ("2 hours and 3 hours", [("duration", 7_200, "2 hours"), ("duration", 10_800, "3 hours")]),
        ("5 minutes then 2 minutes", [("duration", 300, "5 minutes"), ("duration", 120, "2 minutes")]),
    ],
)
def test_lengths_of_time_not_in_falling_units_or_not_joined_stay_apart(
    text: str, expected: list[tuple[str, object, str]]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    ["two and a half " * 1000, "two and a " * 1600, "3 thousand " * 1500, "half a dozen " * 1200],
    ids=["halves", "unfinished halves", "scaled digits", "half dozens"],
)
def test_a_long_run_of_halves_and_scales_is_parsed_in_linear_time(text: str) -> None:
    started = time.thread_time()  # CPU time, as the wall clock is noisy here
    found(text)
    assert time.thread_time() - started < 1.0
