"""Built-in entities `date` (ISO `YYYY-MM-DD`) and `time` (`HH:MM`, 24-hour) in English.

Dates are resolved against `today` (the parse's reference day) and always lie ahead unless the
words say otherwise: "friday" is the coming Friday (today if it is Friday), "March 3" the next
March 3, "last monday" the one before today. A week or weekend is its first day still ahead:
"this week" is today, "next week" the coming Monday, "this weekend" the coming Saturday (today on
a Saturday or Sunday) and "next weekend" the Saturday after that weekend. A weekday with a day of
the month ("monday the 7th", "friday, march 13") is that day of the month, the next one for "the
7th", and no date at all unless it is that weekday: which of the two was meant is not known.

Dates in digits: ISO `2026-12-03` and year first `2026/12/03`; else day and month in either order
("25/12/2026", "12.25.2026", "on 25/12"), read only when one of them is over 12 or both are the
same: "3/12/2026" is 3 December in most of the world and March 12 in the US, and the user's
country is not known, so it is no date. Without a year, only "/" after a preposition ("on",
"by", "until", ...) or alone in the utterance ("24/7 support" is no date); a two-digit year is no
date either ("25/12/85": 1985 or 2085).

Times: am/pm sets the hour it follows, in digits or words ("7:15pm", "ten to nine pm" -> 20:50).
A time without one keeps its hour ("at 7" -> 07:00) unless a part of the day is said before or
after it: "afternoon" and "evening" move 1-11 to the afternoon ("tomorrow evening at 7", "at 7 in
the evening" -> 19:00); "night" and "tonight" move 5-11 so, keep 1-4 ("2 at night" -> 02:00) and
make 12 midnight; "morning" changes nothing. After "at", "7.30" is 07:30 (British usage), as "at 7"
is a time, unless a unit or a price follows ("at 3.50 each").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import chain

from parley_nlu.candidates import Candidate
from parley_nlu.numbers import ORDINAL_WORDS, TENS, UNITS, WORD_NUMBER, parse_words

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

_RELATIVE = re.compile(
    r"\b(the\s+day\s+after\s+tomorrow|the\s+day\s+before\s+yesterday|today|tonight|tomorrow|yesterday)\b",
    _FLAGS,
)
_WEEKDAY = re.compile(rf"\b(?:(next|this|last|on)\s+)?({'|'.join(WEEKDAYS)})s?\b", _FLAGS)
_WEEK = re.compile(r"\b(?:(next|this)\s+)(week|weekend)\b|\b(weekend)\b", _FLAGS)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\.?\s+(the\s+)?{_DAY}{_YEAR}\b", _FLAGS)
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?|{_ORDINAL_DAY}\s+of\s+){_MONTH}\b{_YEAR}", _FLAGS
)
_ON_THE_DAY = re.compile(r"\bon\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b", _FLAGS)
_WEEKDAY_AND = re.compile(rf"\b(?:(on|this|next|last)\s+)?({'|'.join(WEEKDAYS)})\s*,?\s+", _FLAGS)
_THE = re.compile(r"the\s+", _FLAGS)
_THE_DAY = re.compile(rf"(?:the\s+)?(\d{{1,2}}(?:st|nd|rd|th)|{_ORDINAL_DAY})\b", _FLAGS)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_NOT_A_NUMBER_AFTER = r"(?![\w/:-]|[.,]\d)"
_YEAR_FIRST = re.compile(rf"(?<![\w./:-])(\d{{4}})([/.])(\d{{1,2}})\2(\d{{1,2}}){_NOT_A_NUMBER_AFTER}")
_NUMERIC = re.compile(rf"(?<![\w./:-])(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}}){_NOT_A_NUMBER_AFTER}")
_SLASHED = re.compile(rf"(\d{{1,2}})/(\d{{1,2}}){_NOT_A_NUMBER_AFTER}")
_NUMERIC_NO_YEAR = re.compile(
    r"(?:\b(?:on|by|until|till|from|to|before|after|between)\s+|^\s*(?=\S+\s*[.!?]?\s*$))"
    rf"(\d{{1,2}})/(\d{{1,2}}){_NOT_A_NUMBER_AFTER}",
    _FLAGS,
)
_IN_DAYS = re.compile(rf"\bin\s+(\d+|{WORD_NUMBER}|a|an)\s+(days?|weeks?)\b", _FLAGS)

_HOUR_WORD = "|".join(sorted([*UNITS, "noon", "midnight"], key=len, reverse=True))
_CLOCK = re.compile(
    r"(?<![\w:.])([01]?\d|2[0-3])(?:[:.]([0-5]\d))?\s*(a\.?m\.?|p\.?m\.?|o'?clock)(?![\w])|"
    r"(?<![\w:.])([01]?\d|2[0-3]):([0-5]\d)(?![\w:])",
    _FLAGS,
)
_NAMED = re.compile(r"\b(noon|midday|midnight)\b", _FLAGS)
_PAST_TO = re.compile(
    rf"\b(half|(?:a\s+)?quarter|\d{{1,2}}|{WORD_NUMBER})\s+(past|to|after)\s+({_HOUR_WORD}|\d{{1,2}})\b",
    _FLAGS,
)
_CLOCK_HOURS = "|".join(u for u in UNITS if 0 < UNITS[u] <= 12)
_DIGIT_WORDS = "|".join(u for u in UNITS if 0 < UNITS[u] < 10)
_HOUR_MINUTES = re.compile(
    rf"\b({_CLOCK_HOURS})\s+(thirty|fifteen|forty[\s-]five|{'|'.join(TENS)}(?:[\s-](?:{_DIGIT_WORDS}))?|o'?clock)\b",
    _FLAGS,
)
_AT_HOUR = re.compile(
    r"(?<=\bat )([01]?\d|2[0-3])(?:\.([0-5]\d))?(?![\w:%]|[.,]\d)"
    r"(?!\s*(?:percent|degrees|people|persons|guests|dollars|euros|pounds|each|per)\b)",
    _FLAGS,
)
_WORD_HOUR_MERIDIEM = re.compile(rf"\b({_CLOCK_HOURS})(?=\s*(?:a\.?m\.?|p\.?m\.?)(?!\w)(?!\s+i\b))", _FLAGS)
_MERIDIEM = re.compile(r"\s*(a\.?m\.?|p\.?m\.?)(?!\w)", _FLAGS)
_PART_OF_DAY = re.compile(r"\s+(?:in\s+the\s+(morning|afternoon|evening)|at\s+(night)|(tonight))\b", _FLAGS)
"""A part of the day right after a time, which belongs to its span ("six thirty in the evening")."""
_PART_OF_DAY_LATER = re.compile(
    rf"\s+(?:(?:today|tomorrow|this|on)\s+)?(?:(?:{'|'.join(WEEKDAYS)})\s+)?(morning|afternoon|evening|night)\b",
    _FLAGS,
)
"""A part of the day after a time and a day, which is the day's, not the time's ("at 7 tomorrow evening")."""
_PART_OF_DAY_BEFORE = re.compile(
    r"\b(morning|afternoon|evening|night|tonight)\s*,?\s+(?:(?:at|around|about|by|from|after|until|till|before)\s+)?$",
    _FLAGS,
)
"""A part of the day just before a time ("tomorrow evening at 7", "tonight around 8")."""
_TAIL = 64


def date_candidates(text: str, today: date) -> Iterator[Candidate]:
    contradicted = bytearray(len(text))  # 1 where a weekday and a day of the month disagree
    checked: list[Candidate] = []
    for start, end, value in _weekdays_with_days(text, today):
        if value is None:
            contradicted[start:end] = b"\x01" * (end - start)
        else:
            checked.append(Candidate(start, end, "date", value.isoformat(), "builtin"))
    yield from checked
    for candidate in chain(_dates(text, today), _numeric_dates(text, today)):
        if contradicted.find(1, candidate.start, candidate.end) < 0:
            yield candidate


def _dates(text: str, today: date) -> Iterator[Candidate]:
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
        count = _amount(match.group(1))
        if count is not None:
            unit = 7 if match.group(2).casefold().startswith("week") else 1
            yield _date(match, today + timedelta(days=count * unit))


def _numeric_dates(text: str, today: date) -> Iterator[Candidate]:
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


def _weekdays_with_days(text: str, today: date) -> Iterator[tuple[int, int, date | None]]:
    """Spans of a weekday and a day of the month ("monday the 7th"), with the date if it is that weekday."""
    for match in _WEEKDAY_AND.finditer(text):
        found = _days_at(text, match.end(), today)
        if found is not None and (match.group(1) or "").casefold() != "last":  # "last monday": past
            end, dates = found
            weekday = WEEKDAYS.index(match.group(2).casefold())
            fitting = [d for d in dates if d.weekday() == weekday]
            yield match.start(), end, fitting[0] if len(fitting) == 1 else None


def _days_at(text: str, at: int, today: date) -> tuple[int, list[date]] | None:
    """The end of a day of the month that starts at `at`, if one does, and the dates it may be:
    "tuesday 3/12" may be 3 December or March 12, and the weekday tells which."""
    if match := _MONTH_DAY.match(text, at):
        return match.end(), _listed(_month_day(match, today))
    the = _THE.match(text, at)
    if match := _DAY_MONTH.match(text, the.end() if the else at):
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


def time_candidates(text: str) -> Iterator[Candidate]:
    for match in _CLOCK.finditer(text):
        if match.group(4) is not None:
            yield _time(text, match.start(), match.end(), int(match.group(4)), int(match.group(5)))
        else:
            marker = match.group(3)
            hour = _meridiem(int(match.group(1)), marker)
            if hour is not None:
                fixed = "clock" not in marker.casefold()
                yield _time(text, match.start(), match.end(), hour, int(match.group(2) or 0), fixed=fixed)
    for match in _NAMED.finditer(text):
        hour = 0 if match.group(1).casefold() == "midnight" else 12
        yield _time(text, match.start(), match.end(), hour, 0, fixed=True)
    for match in _PAST_TO.finditer(text):
        yield from _past_to(match, text)
    for match in _HOUR_MINUTES.finditer(text):
        minutes_text = match.group(2).casefold()
        minutes = 0 if "clock" in minutes_text else parse_words(minutes_text) or 0
        yield from _spoken(text, match, UNITS[match.group(1).casefold()], minutes, 0.9)
    for match in _WORD_HOUR_MERIDIEM.finditer(text):
        yield from _spoken(text, match, UNITS[match.group(1).casefold()], 0, 0.9)
    for match in _AT_HOUR.finditer(text):
        minutes = int(match.group(2) or 0)
        yield _time(text, match.start(), match.end(), int(match.group(1)), minutes, confidence=0.8)


def _date(match: re.Match[str], value: date, confidence: float = 1.0) -> Candidate:
    return Candidate(match.start(), match.end(), "date", value.isoformat(), "builtin", confidence)


def _dated(match: re.Match[str], value: date | None, confidence: float = 1.0) -> Iterator[Candidate]:
    if value is not None:
        yield _date(match, value, confidence)


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


def _amount(text: str) -> int | None:
    lowered = text.casefold()
    if lowered in ("a", "an"):
        return 1
    return int(lowered) if lowered.isdigit() else parse_words(lowered)


def _meridiem(hour: int, marker: str) -> int | None:
    marker = marker.casefold().replace(".", "")
    if marker.startswith(("a", "p")) and not 1 <= hour <= 12:
        return None
    if marker.startswith("p") and hour != 12:
        return hour + 12
    if marker.startswith("a") and hour == 12:
        return 0
    return hour


def _past_to(match: re.Match[str], text: str) -> Iterator[Candidate]:
    """ "half past 7", "ten to nine pm": am/pm belongs to the hour said ("a quarter to 1 pm" is 12:45)."""
    amount, direction, hour_text = (
        match.group(1).casefold(),
        match.group(2).casefold(),
        match.group(3).casefold(),
    )
    minutes = 30 if amount == "half" else 15 if amount.endswith("quarter") else _amount(amount)
    hour = 12 if hour_text == "noon" else 0 if hour_text == "midnight" else _amount(hour_text)
    if minutes is None or hour is None or not 0 < minutes < 60 or hour > 23:
        return
    end, marker = match.end(), _MERIDIEM.match(text, match.end())
    if marker is not None:
        end, hour = marker.end(), _meridiem(hour, marker.group(1))
        if hour is None:
            return  # "half past 19 pm"
    if direction == "to":
        hour, minutes = (hour - 1) % 24, 60 - minutes
    yield _time(text, match.start(), end, hour, minutes, fixed=marker is not None)


def _spoken(
    text: str, match: re.Match[str], hour: int, minute: int, confidence: float
) -> Iterator[Candidate]:
    """An hour in words ("seven thirty", "seven") with the am/pm that may follow it."""
    end, marker = match.end(), _MERIDIEM.match(text, match.end())
    if marker is not None:
        end, meridiem_hour = marker.end(), _meridiem(hour, marker.group(1))
        if meridiem_hour is None:
            return
        hour = meridiem_hour
    yield _time(text, match.start(), end, hour, minute, confidence=confidence, fixed=marker is not None)


def _time(
    text: str, start: int, end: int, hour: int, minute: int, *, confidence: float = 1.0, fixed: bool = False
) -> Candidate:
    """A `time` at start..end, whose hour a part of the day said around it moves unless `fixed` (by
    am/pm, or a name: "noon"); "in the evening" right after it joins its span."""
    after = _PART_OF_DAY.match(text, end)
    if after is not None:
        end, part = after.end(), next(g for g in after.groups() if g)
    elif later := _PART_OF_DAY_LATER.match(text, end):
        part = later.group(1)
    elif before := _PART_OF_DAY_BEFORE.search(text, max(0, start - _TAIL), start):
        part = before.group(1)
    else:
        part = None
    if part is not None and not fixed:
        hour = _in_part_of_day(hour, part.casefold())
    return Candidate(start, end, "time", f"{hour % 24:02d}:{minute:02d}", "builtin", confidence)


def _in_part_of_day(hour: int, part: str) -> int:
    if part in ("night", "tonight"):
        return 0 if hour == 12 else hour + 12 if 5 <= hour < 12 else hour
    if part in ("afternoon", "evening") and 1 <= hour < 12:
        return hour + 12
    return hour
