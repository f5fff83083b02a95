"""Events and commands carried by queues."""

from __future__ import annotations

from typing import Any

import msgspec

from parley_messages.base import Command, Event


class TurnCompleted(Event, frozen=True, kw_only=True, tag="conversation.turn_completed"):
    """A user turn was answered, or (`welcome`) a new conversation was greeted. Logged as a
    transcript turn and counted by analytics."""

    bot: str
    conversation_id: str
    channel: str
    user_text: str
    replies: list[str]
    intent: str | None = None
    confidence: float | None = None
    entities: list[dict[str, Any]] = []
    slots: dict[str, Any] = {}
    complete: bool = True
    """The turn ended its intent: answered, with its webhook run (false while a form asks, or
    when the intent's webhook failed and its values wait for a retry)."""
    fallback: bool = False
    latency_ms: float = 0.0
    user_id: str | None = None
    welcome: bool = False
    """The bot's welcome of a new conversation, said before the user said anything (`user_text` is
    empty): a turn of its transcript, and the conversation for analytics, but no user turn."""
    intent_source: str = "nlu"
    """Who chose `intent`, as `ChatReply.intent_source` says; analytics' mean confidence counts
    only the turns whose intent the NLU read (`nlu`)."""


class BotDeleted(Event, frozen=True, kw_only=True, tag="dialogue.bot_deleted"):
    """`bot` was deleted. The logger and analytics drop what they hold of it up to `occurred_at`,
    and ignore its events of that time or earlier that arrive later: a bot created again under the
    name starts without its predecessor's transcripts and statistics. The trainer deletes its
    retired models' artifacts and its training snapshots from blob storage."""

    bot: str


class TrainModel(Command, frozen=True, kw_only=True, tag="nlu.train_model"):
    """Train a model for `bot` from the dataset snapshot stored at `dataset_key`."""

    bot: str
    job_id: str
    dataset_key: str
    force: bool = False


class ModelPublished(Event, frozen=True, kw_only=True, tag="nlu.model_published"):
    """A new model version of `bot` is in the registry and serving replicas should load it."""

    bot: str
    version: str
    artifact_key: str
    job_id: str | None = None
    metrics: dict[str, float] = msgspec.field(default_factory=dict)  # pyright: ignore[reportUnknownVariableType]


class SendWebhook(Command, frozen=True, kw_only=True, tag="dialogue.send_webhook"):
    """Deliver a bot's asynchronous (`mode: notify`) webhook, rendered when its intent completed.

    Nobody waits for the answer: the notification worker retries transient failures and
    dead-letters permanent ones. `message_id` is sent as the `Idempotency-Key` header.
    """

    bot: str
    intent: str
    conversation_id: str
    method: str
    url: str
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    form: dict[str, str] = {}
    body: str | None = None
    timeout: float = 5.0
