"""CPU the logger and analytics workers spend per `TurnCompleted` in embedded mode, beside its parts.

    .venv/bin/python bench/worker_cpu.py [--events 5000] [--per-conversation 10] [--rounds 5] [--profile]

Embedded mode runs both workers on the gateway's event loop, so their CPU per turn is taken from
the chat's. Each round builds the in-process infrastructure (memory bus, Mongo emulation) and the
two workers as `parley.embedded` does, freezes start-up objects out of the collector as it does,
then publishes `--events` turns of interleaved conversations a few at a time while the workers
consume them, and reads the process's CPU time until both queues are empty (the publishing, timed
alone, is subtracted). Beside it, in the same run, its floor and its share of the stores:

- worker loop: the same, with handlers that do nothing (receive, decode, lease, ack, metrics);
- handlers: `parley_logger.handlers.handle` and `parley_analytics.handlers.handle` called in a
  plain loop on the same events and stores, without a worker or a bus.

Figures are CPU microseconds per event, the median of `--rounds` rounds. `--profile` prints a
cProfile of one full round instead. Not a test: it never fails on timing.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import pstats
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial

from parley_analytics import handlers as analytics
from parley_analytics.bootstrap import build_analytics_worker
from parley_analytics.store import MongoAnalyticsStore
from parley_logger import handlers as logger
from parley_logger.bootstrap import build_logger_worker
from parley_logger.store import MongoTranscriptStore
from parley_messages import ANALYTICS_QUEUE, LOGGER_QUEUE, AnyMessage, TurnCompleted
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.infra import Infra, InfraSettings, connect_infra
from parley_runtime.logging import configure_logging
from parley_runtime.worker import Worker
from parley_runtime.worker_settings import WorkerSettings

INTENTS = ("greet", "order_pizza", "choose_size", "choose_topping", "confirm", "fallback")
BURST = 4
"""Turns published between two turns of the event loop, as a few chats finishing together."""

SIZE = {"entity": "size", "value": "large", "start": 2, "end": 7}
Handler = Callable[[AnyMessage], Awaitable[None]]
WORKERS = "logger + analytics workers"
LOOP = "worker loop (no-op handlers)"
HANDLERS = "handlers alone"


def turns(count: int, per_conversation: int) -> list[TurnCompleted]:
    """`count` turns as the gateway publishes them, round-robin over `count / per_conversation`
    conversations (each a few turns apart), within the last hour."""
    start = datetime.now(UTC) - timedelta(hours=1)
    conversations = [uuid.uuid4().hex for _ in range(max(count // per_conversation, 1))]
    events: list[TurnCompleted] = []
    for index in range(count):
        turn, which = divmod(index, len(conversations))
        intent = INTENTS[(turn + which) % len(INTENTS)]
        events.append(
            TurnCompleted(
                bot="pizzeria",
                conversation_id=conversations[which],
                channel="websocket",
                user_text=f"a large margherita please ({index})",
                replies=["A large margherita. Anything else?"],
                intent=intent,
                confidence=0.91,
                entities=[SIZE] if turn % 3 == 1 else [],
                slots={"size": "large", "topping": "margherita"} if turn > 2 else {},
                complete=turn % 4 == 3,
                fallback=intent == "fallback",
                latency_ms=4.2,
                correlation_id=uuid.uuid4().hex,
                occurred_at=start + timedelta(milliseconds=index * 50),
            )
        )
    return events


async def _handlers(infra: Infra) -> tuple[Handler, Handler]:
    transcripts, counts = MongoTranscriptStore(infra.db), MongoAnalyticsStore(infra.db)
    await transcripts.ensure_indexes()
    await counts.ensure_indexes()
    return partial(logger.handle, store=transcripts), partial(analytics.handle, store=counts)


async def _noop(message: AnyMessage) -> None:
    return None


def _idle_workers(infra: Infra) -> list[Worker]:
    queues = {"logger": LOGGER_QUEUE, "analytics": ANALYTICS_QUEUE}
    return [
        Worker.configured(infra.bus, queue, _noop, WorkerSettings(), name=name)
        for name, queue in queues.items()
    ]


async def through_workers(
    events: list[TurnCompleted], *, noop: bool, profile: cProfile.Profile | None = None
) -> float:
    """CPU µs per event of two workers consuming `events` as they are published."""
    infra = await connect_infra(InfraSettings())
    workers = (
        _idle_workers(infra)
        if noop
        else [await build_logger_worker(infra), await build_analytics_worker(infra)]
    )
    bus = infra.bus
    assert isinstance(bus, MemoryBus)
    gc.collect()
    gc.freeze()
    stop = asyncio.Event()
    publishing = 0.0
    started = time.thread_time()
    if profile is not None:
        profile.enable()
    running = [asyncio.create_task(worker.run(stop)) for worker in workers]
    for first in range(0, len(events), BURST):
        before = time.thread_time()
        for event in events[first : first + BURST]:
            await bus.publish(event)
        publishing += time.thread_time() - before
        await asyncio.sleep(0)
    while bus.depth(LOGGER_QUEUE) or bus.depth(ANALYTICS_QUEUE):  # noqa: ASYNC110 - the bus has no "drained" event
        await asyncio.sleep(0.005)
    if profile is not None:
        profile.disable()
    spent = time.thread_time() - started - publishing
    stop.set()
    await asyncio.gather(*running)
    await infra.aclose()
    gc.unfreeze()
    return spent / len(events) * 1e6


async def handlers_alone(events: list[TurnCompleted]) -> float:
    """CPU µs per event of both handlers called one after the other, without worker or bus."""
    infra = await connect_infra(InfraSettings())
    log_turn, count_turn = await _handlers(infra)
    gc.collect()
    gc.freeze()
    started = time.thread_time()
    for event in events:
        await log_turn(event)
        await count_turn(event)
    spent = time.thread_time() - started
    await infra.aclose()
    gc.unfreeze()
    return spent / len(events) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--per-conversation", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    configure_logging("WARNING", json=True)
    # warm-up: imports, first calls
    asyncio.run(through_workers(turns(500, args.per_conversation), noop=False))
    if args.profile:
        profile = cProfile.Profile()
        asyncio.run(through_workers(turns(args.events, args.per_conversation), noop=False, profile=profile))
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        return
    rows: dict[str, list[float]] = {WORKERS: [], LOOP: [], HANDLERS: []}
    for _ in range(args.rounds):
        events = turns(args.events, args.per_conversation)
        rows[WORKERS].append(asyncio.run(through_workers(events, noop=False)))
        rows[LOOP].append(asyncio.run(through_workers(events, noop=True)))
        rows[HANDLERS].append(asyncio.run(handlers_alone(events)))
    print(
        f"{args.events} turns, {args.per_conversation} per conversation;"
        f" CPU µs per turn, median of {args.rounds} rounds"
    )
    for label, figures in rows.items():
        spread = " ".join(f"{figure:.0f}" for figure in figures)
        print(f"  {label:30}{statistics.median(figures):8.1f}   ({spread})")


if __name__ == "__main__":
    main()
