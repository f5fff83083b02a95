"""Parley's wire contracts. Depends on msgspec only."""

from parley_messages.base import Command, Event, Message, new_id, utc_now
from parley_messages.bots import BotSummary, WelcomeRequest
from parley_messages.events import ModelPublished, TrainModel, TurnCompleted
from parley_messages.routing import (
    ANALYTICS_QUEUE,
    LOGGER_QUEUE,
    QUEUES,
    ROUTES,
    TRAINING_QUEUE,
    AnyMessage,
    dead_letter_queue,
    decode,
    encode,
    queues_for,
)
from parley_messages.training import EntityDef, EntityValueDef, Example, IntentExamples, NluDataset, Span
from parley_messages.turn import (
    MAX_TEXT_CHARS,
    Button,
    ChatReply,
    ChatRequest,
    EntityValue,
    IntentScore,
    OutMessage,
    ParseRequest,
    ParseResult,
)

__all__ = [
    "ANALYTICS_QUEUE",
    "LOGGER_QUEUE",
    "MAX_TEXT_CHARS",
    "QUEUES",
    "ROUTES",
    "TRAINING_QUEUE",
    "AnyMessage",
    "BotSummary",
    "Button",
    "ChatReply",
    "ChatRequest",
    "Command",
    "EntityDef",
    "EntityValue",
    "EntityValueDef",
    "Event",
    "Example",
    "IntentExamples",
    "IntentScore",
    "Message",
    "ModelPublished",
    "NluDataset",
    "OutMessage",
    "ParseRequest",
    "ParseResult",
    "Span",
    "TrainModel",
    "TurnCompleted",
    "WelcomeRequest",
    "dead_letter_queue",
    "decode",
    "encode",
    "new_id",
    "queues_for",
    "utc_now",
]
