"""The bot's built-in sentences (`settings.messages`), rendered for one turn.

Each says why the form does what it does next: a value was replaced, a value is not an option or
outside a time's hours, what has been chosen so far, nothing in the reply could be taken, or a
webhook failed. They render as
replies do (a template failure gives the safe reply and a problem to log), and one left empty says
nothing. They show a built-in entity's values as a user says them ("Tuesday 1 December", `shown`),
where templates see them as stored.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date
from typing import Any

from parley_dialogue.definition import BotDefinition, IntentDef, ParameterDef
from parley_dialogue.hours import in_hours, parsed
from parley_dialogue.replies import NOTHING, Rendered, say, template_variables
from parley_dialogue.shown import shown
from parley_messages import BUILTIN_ENTITIES

MAX_OPTIONS = 5
"""How many options `not_understood` names; `more` counts the others."""


def corrected(
    bot: BotDefinition,
    intent: IntentDef,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    context: Mapping[str, Any],
    *,
    rng: random.Random,
    today: date,
) -> Rendered:
    """One `corrected` message for each parameter that had a value `before` and another `after`."""
    rendered = NOTHING
    for name, previous in before.items():
        value = after.get(name)
        if _has_value(previous) and _has_value(value) and value != previous:
            entity = _builtin(bot, intent.parameter(name))
            extra = {
                "parameter": name,
                "value": shown(value, entity, today),
                "previous": shown(previous, entity, today),
            }
            rendered += _said(bot.settings.messages.corrected, after, context, rng, extra)
    return rendered


def refused(
    bot: BotDefinition,
    param: ParameterDef,
    value: Any,
    slots: Mapping[str, Any],
    context: Mapping[str, Any],
    *,
    rng: random.Random,
    today: date,
) -> Rendered:
    """Why `param` did not take `value`: outside its hours (`outside_hours`), else not one of its
    choices (`not_a_choice`)."""
    span = parsed(param.hours) if param.hours is not None else None
    said = shown(value, _builtin(bot, param), today)
    if span is not None and in_hours(param.hours or "", value, loose=False) is None:
        earliest, latest = span.shown()
        extra = {"parameter": param.name, "value": said, "earliest": earliest, "latest": latest}
        return _said(bot.settings.messages.outside_hours, slots, context, rng, extra)
    extra = {"parameter": param.name, "value": said}
    return _said(bot.settings.messages.not_a_choice, slots, context, rng, extra)


def so_far(
    bot: BotDefinition,
    intent: IntentDef,
    slots: Mapping[str, Any],
    context: Mapping[str, Any],
    rng: random.Random,
    *,
    today: date,
) -> Rendered:
    """What the form holds: each filled parameter as "name value", in the intent's order."""
    chosen = [
        f"{p.name} {shown(slots[p.name], _builtin(bot, p), today)}"
        for p in intent.parameters
        if _has_value(slots.get(p.name))
    ]
    return _said(bot.settings.messages.so_far, slots, context, rng, {"chosen": chosen})


def not_understood(
    bot: BotDefinition,
    param: ParameterDef,
    slots: Mapping[str, Any],
    context: Mapping[str, Any],
    rng: random.Random,
    *,
    today: date,
) -> Rendered:
    entity = _builtin(bot, param)
    options = [shown(option, entity, today) for option in _options(bot, param)]
    extra = {"options": options[:MAX_OPTIONS], "more": max(0, len(options) - MAX_OPTIONS)}
    return _said(bot.settings.messages.not_understood, slots, context, rng, extra)


def action_failed(
    bot: BotDefinition,
    slots: Mapping[str, Any],
    context: Mapping[str, Any],
    rng: random.Random,
    *,
    conversation_id: str = "",
) -> Rendered:
    """Also sees `conversation_id` and `bot`, as the intent's replies would: a user may quote the
    conversation to staff when the webhook is down ("Call us and quote {{ conversation_id }}.")."""
    extra = {"conversation_id": conversation_id, "bot": bot.name}
    return _said(bot.settings.messages.action_failed, slots, context, rng, extra)


def _options(bot: BotDefinition, param: ParameterDef) -> list[str]:
    """The answers a parameter takes, where it has a list of them: its choices, else its dictionary
    entity's values."""
    if param.choices:
        return list(param.choices)
    entity = bot.entity(param.entity)
    return [value.value for value in entity.values] if entity is not None else []


def _said(
    template: str,
    slots: Mapping[str, Any],
    context: Mapping[str, Any],
    rng: random.Random,
    extra: dict[str, Any],
) -> Rendered:
    if not template:
        return NOTHING
    return say([template], {**template_variables(slots, context), **extra}, rng)


def _builtin(bot: BotDefinition, param: ParameterDef | None) -> str | None:
    """The built-in entity `param` takes (not one the bot declares in its place), or None."""
    if param is None or param.entity not in BUILTIN_ENTITIES or bot.entity(param.entity) is not None:
        return None
    return param.entity


def _has_value(value: Any) -> bool:
    return value not in (None, "", [])
