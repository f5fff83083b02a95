"""What the dialogue service hands the NLU trainer: a bot's examples, entities and thresholds."""

from __future__ import annotations

import msgspec

BUILTIN_ENTITIES = ("number", "ordinal", "duration", "date", "time")
"""Entities the NLU finds in every bot without being declared (a bot that declares one of these
names replaces it). Parameters may take them: `{name: guests, entity: number}`."""


class Span(msgspec.Struct, frozen=True, kw_only=True):
    """An annotated entity in an example: characters `start`..`end` of the text."""

    entity: str
    start: int
    end: int
    value: str | None = None


class Example(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    spans: list[Span] = []


class IntentExamples(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    examples: list[Example]


class EntityValueDef(msgspec.Struct, frozen=True, kw_only=True):
    # Bot authors write these too, but datasets and model artifacts carry them, so unknown fields
    # are accepted (an older NLU reads a newer writer's); the dialogue refuses an author's misspelt one.
    value: str
    synonyms: list[str] = []


class EntityDef(msgspec.Struct, frozen=True, kw_only=True):
    """A dictionary entity (values with synonyms) and/or a regex entity (`pattern`)."""

    name: str
    values: list[EntityValueDef] = []
    pattern: str | None = None


class NluDataset(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the trainer needs, snapshotted to blob storage for each training job."""

    bot: str
    intents: list[IntentExamples]
    entities: list[EntityDef] = []
    fallback_threshold: float = 0.5
