"""What one parameter takes: a value its hours, choices and pattern accept (`accept`), its value
read from a whole reply to its prompt (`from_reply`), and a value the user gave it that it refuses,
for the re-prompt to name (`refused_choice`). `slots.fill` shares a turn's values among a form's
parameters with these."""

from __future__ import annotations

import re
from typing import Any

from parley_dialogue.definition import BotDefinition, ParameterDef
from parley_dialogue.hours import half_of_day_said, in_hours
from parley_dialogue.patterns import first_match
from parley_messages import BUILTIN_ENTITIES, EntityValue


def accept(param: ParameterDef, value: Any, *, loose: bool = False) -> Any:
    """The value as the parameter stores it, or None when its hours, choices or pattern refuse it.
    A `loose` time (said without am/pm) outside the hours may be read in the other half of the day."""
    if param.hours is not None:
        value = in_hours(param.hours, value, loose=loose)
        if value is None:
            return None
    if param.choices:
        wanted = str(value).strip().casefold()
        return next((c for c in param.choices if c.casefold() == wanted), None)
    if param.pattern is not None:
        return first_match(param.pattern, str(value))
    return value


def from_reply(param: ParameterDef, bot: BotDefinition, reply: str) -> Any:
    """A prompted parameter's value read from the user's whole reply (ACF takes the reply as is).

    A built-in entity's parameter (`number`, `date`, ... undeclared) takes only what the NLU read,
    which `fill` has offered it already: "we are a few" holds no number, so the prompt is repeated.
    """
    value = _read_reply(param, bot, reply)
    return None if value is None else accept(param, value)


def refused_choice(
    param: ParameterDef, bot: BotDefinition, entities: list[EntityValue], reply: str | None
) -> Any:
    """A value the user gave for `param` that its choices or hours refuse, for the re-prompt to
    name; None when there is none. Values are what the NLU read of the parameter's entity and, for
    a dictionary or pattern entity, what the reply names; the whole reply to free text or an open
    entity is not taken for one (it may be anything: a question, "what?")."""
    if not restricted(param) or param.entity is None:
        return None
    given = [
        (e.value, e.entity == "time" and not half_of_day_said(reply or "", e))
        for e in sorted(entities, key=lambda e: e.start)
        if e.entity == param.entity
    ]
    entity = bot.entity(param.entity)
    if reply is not None and entity is not None and not entity.is_open:
        given.append((_read_reply(param, bot, reply), False))
    return next(
        (value for value, loose in given if value is not None and accept(param, value, loose=loose) is None),
        None,
    )


def restricted(param: ParameterDef) -> bool:
    """Whether values of the parameter's entity may be refused for it, and the refusal named."""
    return bool(param.choices) or param.hours is not None


def _read_reply(param: ParameterDef, bot: BotDefinition, reply: str) -> Any:
    """What `from_reply` reads, before the parameter's choices or pattern accept it."""
    text = reply.strip()
    if not text:
        return None
    entity = bot.entity(param.entity)
    if entity is None and param.entity in BUILTIN_ENTITIES:
        return None
    if param.entity is None or entity is None:
        return text
    for value in entity.values:
        for name in sorted([value.value, *value.synonyms], key=len, reverse=True):
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
                return value.value
    if entity.pattern is not None:  # ignoring case, as the NLU reads it
        return first_match(entity.pattern, text, ignore_case=True)
    return text if entity.is_open else None
