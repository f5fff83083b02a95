"""Direct triggers: `/intent_id` names an intent of the bot without the NLU."""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec

from parley_dialogue.definition import BotDefinition, IntentDef

WELCOME_TRIGGER = "init_conversation"
_TRIGGER = re.compile(r"^\s*/([A-Za-z0-9][A-Za-z0-9_.\-]*)\s*(\{.*\})?\s*$", re.DOTALL)


class Trigger(msgspec.Struct, frozen=True, kw_only=True):
    intent: str
    slots: dict[str, Any] = {}


def direct_trigger(text: str, bot: BotDefinition) -> Trigger | None:
    """`/intent_id` (optionally `/intent_id{"slot": "value"}`) names an intent of the bot directly.
    `/init_conversation`, which ACF clients send first, names the welcome intent whatever its id."""
    match = _TRIGGER.match(text)
    if match is None:
        return None
    name = match.group(1)
    if name == WELCOME_TRIGGER and bot.intent(name) is None:
        name = bot.settings.welcome_intent
    if intent_named(bot, name) is None:
        return None
    payload: object = None
    if match.group(2):
        try:
            payload = json.loads(match.group(2))
        except ValueError:
            payload = None
    slots: dict[str, Any] = payload if isinstance(payload, dict) else {}  # pyright: ignore[reportUnknownVariableType]
    return Trigger(intent=name, slots=slots)


def intent_named(bot: BotDefinition, name: str | None) -> IntentDef | None:
    """The bot's intent `name`. A welcome intent that the bot lacks (only the default name may name
    none) is one that says nothing: `/init_conversation` is then a greeting without words, not text
    for the NLU or an answer to the prompt of an open form."""
    intent = bot.intent(name)
    if intent is None and name is not None and name == bot.settings.welcome_intent:
        return IntentDef(id=name)
    return intent
