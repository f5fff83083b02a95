"""The fault tests' workload: TurnCompleted events with known totals, a poison message, and queues.

Values are chosen so that every sum is exact in binary floating point (confidences are multiples of
1/16, latencies whole milliseconds): totals can be compared with `==` whatever the order of adding.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from parley_messages import ANALYTICS_QUEUE, LOGGER_QUEUE, TurnCompleted, encode
from parley_messages.analytics_names import NOTHING, intent_counts
from parley_messages.latency import latency_bucket
from parley_runtime.worker_settings import WorkerSettings
from tests import localstack

ROOT = Path(__file__).resolve().parents[2]
ENDPOINT = localstack.ENDPOINT
WORKER_QUEUES = (LOGGER_QUEUE, ANALYTICS_QUEUE)
VISIBILITY_SECONDS = 5
"""The queues' visibility timeout in the fault scenarios: short, so a lost lease comes back soon."""
WORKER_SETTINGS = WorkerSettings(
    concurrency=16,
    batch_size=10,
    wait_seconds=1,
    visibility_timeout_seconds=VISIBILITY_SECONDS,
    retry_delay_seconds=0.2,
    max_receives=5,
    drain_seconds=VISIBILITY_SECONDS - 1,
)
"""How the scenarios' workers run: quick retries, and dead-lettering after five receives."""
INTENTS = ("greet", "order_pizza", "opening_hours", "delivery", "fallback")
START = datetime(2026, 11, 26, 22, tzinfo=UTC)


@dataclass
class Expected:
    """What the stores must hold once every event is handled exactly once."""

    turns: int = 0
    conversations: set[str] = field(default_factory=set[str])
    users: set[tuple[str, str]] = field(default_factory=set[tuple[str, str]])
    fallbacks: int = 0
    confidence_sum: float = 0.0
    confidence_count: int = 0
    latency_ms_sum: float = 0.0
    intents: Counter[str] = field(default_factory=Counter[str])
    latency_buckets: Counter[str] = field(default_factory=Counter[str])
    turns_per_conversation: Counter[str] = field(default_factory=Counter[str])

    def add(self, event: TurnCompleted) -> None:
        self.turns += 1
        self.conversations.add(event.conversation_id)
        day = event.occurred_at.date().isoformat()
        self.users.add((day, event.user_id or f"conversation:{event.conversation_id}"))
        self.fallbacks += int(event.fallback)
        if event.confidence is not None:
            self.confidence_sum += event.confidence
            self.confidence_count += 1
        self.latency_ms_sum += event.latency_ms
        self.intents[event.intent or NOTHING] += 1
        self.latency_buckets[latency_bucket(event.latency_ms)] += 1
        self.turns_per_conversation[event.conversation_id] += 1


def turn_events(count: int, *, bot: str, seed: int = 6) -> list[TurnCompleted]:
    """`count` turns of ~count/10 conversations and ~count/30 users, spread over two days."""
    rng = random.Random(seed)
    events: list[TurnCompleted] = []
    for index in range(count):
        intent = rng.choice(INTENTS)
        events.append(
            TurnCompleted(
                bot=bot,
                conversation_id=f"c{rng.randrange(max(count // 10, 1))}",
                channel=rng.choice(("websocket", "rest")),
                user_text=f"utterance {index}",
                replies=["ok"],
                intent=intent,
                confidence=None if index % 17 == 0 else rng.randrange(16) / 16,
                fallback=intent == "fallback",
                latency_ms=float(rng.randrange(1, 3000)),
                user_id=None if index % 5 == 0 else f"u{rng.randrange(max(count // 30, 1))}",
                occurred_at=START + timedelta(seconds=index * 8),
            )
        )
    return events


def expected_totals(events: list[TurnCompleted]) -> Expected:
    expected = Expected()
    for event in events:
        expected.add(event)
    return expected


def poison(bot: str) -> TurnCompleted:
    """A valid event the fault tests' handlers always crash on (standing in for a handler bug)."""
    return TurnCompleted(bot=bot, conversation_id="poison", channel="rest", user_text="☠", replies=[])


def worker_queues(visibility_seconds: int) -> AbstractContextManager[str]:
    """The logger and analytics queues (with DLQs) under a fresh prefix, as the init script makes them."""
    return localstack.fresh_queues("fault", WORKER_QUEUES, visibility_seconds)


def publish(prefix: str, events: list[TurnCompleted], queues: tuple[str, ...] = WORKER_QUEUES) -> None:
    """Send `events` to `queues` in batches of ten (what the gateway's publisher would have sent)."""
    sqs = localstack.sqs_client()
    try:
        for queue in queues:
            url = sqs.get_queue_url(QueueName=prefix + queue)["QueueUrl"]
            for start in range(0, len(events), 10):
                chunk = events[start : start + 10]
                entries = [{"Id": str(i), "MessageBody": encode(e).decode()} for i, e in enumerate(chunk)]
                response = sqs.send_message_batch(QueueUrl=url, Entries=entries)
                assert not response.get("Failed"), response["Failed"]
    finally:
        sqs.close()


def drain_queue(prefix: str, queue: str) -> list[dict[str, Any]]:
    """Every message now visible on `queue` (received and deleted)."""
    sqs = localstack.sqs_client()
    try:
        url = sqs.get_queue_url(QueueName=prefix + queue)["QueueUrl"]
        found: list[dict[str, Any]] = []
        while batch := sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageAttributeNames=["All"]
        ).get("Messages", []):
            found.extend(batch)
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
            sqs.delete_message_batch(QueueUrl=url, Entries=entries)
        return found
    finally:
        sqs.close()


def queue_depths(prefix: str, queue: str) -> tuple[int, int]:
    """(visible, in flight) of `queue`."""
    sqs = localstack.sqs_client()
    try:
        url = sqs.get_queue_url(QueueName=prefix + queue)["QueueUrl"]
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        return int(attributes[names[0]]), int(attributes[names[1]])
    finally:
        sqs.close()


def expected_analytics(events: list[TurnCompleted]) -> dict[str, Any]:
    """The analytics totals of `events` counted once each, keyed as `analytics_totals` returns them."""
    expected = expected_totals(events)
    return {
        "turns": expected.turns,
        "conversations": len(expected.conversations),
        "users": len(expected.users),
        "fallbacks": expected.fallbacks,
        "confidence_count": expected.confidence_count,
        "confidence_sum": expected.confidence_sum,
        "latency_ms_sum": expected.latency_ms_sum,
        **{f"intent:{name}": n for name, n in expected.intents.items()},
        **{f"latency:{name}": n for name, n in expected.latency_buckets.items()},
    }


async def analytics_totals(db: AsyncDatabase[Any], bot: str) -> dict[str, Any]:
    """`bot`'s daily analytics documents summed over the days."""
    totals: Counter[str] = Counter()
    async for doc in db["analytics_daily"].find({"bot": bot}, {"event_ids": 0}):
        for name in ("turns", "conversations", "users", "fallbacks", "confidence_count", "confidence_sum"):
            totals[name] += doc.get(name, 0)
        totals["latency_ms_sum"] += doc.get("latency_ms_sum", 0)
        for intent, n in intent_counts(doc).items():
            totals[f"intent:{intent}"] += n
        for bucket, n in doc.get("latency_ms_buckets", {}).items():
            totals[f"latency:{bucket}"] += n
    return dict(totals)


async def until(
    check: Callable[[], Awaitable[bool]], within: float, *, fail: bool = True, tick: float = 0.05
) -> None:
    """Poll `check` until it holds; after `within` seconds fail the test (or, with `fail=False`, return)."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            if fail:
                pytest.fail(f"not done within {within} s")
            return
        await asyncio.sleep(tick)
