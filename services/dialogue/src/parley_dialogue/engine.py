"""The turn engine: pure functions from (state, what the user said, the bot) to (state, outcome).

No I/O here. A webhook is not called: the outcome names it (`action`), the service calls it and
hands the answer to `completion.finish`, which renders the replies. The engine reads what the turn
means (the intent it names, whether it answers the open form, corrects it, interrupts, cancels or
falls back); `turn` says it.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

import msgspec

from parley_dialogue.acceptance import refused_choice
from parley_dialogue.conversation import ConversationState, Outcome
from parley_dialogue.cues import asks_again, asks_so_far, corrects, only_values
from parley_dialogue.definition import BotDefinition, IntentDef
from parley_dialogue.payload_values import from_payload
from parley_dialogue.replies import (
    DEFAULT_CANCEL,
    DEFAULT_FALLBACK,
    Rendered,
    prompt_for,
    split,
)
from parley_dialogue.slots import Filling, fill, missing
from parley_dialogue.triggers import direct_trigger, intent_named
from parley_dialogue.turn import Turn, complete, declared, proceed
from parley_messages import BUILTIN_ENTITIES, IntentScore, ParseResult, utc_now


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
    turn = Turn(bot, state, parse.intent, list(parse.entities), text, rng or random.Random(), parse.ranking)
    trigger = direct_trigger(text, bot)
    if trigger is not None:
        turn.score, turn.entities = IntentScore(name=trigger.intent, confidence=1.0), []
        turn.payload, turn.triggered, turn.source = trigger.slots, True, "trigger"
    form = bot.intent(state.active_intent)
    if form is not None and state.missing:
        return _during_form(turn, form)
    target = _recognised(turn)
    return _start(turn, target) if target is not None else _fallback(turn)


def _reconciled(state: ConversationState, bot: BotDefinition) -> ConversationState:
    """The open form as the bot defines it now: an edit since the last turn may have removed the
    form, or renamed, added or dropped its parameters. A value of a parameter the form no longer
    has is dropped: clients and transcripts would show it as a slot of the bot."""
    if state.active_intent is None:
        return state
    form = bot.intent(state.active_intent)
    gaps = missing(form, state.slots) if form is not None else []
    if form is None or not gaps:
        return msgspec.structs.replace(state, active_intent=None, slots={}, missing=[], prompted=None)
    slots = {name: value for name, value in state.slots.items() if form.parameter(name) is not None}
    if gaps == state.missing and state.prompted in gaps and slots == state.slots:
        return state
    prompted = state.prompted if state.prompted in gaps else gaps[0]
    return msgspec.structs.replace(state, slots=slots, missing=gaps, prompted=prompted)


def _recognised(turn: Turn) -> IntentDef | None:
    """The intent the turn names: triggered, recognised by the NLU, or a failed action's when the
    reply asks to try again."""
    settings = turn.bot.settings
    failed = turn.state.failed_action
    if failed is not None and not turn.triggered and asks_again(turn.text):
        retried = turn.bot.intent(failed.intent)
        if retried is not None:
            turn.chosen(retried)
            return retried
    name, confidence = turn.score.name, turn.score.confidence
    if not turn.triggered and (confidence < settings.fallback_threshold or name == settings.fallback_intent):
        return None
    return intent_named(turn.bot, name)


def _during_form(turn: Turn, form: IntentDef) -> tuple[ConversationState, Outcome]:
    target = _recognised(turn)
    if target is not None and target.id == turn.settings.cancel_intent:
        return _cancel(turn, target)
    prompted = turn.state.prompted
    reply = None if turn.triggered else turn.text
    correcting = reply is not None and corrects(reply)
    turn.recap = reply is not None and asks_so_far(reply)
    if target is not None and target.id != form.id:
        filling = fill(
            form,
            turn.bot,
            turn.state.slots,
            turn.entities,
            prompted=prompted,
            corrects=correcting,
            text=turn.text,
        )
        if _meant_for(form, turn, filling, correcting=correcting):
            turn.chosen(form)
            return proceed(turn, form, filling.slots, refused=filling.refused)
        return _interrupt(turn, form, target)
    restated = target is not None  # the form's own intent, recognised or named again
    filling = fill(
        form,
        turn.bot,
        turn.state.slots,
        turn.entities,
        prompted=prompted,
        reply=None if turn.recap else reply,  # a question, not a free-text answer
        restated=restated,
        corrects=correcting,
        text=turn.text,
    )
    given = from_payload(form, turn.bot, turn.payload)
    slots = filling.slots | given
    refused = [(name, value) for name, value in filling.refused if name not in given]
    if prompted is not None and not filling.answered and prompted not in given:
        value = refused_choice(declared(form, prompted), turn.bot, turn.entities, reply)
        refused = refused if value is None else [(prompted, value), *refused]
    # An answer, a correction, or a value the bot understood but says it cannot take.
    understood = (
        filling.answered
        or prompted in given
        or slots != turn.state.slots
        or bool(refused)
        or bool(filling.held)
        or turn.recap
    )
    if understood and not restated:
        turn.chosen(form)
    elif not restated:
        turn.score = IntentScore(name=turn.settings.fallback_intent, confidence=turn.score.confidence)
    lost = not (understood or restated)
    return proceed(turn, form, slots, fallback=lost, refused=refused, lost=lost)


def _meant_for(form: IntentDef, turn: Turn, filling: Filling, *, correcting: bool) -> bool:
    """Whether a reply in which the NLU recognised another intent was meant for the open form: it
    answered the prompt, is nothing but built-in values the form was missing ("at 10am" at another
    prompt), or says it corrects and changed a value of one of the bot's own entities (the
    author's word for its parameter: "no, make it a large" where the size was small)."""
    if turn.triggered:
        return False
    before = turn.state.slots
    return (
        filling.answered
        or turn.recap
        or _only_missing_values(form, turn, filling)
        or (
            correcting
            and any(
                turn.bot.entity(p.entity) is not None
                and before.get(p.name) not in (None, "", [])
                and filling.slots.get(p.name) != before[p.name]
                for p in form.parameters
            )
        )
    )


def _only_missing_values(form: IntentDef, turn: Turn, filling: Filling) -> bool:
    """Whether the whole reply is values of built-in entities that filled parameters the form was
    missing, with filler words ("at 10am", "saturday please"). A longer reply holding such a value
    may be a question ("are you open Tuesday?"): the intent the NLU heard answers it (decision 137)."""
    filled = {
        p.entity
        for p in form.parameters
        if p.name in turn.state.missing
        and filling.slots.get(p.name) not in (None, "", [])
        and p.entity in BUILTIN_ENTITIES
        and turn.bot.entity(p.entity) is None
    }
    spans = [(e.start, e.end) for e in turn.entities if e.entity in filled]
    return bool(spans) and only_values(turn.text, spans)


def _start(turn: Turn, intent: IntentDef) -> tuple[ConversationState, Outcome]:
    """Open `intent`: with the turn's values or, after its webhook failed, with the values kept
    (`failed_action`), which the turn's values correct."""
    kept = _kept_values(turn.state, intent)
    filling = fill(intent, turn.bot, kept, turn.entities, restated=True, text=turn.text)
    given = from_payload(intent, turn.bot, turn.payload)
    refused = [(name, value) for name, value in filling.refused if name not in given]
    turn.state = msgspec.structs.replace(turn.state, slots=kept)
    return proceed(turn, intent, filling.slots | given, refused=refused)


def _kept_values(state: ConversationState, intent: IntentDef) -> dict[str, Any]:
    failed = state.failed_action
    if failed is None or failed.intent != intent.id:
        return {}
    return {name: value for name, value in failed.slots.items() if intent.parameter(name) is not None}


def _cancel(turn: Turn, intent: IntentDef) -> tuple[ConversationState, Outcome]:
    state, outcome = complete(turn, intent, {})
    if not outcome.messages and outcome.action is None:
        outcome = msgspec.structs.replace(outcome, messages=split(DEFAULT_CANCEL))
    return state, outcome


def _interrupt(turn: Turn, form: IntentDef, target: IntentDef) -> tuple[ConversationState, Outcome]:
    """Another intent while a form is open: answer it, then resume the form or drop it."""
    saved = turn.state
    turn.state = msgspec.structs.replace(saved, active_intent=None, slots={}, missing=[], prompted=None)
    state, outcome = _start(turn, target)
    if not outcome.complete or turn.settings.interruption == "drop":
        return state, outcome
    resume = prompt_for(
        declared(form, saved.missing[0]), turn.variables(saved.slots, saved.context), turn.rng
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


def _fallback(turn: Turn) -> tuple[ConversationState, Outcome]:
    settings = turn.bot.settings
    turn.score = IntentScore(name=settings.fallback_intent, confidence=turn.score.confidence)
    intent = turn.bot.intent(settings.fallback_intent)
    if intent is not None:
        return complete(turn, intent, {}, fallback=True)
    return turn.state, turn.outcome(Rendered(split(DEFAULT_FALLBACK), []), fallback=True)
