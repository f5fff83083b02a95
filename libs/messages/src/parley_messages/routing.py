"""Which queues receive which message (SQS has no fan-out: the publisher sends to each)."""

from __future__ import annotations

from typing import Final

import msgspec

from parley_messages.base import Message
from parley_messages.events import BotDeleted, ModelPublished, SendWebhook, TrainModel, TurnCompleted

LOGGER_QUEUE: Final = "parley-logger"
ANALYTICS_QUEUE: Final = "parley-analytics"
TRAINING_QUEUE: Final = "parley-training"
NOTIFICATIONS_QUEUE: Final = "parley-notifications"

ROUTES: Final[dict[type[Message], tuple[str, ...]]] = {
    TurnCompleted: (LOGGER_QUEUE, ANALYTICS_QUEUE),
    TrainModel: (TRAINING_QUEUE,),
    ModelPublished: (ANALYTICS_QUEUE,),
    SendWebhook: (NOTIFICATIONS_QUEUE,),
    BotDeleted: (LOGGER_QUEUE, ANALYTICS_QUEUE, TRAINING_QUEUE),
}

QUEUES: Final[tuple[str, ...]] = tuple(sorted({q for qs in ROUTES.values() for q in qs}))
"""Every queue of the system; each has a dead-letter queue named `<queue>-dlq`."""

AnyMessage = TurnCompleted | TrainModel | ModelPublished | SendWebhook | BotDeleted

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(AnyMessage)


def queues_for(message: Message) -> tuple[str, ...]:
    """The queues a message is published to; a type without a route is a programming error."""
    try:
        return ROUTES[type(message)]
    except KeyError:
        raise LookupError(f"no route for {type(message).__name__}") from None


def dead_letter_queue(queue: str) -> str:
    return f"{queue}-dlq"


def encode(message: Message) -> bytes:
    return _encoder.encode(message)


def decode(data: bytes | str) -> AnyMessage:
    """Decode a queue body; raises `msgspec.DecodeError` or `msgspec.ValidationError`."""
    return _decoder.decode(data)
