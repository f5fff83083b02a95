"""Built-in entity `date` (ISO `YYYY-MM-DD`) in English.

Dates are resolved against `today` (the parse's reference day) and always lie ahead unless the
words say otherwise: "tonight" and "this evening" (or morning, or afternoon) are today, "friday" the
coming Friday (today if it is Friday), "March 3" the next March 3, "last monday" the one before
today. A week or weekend is its first day still ahead: "this week" is today, "next week" the coming
Monday, "this weekend" the coming Saturday (today on a Saturday or Sunday) and "next weekend" the
Saturday after that weekend. A weekday with a day of the month ("monday the 7th", "friday, march
13") is that day of the month, the next one for "the 7th", and no date at all unless it is that
weekday: which of the two was meant is not known. A day its month does not have ("the 31st of
february", "2026-02-31") is no date either, never the next month that has it.

Dates in digits: ISO `2026-12-03` and year first `2026/12/03`; else day and month in either order
("25/12/2026", "12.25.2026", "on 25/12"), read only when one of them is over 12 or both are the
same: "3/12/2026" is 3 December in most of the world and March 12 in the US, and the user's
country is not known, so it is no date. Without a year, only "/" after a preposition ("on",
"by", "until", ...) or alone in the utterance ("24/7 support" is no date); a two-digit year is no
date either ("25/12/85": 1985 or 2085).
Times are `times.py`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import NamedTuple

from parley_nlu.candidates import Candidate
from parley_nlu.keywords import DIGIT_KEYWORDS, KeywordPattern
from parley_nlu.numbers import ORDINAL_WORDS, TENS, WORD_NUMBER, parse_words

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]  # fmt: skip
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORDINAL_DAY = (
    r"(?:(?:twenty|thirty)[\s-])?(?:"
    + "|".join(sorted((w for w, n in ORDINAL_WORDS.items() if n <= 20 or n == 30), key=len, reverse=True))
    + ")"
)
"""A day of the month in words: "fifth", "twenty-first" (and "thirty-second", which is no date)."""
_DAY = rf"(\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL_DAY})"
_YEAR = r"(?:,?\s+(\d{4}))?"
_FLAGS = re.IGNORECASE

_MONTH_KEYWORDS = tuple(month[:3] for month in MONTHS)
"""How every spelling of a month in `_MONTH` begins."""
_RELATIVE = KeywordPattern(
    re.compile(
        r"\b(the\s+day\s+after\s+tomorrow|the\s+day\s+before\s+yesterday|this\s+(?:morning|afternoon|evening)"
        r"|today|tonight|tomorrow|yesterday)\b",
        _FLAGS,
    ),
    ("today", "tonight", "tomorrow", "yesterday", "morning", "afternoon", "evening"),
)
_WEEKDAY = KeywordPattern(
    re.compile(rf"\b(?:(next|this|last|on)\s+)?({'|'.join(WEEKDAYS)})s?\b", _FLAGS), WEEKDAYS
)
_WEEK = KeywordPattern(re.compile(r"\b(?:(next|this)\s+)(week|weekend)\b|\b(weekend)\b", _FLAGS), ("week",))
_MONTH_DAY = KeywordPattern(re.compile(rf"\b{_MONTH}\.?\s+(the\s+)?{_DAY}{_YEAR}\b", _FLAGS), _MONTH_KEYWORDS)
_DAY_MONTH = KeywordPattern(
    re.compile(
        rf"\b(\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?|{_ORDINAL_DAY}\s+of\s+){_MONTH}\b{_YEAR}", _FLAGS
    ),
    _MONTH_KEYWORDS,
)
FUNCTION_WORDS = (
    "at|in|for|and|or|to|by|from|until|till|before|after|around|about|then|please|so|but|if|"
    "is|would|could|will|works|this|next|that|instead|too|again"
)
"""Words after a number that do not say what it counts, as a noun would ("on the 2nd floor", "at one
point"): "on the 5th at 7" is a day of the month, "at seven please" an hour."""
_AFTER_A_DAY = f"of|{FUNCTION_WORDS}"
_ON_THE_DAY = KeywordPattern(
    re.compile(rf"\bon\s+the\s+(\d{{1,2}})(?:st|nd|rd|th)\b(?!\s+(?!(?:{_AFTER_A_DAY})\b)[a-z])", _FLAGS),
    ("on",),
)
"""'on the 5th' (at 7, please, ...), but not 'on the 2nd floor': a noun after it says what is 2nd."""
_WEEKDAY_AND = KeywordPattern(
    re.compile(rf"\b(?:(on|this|next|last)\s+)?({'|'.join(WEEKDAYS)})\s*,?\s+", _FLAGS), WEEKDAYS
)
_THE = re.compile(r"the\s+", _FLAGS)
_THE_DAY = re.compile(rf"(?:the\s+)?(\d{{1,2}}(?:st|nd|rd|th)|{_ORDINAL_DAY})\b", _FLAGS)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_NOT_A_NUMBER_AFTER = r"(?![\w/:-]|[.,]\d)"
_YEAR_FIRST = re.compile(rf"(?<![\w./:-])(\d{{4}})([/.])(\d{{1,2}})\2(\d{{1,2}}){_NOT_A_NUMBER_AFTER}")
_NUMERIC = re.compile(rf"(?<![\w./:-])(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}}){_NOT_A_NUMBER_AFTER}")
_SLASHED = re.compile(rf"(\d{{1,2}})/(\d{{1,2}}){_NOT_A_NUMBER_AFTER}")
_NUMERIC_NO_YEAR = KeywordPattern(
    re.compile(
        r"(?:\b(?:on|by|until|till|from|to|before|after|between)\s+|^\s*(?=\S+\s*[.!?]?\s*$))"
        rf"(\d{{1,2}})/(\d{{1,2}}){_NOT_A_NUMBER_AFTER}",
        _FLAGS,
    ),
    ("/",),
)
_IN_DAYS = KeywordPattern(
    re.compile(rf"\bin\s+(\d+|{WORD_NUMBER}|a|an)\s+(days?|weeks?)\b", _FLAGS), ("day", "week")
)


class _NoDate(NamedTuple):
    """A span worded as a day of a month that is none: "the 31st of february", "2026-02-31", "3/12"
    (either order fits), a weekday the day of the month is not. No other date is read inside it:
    "on the 31st of february" is not the next 31st."""

    start: int
    end: int


def date_candidates(text: str, today: date) -> Iterator[Candidate]:
    contradicted = bytearray(len(text))  # 1 inside a `_NoDate`
    checked: list[Candidate] = []  # a weekday's day of the month: the weekday told which date it is
    found: list[Candidate] = []
    for readings, kept in ((_weekdays_with_days(text, today), checked), (_dates(text, today), found)):
        for reading in readings:
            if isinstance(reading, _NoDate):
                contradicted[reading.start : reading.end] = b"\x01" * (reading.end - reading.start)
            else:
                kept.append(reading)
    yield from checked
    for candidate in found:
        if contradicted.find(1, candidate.start, candidate.end) < 0:
            yield candidate


def _dates(text: str, today: date) -> Iterator[Candidate | _NoDate]:
    yield from _worded_dates(text, today)
    yield from _numeric_dates(text, today)


def _worded_dates(text: str, today: date) -> Iterator[Candidate | _NoDate]:
    for match in _RELATIVE.finditer(text):
        yield _date(match, today + timedelta(days=_relative_days(match.group(1))))
    for match in _WEEKDAY.finditer(text):
        yield _date(match, _weekday(today, WEEKDAYS.index(match.group(2).casefold()), match.group(1)))
    for match in _WEEK.finditer(text):
        which, unit = (match.group(1) or "this").casefold(), (match.group(2) or match.group(3)).casefold()
        yield _date(match, _week(today, which, unit), 0.8)
    for match in _MONTH_DAY.finditer(text):
        yield from _dated(match, _month_day(match, today))
    for match in _DAY_MONTH.finditer(text):
        yield from _dated(match, _day_month(match, today))
    for match in _ON_THE_DAY.finditer(text):
        yield from _dated(match, _next_day_of_month(today, int(match.group(1))), 0.9)
    for match in _IN_DAYS.finditer(text):
        count = count_of(match.group(1))
        if count is not None:
            unit = 7 if match.group(2).casefold().startswith("week") else 1
            yield _date(match, today + timedelta(days=count * unit))


def _numeric_dates(text: str, today: date) -> Iterator[Candidate | _NoDate]:
    if not DIGIT_KEYWORDS.found_in(text):
        return  # every pattern here needs one
    for match in _ISO.finditer(text):
        value = _calendar(today, month=match.group(2), day=match.group(3), year=match.group(1))
        yield from _dated(match, value)
    for match in _YEAR_FIRST.finditer(text):
        value = _calendar(today, month=match.group(3), day=match.group(4), year=match.group(1))
        yield from _dated(match, value)
    for match in _NUMERIC.finditer(text):
        yield from _dated(match, _day_and_month(today, match.group(1), match.group(3), match.group(4)))
    for match in _NUMERIC_NO_YEAR.finditer(text):
        value = _day_and_month(today, match.group(1), match.group(2), None)
        if value is not None:
            yield Candidate(match.start(1), match.end(2), "date", value.isoformat(), "builtin", 0.9)


def _weekdays_with_days(text: str, today: date) -> Iterator[Candidate | _NoDate]:
    """A weekday and a day of the month ("monday the 7th"): the date if it is that weekday."""
    for match in _WEEKDAY_AND.finditer(text):
        found = _days_at(text, match.end(), today)
        if found is not None and (match.group(1) or "").casefold() != "last":  # "last monday": past
            end, dates = found
            weekday = WEEKDAYS.index(match.group(2).casefold())
            fitting = [d for d in dates if d.weekday() == weekday]
            if len(fitting) == 1:
                yield Candidate(match.start(), end, "date", fitting[0].isoformat(), "builtin")
            else:
                yield _NoDate(match.start(), end)


def _days_at(text: str, at: int, today: date) -> tuple[int, list[date]] | None:
    """The end of a day of the month that starts at `at`, if one does, and the dates it may be:
    "tuesday 3/12" may be 3 December or March 12, and the weekday tells which."""
    if match := _MONTH_DAY.pattern.match(text, at):
        return match.end(), _listed(_month_day(match, today))
    the = _THE.match(text, at)
    if match := _DAY_MONTH.pattern.match(text, the.end() if the else at):
        return match.end(), _listed(_day_month(match, today))
    if match := _THE_DAY.match(text, at):
        return match.end(), _listed(_next_day_of_month(today, _day_number(match.group(1))))
    if match := _NUMERIC.match(text, at):
        return match.end(), _readings(today, match.group(1), match.group(3), match.group(4))
    if match := _SLASHED.match(text, at):
        return match.end(), _readings(today, match.group(1), match.group(2), None)
    return None


def _listed(value: date | None) -> list[date]:
    return [] if value is None else [value]


def _date(match: re.Match[str], value: date, confidence: float = 1.0) -> Candidate:
    return Candidate(match.start(), match.end(), "date", value.isoformat(), "builtin", confidence)


def _dated(
    match: re.Match[str], value: date | None, confidence: float = 1.0
) -> Iterator[Candidate | _NoDate]:
    yield _NoDate(match.start(), match.end()) if value is None else _date(match, value, confidence)


def _relative_days(word: str) -> int:
    word = " ".join(word.casefold().split())
    return {"the day after tomorrow": 2, "the day before yesterday": -2, "tomorrow": 1, "yesterday": -1}.get(
        word, 0
    )


def _weekday(today: date, weekday: int, which: str | None) -> date:
    ahead = (weekday - today.weekday()) % 7
    which = (which or "").casefold()
    if which == "last":
        return today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
    if which == "next" and ahead == 0:
        ahead = 7
    return today + timedelta(days=ahead)


def _week(today: date, which: str, unit: str) -> date:
    if unit == "weekend":
        # this weekend's Saturday: the coming one, or yesterday on a Sunday
        saturday = today + timedelta(days=(5 - today.weekday()) % 7 if today.weekday() < 6 else -1)
        return saturday + timedelta(days=7) if which == "next" else max(saturday, today)
    if which == "next":
        return today + timedelta(days=7 - today.weekday())
    return today


def _month_day(match: re.Match[str], today: date) -> date | None:
    month, the, day = match.group(1), match.group(2), match.group(3)
    if not the and not day[0].isdigit() and month.casefold() in ("may", "march"):
        return None  # "you may second it", "march first": verbs, unless "may the fourth"
    return _calendar(today, month=month, day=day, year=match.group(4))


def _day_month(match: re.Match[str], today: date) -> date | None:
    return _calendar(today, month=match.group(2), day=match.group(1), year=match.group(3))


def _day_and_month(today: date, first: str, second: str, year: str | None) -> date | None:
    """ "25/12" or "12/25", whichever reads as a date; none when both would ("3/12")."""
    readings = _readings(today, first, second, year)
    return readings[0] if len(readings) == 1 else None


def _readings(today: date, first: str, second: str, year: str | None) -> list[date]:
    """The dates day/month and month/day would be."""
    dates = {_calendar(today, month=m, day=d, year=year) for d, m in ((first, second), (second, first))}
    return sorted(d for d in dates if d is not None)


def _calendar(today: date, *, month: str, day: str, year: str | None) -> date | None:
    """The date of `day` (digits or an ordinal in words) of `month`, the next one if no `year`."""
    number = int(month) if month.isdigit() else _month_number(month)
    try:
        value = date(int(year) if year else today.year, number, _day_number(day))
    except ValueError:
        return None  # "February 30": not a date
    if not year and value < today:
        try:
            return value.replace(year=today.year + 1)
        except ValueError:
            return None
    return value


def _next_day_of_month(today: date, day: int) -> date | None:
    year, month = today.year, today.month
    for _ in range(3):  # this month, else the next months that have that day
        try:
            value = date(year, month, day)
        except ValueError:
            value = None
        if value is not None and value >= today:
            return value
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _day_number(text: str) -> int:
    """ "7", "7th", "7th of", "seventh", "twenty-first of": the day of the month."""
    digits = re.match(r"\d+", text)
    if digits:
        return int(digits.group())
    words = re.findall(r"[a-z]+", text.casefold())
    return sum(TENS.get(word, 0) + ORDINAL_WORDS.get(word, 0) for word in words)


def _month_number(name: str) -> int:
    prefix = name.casefold()[:3]
    return next(i for i, month in enumerate(MONTHS, 1) if month.startswith(prefix))


def count_of(text: str) -> int | None:
    """A count in digits or words, "a" and "an" being one; None when it is not one."""
    lowered = text.casefold()
    if lowered in ("a", "an"):
        return 1
    return int(lowered) if lowered.isdigit() else parse_words(lowered)
