"""What follows a completed intent's webhook, and the greeting, which no user turn asks for.

The engine names the webhook to call (`Outcome.action`); the service calls it and hands the
answer to `finish`, which renders the replies, or the failure, after which `kept_for_retry` keeps
the values. No I/O here.
"""

from __future__ import annotations

import random
from typing import Any

import msgspec

from parley_dialogue import notices
from parley_dialogue.conversation import ConversationState, Outcome, PendingAction
from parley_dialogue.definition import BotDefinition
from parley_dialogue.replies import say, template_variables
from parley_messages import IntentScore


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
        rendered = notices.action_failed(bot, pending.slots, pending.context, rng)
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
