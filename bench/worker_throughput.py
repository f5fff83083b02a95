"""Events stored per second by one logger worker, beside a naive one-at-a-time consumer, same run.

Both consume the logger queue on LocalStack SQS (`AWS_ENDPOINT_URL`, default 127.0.0.1:4566) and store
turns with the real `MongoTranscriptStore` on the in-process Mongo emulation (or `MONGODB_URL`):

- worker: `parley_runtime.worker.Worker` as `parley_logger.bootstrap` builds it (batch receives of
  10, `--concurrency` handlers, batched deletes);
- naive: receive one message, store it, delete it, repeat.

    .venv/bin/python bench/worker_throughput.py [--events 3000] [--naive-events 600] [--rounds 3]

Prints the median of the rounds and the ratio. Not a test: never fails on timing.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import aioboto3
import boto3

from parley_logger.handlers import handle
from parley_logger.store import MongoTranscriptStore
from parley_messages import LOGGER_QUEUE, TurnCompleted, dead_letter_queue, decode, encode
from parley_runtime.bus.sqs import SqsBus
from parley_runtime.infra import InfraSettings
from parley_runtime.logging import configure_logging
from parley_runtime.mongo import close_mongo, connect_mongo
from parley_runtime.worker import Worker
from parley_runtime.worker_settings import WorkerSettings

ROOT = Path(__file__).resolve().parents[1]
ENDPOINT = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
CREDENTIALS = {
    "aws_access_key_id": os.environ.get("AWS_ACCESS_KEY_ID", "test"),
    "aws_secret_access_key": os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
    "region_name": "us-east-1",
}


def _events(count: int) -> list[TurnCompleted]:
    start = datetime(2026, 11, 27, tzinfo=UTC)
    return [
        TurnCompleted(
            bot="bench",
            conversation_id=f"c{index % max(count // 8, 1)}",
            channel="websocket",
            user_text=f"utterance {index}",
            replies=["ok"],
            intent="greet",
            confidence=0.5,
            latency_ms=12.0,
            occurred_at=start + timedelta(seconds=index),
        )
        for index in range(count)
    ]


def _make_queue(sqs: Any, prefix: str) -> None:
    spec = importlib.util.spec_from_file_location(
        "parley_init", ROOT / "localstack/init/ready.d/parley_init.py"
    )
    assert spec is not None and spec.loader is not None
    init = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(init)
    init.ensure_queue_with_dlq(sqs, prefix + LOGGER_QUEUE)


def _publish(sqs: Any, prefix: str, events: list[TurnCompleted]) -> None:
    url = sqs.get_queue_url(QueueName=prefix + LOGGER_QUEUE)["QueueUrl"]
    for start in range(0, len(events), 10):
        entries = [
            {"Id": str(i), "MessageBody": encode(e).decode()}
            for i, e in enumerate(events[start : start + 10])
        ]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)


async def _stored(db: Any) -> int:
    return await db["turns"].count_documents({})


async def _run_worker(
    bus: SqsBus, store: MongoTranscriptStore, count: int, db: Any, concurrency: int
) -> float:
    settings = WorkerSettings(concurrency=concurrency, wait_seconds=1)
    worker = Worker.configured(bus, LOGGER_QUEUE, partial(handle, store=store), settings, name="bench")
    stop = asyncio.Event()
    started = time.perf_counter()
    running = asyncio.create_task(worker.run(stop))
    while await _stored(db) < count:  # noqa: ASYNC110 - polls the store, which has no event to wait on
        await asyncio.sleep(0.2)
    elapsed = time.perf_counter() - started
    stop.set()
    await running
    return elapsed


async def _run_naive(bus: SqsBus, store: MongoTranscriptStore, count: int) -> float:
    started = time.perf_counter()
    stored = 0
    while stored < count:
        for delivery in await bus.receive(LOGGER_QUEUE, max_messages=1, wait_seconds=1):
            await handle(decode(delivery.body), store=store)
            await bus.ack([delivery])
            stored += 1
    return time.perf_counter() - started


async def _round(kind: str, count: int, concurrency: int) -> float:
    """Events per second of one round on a fresh queue and database."""
    sqs = boto3.client("sqs", endpoint_url=ENDPOINT, **CREDENTIALS)
    prefix = f"bench{uuid.uuid4().hex[:8]}-"
    db = connect_mongo(InfraSettings(mongodb_url=os.environ.get("MONGODB_URL"), mongodb_database=prefix[:-1]))
    try:
        _make_queue(sqs, prefix)
        await asyncio.to_thread(_publish, sqs, prefix, _events(count))
        store = MongoTranscriptStore(db)
        await store.ensure_indexes()
        session = aioboto3.Session(**CREDENTIALS)
        async with SqsBus(endpoint_url=ENDPOINT, queue_prefix=prefix, session=session) as bus:
            if kind == "worker":
                elapsed = await _run_worker(bus, store, count, db, concurrency)
            else:
                elapsed = await _run_naive(bus, store, count)
        return count / elapsed
    finally:
        for name in (LOGGER_QUEUE, dead_letter_queue(LOGGER_QUEUE)):
            sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=prefix + name)["QueueUrl"])
        await db.client.drop_database(db.name)
        await close_mongo(db)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000, help="events per worker round")
    parser.add_argument("--naive-events", type=int, default=600, help="events per naive round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=WorkerSettings().concurrency)
    args = parser.parse_args()
    configure_logging("WARNING")
    store = "MongoDB (MONGODB_URL)" if os.environ.get("MONGODB_URL") else "in-process Mongo emulation"
    print(f"logger queue on LocalStack SQS at {ENDPOINT}; turns stored in the {store}")
    print(f"worker: batch size 10, concurrency {args.concurrency}; naive: 1 message per receive, 1 at a time")
    results: dict[str, list[float]] = {"worker": [], "naive": []}
    for index in range(args.rounds):
        for kind, count in (("naive", args.naive_events), ("worker", args.events)):
            rate = await _round(kind, count, args.concurrency)
            results[kind].append(rate)
            print(f"  round {index + 1}: {kind:<6} {count:>5} events  {rate:8.1f} events/s", flush=True)
    worker, naive = statistics.median(results["worker"]), statistics.median(results["naive"])
    print(f"median: worker {worker:.1f} events/s, naive {naive:.1f} events/s, ratio {worker / naive:.1f}x")


if __name__ == "__main__":
    asyncio.run(main())
