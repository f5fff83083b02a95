"""Built-in `date` and `time`: what phrases mean, resolved against a Sunday."""

from __future__ import annotations

import time
from datetime import date

import pytest

from parley_nlu.entities import EntityExtractor

TODAY = date(2026, 11, 29)  # a Sunday


def found(text: str, today: date = TODAY) -> list[tuple[str, object, str]]:
    entities = EntityExtractor([]).extract(text, today=today)
    return [(e.entity, e.value, text[e.start : e.end]) for e in entities]


def times(text: str) -> list[tuple[object, str]]:
    return [(value, surface) for entity, value, surface in found(text) if entity == "time"]


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("at half past 7 pm", "19:30", "half past 7 pm"),
        ("half past 7 p.m.", "19:30", "half past 7 p.m."),
        ("quarter past 7 pm", "19:15", "quarter past 7 pm"),
        ("a quarter to 8 pm", "19:45", "a quarter to 8 pm"),
        ("20 past 7 pm", "19:20", "20 past 7 pm"),
        ("ten to nine pm", "20:50", "ten to nine pm"),
        ("a quarter to 1 pm", "12:45", "a quarter to 1 pm"),
        ("ten to 12 am", "23:50", "ten to 12 am"),
        ("half past 7 am", "07:30", "half past 7 am"),
        ("seven thirty pm", "19:30", "seven thirty pm"),
        ("seven pm", "19:00", "seven pm"),
    ],
)
def test_am_or_pm_after_a_spoken_time_sets_its_hour(text: str, value: str, surface: str) -> None:
    assert times(text) == [(value, surface)]


def test_pm_after_an_hour_past_12_is_no_time() -> None:
    assert times("half past 19 pm") == []


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("tomorrow evening at 7", "19:00", "7"),
        ("tonight at 8", "20:00", "8"),
        ("this afternoon at 3", "15:00", "3"),
        ("friday night at 9", "21:00", "9"),
        ("tonight at half past 8", "20:30", "half past 8"),
        ("this evening at 7:30", "19:30", "7:30"),
        ("at 7 tomorrow evening", "19:00", "7"),
        ("at 7 on friday evening", "19:00", "7"),
        ("at 7 tonight", "19:00", "7"),
        ("at 7 this evening", "19:00", "7"),
        ("at 8 tomorrow night", "20:00", "8"),
        ("at 7pm tonight", "19:00", "7pm"),
        ("7:30 in the evening", "19:30", "7:30 in the evening"),
        ("half past seven in the evening", "19:30", "half past seven in the evening"),
        ("tomorrow morning at 7", "07:00", "7"),
        ("tomorrow evening at 7am", "07:00", "7am"),
        ("tomorrow evening at 19:00", "19:00", "19:00"),
        ("at 11 at night", "23:00", "11 at night"),
        ("at 2 at night", "02:00", "2 at night"),
        ("tonight at 12", "00:00", "12"),
        ("in the evening, at noon", "12:00", "noon"),
        ("good evening, a table at 8", "08:00", "8"),
    ],
)
def test_a_part_of_the_day_before_or_after_a_time_moves_its_hour(text: str, value: str, surface: str) -> None:
    assert times(text) == [(value, surface)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow evening at 7", [("date", "2026-11-30", "tomorrow"), ("time", "19:00", "7")]),
        ("at 7 tomorrow evening", [("time", "19:00", "7"), ("date", "2026-11-30", "tomorrow")]),
        ("tonight at 8", [("date", "2026-11-29", "tonight"), ("time", "20:00", "8")]),
        ("at 7 tonight", [("time", "19:00", "7"), ("date", "2026-11-29", "tonight")]),
        ("book a table at 7 tonight", [("time", "19:00", "7"), ("date", "2026-11-29", "tonight")]),
        ("7pm tonight", [("time", "19:00", "7pm"), ("date", "2026-11-29", "tonight")]),
        ("this evening at 7", [("date", "2026-11-29", "this evening"), ("time", "19:00", "7")]),
        ("at 7 this evening", [("time", "19:00", "7"), ("date", "2026-11-29", "this evening")]),
        ("this morning at 9", [("date", "2026-11-29", "this morning"), ("time", "09:00", "9")]),
        ("7pm tomorrow", [("time", "19:00", "7pm"), ("date", "2026-11-30", "tomorrow")]),
        ("at 8 tomorrow night", [("time", "20:00", "8"), ("date", "2026-11-30", "tomorrow")]),
        ("at 11 at night", [("time", "23:00", "11 at night")]),
    ],
)
def test_the_day_a_part_of_the_day_names_is_a_date_beside_the_time(
    text: str, expected: list[tuple[str, object, str]]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at seven", [("time", "07:00", "seven")]),
        ("at twelve, please", [("time", "12:00", "twelve")]),
        ("at seven tonight", [("time", "19:00", "seven"), ("date", "2026-11-29", "tonight")]),
        ("tomorrow evening at seven", [("date", "2026-11-30", "tomorrow"), ("time", "19:00", "seven")]),
        ("at eleven at night", [("time", "23:00", "eleven at night")]),
        ("at seven on friday", [("time", "07:00", "seven"), ("date", "2026-12-04", "on friday")]),
        ("a table at eight for two", [("time", "08:00", "eight"), ("number", 2, "two")]),
        ("at seven pm", [("time", "19:00", "seven pm")]),
        ("at seven thirty", [("time", "07:30", "seven thirty")]),
        ("at seven-thirty", [("time", "07:30", "seven-thirty")]),
        (
            "at eleven-fifteen tonight",
            [("time", "23:15", "eleven-fifteen"), ("date", "2026-11-29", "tonight")],
        ),
    ],
)
def test_an_hour_in_words_after_at_is_a_time_as_in_digits(
    text: str, expected: list[tuple[str, object, str]]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at one point", [("number", 1, "one")]),
        ("at one of the restaurants", [("number", 1, "one")]),
        ("at two locations", [("number", 2, "two")]),
        ("at seven people", [("number", 7, "seven")]),
        ("at seven hundred dollars", [("number", 700, "seven hundred")]),
        ("at thirteen", [("number", 13, "thirteen")]),
    ],
)
def test_a_number_in_words_after_at_that_counts_something_is_no_time(
    text: str, expected: list[tuple[str, object, str]]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at 7.30", [("time", "07:30", "7.30")]),
        ("book it at 7.30.", [("time", "07:30", "7.30")]),
        ("wake me at 7.", [("time", "07:00", "7")]),
        ("at 7.30 in the evening", [("time", "19:30", "7.30 in the evening")]),
        ("at 7.5", [("number", 7.5, "7.5")]),
        ("at 7.75", [("number", 7.75, "7.75")]),
        ("interest at 7.25%", [("number", 7.25, "7.25")]),
        ("sell at 3.50 each", [("number", 3.5, "3.50")]),
        ("7.30", [("number", 7.3, "7.30")]),
    ],
)
def test_hours_and_minutes_with_a_dot_after_at_are_a_time(
    text: str, expected: list[tuple[str, object, str]]
) -> None:
    assert found(text) == expected


SATURDAY, WEDNESDAY = date(2026, 11, 28), date(2026, 11, 25)


@pytest.mark.parametrize(
    ("today", "text", "value"),
    [
        (TODAY, "this weekend", "2026-11-29"),
        (TODAY, "weekend", "2026-11-29"),
        (TODAY, "next weekend", "2026-12-05"),
        (SATURDAY, "this weekend", "2026-11-28"),
        (SATURDAY, "next weekend", "2026-12-05"),
        (WEDNESDAY, "this weekend", "2026-11-28"),
        (WEDNESDAY, "next weekend", "2026-12-05"),
        (TODAY, "this week", "2026-11-29"),
        (TODAY, "next week", "2026-11-30"),
        (WEDNESDAY, "this week", "2026-11-25"),
        (WEDNESDAY, "next week", "2026-11-30"),
        (date(2026, 11, 23), "this week", "2026-11-23"),
    ],
)
def test_a_week_or_weekend_is_its_first_day_still_ahead(today: date, text: str, value: str) -> None:
    assert found(text, today) == [("date", value, text)]


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("on monday the 7th", "2026-12-07", "on monday the 7th"),
        ("on monday, the 7th", "2026-12-07", "on monday, the 7th"),
        ("monday 7th", "2026-12-07", "monday 7th"),
        ("monday the seventh", "2026-12-07", "monday the seventh"),
        ("next friday the 4th", "2026-12-04", "next friday the 4th"),
        ("monday the 7th of december", "2026-12-07", "monday the 7th of december"),
        ("monday, december 7", "2026-12-07", "monday, december 7"),
        ("monday, december 7th 2026", "2026-12-07", "monday, december 7th 2026"),
        ("sunday the 29th", "2026-11-29", "sunday the 29th"),
    ],
)
def test_a_weekday_with_a_day_of_the_month_is_that_day(text: str, value: str, surface: str) -> None:
    assert found(text) == [("date", value, surface)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on tuesday the 7th", [("ordinal", 7, "7th")]),  # the 7th is a Monday
        ("friday the 13th", [("ordinal", 13, "13th")]),  # the 13th is a Sunday
        ("tuesday, december 7", [("number", 7, "7")]),
        ("monday the 7th of january", [("ordinal", 7, "7th")]),
    ],
)
def test_a_weekday_and_a_day_of_the_month_that_disagree_are_no_date(
    text: str, expected: list[tuple[str, object, str]]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("last monday the 23rd", [("date", "2026-11-23", "last monday"), ("ordinal", 23, "23rd")]),
        ("monday 7pm", [("date", "2026-11-30", "monday"), ("time", "19:00", "7pm")]),
        ("monday for 7 people", [("date", "2026-11-30", "monday"), ("number", 7, "7")]),
    ],
)
def test_a_weekday_without_a_day_of_the_month_is_read_alone(
    text: str, expected: list[tuple[str, object, str]]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("on the fifth of july", "2027-07-05", "fifth of july"),
        ("the 5th of july", "2027-07-05", "5th of july"),
        ("5th of july", "2027-07-05", "5th of july"),
        ("july 5th", "2027-07-05", "july 5th"),
        ("july fifth", "2027-07-05", "july fifth"),
        ("july the fifth", "2027-07-05", "july the fifth"),
        ("the twenty-first of june", "2027-06-21", "twenty-first of june"),
        ("june twenty first", "2027-06-21", "june twenty first"),
        ("the thirtieth of november", "2026-11-30", "thirtieth of november"),
        ("may the fourth", "2027-05-04", "may the fourth"),
        ("the first of december 2027", "2027-12-01", "first of december 2027"),
    ],
)
def test_a_day_of_the_month_may_be_an_ordinal_in_words(text: str, value: str, surface: str) -> None:
    assert found(text) == [("date", value, surface)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("you may second that", [("ordinal", 2, "second")]),
        ("let's march first", [("ordinal", 1, "first")]),
        ("first of all, may I", [("ordinal", 1, "first")]),
        ("february the thirtieth", [("ordinal", 30, "thirtieth")]),
        ("on the second floor", [("ordinal", 2, "second")]),
    ],
)
def test_ordinal_words_that_are_no_day_of_a_month_are_no_date(
    text: str, expected: list[tuple[str, object, str]]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on the 31st of february", [("ordinal", 31, "31st")]),
        ("book it on the 31st of june please", [("ordinal", 31, "31st")]),
        ("june 31st", [("ordinal", 31, "31st")]),
    ],
)
def test_a_day_the_month_named_does_not_have_is_no_date_not_another_months(
    text: str, expected: list[tuple[str, object, str]]
) -> None:
    # "on the 31st" alone is the next 31st; with a month that has none it is no date at all
    assert found(text) == expected
    assert found("on the 31st") == [("date", "2026-12-31", "on the 31st")]


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("25/12", "2026-12-25", "25/12"),
        ("12/25", "2026-12-25", "12/25"),
        ("on 25/12", "2026-12-25", "25/12"),
        ("until 31/12.", "2026-12-31", "31/12"),
        ("on 5/5", "2027-05-05", "5/5"),
        ("on 25/12/2026", "2026-12-25", "25/12/2026"),
        ("12/25/2026", "2026-12-25", "12/25/2026"),
        ("25.12.2026", "2026-12-25", "25.12.2026"),
        ("25-12-2026", "2026-12-25", "25-12-2026"),
        ("born on 12/25/1985", "1985-12-25", "12/25/1985"),
        ("2026/12/03", "2026-12-03", "2026/12/03"),
        ("2026.12.3", "2026-12-03", "2026.12.3"),
        ("on 2026-12-03", "2026-12-03", "2026-12-03"),
    ],
)
def test_a_numeric_date_is_read_when_only_one_order_of_day_and_month_fits(
    text: str, value: str, surface: str
) -> None:
    assert found(text) == [("date", value, surface)]


@pytest.mark.parametrize(
    "text",
    [
        "on 12/03",  # 12 March or December 3
        "3/12/2026",
        "3.12.2026",
        "on 1/2",
        "on 31/4",
        "13/13/2026",
        "25/12/26",  # 2026 or 1926
        "we are open 24/7",
        "a 16/9 screen",
        "24/7 support",
        "version 1.2.3",
        "10.0.0.1",
    ],
)
def test_an_ambiguous_or_impossible_numeric_date_is_no_date(text: str) -> None:
    assert [e for e in found(text) if e[0] == "date"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on friday 25/12", [("date", "2026-12-25", "on friday 25/12")]),
        ("on thursday 3/12", [("date", "2026-12-03", "on thursday 3/12")]),
        ("on friday 12/3", [("date", "2027-03-12", "on friday 12/3")]),
        ("on saturday 5/12/2026", [("date", "2026-12-05", "on saturday 5/12/2026")]),
        ("on monday 3/12", []),
        ("on tuesday 25/12", []),
    ],
)
def test_a_weekday_tells_which_order_a_numeric_date_is_in(
    text: str, expected: list[tuple[str, object, str]]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "tonight at 7 " * 1200,
        "at seven tonight " * 900,
        "seven pm " * 1700,
        "half past 7 pm " * 1000,
        "at 7.30 tomorrow evening " * 600,
        "tuesday the 7th " * 1000,
        "monday, " * 2000,
        "the twenty first of " * 800,
        "on 3/12 " * 2000,
        "friday 25/12/2026 " * 900,
    ],
    ids=[
        "parts of the day before",
        "hours in words after at",
        "words and pm",
        "past and pm",
        "parts of the day after",
        "contradicted weekdays",
        "weekdays",
        "ordinal words",
        "ambiguous numeric dates",
        "weekdays and numeric dates",
    ],
)
def test_a_long_run_of_times_and_dates_is_parsed_in_linear_time(text: str) -> None:
    started = time.thread_time()  # CPU time, as the wall clock is noisy here
    found(text)
    assert time.thread_time() - started < 1.0


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("on the 2nd floor", []),
        ("ON THE 3RD attempt", []),
        ("meet on the 5th at 7", ["2026-12-05"]),
        ("on the 5th, please", ["2026-12-05"]),
        ("deliver on the 4th please", ["2026-12-04"]),
        ("on the 30th", ["2026-11-30"]),
    ],
)
def test_on_the_nth_is_a_date_unless_a_noun_says_what_is_nth(text: str, dates: list[str]) -> None:
    assert [value for entity, value, _ in found(text) if entity == "date"] == dates
