"""Values as a sentence shows them to a user, in English as the built-in sentences are.

The NLU's built-in entities store values made for webhooks and templates: a date "2026-12-01", a
duration in seconds, an ordinal 3. The built-in sentences (`notices`) show them as a user says
them: "Tuesday 1 December" (the year only when it is not the current one), "1 hour 30 minutes",
"3rd". A time stays "15:00", which needs no reading. Authors' templates see the stored values and
may show them so with the `day` and `duration` filters.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from parley_messages import utc_now

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNITS = (("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1))
# English whatever the process's locale, which strftime's %A and %B would follow.
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def shown(value: Any, entity: str | None, today: date) -> str:
    """`value` of a built-in `entity` (None for any other) as a sentence shows it; a list as "a, b"."""
    if isinstance(value, list):
        return ", ".join(shown(item, entity, today) for item in value)  # pyright: ignore[reportUnknownVariableType]
    if entity == "date":
        return str(day(value, today=today))
    if entity == "duration":
        return str(duration(value))
    if entity == "ordinal" and _is_count(value):
        return _ordinal(value)
    return str(value)


def day(value: Any, *, today: date | None = None) -> Any:
    """An ISO date as "Tuesday 1 December", with its year when that is not `today`'s (UTC by
    default); anything else as given. The `day` filter of templates."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return value
    try:
        when = date.fromisoformat(value)
    except ValueError:  # 2026-02-30
        return value
    year = (today or utc_now().date()).year
    shown_day = f"{_WEEKDAYS[when.weekday()]} {when.day} {_MONTHS[when.month - 1]}"
    return shown_day if when.year == year else f"{shown_day} {when.year}"


def duration(value: Any) -> Any:
    """A number of seconds as "1 hour 30 minutes"; anything else as given. The `duration` filter
    of templates."""
    if not _is_count(value):
        return value
    left, parts = int(value), list[str]()
    for unit, seconds in _UNITS:
        count, left = divmod(left, seconds)
        if count:
            parts.append(f"{count} {unit}{'' if count == 1 else 's'}")
    return " ".join(parts) or "0 seconds"


def _ordinal(number: int) -> str:
    suffix = "th" if number % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
