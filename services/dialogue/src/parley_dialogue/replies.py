"""Rendering what the bot says: pick a variant, render it, split `###` into bubbles."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from parley_dialogue.definition import ParameterDef
from parley_dialogue.errors import TemplateError
from parley_dialogue.templates import render
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
    slots: Mapping[str, Any], context: Mapping[str, Any], result: object = None
) -> dict[str, Any]:
    """What templates see: `context`, `parameters` (alias `slots`) and the webhook's `result`."""
    return {
        "context": context,
        "parameters": slots,
        "slots": slots,
        "result": {} if result is None else result,
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
        text = render(rng.choice(list(variants)), variables, rng=rng)
    except TemplateError as exc:
        text, problems = SAFE_REPLY, [str(exc)]
    return Rendered(split(text, buttons), problems)


def split(text: str, buttons: Sequence[Button] = ()) -> list[OutMessage]:
    parts = [p.strip(_STRIP) for p in text.split(SEPARATOR)]
    messages = [OutMessage(text=p) for p in parts if p]
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
