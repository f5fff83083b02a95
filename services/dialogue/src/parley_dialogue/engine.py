"""The turn engine: pure functions from (state, what the user said, the bot) to (state, outcome).

No I/O here. A webhook is not called: the outcome names it (`action`), the service calls it and
hands the answer to `finish`, which renders the replies.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec

from parley_dialogue.definition import BotDefinition, IntentDef
from parley_dialogue.replies import (
    DEFAULT_CANCEL,
    DEFAULT_FALLBACK,
    NOT_A_CHOICE,
    NOTHING,
    WEBHOOK_FAILED,
    Rendered,
    prompt_for,
    say,
    split,
    template_variables,
)
from parley_dialogue.slots import fill, from_payload, missing, refused_choice, reopened
from parley_messages import EntityValue, IntentScore, OutMessage, ParseResult, utc_now

WELCOME_TRIGGER = "init_conversation"
_TRIGGER = re.compile(r"^\s*/([A-Za-z0-9][A-Za-z0-9_.\-]*)\s*(\{.*\})?\s*$", re.DOTALL)


class ConversationState(msgspec.Struct, frozen=True, kw_only=True):
    """What a conversation remembers between turns (stored msgspec-encoded, with a sliding TTL)."""

    conversation_id: str
    bot: str
    bot_version: int = 0
    active_intent: str | None = None
    slots: dict[str, Any] = {}
    missing: list[str] = []
    prompted: str | None = None
    context: dict[str, Any] = {}
    last_intent: str | None = None
    turn_count: int = 0
    updated_at: datetime = msgspec.field(default_factory=utc_now)


class PendingAction(msgspec.Struct, frozen=True, kw_only=True):
    """A completed intent whose webhook must be called before its replies can be rendered."""

    intent: str
    slots: dict[str, Any]
    context: dict[str, Any]


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    messages: list[OutMessage]
    intent: IntentScore | None = None
    entities: list[EntityValue] = []
    slots: dict[str, Any] = {}
    missing_slots: list[str] = []
    complete: bool = True
    fallback: bool = False
    action: PendingAction | None = None
    after: list[OutMessage] = []
    """Messages that follow the action's reply (a form resumed after an interruption)."""
    problems: list[str] = []
    """Template failures, answered with a safe reply; the service logs them."""


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
    if _intent(bot, name) is None:
        return None
    payload: object = None
    if match.group(2):
        try:
            payload = json.loads(match.group(2))
        except ValueError:
            payload = None
    slots: dict[str, Any] = payload if isinstance(payload, dict) else {}  # pyright: ignore[reportUnknownVariableType]
    return Trigger(intent=name, slots=slots)


def _intent(bot: BotDefinition, name: str | None) -> IntentDef | None:
    """The bot's intent `name`. A welcome intent that the bot lacks (only the default name may name
    none) is one that says nothing: `/init_conversation` is then a greeting without words, not text
    for the NLU or an answer to the prompt of an open form."""
    intent = bot.intent(name)
    if intent is None and name is not None and name == bot.settings.welcome_intent:
        return IntentDef(id=name)
    return intent


def new_state(
    bot: BotDefinition, conversation_id: str, version: int, context: dict[str, Any]
) -> ConversationState:
    return ConversationState(
        conversation_id=conversation_id, bot=bot.name, bot_version=version, context=context
    )


@dataclass
class _Turn:
    bot: BotDefinition
    state: ConversationState
    score: IntentScore
    entities: list[EntityValue]
    text: str
    rng: random.Random
    payload: dict[str, Any] = field(default_factory=dict[str, Any])
    triggered: bool = False

    @property
    def settings(self) -> Any:
        return self.bot.settings


def advance(
    state: ConversationState,
    parse: ParseResult,
    text: str,
    bot: BotDefinition,
    context: dict[str, Any] | None = None,
    *,
    version: int | None = None,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> tuple[ConversationState, Outcome]:
    """One user turn. `parse` is ignored when `text` is a direct `/intent_id` trigger."""
    state = msgspec.structs.replace(
        state,
        context={**state.context, **(context or {})},
        turn_count=state.turn_count + 1,
        updated_at=now or utc_now(),
        bot_version=state.bot_version if version is None else version,
    )
    state = _reconciled(state, bot)
    turn = _Turn(bot, state, parse.intent, list(parse.entities), text, rng or random.Random())
    trigger = direct_trigger(text, bot)
    if trigger is not None:
        turn.score, turn.entities = IntentScore(name=trigger.intent, confidence=1.0), []
        turn.payload, turn.triggered = trigger.slots, True
    form = bot.intent(state.active_intent)
    if form is not None and state.missing:
        return _during_form(turn, form)
    target = _recognised(turn)
    return _start(turn, target) if target is not None else _fallback(turn)


def _reconciled(state: ConversationState, bot: BotDefinition) -> ConversationState:
    """The open form as the bot defines it now: an edit since the last turn may have removed the
    form, or renamed, added or dropped its parameters."""
    if state.active_intent is None:
        return state
    form = bot.intent(state.active_intent)
    gaps = missing(form, state.slots) if form is not None else []
    if not gaps:
        return msgspec.structs.replace(state, active_intent=None, slots={}, missing=[], prompted=None)
    if gaps == state.missing and state.prompted in gaps:
        return state
    prompted = state.prompted if state.prompted in gaps else gaps[0]
    return msgspec.structs.replace(state, missing=gaps, prompted=prompted)


def _recognised(turn: _Turn) -> IntentDef | None:
    settings = turn.bot.settings
    name, confidence = turn.score.name, turn.score.confidence
    if not turn.triggered and (confidence < settings.fallback_threshold or name == settings.fallback_intent):
        return None
    return _intent(turn.bot, name)


def _during_form(turn: _Turn, form: IntentDef) -> tuple[ConversationState, Outcome]:
    target = _recognised(turn)
    if target is not None and target.id == turn.settings.cancel_intent:
        return _cancel(turn, target)
    prompted = turn.state.prompted
    if target is not None and target.id != form.id:
        filling = fill(form, turn.bot, turn.state.slots, turn.entities, prompted=prompted)
        if filling.answered and not turn.triggered:
            turn.score = IntentScore(name=form.id, confidence=1.0)
            return _proceed(turn, form, filling.slots, refused=filling.refused)
        return _interrupt(turn, form, target)
    reply = None if turn.triggered else turn.text
    restated = target is not None  # the form's own intent, recognised or named again
    filling = fill(
        form, turn.bot, turn.state.slots, turn.entities, prompted=prompted, reply=reply, restated=restated
    )
    given = from_payload(form, turn.bot, turn.payload)
    slots = filling.slots | given
    refused = [(name, value) for name, value in filling.refused if name not in given]
    if prompted is not None and not filling.answered and prompted not in given:
        value = refused_choice(_param(form, prompted), turn.bot, turn.entities, reply)
        refused = refused if value is None else [(prompted, value), *refused]
    # An answer, a correction, or a value the bot understood but says it cannot take.
    understood = filling.answered or prompted in given or slots != turn.state.slots or bool(refused)
    if understood or restated:
        turn.score = IntentScore(name=form.id, confidence=1.0 if understood else turn.score.confidence)
    else:
        turn.score = IntentScore(name=turn.settings.fallback_intent, confidence=turn.score.confidence)
    return _proceed(turn, form, slots, fallback=not (understood or restated), refused=refused)


def _start(turn: _Turn, intent: IntentDef) -> tuple[ConversationState, Outcome]:
    filling = fill(intent, turn.bot, {}, turn.entities)
    given = from_payload(intent, turn.bot, turn.payload)
    refused = [(name, value) for name, value in filling.refused if name not in given]
    return _proceed(turn, intent, filling.slots | given, refused=refused)


def _proceed(
    turn: _Turn,
    intent: IntentDef,
    slots: dict[str, Any],
    *,
    fallback: bool = False,
    refused: Sequence[tuple[str, Any]] = (),
) -> tuple[ConversationState, Outcome]:
    """Ask for the first missing parameter, or complete. A value a parameter's choices `refused` is
    named first, and its parameter asked for next: one that kept an earlier value loses it, since
    the user asked for something else (`reopened`)."""
    slots = reopened(slots, turn.state.slots, refused)
    gaps = missing(intent, slots)
    if not gaps:
        return _complete(turn, intent, slots, fallback=fallback)
    ask = next((name for name, _ in refused if name in gaps), gaps[0])
    variables = template_variables(slots, turn.state.context)
    why = [message for _, value in refused for message in split(NOT_A_CHOICE.format(value=value))]
    rendered = Rendered(why, []) + prompt_for(_param(intent, ask), variables, turn.rng)
    state = msgspec.structs.replace(
        turn.state, active_intent=intent.id, slots=slots, missing=gaps, prompted=ask
    )
    outcome = _outcome(turn, rendered, slots=slots, missing_slots=gaps, complete=False, fallback=fallback)
    return state, outcome


def _complete(
    turn: _Turn, intent: IntentDef, slots: dict[str, Any], *, fallback: bool = False
) -> tuple[ConversationState, Outcome]:
    state = msgspec.structs.replace(
        turn.state, active_intent=None, slots={}, missing=[], prompted=None, last_intent=intent.id
    )
    if intent.action is not None:
        action = PendingAction(intent=intent.id, slots=slots, context=turn.state.context)
        return state, _outcome(turn, NOTHING, slots=slots, fallback=fallback, action=action)
    variables = template_variables(slots, turn.state.context)
    rendered = say(intent.replies, variables, turn.rng, intent.buttons)
    return state, _outcome(turn, rendered, slots=slots, fallback=fallback)


def _cancel(turn: _Turn, intent: IntentDef) -> tuple[ConversationState, Outcome]:
    state, outcome = _complete(turn, intent, {})
    if not outcome.messages and outcome.action is None:
        outcome = msgspec.structs.replace(outcome, messages=split(DEFAULT_CANCEL))
    return state, outcome


def _interrupt(turn: _Turn, form: IntentDef, target: IntentDef) -> tuple[ConversationState, Outcome]:
    """Another intent while a form is open: answer it, then resume the form or drop it."""
    saved = turn.state
    turn.state = msgspec.structs.replace(saved, active_intent=None, slots={}, missing=[], prompted=None)
    state, outcome = _start(turn, target)
    if not outcome.complete or turn.settings.interruption == "drop":
        return state, outcome
    resume = prompt_for(
        _param(form, saved.missing[0]), template_variables(saved.slots, saved.context), turn.rng
    )
    state = msgspec.structs.replace(
        state, active_intent=form.id, slots=saved.slots, missing=saved.missing, prompted=saved.missing[0]
    )
    pending = outcome.action is not None
    return state, msgspec.structs.replace(
        outcome,
        messages=outcome.messages if pending else outcome.messages + resume.messages,
        after=resume.messages if pending else [],
        slots=saved.slots,
        missing_slots=saved.missing,
        complete=False,
        problems=outcome.problems + resume.problems,
    )


def _fallback(turn: _Turn) -> tuple[ConversationState, Outcome]:
    settings = turn.bot.settings
    turn.score = IntentScore(name=settings.fallback_intent, confidence=turn.score.confidence)
    intent = turn.bot.intent(settings.fallback_intent)
    if intent is not None:
        return _complete(turn, intent, {}, fallback=True)
    return turn.state, _outcome(turn, Rendered(split(DEFAULT_FALLBACK), []), fallback=True)


def _param(intent: IntentDef, name: str) -> Any:
    param = intent.parameter(name)
    assert param is not None, "missing() only names declared parameters"
    return param


def _outcome(turn: _Turn, rendered: Rendered, **fields: Any) -> Outcome:
    return Outcome(
        messages=rendered.messages,
        intent=turn.score,
        entities=turn.entities,
        problems=rendered.problems,
        **fields,
    )


def finish(
    outcome: Outcome,
    bot: BotDefinition,
    result: object,
    *,
    failed: bool = False,
    rng: random.Random | None = None,
) -> Outcome:
    """Render a completed intent's replies once its webhook answered `result` (or `failed`)."""
    pending = outcome.action
    intent = bot.intent(pending.intent) if pending is not None else None
    if pending is None or intent is None:
        return outcome
    if failed:
        rendered = Rendered(split(WEBHOOK_FAILED), [])
    else:
        variables = template_variables(pending.slots, pending.context, result)
        rendered = say(intent.replies, variables, rng or random.Random(), intent.buttons)
    return msgspec.structs.replace(
        outcome,
        messages=outcome.messages + rendered.messages + outcome.after,
        action=None,
        after=[],
        problems=outcome.problems + rendered.problems,
    )


def welcome(
    bot: BotDefinition, context: dict[str, Any], *, rng: random.Random | None = None
) -> Outcome | None:
    """The greeting of a new conversation, as `/init_conversation` answers it: the welcome intent's
    replies or, when it has an action, the webhook to call first (`action`, then `finish`). None
    without a welcome intent, or when it neither says nor does anything."""
    intent = bot.intent(bot.settings.welcome_intent)
    if intent is None or not (intent.replies or intent.action):
        return None
    score = IntentScore(name=intent.id, confidence=1.0)
    if intent.action is not None:
        action = PendingAction(intent=intent.id, slots={}, context=context)
        return Outcome(messages=[], intent=score, action=action)
    rendered = say(intent.replies, template_variables({}, context), rng or random.Random(), intent.buttons)
    return Outcome(messages=rendered.messages, intent=score, problems=rendered.problems)
