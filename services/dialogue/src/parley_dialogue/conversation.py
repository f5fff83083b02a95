"""What a conversation remembers between turns, and what one turn answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from parley_dialogue.definition import BotDefinition
from parley_messages import EntityValue, IntentScore, OutMessage, utc_now


class PendingAction(msgspec.Struct, frozen=True, kw_only=True):
    """A completed intent whose webhook must be called before its replies can be rendered."""

    intent: str
    slots: dict[str, Any]
    context: dict[str, Any]
    key: str = ""
    """Sent as the webhook's `Idempotency-Key`: kept when the same values are tried again after a
    failure (`completion.keyed`), so a receiver that did the work of a call that timed out can tell
    the retry from a new request. Empty until the service gives it one."""


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
    failed_action: PendingAction | None = None
    """A completed intent whose webhook failed, with its values: asking again ("try again") or
    naming the intent again runs it with them, corrected by what that reply says."""


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
    intent_source: str = "nlu"
    """Who chose `intent`: `nlu`, `form` (an answer to the open form's prompt, or a retry: the
    confidence is the NLU's for that intent, which it did not choose) or `trigger` (`/intent`)."""
    action_failed: bool = False
    """The action's webhook failed: its values are kept (`kept_for_retry`), the intent is not done."""


def new_state(
    bot: BotDefinition, conversation_id: str, version: int, context: dict[str, Any]
) -> ConversationState:
    return ConversationState(
        conversation_id=conversation_id, bot=bot.name, bot_version=version, context=context
    )
