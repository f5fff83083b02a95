"""Queries over what the workers wrote: transcripts (logger) and daily aggregates (analytics)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from parley_runtime.errors import NotFoundError
from parley_runtime.mongo import translate_errors

_SUMMED = (
    "turns",
    "conversations",
    "fallbacks",
    "completed",
    "confidence_sum",
    "latency_ms_sum",
    "models_published",
)


class Transcripts:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._conversations = db["conversations"]
        self._turns = db["turns"]

    async def conversations(self, bot: str, *, limit: int, before: datetime | None) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"bot": bot}
        if before is not None:
            query["last_turn_at"] = {"$lt": before}
        async with translate_errors():
            cursor = self._conversations.find(query, {"_id": 0}).sort("last_turn_at", -1).limit(limit)
            return [doc async for doc in cursor]

    async def conversation(self, bot: str, conversation_id: str) -> dict[str, Any]:
        async with translate_errors():
            summary = await self._conversations.find_one(
                {"bot": bot, "conversation_id": conversation_id}, {"_id": 0}
            )
            if summary is None:
                raise NotFoundError(f"no conversation {conversation_id!r} for bot {bot!r}")
            cursor = self._turns.find({"bot": bot, "conversation_id": conversation_id}).sort("at", 1)
            turns = [_turn(doc) async for doc in cursor]
        return {**summary, "turns": turns}


def _turn(doc: dict[str, Any]) -> dict[str, Any]:
    doc["event_id"] = doc.pop("_id")
    return doc


class Analytics:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._daily = db["analytics_daily"]

    async def daily(self, bot: str, *, start: date, end: date) -> list[dict[str, Any]]:
        """One row per day in [start, end] that has data, shards summed."""
        query = {"bot": bot, "day": {"$gte": _midnight(start), "$lte": _midnight(end)}}
        days: dict[date, dict[str, Any]] = {}
        async with translate_errors():
            async for doc in self._daily.find(query, {"event_ids": 0}):
                _merge(days.setdefault(doc["day"].date(), _empty()), doc)
        return [_finish(day, row) for day, row in sorted(days.items())]


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _empty() -> dict[str, Any]:
    return {**dict.fromkeys(_SUMMED, 0), "intents": Counter(), "channels": Counter()}


def _merge(row: dict[str, Any], doc: dict[str, Any]) -> None:
    for name in _SUMMED:
        row[name] += doc.get(name, 0)
    row["intents"].update(doc.get("intents", {}))
    row["channels"].update(doc.get("channels", {}))


def _finish(day: date, row: dict[str, Any]) -> dict[str, Any]:
    turns = row["turns"]
    return {
        "day": day.isoformat(),
        "turns": turns,
        "conversations": row["conversations"],
        "fallback_rate": row["fallbacks"] / turns if turns else 0.0,
        "mean_confidence": row["confidence_sum"] / turns if turns else None,
        "mean_latency_ms": row["latency_ms_sum"] / turns if turns else None,
        "completed": row["completed"],
        "models_published": row["models_published"],
        "intents": dict(row["intents"].most_common()),
        "channels": dict(row["channels"]),
    }
