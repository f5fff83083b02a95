"""API keys in MongoDB: collection `api_keys`, `{_id: key_id, digest, name, scopes, ...}`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from parley_gateway.keys import ApiKey
from parley_messages import utc_now
from parley_runtime.errors import NotFoundError
from parley_runtime.mongo import translate_errors

_PUBLIC = {"digest": 0}


class MongoKeyStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._keys = db["api_keys"]

    async def ensure_indexes(self) -> None:
        """Keys are found by digest (unique) and listed newest first."""
        async with translate_errors():
            await self._keys.create_index("digest", unique=True, name="digest")
            await self._keys.create_index([("created_at", DESCENDING)], name="created_at")

    async def add(self, key: ApiKey, digest: str) -> None:
        document = msgspec.to_builtins(key, builtin_types=(datetime,))
        async with translate_errors():
            await self._keys.insert_one({"_id": document.pop("key_id"), "digest": digest, **document})

    async def find(self, digest: str) -> ApiKey | None:
        async with translate_errors():
            doc = await self._keys.find_one({"digest": digest}, _PUBLIC)
        return None if doc is None else _key(doc)

    async def all(self) -> list[ApiKey]:
        async with translate_errors():
            docs = await self._keys.find({}, _PUBLIC).sort("created_at", DESCENDING).to_list(None)
        return [_key(doc) for doc in docs]

    async def revoke(self, key_id: str) -> ApiKey:
        async with translate_errors():
            await self._keys.update_one(
                {"_id": key_id, "revoked_at": None}, {"$set": {"revoked_at": utc_now()}}
            )
            doc = await self._keys.find_one({"_id": key_id}, _PUBLIC)
        if doc is None:
            raise NotFoundError(f"no API key {key_id!r}")
        return _key(doc)


def _key(doc: dict[str, Any]) -> ApiKey:
    doc["key_id"] = doc.pop("_id")
    return msgspec.convert(doc, ApiKey, strict=False)
