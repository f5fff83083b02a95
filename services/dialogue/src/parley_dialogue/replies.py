"""Rendering what the bot says: pick a variant, render it, split into bubbles where its author
wrote `###` (`templates.render_parts`: a `###` in a value the template prints is text)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from parley_dialogue.definition import ParameterDef
from parley_dialogue.errors import TemplateError
from parley_dialogue.templates import render_parts
from parley_messages import Button, OutMessage

SEPARATOR = "###"
SAFE_REPLY = "Sorry, I can't answer that right now."
DEFAULT_FALLBACK = "Sorry, I didn't understand that."
DEFAULT_CANCEL = "Ok. Canceled."
_STRIP = " \t\r\n\ufeff"


def is_blank(text: str) -> bool:
    """Whether `text` shows nothing: only whitespace, as `str.isspace` or the console's `trim()`
    counts it (the latter also removes U+FEFF, which `split` strips too)."""
    return all(c.isspace() or c == "\ufeff" for c in text)


def says_nothing(variant: str) -> bool:
    """Whether a reply or prompt variant has no text outside its `###` separators: every message
    it makes would be blank, whatever the conversation."""
    return all(is_blank(part) for part in variant.split(SEPARATOR))


def template_variables(
    slots: Mapping[str, Any],
    context: Mapping[str, Any],
    result: object = None,
    *,
    conversation_id: str = "",
    bot: str = "",
) -> dict[str, Any]:
    """What templates see: `context`, `parameters` (alias `slots`), the webhook's `result`, and
    the `conversation_id` and `bot` (its name) a webhook needs to point staff at the transcript."""
    return {
        "context": context,
        "parameters": slots,
        "slots": slots,
        "result": {} if result is None else result,
        "conversation_id": conversation_id,
        "bot": bot,
    }


class Rendered:
    """Messages plus the template problems met while rendering them (shown as a safe reply)."""

    __slots__ = ("messages", "problems")

    def __init__(self, messages: list[OutMessage], problems: list[str]) -> None:
        self.messages = messages
        self.problems = problems

    def __add__(self, other: Rendered) -> Rendered:
        return Rendered(self.messages + other.messages, self.problems + other.problems)


NOTHING = Rendered([], [])


def say(
    variants: Sequence[str],
    variables: Mapping[str, Any],
    rng: random.Random,
    buttons: Sequence[Button] = (),
) -> Rendered:
    """One randomly chosen variant, rendered and split into messages; buttons go on the last one."""
    if not variants:
        return NOTHING
    problems: list[str] = []
    try:
        parts = render_parts(rng.choice(list(variants)), variables, separator=SEPARATOR, rng=rng)
    except TemplateError as exc:
        parts, problems = [SAFE_REPLY], [str(exc)]
    return Rendered(_messages(parts, buttons), problems)


def split(text: str, buttons: Sequence[Button] = ()) -> list[OutMessage]:
    """The messages of a text the bot wrote itself: a bubble at each `###`."""
    return _messages(text.split(SEPARATOR), buttons)


def _messages(parts: Sequence[str], buttons: Sequence[Button]) -> list[OutMessage]:
    """A message of each part that shows something; buttons go on the last one."""
    stripped = (p.strip(_STRIP) for p in parts)
    messages = [OutMessage(text=p) for p in stripped if p]
    if buttons and messages:
        messages[-1] = OutMessage(text=messages[-1].text, buttons=list(buttons))
    elif buttons:
        messages = [OutMessage(text="", buttons=list(buttons))]
    return messages


def prompt_for(param: ParameterDef, variables: Mapping[str, Any], rng: random.Random) -> Rendered:
    """Ask for a parameter; its `choices` become quick-reply buttons."""
    variants = param.prompt or [f"What is the {param.name.replace('_', ' ')}?"]
    buttons = [Button(title=c, payload=c) for c in param.choices]
    return say(variants, variables, rng, buttons)
