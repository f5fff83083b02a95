"""Values of a direct trigger's payload (`/book{"guests": 4, "day": "2026-12-01"}`), read as the NLU
would have given them, so that a typed payload fills a slot only with what speaking could
(`from_payload`).

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

from parley_dialogue.acceptance import accept
from parley_dialogue.definition import BotDefinition, EntityDefinition, IntentDef, ParameterDef
from parley_dialogue.patterns import matches_whole
from parley_messages import BUILTIN_ENTITIES, is_blank

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


def from_payload(intent: IntentDef, bot: BotDefinition, payload: dict[str, Any]) -> dict[str, Any]:
    """The slots a direct trigger's payload (`/intent{"slot": "value"}`) gives `intent`.

    Users can type a payload as well as click a button holding one, so each value is checked as a
    spoken one would be: it must name one of its entity's values or synonyms or match its pattern
    whole (ignoring case, as the NLU does), be a value of its built-in entity in the NLU's form (a
    number for `number`, an ISO date for `date`: see `payload_values`) or, for an open entity or
    free text, be text that is not blank; and it must pass the parameter's choices or pattern.
    Keys that name no parameter and refused values are dropped: the parameter stays missing, and
    the bot asks for it.
    """
    slots: dict[str, Any] = {}
    for name, raw in payload.items():
        param = intent.parameter(name)
        if param is None:
            continue
        values = raw if isinstance(raw, list) else [raw]  # pyright: ignore[reportUnknownVariableType]
        accepted = [v for v in (_payload_value(param, bot, r) for r in values) if v is not None]  # pyright: ignore[reportUnknownVariableType]
        if accepted:
            slots[name] = accepted if param.multiple else accepted[0]
    return slots


def _payload_value(param: ParameterDef, bot: BotDefinition, value: Any) -> Any:
    entity = bot.entity(param.entity)
    if entity is None and param.entity in BUILTIN_ENTITIES:
        read = builtin_value(param.entity, value)
    elif entity is None or entity.is_open:
        read = text_value(value)
    else:
        return _dictionary_value(param, entity, value)
    return None if read is None else accept(param, read)


def _dictionary_value(param: ParameterDef, entity: EntityDefinition, value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    for known in entity.values:
        if text.casefold() in {name.casefold() for name in (known.value, *known.synonyms)}:
            return accept(param, known.value)
    if entity.pattern is not None and matches_whole(entity.pattern, text, ignore_case=True):
        return accept(param, text)  # as typed: the NLU gives a pattern's match so
    return None
