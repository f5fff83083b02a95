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
from collections.abc import Callable, Iterable, Mapping
from operator import itemgetter
from typing import Any

from bson import ObjectId
from mongomock import helpers
from mongomock.collection import Collection
from mongomock.filtering import filter_applies
from mongomock.store import CollectionStore, DatabaseStore, ServerStore

from parley_runtime.mongo_documents import (
    PLAIN_DOCUMENTS,
    install_document_speedups,
    satisfies,
    string_conditions,
)
from parley_runtime.mongo_updates import apply_in_place, plan_update

TTL_SWEEP_SECONDS = 60.0
"""How often expired documents are removed; MongoDB's TTL monitor also runs every 60 seconds."""


Fields = tuple[str, ...]
Key = str | tuple[str, ...]
"""What a document is filed under: its string for a one-field prefix, else the tuple of them."""


class IndexedCollectionStore(CollectionStore):
    """A mongomock collection store that keeps hash maps for the prefixes of its indexes."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._next_ttl_sweep = 0.0
        self._maps: dict[Fields, dict[Key, set[Any]]] = {}
        self._loose: dict[Fields, set[Any]] = {}
        self._keys: dict[Any, dict[Fields, Key | None]] = {}
        self._prefixes: list[_Prefix] = []
        """The maps' prefixes, longest first (the first usable one narrows a query most)."""
        self._fields: tuple[str, ...] = ()
        self._roots: frozenset[str] = frozenset()

    def create_index(self, index_name: str, index_dict: dict[str, Any]) -> None:
        super().create_index(index_name, index_dict)
        fields = tuple(str(field) for field, _ in index_dict["key"])
        new = [fields[:n] for n in range(1, len(fields) + 1) if fields[:n] not in self._maps]
        if new:
            for prefix in new:
                self._maps[prefix], self._loose[prefix] = {}, set()
            self._prefixes = sorted(map(_Prefix, self._maps), key=lambda p: -len(p.fields))
            self._fields = tuple(dict.fromkeys(field for prefix in self._maps for field in prefix))
            self._roots = frozenset(field.partition(".")[0] for field in self._fields)
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
        self._prefixes, self._fields, self._roots = [], (), frozenset()

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

    def may_move(self, roots: set[str]) -> bool:
        """Whether writing under the top-level fields `roots` may change an indexed value."""
        return not self._roots.isdisjoint(roots)

    def update_in_place(self, query: Any, update: Any) -> bool | None:
        """Apply `update` to the document `query` names by its string `_id`, as mongomock would;
        whether it changed, or None (nothing done) when mongomock must (`mongo_updates`)."""
        identity = query.get("_id") if type(query) is dict else None
        planned = plan_update(update) if type(identity) is str else None
        if planned is None or any(index.get("unique") for index in self.indexes.values()):
            return None
        conditions = string_conditions(query)
        self._remove_expired_documents()
        document = self._documents.get(identity)
        if conditions is None or document is None or not satisfies(document, conditions):
            return None  # no match: mongomock upserts, or answers that nothing matched
        steps, roots = planned
        changed = apply_in_place(document, steps)
        if changed and self.may_move(roots):
            self.reindex([identity])
        return changed

    def reachable(self, query: Mapping[str, Any]) -> list[Any] | None:
        """The keys of every document `query` may match, or None when no index narrows it."""
        found = self.lookup(query) if query else None
        if found is None:
            return None
        return [_storage_key(document["_id"]) for part in found for document in part]

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
        strings = {field: value for field, value in query.items() if isinstance(value, str)}
        prefix = next((p for p in self._prefixes if strings.keys() >= p.field_set), None)
        if prefix is None:
            return None
        filed = self._maps[prefix.fields].get(prefix.key(strings), set())
        loose = [self._documents[i] for i in self._loose[prefix.fields] if i in self._documents]
        matching = [self._documents[i] for i in filed if i in self._documents]
        return (matching, loose) if len(query) == len(prefix.fields) else ([], matching + loose)

    def _map(self, key: Any, document: Any) -> None:
        values = ((field, _value(document, field)) for field in self._fields)
        strings = {field: value for field, value in values if isinstance(value, str)}
        keys: dict[Fields, Key | None] = {}
        for prefix in self._prefixes:
            if strings.keys() >= prefix.field_set:
                index_key = prefix.key(strings)
                self._maps[prefix.fields].setdefault(index_key, set()).add(key)
                keys[prefix.fields] = index_key
            else:
                self._loose[prefix.fields].add(key)
                keys[prefix.fields] = None
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


class _Prefix:
    """A prefix of an index's fields, and how to read its key from a mapping of field to string."""

    def __init__(self, fields: Fields) -> None:
        self.fields = fields
        self.field_set = frozenset(fields)
        self.key: Callable[[Mapping[str, str]], Key] = itemgetter(*fields)


def _value(document: Any, field: str) -> Any:
    if type(document) in PLAIN_DOCUMENTS and "." not in field:
        return document.get(field)
    try:
        return helpers.get_value_by_dot(document, field)
    except (KeyError, IndexError, TypeError):
        return None


def _storage_key(identity: Any) -> Any:
    """The key mongomock files a document under (a dict `_id` is made hashable)."""
    return helpers.hashdict(identity) if isinstance(identity, dict) else identity


def _touched_roots(update: Any) -> set[str] | None:
    """Top-level fields an update document may write in place; None for a replacement or a pipeline."""
    if not isinstance(update, Mapping):
        return None
    roots: set[str] = set()
    for operator, fields in update.items():
        if not str(operator).startswith("$"):
            return None
        if operator == "$setOnInsert" or not isinstance(fields, Mapping):
            continue
        for path in [*fields, *fields.values()] if operator == "$rename" else fields:
            roots.add(str(path).partition(".")[0])
    return roots


@functools.cache
def install_index_lookups() -> None:
    """Teach mongomock's `Collection` to use `IndexedCollectionStore` maps (once per process),
    to apply plain updates of one document in place (`mongo_updates`), and to copy and normalise
    documents faster (`mongo_documents`).

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
        # update_one and find_one_and_update pass `upsert` alone (the latter positionally)
        only_upsert = len(args) <= 1 and not any(value for key, value in kwargs.items() if key != "upsert")
        changed = store.update_in_place(spec, document) if only_upsert else None
        if changed is not None:
            return {
                "connectionId": self.database.client._id,
                "err": None,
                "n": 1,
                "nModified": int(changed),
                "ok": 1,
                "upserted": None,
                "updatedExisting": True,
            }
        roots = _touched_roots(document)
        if roots is not None and not store.may_move(roots):
            return update(self, spec, document, *args, **kwargs)
        # The update may move indexed values in place: remap the documents it can reach.
        keys = store.reachable(spec)
        if keys is None:
            keys = [_storage_key(candidate["_id"]) for candidate in self._iter_documents(spec)]
        try:
            return update(self, spec, document, *args, **kwargs)
        finally:
            store.reindex(keys)

    Collection._iter_documents = _iter_documents
    Collection._update = _update
    install_document_speedups()
