"""A bot's model history, shared by the NLU service (which keeps the registry) and the gateway's admin API."""

from __future__ import annotations

from datetime import datetime

import msgspec

from parley_messages.events import ModelPublished


class ModelSummary(msgspec.Struct, frozen=True, kw_only=True):
    """One registered model of a bot. A bot is served by its published model requested last."""

    bot: str
    version: str
    status: str
    """`published`, or `retired`: its bot was deleted, and it is never served again."""
    served: bool
    """Whether the bot is served by this model now (every replica within seconds)."""
    created_at: datetime
    """When the model was trained (for a re-published one, when the model it re-publishes was)."""
    requested_at: datetime | None = None
    """When its training was requested, or it was re-published; None in models registered before
    this was recorded."""
    job_id: str | None = None
    """The training job that made it (for a re-published one, the original's)."""
    metrics: dict[str, float] = {}
    """The held-out figures of its training (`quality`, `accuracy`, ...)."""
    intents: int | None = None
    """How many intents it tells apart; None in models registered before they were recorded."""
    intent_names: list[str] = []
    """The intents it tells apart, sorted."""
    republished_from: str | None = None
    """The version this record serves again (the model first trained), if it is a re-publication."""


class ModelPublication(msgspec.Struct, frozen=True, kw_only=True):
    """What publishing an earlier model again answered: the model now served, and the event to send.

    The NLU builds the event as the trainer does; its caller sends it (the serving NLU has no queue).
    """

    model: ModelSummary
    event: ModelPublished
