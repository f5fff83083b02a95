"""Values of a direct trigger's payload (`/book{"guests": 4, "day": "2026-12-01"}`), read as the NLU
would have given them, so that a typed payload fills a slot only with what speaking could.

The NLU's built-in entities give normalised values: `number` an int or a float, `ordinal` and
`duration` (seconds) a non-negative int, `date` ISO `YYYY-MM-DD`, `time` `HH:MM` (24-hour). A
payload value is read in that form only, as a JSON value or a string of it: words ("four",
"tomorrow") are the NLU's to read, so a payload holding them leaves the parameter missing and the
bot asks for it, and the NLU reads the answer. Text (an open entity's, a free-text parameter's) is a
string or a number, stripped, and not blank.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from parley_messages import is_blank

_NUMERAL = re.compile(r"[+-]?\d+(?:\.\d+)?")
_DIGITS = re.compile(r"\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def builtin_value(entity: str, value: object) -> Any:
    """`value` as the NLU's built-in `entity` gives it, or None when it is not one."""
    read = _READERS.get(entity)
    return None if read is None else read(value)


def text_value(value: object) -> str | None:
    """A payload value as text, or None for a blank string, a boolean, null or a structure."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = value.strip() if isinstance(value, str) else str(value)
    return None if is_blank(text) else text


def _number(value: object) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str) and _NUMERAL.fullmatch(text := value.strip()):
        return float(text) if "." in text else int(text)
    return None


def _count(value: object) -> int | None:
    """A non-negative whole number: an ordinal, or a duration in seconds."""
    if isinstance(value, str):
        text = value.strip()
        return int(text) if _DIGITS.fullmatch(text) else None
    number = _number(value)
    if number is None or number < 0 or number != int(number):
        return None
    return int(number)


def _date(value: object) -> str | None:
    if not isinstance(value, str) or not _DATE.fullmatch(text := value.strip()):
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:  # 2026-02-30
        return None


def _time(value: object) -> str | None:
    match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    return None if match is None else f"{int(match.group(1)):02d}:{match.group(2)}"


_READERS: dict[str, Callable[[object], Any]] = {
    "number": _number,
    "ordinal": _count,
    "duration": _count,
    "date": _date,
    "time": _time,
}
