"""The MongoDB client factory: PyMongo's `AsyncMongoClient`, or the in-process emulation when no URL is set.

Both return timezone-aware UTC datetimes. The emulation supports what Parley's stores use (and what
the contract test checks): insert_one, update_one with upsert and $set/$setOnInsert/$inc/$min/$max,
find with sort/limit, count_documents, unique indexes raising `DuplicateKeyError`. Queries by
`_id` or by string equality on an index prefix are lookups, not scans (`mongo_emulation`).
"""

# pyright: reportMissingTypeStubs=false

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import (
    ConnectionFailure,
    DuplicateKeyError,
    ExecutionTimeout,
    NetworkTimeout,
    PyMongoError,
    WriteConcernError,
)
from pymongo_async_mock import AsyncMongoMockClient

from parley_runtime.errors import PermanentError, TransientError
from parley_runtime.mongo_emulation import IndexedServerStore, install_index_lookups

if TYPE_CHECKING:  # infra imports this module to build `Infra`
    from parley_runtime.infra import InfraSettings

Document = dict[str, Any]


def stored_time(moment: datetime) -> datetime:
    """`moment` as MongoDB stores it and reads it back: UTC, to the millisecond (one without an
    offset is UTC). A time compared in this process with a stored one must be in this form to
    compare as the store would."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=aware.microsecond // 1000 * 1000)


def connect_mongo(settings: InfraSettings) -> AsyncDatabase[Document]:
    """The database `settings.mongodb_database`, on MongoDB when `settings.mongodb_url` is set.

    The client connects lazily; `ping` checks that the server answers.
    """
    if settings.mongodb_url:
        client: AsyncMongoClient[Document] = AsyncMongoClient(
            settings.mongodb_url, tz_aware=True, appname="parley", serverSelectionTimeoutMS=5_000
        )
        return client.get_database(settings.mongodb_database)
    install_index_lookups()
    emulation: Any = AsyncMongoMockClient(tz_aware=True, _store=IndexedServerStore())
    return cast(AsyncDatabase[Document], emulation.get_database(settings.mongodb_database))


async def ping(db: AsyncDatabase[Document]) -> None:
    """Raise `TransientError` unless the server answers (a readiness check)."""
    try:
        await db.command("ping")
    except ConnectionFailure as exc:
        raise TransientError(f"mongodb ping: {type(exc).__name__}") from exc
    except PyMongoError as exc:
        raise PermanentError(f"mongodb ping: {type(exc).__name__}: {exc}") from exc


async def close_mongo(db: AsyncDatabase[Document]) -> None:
    """Close the client behind `db` (the real client's `close` is a coroutine, the emulation's is not)."""
    closed = db.client.close()
    if inspect.isawaitable(closed):
        await closed


@asynccontextmanager
async def translate_errors() -> AsyncGenerator[None]:
    """Turn driver errors raised inside the block into `TransientError` / `PermanentError`.

    `DuplicateKeyError` passes through untouched: stores use it to detect redeliveries.
    """
    try:
        yield
    except DuplicateKeyError:
        raise
    except (ConnectionFailure, NetworkTimeout, ExecutionTimeout, WriteConcernError) as exc:
        raise TransientError(f"mongodb: {type(exc).__name__}") from exc
    except PyMongoError as exc:
        raise PermanentError(f"mongodb: {type(exc).__name__}: {exc}") from exc
