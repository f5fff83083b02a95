"""Bot definitions in MongoDB: collection `bots`, `{_id: name, version, definition, updated_at, ...}`.

Deleting a bot keeps its document as a tombstone (`deleted: true`, no definition) so that its
version keeps counting up when a bot of the same name is created again: replicas, which reload a
definition only when its version changes, would otherwise keep serving the old bot's version 1
as the new one's. The tombstone also keeps the deleted bot's last version (`retired_through`), which
a bot created again under the name inherits: conversation state saved under that version or before
is the deleted bot's (see `StoredBot.retired_through`).
"""

from __future__ import annotations

from typing import Any

import msgspec
from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from parley_dialogue.definition import BotDefinition, normalise, to_document
from parley_dialogue.ports import StoredBot
from parley_dialogue.preconditions import stale_save
from parley_messages import BotSummary, utc_now
from parley_runtime.errors import NotFoundError, PreconditionFailedError
from parley_runtime.mongo import translate_errors

_LIVE = {"deleted": {"$ne": True}}
_SUMMARY_FIELDS = {
    "version": 1,
    "updated_at": 1,
    "description": 1,
    "intents": 1,
    "entities": 1,
    "chat_access": 1,
}


class MongoBotStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._bots = db["bots"]

    async def ensure_indexes(self) -> None:
        """Lookups go by `_id`; the admin listing of recent changes by `updated_at`."""
        async with translate_errors():
            await self._bots.create_index([("updated_at", -1)], name="updated_at")

    async def save(
        self, definition: BotDefinition, *, expected_version: int | None = None, create_only: bool = False
    ) -> StoredBot:
        """Create or replace, or, conditionally, replace only `expected_version` of a live bot or
        create only where none lives: the condition is the update's filter, one atomic write."""
        bot, now = definition.name, utc_now()
        fields = {
            "definition": to_document(definition),
            "updated_at": now,
            "description": definition.description,
            "intents": len(definition.intents),
            "entities": len(definition.entities),
            "chat_access": definition.settings.chat_access,
        }
        update = {"$set": fields, "$inc": {"version": 1}, "$unset": {"deleted": ""}}
        where: dict[str, Any] = {"_id": bot}
        if expected_version is not None:
            where |= {"version": expected_version, **_LIVE}
        elif create_only:
            where |= {"deleted": True}  # a tombstone, or no document: the upsert inserts one
        async with translate_errors():
            try:
                doc = await self._bots.find_one_and_update(
                    where,
                    update,
                    upsert=expected_version is None,
                    return_document=ReturnDocument.AFTER,
                    projection={"version": 1, "retired_through": 1},
                )
            except DuplicateKeyError:  # create_only, and a live bot holds the name
                doc = None
        if doc is None:
            raise await self._refusal(bot, expected_version)
        return StoredBot(
            definition=definition,
            version=int(doc["version"]),
            updated_at=now,
            retired_through=int(doc.get("retired_through", 0)),
        )

    async def _refusal(self, bot: str, expected_version: int | None) -> PreconditionFailedError:
        """Why a conditional save found something else; read after the refused write, so the
        version it reports may already be newer (it only tells the client what to reload)."""
        async with translate_errors():
            doc = await self._bots.find_one({"_id": bot}, {"version": 1, "deleted": 1})
        live = doc is not None and not doc.get("deleted")
        return stale_save(
            bot,
            expected_version,
            current_version=int(doc["version"]) if live and doc else None,
            deleted=doc is not None and not live,
        )

    async def get(self, bot: str) -> StoredBot:
        async with translate_errors():
            doc = await self._bots.find_one({"_id": bot, **_LIVE})
        if doc is None:
            raise NotFoundError(f"no bot named {bot!r}")
        definition = msgspec.convert(normalise(doc["definition"]), BotDefinition)
        return StoredBot(
            definition=definition,
            version=int(doc["version"]),
            updated_at=doc["updated_at"],
            retired_through=int(doc.get("retired_through", 0)),
        )

    async def version(self, bot: str) -> int:
        async with translate_errors():
            doc = await self._bots.find_one({"_id": bot, **_LIVE}, {"version": 1})
        if doc is None:
            raise NotFoundError(f"no bot named {bot!r}")
        return int(doc["version"])

    async def summaries(self) -> list[BotSummary]:
        async with translate_errors():
            docs = await self._bots.find(_LIVE, _SUMMARY_FIELDS).sort("_id", 1).to_list(None)
        return [
            BotSummary(
                name=d["_id"],
                version=int(d["version"]),
                intents=int(d.get("intents", 0)),
                entities=int(d.get("entities", 0)),
                updated_at=d["updated_at"],
                description=str(d.get("description", "")),
                chat_access=str(d.get("chat_access", "public")),
            )
            for d in docs
        ]

    async def delete(self, bot: str) -> None:
        """Leave a tombstone that remembers the deleted bot's last version as `retired_through`.

        A pipeline update, so the version is read and kept in the same atomic write; `$project`
        drops the definition (mongomock implements no `$unset` stage).
        """
        tombstone = {"deleted": True, "updated_at": utc_now(), "retired_through": "$version"}
        gone = dict.fromkeys(("definition", "description", "intents", "entities", "chat_access"), 0)
        async with translate_errors():
            result = await self._bots.update_one(
                {"_id": bot, **_LIVE}, [{"$set": tombstone}, {"$project": gone}]
            )
        if result.matched_count == 0:
            raise NotFoundError(f"no bot named {bot!r}")
