"""What follows a completed intent's webhook, and the greeting, which no user turn asks for.

The engine names the webhook to call (`Outcome.action`); the service calls it and hands the
answer to `finish`, which renders the replies, or the failure, after which `kept_for_retry` keeps
the values; a webhook that declined the values (a 422) gets `declined`. No I/O here.
"""

from __future__ import annotations

import random
from typing import Any

import msgspec

from parley_dialogue import notices
from parley_dialogue.conversation import ConversationState, Outcome, PendingAction
from parley_dialogue.definition import BotDefinition, IntentDef
from parley_dialogue.replies import prompt_for, say, template_variables
from parley_dialogue.slots import missing
from parley_messages import MAX_TEXT_CHARS, IntentScore, OutMessage, is_blank


def finish(
    outcome: Outcome,
    bot: BotDefinition,
    result: object,
    *,
    failed: bool = False,
    rng: random.Random | None = None,
    conversation_id: str = "",
) -> Outcome:
    """Render a completed intent's replies once its webhook answered `result`; or, when it
    `failed`, the bot's `action_failed` message, and the intent is not complete: its values are
    kept for a retry (`kept_for_retry`)."""
    pending = outcome.action
    intent = bot.intent(pending.intent) if pending is not None else None
    if pending is None or intent is None:
        return outcome
    rng = rng or random.Random()
    if failed:
        rendered = notices.action_failed(
            bot, pending.slots, pending.context, rng, conversation_id=conversation_id
        )
    else:
        variables = template_variables(
            pending.slots, pending.context, result, conversation_id=conversation_id, bot=bot.name
        )
        rendered = say(intent.replies, variables, rng, intent.buttons)
    return msgspec.structs.replace(
        outcome,
        messages=outcome.messages + rendered.messages + outcome.after,
        action=None,
        after=[],
        problems=outcome.problems + rendered.problems,
        complete=outcome.complete and not failed,
        action_failed=failed,
    )


def kept_for_retry(state: ConversationState, pending: PendingAction) -> ConversationState:
    """The conversation after `pending`'s webhook failed: its values wait for a retry."""
    return msgspec.structs.replace(state, failed_action=pending)


def keyed(pending: PendingAction, failed: PendingAction | None, fresh: str) -> PendingAction:
    """`pending` with its idempotency key: `failed`'s when it tries the intent of the action that
    failed again with the same values ("try again", or the intent named again), else `fresh`. A
    corrected value ("for Tuesday instead") is another request, so it gets another key."""
    if failed is not None and failed.key and (failed.intent, failed.slots) == (pending.intent, pending.slots):
        return msgspec.structs.replace(pending, key=failed.key)
    return msgspec.structs.replace(pending, key=fresh)


def declined(
    state: ConversationState,
    outcome: Outcome,
    bot: BotDefinition,
    answer: object,
    *,
    rng: random.Random | None = None,
    conversation_id: str = "",
) -> tuple[ConversationState, Outcome] | None:
    """The turn after the completed intent's webhook declined its values with `answer`, a 422's
    JSON: `{"parameter": "at", "message": "10:00 is taken."}` says the message and asks for that
    (required) parameter again, the other values kept; `{"message": "No order SC-00000."}` says
    it and drops the values. The message is the webhook's text, shown as it is. None when `answer`
    is no such refusal: the webhook failed."""
    pending = outcome.action
    intent = bot.intent(pending.intent) if pending is not None else None
    refusal = _refusal(answer, intent)
    if pending is None or intent is None or refusal is None:
        return None
    parameter, message = refusal
    said = [OutMessage(text=message)] if message else []
    done = msgspec.structs.replace(
        outcome, messages=outcome.messages + said, action=None, after=[], complete=False, missing_slots=[]
    )
    if parameter is None:
        return state, done
    rng = rng or random.Random()
    return _asked_again(
        state,
        done,
        bot=bot,
        intent=intent,
        pending=pending,
        parameter=parameter,
        rng=rng,
        conversation_id=conversation_id,
    )


def _asked_again(
    state: ConversationState,
    done: Outcome,
    *,
    bot: BotDefinition,
    intent: IntentDef,
    pending: PendingAction,
    parameter: str,
    rng: random.Random,
    conversation_id: str,
) -> tuple[ConversationState, Outcome]:
    """The form of `intent` open again without `parameter`'s value, which it asks for first."""
    slots = {name: value for name, value in pending.slots.items() if name != parameter}
    gaps = [parameter, *(name for name in missing(intent, slots) if name != parameter)]
    param = intent.parameter(parameter)
    assert param is not None, "_refusal names a parameter of the intent"
    variables = template_variables(slots, pending.context, conversation_id=conversation_id, bot=bot.name)
    asked = prompt_for(param, variables, rng)
    state = msgspec.structs.replace(
        state, active_intent=intent.id, slots=slots, missing=gaps, prompted=parameter
    )
    outcome = msgspec.structs.replace(
        done,
        messages=done.messages + asked.messages,
        slots=slots,
        missing_slots=gaps,
        problems=done.problems + asked.problems,
    )
    return state, outcome


def _refusal(answer: object, intent: IntentDef | None) -> tuple[str | None, str] | None:
    """(parameter or None, message) of a webhook's refusal; None when `answer` is none."""
    if intent is None or not isinstance(answer, dict):
        return None
    fields: dict[str, object] = answer  # pyright: ignore[reportUnknownVariableType]
    parameter, message = fields.get("parameter"), fields.get("message", "")
    if not isinstance(message, str) or (parameter is None and is_blank(message)):
        return None
    if parameter is None:
        return None, message.strip()[:MAX_TEXT_CHARS]
    param = intent.parameter(parameter) if isinstance(parameter, str) else None
    if param is None or not param.required:
        return None
    return param.name, message.strip()[:MAX_TEXT_CHARS]


def welcome(
    bot: BotDefinition,
    context: dict[str, Any],
    *,
    rng: random.Random | None = None,
    conversation_id: str = "",
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
        return Outcome(messages=[], intent=score, action=action, intent_source="trigger")
    variables = template_variables({}, context, conversation_id=conversation_id, bot=bot.name)
    rendered = say(intent.replies, variables, rng or random.Random(), intent.buttons)
    return Outcome(
        messages=rendered.messages, intent=score, problems=rendered.problems, intent_source="trigger"
    )
