"""Built-in entity `time` (`HH:MM`, 24-hour) in English.

Am/pm sets the hour it follows, in digits or words ("7:15pm", "ten to nine pm" -> 20:50).
A time without one keeps its hour ("at 7" -> 07:00) unless a part of the day is said before or
after it: "afternoon" and "evening" move 1-11 to the afternoon ("tomorrow evening at 7", "at 7 in
the evening" -> 19:00); "night" and "tonight" move 5-11 so, keep 1-4 ("2 at night" -> 02:00) and
make 12 midnight; "morning" changes nothing. Only a part of the day that names no day joins the
time's span ("7 in the evening", "11 at night"); one that does ("tonight", "this evening", "tomorrow
night") is the `date`'s, so "at 7 tonight" is today and 19:00, as "tonight at 7" is.

After "at", an hour is a time: "at 7" and "at seven" are 07:00, and "7.30" is 07:30 (British usage),
unless a unit or a price follows ("at 3.50 each"). An hour in words is one only when what follows is
no noun (nothing, a day, a part of the day, "please", "for", ...): "one" and "two" count things as
often as they tell the hour ("at one point", "at two locations").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from parley_nlu.candidates import Candidate
from parley_nlu.datetimes import FUNCTION_WORDS, WEEKDAYS, count_of
from parley_nlu.keywords import DIGIT_KEYWORDS, KeywordPattern
from parley_nlu.numbers import TENS, UNITS, WORD_NUMBER, parse_words

_FLAGS = re.IGNORECASE
_HOUR_WORD = "|".join(sorted([*UNITS, "noon", "midnight"], key=len, reverse=True))
_CLOCK = KeywordPattern(
    re.compile(
        r"(?<![\w:.])([01]?\d|2[0-3])(?:[:.]([0-5]\d))?\s*(a\.?m\.?|p\.?m\.?|o'?clock)(?![\w])|"
        r"(?<![\w:.])([01]?\d|2[0-3]):([0-5]\d)(?![\w:])",
        _FLAGS,
    ),
    DIGIT_KEYWORDS,
)
_NAMED = KeywordPattern(re.compile(r"\b(noon|midday|midnight)\b", _FLAGS), ("noon", "midday", "midnight"))
_PAST_TO = KeywordPattern(
    re.compile(
        rf"\b(half|(?:a\s+)?quarter|\d{{1,2}}|{WORD_NUMBER})\s+(past|to|after)\s+({_HOUR_WORD}|\d{{1,2}})\b",
        _FLAGS,
    ),
    ("past", "to", "after"),
)
_CLOCK_HOUR_WORDS = [u for u in UNITS if 0 < UNITS[u] <= 12]
_CLOCK_HOURS = "|".join(_CLOCK_HOUR_WORDS)
_DIGIT_WORDS = "|".join(u for u in UNITS if 0 < UNITS[u] < 10)
_HOUR_MINUTES = KeywordPattern(
    re.compile(
        rf"\b({_CLOCK_HOURS})(?:\s+|-)(thirty|fifteen|forty[\s-]five|{'|'.join(TENS)}(?:[\s-](?:{_DIGIT_WORDS}))?|o'?clock)\b",
        _FLAGS,
    ),
    (*TENS, "fifteen", "clock"),  # of the minutes
)
_AT_HOUR = KeywordPattern(
    re.compile(
        r"(?<=\bat )([01]?\d|2[0-3])(?:\.([0-5]\d))?(?![\w:%]|[.,]\d)"
        r"(?!\s*(?:percent|degrees|people|persons|guests|dollars|euros|pounds|each|per)\b)",
        _FLAGS,
    ),
    DIGIT_KEYWORDS,
)
_AT_HOUR_WORD = KeywordPattern(re.compile(rf"(?<=\bat )({_CLOCK_HOURS})(?![\w-])", _FLAGS), _CLOCK_HOUR_WORDS)
_AFTER_AN_HOUR_WORD = re.compile(
    rf"\s*(?:$|[.,;:!?)]|(?:{FUNCTION_WORDS}|on|today|tonight|tomorrow|{'|'.join(WEEKDAYS)}"
    r"|morning|afternoon|evening|night|sharp|every|i|we|you|they|ok|okay|thanks)\b)",
    _FLAGS,
)
"""What may follow an hour in words after "at" for it to be one ("at seven", "at seven tonight", "at
eight for two"): not a noun, as "one" and "two" count things as often as they tell the hour ("at one
point", "at two locations")."""
_WORD_HOUR_MERIDIEM = KeywordPattern(
    re.compile(rf"\b({_CLOCK_HOURS})(?=\s*(?:a\.?m\.?|p\.?m\.?)(?!\w)(?!\s+i\b))", _FLAGS),
    ("am", "a.m", "pm", "p.m"),
)
_MERIDIEM = re.compile(r"\s*(a\.?m\.?|p\.?m\.?)(?!\w)", _FLAGS)
_PART_OF_DAY = re.compile(r"\s+(?:in\s+the\s+(morning|afternoon|evening)|at\s+(night))\b", _FLAGS)
"""A part of the day right after a time that names no day, which belongs to its span ("six thirty in
the evening")."""
_PART_OF_DAY_LATER = re.compile(
    rf"\s+(?:(tonight)|(?:(?:today|tomorrow|this|on)\s+)?(?:(?:{'|'.join(WEEKDAYS)})\s+)?"
    r"(morning|afternoon|evening|night))\b",
    _FLAGS,
)
"""A part of the day after a time that names a day or follows one, which is the day's, not the time's:
"tonight" and "tomorrow" in "at 7 tonight" and "at 7 tomorrow evening" are a `date` of their own."""
_PART_OF_DAY_BEFORE = re.compile(
    r"\b(morning|afternoon|evening|night|tonight)\s*,?\s+(?:(?:at|around|about|by|from|after|until|till|before)\s+)?$",
    _FLAGS,
)
"""A part of the day just before a time ("tomorrow evening at 7", "tonight around 8")."""
_TAIL = 64


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
    for match in _AT_HOUR_WORD.finditer(text):
        if _AFTER_AN_HOUR_WORD.match(text, match.end()):
            hour = UNITS[match.group(1).casefold()]
            yield _time(text, match.start(), match.end(), hour, 0, confidence=0.8)


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
    minutes = 30 if amount == "half" else 15 if amount.endswith("quarter") else count_of(amount)
    hour = 12 if hour_text == "noon" else 0 if hour_text == "midnight" else count_of(hour_text)
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
        part = later.group(1) or later.group(2)
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
