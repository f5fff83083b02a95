"""The in-process Mongo emulation, with equality lookups through the indexes its users create.

`mongomock` answers every query by testing every document of the collection, so a store whose
writes query by key (a turn recount, an `_id` upsert) slows down with the square of its size:
embedded mode with ten thousand turns spent most of each turn scanning. Here a collection keeps a
hash map per prefix of each index created on it (and uses `_id` directly), and narrows a query
with string equalities on such a prefix to its candidates before mongomock tests them.

The maps only ever narrow. A query of nothing but string equalities on an index prefix (or an
`_id`) matches exactly the documents filed under those strings; any other candidate is tested, by
mongomock's own matcher or, for plain string (in)equalities, directly (`mongo_documents`).
Documents whose indexed values are not plain strings (arrays, numbers, missing) are always
candidates, and an update that may rewrite an indexed field in place rebuilds its collection's maps.
"""

# pyright: reportMissingTypeStubs=false, reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false, reportUnknownParameterType=false, reportMissingParameterType=false
# pyright: reportPrivateUsage=false

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from bson import ObjectId
from mongomock import helpers
from mongomock.collection import Collection
from mongomock.filtering import filter_applies
from mongomock.store import CollectionStore, DatabaseStore, ServerStore

from parley_runtime.mongo_documents import install_document_speedups, satisfies, string_conditions

TTL_SWEEP_SECONDS = 60.0
"""How often expired documents are removed; MongoDB's TTL monitor also runs every 60 seconds."""

Fields = tuple[str, ...]
Key = tuple[str, ...]


class IndexedCollectionStore(CollectionStore):
    """A mongomock collection store that keeps hash maps for the prefixes of its indexes."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._next_ttl_sweep = 0.0
        self._maps: dict[Fields, dict[Key, set[Any]]] = {}
        self._loose: dict[Fields, set[Any]] = {}
        self._keys: dict[Any, dict[Fields, Key | None]] = {}

    def create_index(self, index_name: str, index_dict: dict[str, Any]) -> None:
        super().create_index(index_name, index_dict)
        fields = tuple(str(field) for field, _ in index_dict["key"])
        new = [fields[:n] for n in range(1, len(fields) + 1) if fields[:n] not in self._maps]
        if new:
            for prefix in new:
                self._maps[prefix], self._loose[prefix] = {}, set()
            self.reindex()

    def _remove_expired_documents(self) -> None:
        """Expire TTL-indexed documents at most once per `TTL_SWEEP_SECONDS`, as MongoDB's TTL
        monitor does (every 60 s), instead of scanning the collection on every query."""
        now = time.monotonic()
        if now >= self._next_ttl_sweep:
            self._next_ttl_sweep = now + TTL_SWEEP_SECONDS
            super()._remove_expired_documents()

    def __setitem__(self, key: Any, val: Any) -> None:
        super().__setitem__(key, val)
        self._unmap(key)
        self._map(key, val)

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self._unmap(key)

    def drop(self) -> None:
        super().drop()
        self._maps, self._loose, self._keys = {}, {}, {}

    def reindex(self, keys: Iterable[Any] | None = None) -> None:
        """Rebuild the maps of `keys` (every document when None) after they may have changed in place."""
        if keys is None:
            for prefix in self._maps:
                self._maps[prefix], self._loose[prefix] = {}, set()
            self._keys = {}
        for key in list(self._documents) if keys is None else keys:
            self._unmap(key)
            if key in self._documents:
                self._map(key, self._documents[key])

    def indexed_fields(self) -> set[str]:
        return {field for prefix in self._maps for field in prefix}

    def lookup(self, query: Mapping[str, Any]) -> tuple[list[Any], list[Any]] | None:
        """(documents that match `query`, documents that may match it), or None when no index
        narrows it. A document matches for certain when the query is nothing but string equalities
        on an index prefix (or `_id`) and the document is filed under those very strings."""
        self._remove_expired_documents()
        identity = query.get("_id")
        if isinstance(identity, str | ObjectId):
            found = self._documents.get(identity)
            documents = [] if found is None else [found]
            return (documents, []) if len(query) == 1 else ([], documents)
        prefix = self._best_prefix(query)
        if prefix is None:
            return None
        filed = self._maps[prefix].get(tuple(query[field] for field in prefix), set())
        loose = [self._documents[i] for i in self._loose[prefix] if i in self._documents]
        matching = [self._documents[i] for i in filed if i in self._documents]
        return (matching, loose) if len(query) == len(prefix) else ([], matching + loose)

    def _best_prefix(self, query: Mapping[str, Any]) -> Fields | None:
        usable = [p for p in self._maps if all(isinstance(query.get(field), str) for field in p)]
        return max(usable, key=len, default=None)

    def _map(self, key: Any, document: Any) -> None:
        keys: dict[Fields, Key | None] = {}
        for prefix, entries in self._maps.items():
            values = [_value(document, field) for field in prefix]
            if all(isinstance(value, str) for value in values):
                index_key: Key = tuple(values)
                entries.setdefault(index_key, set()).add(key)
                keys[prefix] = index_key
            else:
                self._loose[prefix].add(key)
                keys[prefix] = None
        self._keys[key] = keys

    def _unmap(self, key: Any) -> None:
        for prefix, index_key in self._keys.pop(key, {}).items():
            if index_key is None:
                self._loose[prefix].discard(key)
                continue
            entries = self._maps[prefix].get(index_key)
            if entries is not None:
                entries.discard(key)
                if not entries:
                    del self._maps[prefix][index_key]


class IndexedDatabaseStore(DatabaseStore):
    def __getitem__(self, col_name: str) -> CollectionStore:
        if col_name not in self._collections:
            self._collections[col_name] = IndexedCollectionStore(col_name)
        return self._collections[col_name]


class IndexedServerStore(ServerStore):
    """The store to give `mongomock.MongoClient(_store=...)`: every collection keeps index maps."""

    def __getitem__(self, db_name: str) -> DatabaseStore:
        if db_name not in self._databases:
            self._databases[db_name] = IndexedDatabaseStore()
        return self._databases[db_name]


def _value(document: Any, field: str) -> Any:
    try:
        return helpers.get_value_by_dot(document, field)
    except (KeyError, IndexError, TypeError):
        return None


def _storage_key(identity: Any) -> Any:
    """The key mongomock files a document under (a dict `_id` is made hashable)."""
    return helpers.hashdict(identity) if isinstance(identity, dict) else identity


def _touched_paths(update: Any) -> Iterator[str] | None:
    """Paths an update document may write in place; None for a replacement or a pipeline."""
    if not isinstance(update, Mapping) or not all(str(op).startswith("$") for op in update):
        return None
    paths: list[str] = []
    for operator, fields in update.items():
        if operator == "$setOnInsert" or not isinstance(fields, Mapping):
            continue
        paths.extend(str(path) for path in fields)
        if operator == "$rename":
            paths.extend(str(path) for path in fields.values())
    return iter(paths)


def _overlaps(paths: Iterable[str], fields: set[str]) -> bool:
    return any(
        path == field or path.startswith(field + ".") or field.startswith(path + ".")
        for path in paths
        for field in fields
    )


@functools.cache
def install_index_lookups() -> None:
    """Teach mongomock's `Collection` to use `IndexedCollectionStore` maps (once per process),
    and to copy and normalise documents faster (`mongo_documents`).

    Collections on other stores find documents exactly as before.
    """
    iterate: Callable[..., Any] = Collection._iter_documents
    update: Callable[..., Any] = Collection._update

    def _iter_documents(self: Any, filter: Any) -> Any:
        store = self._store
        found = store.lookup(filter) if isinstance(store, IndexedCollectionStore) and filter else None
        if found is None:
            return iterate(self, filter)
        matching, maybe = found
        conditions = string_conditions(filter)
        if conditions is None:
            tested = (document for document in maybe if filter_applies(filter, document))
        else:  # a bucket's "not counted yet" test scans its ids in C, not in mongomock's matcher
            tested = (document for document in maybe if satisfies(document, conditions))
        return itertools.chain(matching, tested)

    def _update(self: Any, spec: Any, document: Any, *args: Any, **kwargs: Any) -> Any:
        store = self._store
        if not isinstance(store, IndexedCollectionStore):
            return update(self, spec, document, *args, **kwargs)
        paths = _touched_paths(document)
        if paths is not None and not _overlaps(paths, store.indexed_fields()):
            return update(self, spec, document, *args, **kwargs)
        # The update may move indexed values in place: remap the documents it can reach.
        keys = [_storage_key(candidate["_id"]) for candidate in self._iter_documents(spec)]
        try:
            return update(self, spec, document, *args, **kwargs)
        finally:
            store.reindex(keys)

    Collection._iter_documents = _iter_documents
    Collection._update = _update
    install_document_speedups()
