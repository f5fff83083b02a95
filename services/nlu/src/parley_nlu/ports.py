"""What the NLU service and trainer need from the outside world. Adapters live in `stores.py`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Literal, Protocol

import msgspec

from parley_messages import utc_now

JobFailure = Literal["failed", "rejected"]


class ModelRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One entry of the model registry (Mongo collection `models`)."""

    bot: str
    version: str
    artifact_key: str
    metrics: dict[str, float] = {}
    status: str = "published"
    created_at: datetime = msgspec.field(default_factory=utc_now)
    """When the model was trained."""
    requested_at: datetime | None = None
    """When its training job was requested (the `TrainModel`'s `occurred_at`): the most recently
    requested published model is the bot's. None in models registered before it was recorded."""
    job_id: str | None = None
    intents: list[str] = []
    """The intents it tells apart, sorted; empty in models registered before they were recorded.
    Held-out scores of two models compare only when these are the same (see `handlers.worse_than`)."""
    republished_from: str | None = None
    """The version whose artifact this record serves again (`history.republication`); None for a
    model its training job registered. A re-publication keeps the original's metrics and intents."""


class JobAttempt(msgspec.Struct, frozen=True, kw_only=True):
    """One run of a training job, as `TrainingJobs.start` counts them."""

    number: int
    """1 on the job's first run, and on the first after it had `failed` (its dead letter replayed)."""
    previous_vanished: bool = False
    """The previous run ended without a word: its trainer died (killed, out of memory) during it."""


class ModelChange(msgspec.Struct, frozen=True, kw_only=True):
    """A notification that `bot`'s model changed; the JSON payload on the `parley:models` channel."""

    bot: str
    version: str | None
    """The new model's version; None when the bot's models were retired (the bot was deleted)."""


class ModelRegistry(Protocol):
    async def latest(self, bot: str) -> ModelRecord | None:
        """The published, unretired model of `bot` whose training was requested last, or None.

        Models without `requested_at` (older ones) come after those with it, newest trained first.
        """
        ...

    async def get(self, bot: str, version: str) -> ModelRecord | None:
        """The registered model `version` of `bot`, or None."""
        ...

    async def history(self, bot: str, *, limit: int, after: ModelRecord | None = None) -> list[ModelRecord]:
        """Up to `limit` models of `bot`, retired ones too, in `latest`'s order (the first of a
        published bot's is its latest), from the one that comes after `after`, if given."""
        ...

    async def add(self, record: ModelRecord) -> ModelRecord:
        """Register a model whose artifact is already stored; the record as registered.

        Adding a version again changes nothing and answers the record registered first.
        """
        ...

    async def retire(self, bot: str) -> None:
        """Stop serving every model of `bot` whose training was requested until now (it was deleted).

        A model of a training job requested later (the bot created again) is served as usual.
        """
        ...

    async def retired_at(self, bot: str) -> datetime | None:
        """When `bot`'s models were last retired, or None."""
        ...


class ModelChannel(Protocol):
    async def announce(self, change: ModelChange) -> None:
        """Tell every serving replica that a bot has a new model."""
        ...

    def changes(self, stop: asyncio.Event) -> AsyncIterator[ModelChange]:
        """Announcements as they arrive, until `stop` is set."""
        ...


class TrainingJobs(Protocol):
    async def status(self, job_id: str) -> str | None:
        """The job's status (`queued`, `running`, `succeeded`, `failed`, `rejected`), None if unknown."""
        ...

    async def start(self, job_id: str, bot: str) -> JobAttempt:
        """Mark the job running for one more attempt (creating its document if the gateway has not)."""
        ...

    async def attempt_failed(self, job_id: str, *, error: str) -> None:
        """Record why an attempt failed; the job stays `running`, to be tried again."""
        ...

    async def succeed(self, job_id: str, *, model_version: str, metrics: dict[str, Any]) -> None: ...

    async def requested_through(self, bot: str, job_ids: list[str], through: datetime) -> set[str]:
        """Those of `job_ids` that are training jobs of `bot` requested at `through` or earlier."""
        ...

    async def fail(
        self, job_id: str, *, status: JobFailure, error: str, metrics: dict[str, Any] | None = None
    ) -> None:
        """Mark the job finished unsuccessfully, with why; `metrics` of a model refused for them."""
        ...
