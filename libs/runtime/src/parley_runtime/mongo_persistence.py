"""Embedded mode's Mongo emulation kept on disk: restored at start, saved every few seconds and at close.

The emulation's collections note which documents each write touched (an insert, a delete, or the
documents an update's filter can reach), and keep every document's BSON encoding. A save encodes
only the documents touched since the last one — on the event loop, between two operations, so the
image is one consistent moment — and writes the file in a thread (`SnapshotFile`: temp file,
fsync, `os.replace`). Requests never wait for the disk; a crash loses at most the last interval's
writes, and a clean stop (`aclose`) saves everything.

A whole-file snapshot rather than a journal: one format to read, nothing to replay or compact,
and the file is replaced only by a complete, checksummed successor. Its cost is writing every
document again at each save while something changes, which a laptop's bots, keys and transcripts
afford; a deployment that outgrows it sets MONGODB_URL.
"""

# pyright: reportMissingTypeStubs=false, reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false, reportUnknownParameterType=false, reportMissingParameterType=false
# pyright: reportPrivateUsage=false, reportIncompatibleMethodOverride=false

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

import bson
import structlog
from bson.codec_options import CodecOptions
from bson.errors import BSONError
from mongomock.collection import Collection
from mongomock.store import CollectionStore, DatabaseStore
from pymongo.asynchronous.database import AsyncDatabase
from pymongo_async_mock import AsyncMongoMockClient

from parley_runtime.errors import TransientError
from parley_runtime.mongo_emulation import (
    IndexedCollectionStore,
    IndexedServerStore,
    _storage_key,
    install_index_lookups,
)
from parley_runtime.mongo_snapshot_file import CollectionImage, SnapshotFile

log = structlog.get_logger(__name__)

Document = dict[str, Any]
SNAPSHOT_PATH = Path("mongo", "snapshot.bson")
"""Where, under the data directory, the snapshot lives (outside every blob key prefix)."""
STORED = CodecOptions(tz_aware=False)
"""How the emulation stores documents: plain dicts, datetimes naive UTC (as mongomock keeps them)."""


class TrackedCollectionStore(IndexedCollectionStore):
    """An indexed collection that keeps each document's BSON and notes which documents changed."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._encoded: dict[Any, bytes] = {}
        self._touched: set[Any] = set()
        self._all_touched = False

    @property
    def changed(self) -> bool:
        return self._all_touched or bool(self._touched)

    def __setitem__(self, key: Any, val: Any) -> None:
        super().__setitem__(key, val)
        self._touched.add(key)

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self._touched.add(key)

    def drop(self) -> None:
        super().drop()
        self._all_touched = True

    def touch(self, keys: Iterable[Any] | None) -> None:
        """Note that the documents under `keys` (every document, when None) may have changed in place."""
        if keys is None:
            self._all_touched = True
        else:
            self._touched.update(keys)

    def restore(self, documents: Iterable[bytes]) -> None:
        """Load stored documents (BSON), keeping their encodings: nothing to save until they change."""
        for raw in documents:
            document = bson.decode(raw, STORED)
            key = _storage_key(document["_id"])
            IndexedCollectionStore.__setitem__(self, key, document)
            self._encoded[key] = raw

    def encoded(self) -> list[bytes]:
        """Every document's BSON, encoding those changed since the last call."""
        if self._all_touched:
            self._encoded = {}
            touched: Iterable[Any] = list(self._documents)
        else:
            touched = self._touched
        for key in touched:
            document = self._documents.get(key)
            if document is None:
                self._encoded.pop(key, None)
                continue
            try:
                self._encoded[key] = bson.encode(document)
            except (BSONError, OverflowError, TypeError) as exc:  # MongoDB itself would have refused it
                log.error("mongo.snapshot.unencodable", collection=self.name, id=repr(key), error=str(exc))
        self._touched, self._all_touched = set(), False
        return list(self._encoded.values())


class TrackedDatabaseStore(DatabaseStore):
    def __getitem__(self, col_name: str) -> CollectionStore:
        if col_name not in self._collections:
            self._collections[col_name] = TrackedCollectionStore(col_name)
        return self._collections[col_name]

    def rename(self, name: str, new_name: str) -> None:
        collection = self[name]
        super().rename(name, new_name)
        cast(TrackedCollectionStore, collection).touch(None)


class TrackedServerStore(IndexedServerStore):
    """The emulation's server store, whose collections can be saved and restored as BSON."""

    def __getitem__(self, db_name: str) -> DatabaseStore:
        if db_name not in self._databases:
            self._databases[db_name] = TrackedDatabaseStore()
        return self._databases[db_name]

    @property
    def changed(self) -> bool:
        return any(collection.changed for _, _, collection in self._collections())

    def restore(self, images: Iterable[CollectionImage]) -> int:
        """Load `images` into this (empty) store; the number of documents loaded."""
        count = 0
        for image in images:
            collection = cast(TrackedCollectionStore, self[image.database][image.collection])
            collection.restore(image.documents)
            count += len(image.documents)
        return count

    def images(self) -> list[CollectionImage]:
        """Every non-empty collection's documents as BSON (see `TrackedCollectionStore.encoded`)."""
        images = (
            CollectionImage(database, name, collection.encoded())
            for database, name, collection in self._collections()
        )
        return [image for image in images if image.documents]

    def _collections(self) -> list[tuple[str, str, TrackedCollectionStore]]:
        return [
            (database, name, collection)
            for database, store in self._databases.items()
            for name, collection in store._collections.items()
            if isinstance(collection, TrackedCollectionStore)
        ]


class MongoPersistence:
    """Saves `store` to `file` every `interval_seconds` when it changed, and at `aclose`."""

    def __init__(self, store: TrackedServerStore, file: SnapshotFile, *, interval_seconds: float) -> None:
        self.store = store
        self.file = file
        self._interval = interval_seconds
        self._save_lock = asyncio.Lock()
        self._unsaved = False
        self._task: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, data_dir: Path, *, interval_seconds: float) -> MongoPersistence:
        """Lock the snapshot under `data_dir`, load it into a new store, and start saving."""
        file = SnapshotFile(data_dir / SNAPSHOT_PATH)
        file.lock()
        try:
            store = TrackedServerStore()
            started = time.perf_counter()
            images = await asyncio.to_thread(file.read)
            try:
                count = store.restore(images or [])
            except (BSONError, KeyError, TypeError, ValueError) as exc:
                raise file._unreadable(f"a stored document cannot be loaded: {exc}") from exc
        except BaseException:
            file.unlock()
            raise
        elapsed_ms = round((time.perf_counter() - started) * 1e3, 1)
        log.info("mongo.snapshot.restored", path=str(file.path), documents=count, ms=elapsed_ms)
        persistence = cls(store, file, interval_seconds=interval_seconds)
        persistence._task = asyncio.create_task(persistence._save_periodically())
        return persistence

    async def save(self) -> bool:
        """Write the snapshot if anything changed since the last one; whether it wrote."""
        async with self._save_lock:
            if not (self._unsaved or self.store.changed):
                return False
            images = self.store.images()  # on the loop: no write can interleave
            self._unsaved = True  # until the file holds them
            started = time.perf_counter()
            size = await asyncio.to_thread(self.file.write, images)
            self._unsaved = False
        elapsed_ms = round((time.perf_counter() - started) * 1e3, 1)
        log.debug("mongo.snapshot.saved", path=str(self.file.path), bytes=size, ms=elapsed_ms)
        return True

    async def aclose(self) -> None:
        """Stop the periodic saves, save what is left, and release the file."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        try:
            await self.save()
        finally:
            self.file.unlock()

    async def _save_periodically(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.save()
            except TransientError as exc:  # a full disk, say: keep serving, and try again next time
                log.error("mongo.snapshot.failed", path=str(self.file.path), error=str(exc))


def connect_persistent_mongo(persistence: MongoPersistence, database: str) -> AsyncDatabase[Document]:
    """The database `database` of the Mongo emulation on `persistence`'s store."""
    install_change_tracking()
    emulation: Any = AsyncMongoMockClient(tz_aware=True, _store=persistence.store)
    return cast(AsyncDatabase[Document], emulation.get_database(database))


@functools.cache
def install_change_tracking() -> None:
    """Make mongomock's updates note the documents they may change in place (once per process).

    Inserts and deletes go through the collection store's `__setitem__`/`__delitem__`; updates
    change the stored dicts themselves, so the documents their filter reaches are noted first
    (every document, when no index or `_id` narrows the filter)."""
    install_index_lookups()
    update: Callable[..., Any] = Collection._update

    def _update(self: Any, spec: Any, document: Any, *args: Any, **kwargs: Any) -> Any:
        store = self._store
        if isinstance(store, TrackedCollectionStore):
            store.touch(store.reachable(spec) if spec else None)
        return update(self, spec, document, *args, **kwargs)

    Collection._update = _update
