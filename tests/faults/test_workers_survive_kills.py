"""10,000 turns through LocalStack SQS while the logger and analytics workers are killed twice mid-batch.

Afterwards `turns` holds each of the 10,000 turns exactly once, every conversation's summary and
every analytics total is exact, and the dead-letter queues hold the one poison message (a valid
event whose handler always crashes) and nothing else, after it failed on the configured receives.

Which kill is real depends on the document store, because the workers' state must outlive them:

- `MONGODB_URL` set: each worker is a real process (`python -m tests.faults.worker_process`, the
  bootstraps' composition plus the poison) and is killed with SIGKILL: no drain, no ack, no cleanup.
- otherwise (no MongoDB server here): the in-process Mongo emulation lives in the test process,
  so the workers run there as asyncio tasks on their own SQS client. A kill cancels every task of
  that worker generation at once at a random point mid-batch: handlers stop at their next await
  (between two writes of the same event, or between the writes and the ack) and nothing is acked or
  given back. What differs from SIGKILL: `finally` blocks of the cancelled tasks still run (none of
  them acks, releases or writes), and the dead generation's SQS client is closed afterwards instead
  of its sockets simply vanishing. Messages it held come back after the 5 s visibility timeout.

The terminal summary of the fault tests says which mode ran.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sys
from collections.abc import Callable
from typing import Any

import aioboto3
import pytest
from prometheus_client import REGISTRY
from pymongo.asynchronous.database import AsyncDatabase

from parley_messages import ANALYTICS_QUEUE, LOGGER_QUEUE, TurnCompleted, dead_letter_queue
from parley_runtime.bus.sqs import SqsBus
from parley_runtime.worker_settings import WorkerSettings
from tests.faults import scenario
from tests.faults.workers import build_worker

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(300)]

EVENTS = 10_000
BOT = "faults"
KILL_AFTER = (3_000, 6_500)
"""Kill the workers once the logger has acked this many messages (then at a random moment)."""
DEADLINE_SECONDS = 200.0


@pytest.fixture
def prefix() -> Any:
    with scenario.worker_queues(scenario.VISIBILITY_SECONDS) as made:
        yield made


async def test_killed_workers_lose_nothing_and_count_nothing_twice(
    prefix: str, db: AsyncDatabase[Any], record_fault_mode: Callable[[str], None]
) -> None:
    events = scenario.turn_events(EVENTS, bot=BOT)
    poison = scenario.poison(BOT)
    await asyncio.to_thread(scenario.publish, prefix, [*events[:5_000], poison, *events[5_000:]])
    if os.environ.get("MONGODB_URL"):
        record_fault_mode("worker processes killed with SIGKILL (MONGODB_URL)")
        run = ProcessGenerations(prefix, db, poison.message_id)
    else:
        record_fault_mode("in-process worker tasks cancelled at once (Mongo emulation; see docstring)")
        run = TaskGenerations(prefix, poison.message_id, db)
    await run.start()
    try:
        for threshold in KILL_AFTER:
            await scenario.until(lambda t=threshold: run.logger_progress(t), DEADLINE_SECONDS)
            await asyncio.sleep(random.uniform(0, 0.05))
            await run.kill()
            await run.start()
        await scenario.until(lambda: _all_done(db, prefix), DEADLINE_SECONDS)
    finally:
        await run.stop()
    await _assert_stored_exactly_once(db, events)
    await _assert_counted_exactly_once(db, events)
    _assert_only_the_poison_is_dead_lettered(prefix, poison)


class TaskGenerations:
    """Worker generations as asyncio tasks sharing the test's Mongo emulation."""

    def __init__(self, prefix: str, poison_id: str, db: AsyncDatabase[Any]) -> None:
        self._prefix, self._poison_id, self._db = prefix, poison_id, db
        self._bus: SqsBus | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stop = asyncio.Event()
        self._acked_before = _acked(LOGGER_QUEUE)

    async def start(self) -> None:
        self._bus = SqsBus(endpoint_url=scenario.ENDPOINT, queue_prefix=self._prefix, session=_session())
        await self._bus.start()
        self._stop = asyncio.Event()
        workers = [
            await build_worker(
                queue,
                db=self._db,
                bus=self._bus,
                settings=scenario.WORKER_SETTINGS,
                poison_id=self._poison_id,
            )
            for queue in scenario.WORKER_QUEUES
        ]
        self._tasks = {asyncio.create_task(w.run(self._stop), name=f"generation:{w.name}") for w in workers}

    async def logger_progress(self, threshold: int) -> bool:
        return _acked(LOGGER_QUEUE) - self._acked_before >= threshold

    async def kill(self) -> None:
        """Cancel every task of this generation (run loops, in-flight handlers) at once."""
        handlers = tuple(f"{queue}:" for queue in scenario.WORKER_QUEUES)
        tasks = {t for t in asyncio.all_tasks() if t.get_name().startswith(handlers)} | self._tasks
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._close_bus()

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._close_bus()

    async def _close_bus(self) -> None:
        if self._bus is not None:
            await self._bus.aclose()
            self._bus = None


class ProcessGenerations:
    """Worker generations as real processes on a real MongoDB; killed with SIGKILL."""

    def __init__(self, prefix: str, db: AsyncDatabase[Any], poison_id: str) -> None:
        self._db, self._poison_id = db, poison_id
        self._processes: list[asyncio.subprocess.Process] = []
        self._env = {
            **os.environ,
            "PYTHONPATH": str(scenario.ROOT),
            "PARLEY_BUS": "sqs",
            "PARLEY_QUEUE_PREFIX": prefix,
            "AWS_ENDPOINT_URL": scenario.ENDPOINT,
            "MONGODB_DATABASE": db.name,
            "PARLEY_LOG_LEVEL": "WARNING",
            **_worker_environment(scenario.WORKER_SETTINGS),
        }

    async def start(self) -> None:
        self._processes = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                *("-m", "tests.faults.worker_process", queue, self._poison_id),
                env=self._env,
                cwd=scenario.ROOT,
            )
            for queue in scenario.WORKER_QUEUES
        ]

    async def logger_progress(self, threshold: int) -> bool:
        return await self._db["turns"].count_documents({}) >= threshold

    async def kill(self) -> None:
        for process in self._processes:
            process.send_signal(signal.SIGKILL)
        for process in self._processes:
            await asyncio.wait_for(process.wait(), 10)

    async def stop(self) -> None:
        for process in self._processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in self._processes:
            await asyncio.wait_for(process.wait(), 30)


def _worker_environment(settings: WorkerSettings) -> dict[str, str]:
    from parley_runtime.settings import env_names  # noqa: PLC0415

    names = env_names(WorkerSettings)
    return {names[field]: str(getattr(settings, field)) for field in names}


def _session() -> aioboto3.Session:
    return aioboto3.Session(
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
        region_name="us-east-1",
    )


def _acked(queue: str) -> float:
    return REGISTRY.get_sample_value("parley_worker_messages_processed_total", {"queue": queue}) or 0.0


async def _all_done(db: AsyncDatabase[Any], prefix: str) -> bool:
    await asyncio.sleep(0.5)  # each check reads the whole emulated collection: not every tick
    if await db["turns"].count_documents({}) < EVENTS:
        return False
    if (await scenario.analytics_totals(db, BOT))["turns"] < EVENTS:
        return False
    for queue in (LOGGER_QUEUE, ANALYTICS_QUEUE):
        visible, _ = await asyncio.to_thread(scenario.queue_depths, prefix, dead_letter_queue(queue))
        if visible < 1:
            return False
    return True


async def _assert_stored_exactly_once(db: AsyncDatabase[Any], events: list[TurnCompleted]) -> None:
    expected = scenario.expected_totals(events)
    stored = [doc["_id"] async for doc in db["turns"].find({}, {"_id": 1})]
    assert len(stored) == EVENTS
    assert set(stored) == {event.message_id for event in events}
    conversations = db["conversations"].find({"bot": BOT})
    counts = {doc["conversation_id"]: doc["turn_count"] async for doc in conversations}
    assert counts == dict(expected.turns_per_conversation)


async def _assert_counted_exactly_once(db: AsyncDatabase[Any], events: list[TurnCompleted]) -> None:
    assert await scenario.analytics_totals(db, BOT) == scenario.expected_analytics(events)


def _assert_only_the_poison_is_dead_lettered(prefix: str, poison: TurnCompleted) -> None:
    for queue in scenario.WORKER_QUEUES:
        dead = scenario.drain_queue(prefix, dead_letter_queue(queue))
        assert [json.loads(message["Body"])["message_id"] for message in dead] == [poison.message_id]
        reason = dead[0].get("MessageAttributes", {}).get("parley_reason", {}).get("StringValue", "")
        # The worker gives up on the configured receive; SQS's redrive does if a kill hit that one.
        gave_up = f"failed on {scenario.WORKER_SETTINGS.max_receives} receives"
        assert reason.startswith(gave_up) or not reason, reason
        assert scenario.queue_depths(prefix, queue) == (0, 0)
