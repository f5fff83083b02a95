"""A bot's model history: its registry records as the admin API lists them, and the rules of
publishing an earlier model again (a rollback).

A model is published again as a new record of the same immutable artifact, requested now: the
registry serves a bot's published model requested last, so the rollback is served at once, and a
training job requested before it that finishes after it is refused as superseded instead of
undoing it. The record keeps the original's metrics and intents, so the next training is held to
the scores of the model served (decision 64).
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from parley_messages import ID_RULE, ModelSummary, is_id, new_id
from parley_nlu.ports import ModelRecord, ModelRegistry
from parley_runtime.errors import InvalidInputError

MAX_PAGE = 200
"""Most models one listing answers."""


def check_version(version: str, *, field: str = "version") -> str:
    """`version` if it can name a model (the id rule, as every version follows), else `InvalidInputError`."""
    if not is_id(version):
        raise InvalidInputError(
            f"invalid model version {version[:80]!r}: use {ID_RULE}", details={"field": field}
        )
    return version


def retired(record: ModelRecord, retired_at: datetime | None) -> bool:
    """Whether `record` is never served again: its bot was deleted after it was requested (it may
    have been registered as the bot was being deleted, and not be marked yet)."""
    if record.status == "retired":
        return True
    return retired_at is not None and (record.requested_at is None or record.requested_at <= retired_at)


def summary(record: ModelRecord, *, served: ModelRecord | None, retired_at: datetime | None) -> ModelSummary:
    """`record` as the admin API lists it; `served` is the bot's latest model."""
    return ModelSummary(
        bot=record.bot,
        version=record.version,
        status="retired" if retired(record, retired_at) else record.status,
        served=served is not None and served.version == record.version,
        created_at=record.created_at,
        requested_at=record.requested_at,
        job_id=record.job_id,
        metrics=record.metrics,
        intents=len(record.intents) if record.intents else None,
        intent_names=record.intents,
        republished_from=record.republished_from,
    )


async def page(
    registry: ModelRegistry, bot: str, *, limit: int, before_version: str | None = None
) -> list[ModelSummary]:
    """Up to `limit` of `bot`'s models, newest request first, after the model `before_version`."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInputError(f"limit must be from 1 to {MAX_PAGE}", details={"field": "limit"})
    after = None
    if before_version is not None:
        after = await registry.get(bot, check_version(before_version, field="before_version"))
        if after is None:
            message = f"bot {bot!r} has no model {before_version!r} to list the models before"
            raise InvalidInputError(message, details={"field": "before_version"})
    records = await registry.history(bot, limit=limit, after=after)
    served, retired_at = await registry.latest(bot), await registry.retired_at(bot)
    return [summary(record, served=served, retired_at=retired_at) for record in records]


def refusal(record: ModelRecord, retired_at: datetime | None) -> str | None:
    """Why `record` may not be published again, or None."""
    if retired(record, retired_at):
        return (
            f"model {record.version} was retired when bot {record.bot!r} was deleted, and is never "
            "served again; train the bot instead"
        )
    if record.status != "published":
        return f"model {record.version} of bot {record.bot!r} is {record.status}: it was never published"
    return None


def republication(record: ModelRecord, *, requested_at: datetime) -> ModelRecord:
    """A new record serving `record`'s artifact again, requested at `requested_at`; it names the
    model first trained, should `record` itself be a re-publication."""
    return msgspec.structs.replace(
        record,
        version=new_id()[:16],  # as long as a trained model's (`handlers.version_for`)
        status="published",
        requested_at=requested_at,
        republished_from=record.republished_from or record.version,
    )


def described(record: ModelRecord) -> str:
    """`record`'s version for a person: a re-publication says which model it serves again."""
    if record.republished_from is None:
        return record.version
    return f"{record.version} (model {record.republished_from} published again)"
