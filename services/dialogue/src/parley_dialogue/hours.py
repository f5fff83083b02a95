"""A time parameter's plausible hours (`hours: "08:00-20:00"`), and the time it reads in them.

The NLU's built-in `time` reads an hour said without am/pm as it is ("at 3" and "half past three"
are 03:00 and 03:30: `parley_nlu.times`), where an appointment bot means 15:00. A parameter that
says its hours takes such a time outside them as its 12-hour counterpart when that lies inside
("at 3" -> 15:00 for 08:00-20:00); a time outside that cannot be mended so is refused, and the
bot says which hours it takes. A time whose half of the day was said is never moved: am/pm,
noon, midnight or a part of the day in its words or the words around them ("3am", "at 7 in the
morning", "tomorrow evening at 7"), or an hour written as on a 24-hour clock ("07:30", "15:00").
Those words are English, as the NLU's are.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from parley_messages import EntityValue

_RANGE = re.compile(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)\s*")
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_PART = r"(?:morning|afternoon|evening|night|tonight)"
_SAID_IN = re.compile(rf"(?<![a-z])(?:[ap]\.?m\b|noon|midday|midnight|{_PART})|(?<![\d:.])0\d", re.IGNORECASE)
"""In a time's own words: am/pm, a named hour, a part of the day, or a 24-hour clock's leading 0."""
_SAID_AFTER = re.compile(rf"\s*,?\s*(?:[\w']+\s+){{0,2}}?{_PART}\b", re.IGNORECASE)
"""Right after them: "at 7 this evening", "at 3 on friday afternoon"."""
_SAID_BEFORE = re.compile(rf"\b{_PART}\W+(?:[\w']+\W+)?$", re.IGNORECASE)
"""Right before them: "tomorrow evening at 7", "tonight around 8", "good morning, at 9"."""
_AROUND = 40
"""How many characters on each side of a time are read for a part of the day."""
MINUTES_A_DAY = 24 * 60


class Hours(NamedTuple):
    """From `earliest` to `latest`, both included, in minutes after midnight; a range whose
    `latest` comes before its `earliest` runs past midnight ("18:00-02:00")."""

    earliest: int
    latest: int

    def __contains__(self, minute: object) -> bool:
        if not isinstance(minute, int):
            return False
        if self.earliest <= self.latest:
            return self.earliest <= minute <= self.latest
        return minute >= self.earliest or minute <= self.latest

    def shown(self) -> tuple[str, str]:
        """(earliest, latest) as `HH:MM`, as the built-in time gives its values."""
        return _clock(self.earliest), _clock(self.latest)


def parsed(text: str) -> Hours | None:
    """`HH:MM-HH:MM` (hours of one or two digits, spaces around the dash allowed) as `Hours`."""
    match = _RANGE.fullmatch(text)
    if match is None:
        return None
    hour, minute, to_hour, to_minute = (int(group) for group in match.groups())
    return Hours(hour * 60 + minute, to_hour * 60 + to_minute)


def hours_problem(hours: str, entity: str | None, own_time: bool) -> str | None:
    """Why a parameter taking `entity` may not have these `hours`, or None when it may; `own_time`:
    the bot declares an entity named `time`, which replaces the built-in."""
    if entity != "time" or own_time:
        takes = "free text" if entity is None else f"the bot's own {entity!r}" if own_time else repr(entity)
        return f"only a parameter of the built-in entity 'time' has hours; this one takes {takes}"
    span = parsed(hours)
    if span is None:
        return f"{hours!r} is not a range of times: write it HH:MM-HH:MM, such as 08:00-20:00"
    if span.earliest == span.latest:
        return f"{hours!r} starts and ends at the same minute: write the first and the last time it takes"
    return None


def in_hours(hours: str, value: Any, *, loose: bool) -> str | None:
    """`value` (a built-in time, `HH:MM`) as a parameter with these `hours` takes it: as it is when
    inside them, else, when `loose` (said without its half of the day), its 12-hour counterpart
    when that is inside; None when neither is."""
    span = parsed(hours)
    minute = _minutes(value)
    if span is None or minute is None:
        return None
    if minute in span:
        return value
    other = _counterpart(minute) if loose else None
    return _clock(other) if other is not None and other in span else None


def half_of_day_said(text: str, entity: EntityValue) -> bool:
    """Whether the words of `entity` (a built-in time read from `text`), or those around them,
    say which half of the day it is, or write it as a 24-hour clock does."""
    start, end = max(0, entity.start), min(len(text), entity.end)
    return bool(
        _SAID_IN.search(text[start:end])
        or _SAID_AFTER.match(text[end : end + _AROUND])
        or _SAID_BEFORE.search(text[max(0, start - _AROUND) : start])
    )


def _counterpart(minute: int) -> int | None:
    """The same 12-hour clock reading in the other half of the day: 03:30 -> 15:30, 12:15 -> 00:15,
    00:50 ("ten to one") -> 12:50; none for 13:00 and later, which only a 24-hour clock says."""
    hour = minute // 60
    if hour < 12:
        return minute + 12 * 60
    return minute - 12 * 60 if hour == 12 else None


def _minutes(value: Any) -> int | None:
    match = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    return None if match is None else int(match.group(1)) * 60 + int(match.group(2))


def _clock(minute: int) -> str:
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"
