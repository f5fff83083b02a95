"""The broker crashes under load, stays down, and comes back: no turn is lost or counted twice.

The broker is a LocalStack of this test's own (`localstack/run.sh serve PORT`, on a free port), so
the shared one on 4566 is never stopped. It is killed with SIGKILL, left down for `OUTAGE_SECONDS`,
then started again and given its queues by the init script, as LocalStack's ready hook does in
compose. Host-mode LocalStack keeps queues in memory, so a restart empties them (SQS itself is never
restarted wholesale); the turns are therefore sent in three phases, each settled before the next:

1. before: published and consumed while the broker is up;
2. during: answered by the gateway, so acknowledged to the chat client, while the broker is down:
   the gateway's publisher (`BackgroundPublisher` on `SqsBus`, as its bootstrap builds it) must keep
   them through the outage and deliver them once the broker is back;
3. after: published once it is back.

The logger and analytics workers (`Worker` on their own `SqsBus`) run throughout. While the broker
is down they log `worker.receive_failed` and back off: a bounded number of receives, no crash, not
ready. Once it is back they resume by themselves, and every turn of every phase is in `turns` once
and counted once in the analytics.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aioboto3
import httpx
import pytest
import structlog
from pymongo.asynchronous.database import AsyncDatabase

from parley_gateway.outbox import BackgroundPublisher
from parley_messages import TurnCompleted
from parley_runtime.bus.sqs import SqsBus
from parley_runtime.worker import MIN_RECEIVE_BACKOFF_SECONDS, Worker
from tests import localstack
from tests.faults import scenario
from tests.faults.workers import build_worker

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(150)]

BOT = "restart"
PER_PHASE = 200
OUTAGE_SECONDS = 12.0
"""Longer than a few publish attempts with botocore's own retries: the publisher must outlast it."""
HOOK_WINDOW_SECONDS = 3.0
"""After the restart, how long SQS answers before the queues exist again. LocalStack's ready hook
leaves such a window too (shorter); widened here so that receives and publishes surely fall in it."""
START_SECONDS = 30.0
SETTLE_SECONDS = 30.0
RUN_SH = scenario.ROOT / "localstack" / "run.sh"
VENV = Path(os.environ.get("PARLEY_CACHE", Path.home() / ".cache" / "parley")) / "localstack-venv"
NO_POISON = "no poison in this scenario"


class PrivateBroker:
    """A LocalStack process of this test's own: `kill` is a crash, `start` brings up an empty one."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._env = {**os.environ, "FILESYSTEM_ROOT": str(directory / "filesystem")}
        self._log = (directory / "localstack.log").open("ab")
        self._process: asyncio.subprocess.Process | None = None

    async def start(self, prefix: str, *, hook_window: float = 0.0) -> None:
        """Start LocalStack, wait until SQS answers, then create the queues as the ready hook does."""
        self._process = await asyncio.create_subprocess_exec(
            "bash", str(RUN_SH), "serve", str(self.port), env=self._env, stdout=self._log, stderr=self._log
        )
        await scenario.until(self._sqs_answers, START_SECONDS)
        await asyncio.sleep(hook_window)
        await asyncio.to_thread(self._create_queues, prefix)

    async def kill(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.send_signal(signal.SIGKILL)
            await asyncio.wait_for(self._process.wait(), 10)
        self._process = None

    def close(self) -> None:
        self._log.close()

    async def _sqs_answers(self) -> bool:
        if self._process is not None and self._process.returncode is not None:
            pytest.fail(f"LocalStack exited with {self._process.returncode}; see its log")
        try:
            async with httpx.AsyncClient() as client:
                response = await client.get(f"{self.endpoint}/_localstack/health", timeout=1)
        except httpx.TransportError:
            return False
        return response.json().get("services", {}).get("sqs") in ("available", "running")

    def _create_queues(self, prefix: str) -> None:
        sqs = localstack.sqs_client(self.endpoint)
        try:
            init = localstack.init_script()
            init.ensure_queues(sqs, prefix, scenario.WORKER_QUEUES, scenario.VISIBILITY_SECONDS)
        finally:
            sqs.close()


@pytest.fixture
async def broker(tmp_path: Path) -> AsyncIterator[PrivateBroker]:
    if not (VENV / "bin" / "python").exists():
        message = f"no LocalStack venv at {VENV} (localstack/run.sh start builds it)"
        if os.environ.get("PARLEY_REQUIRE_REAL_BACKENDS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    running = PrivateBroker(tmp_path)
    try:
        yield running
    finally:
        await running.kill()
        running.close()


async def test_a_broker_restart_loses_no_acknowledged_turn_and_counts_none_twice(
    broker: PrivateBroker, db: AsyncDatabase[Any], record_fault_mode: Callable[[str], None]
) -> None:
    record_fault_mode(f"broker restart: private LocalStack on port {broker.port} killed with SIGKILL")
    events = scenario.turn_events(3 * PER_PHASE, bot=BOT)
    before, during, after = (events[i : i + PER_PHASE] for i in range(0, len(events), PER_PHASE))
    prefix = f"restart{uuid.uuid4().hex[:10]}-"
    await broker.start(prefix)
    with structlog.testing.capture_logs() as logs:
        async with _bus(broker, prefix) as gateway_bus, _running_workers(db, broker, prefix) as workers:
            publisher = BackgroundPublisher(gateway_bus)
            _submit(publisher, before)
            await scenario.until(lambda: _settled(db, before), SETTLE_SECONDS)

            await broker.kill()
            outage_started = time.monotonic()
            _submit(publisher, during)
            await scenario.until(lambda: _none_ready(workers), 10)
            await asyncio.sleep(OUTAGE_SECONDS - (time.monotonic() - outage_started))
            assert _stopped(workers) == [], "a worker stopped while the broker was down"
            await broker.start(prefix, hook_window=HOOK_WINDOW_SECONDS)
            outage = time.monotonic() - outage_started
            failed_during_outage = _receive_failures(logs)

            _submit(publisher, after)
            await scenario.until(lambda: _settled(db, events), SETTLE_SECONDS, fail=False)
            assert _stopped(workers) == [], "a worker stopped after the broker came back"
            assert all(worker.ready() for worker, _ in workers), "a worker did not resume"
            assert await _missing(db, before=before, during=during, after=after) == {}
            await asyncio.wait_for(publisher.drain(), 10)
    await _assert_each_turn_stored_and_counted_once(db, events)
    _assert_receives_backed_off(failed_during_outage, outage)
    assert _missing_queue_seen(logs), "no receive fell in the window before the queues were re-created"
    assert [e for e in logs if e["event"] == "publish.failed"] == [], "the publisher gave up on a turn"


@asynccontextmanager
async def _bus(broker: PrivateBroker, prefix: str) -> AsyncIterator[SqsBus]:
    session = aioboto3.Session(region_name="us-east-1", **localstack.credentials())
    async with SqsBus(endpoint_url=broker.endpoint, queue_prefix=prefix, session=session) as bus:
        yield bus


@asynccontextmanager
async def _running_workers(
    db: AsyncDatabase[Any], broker: PrivateBroker, prefix: str
) -> AsyncIterator[list[tuple[Worker, asyncio.Task[None]]]]:
    """The logger and analytics workers as tasks on their own SQS client; stopped and drained on exit."""
    stop = asyncio.Event()
    running: list[tuple[Worker, asyncio.Task[None]]] = []
    async with _bus(broker, prefix) as bus:
        try:
            for queue in scenario.WORKER_QUEUES:
                settings = scenario.WORKER_SETTINGS
                worker = await build_worker(queue, db=db, bus=bus, settings=settings, poison_id=NO_POISON)
                running.append((worker, asyncio.create_task(worker.run(stop), name=worker.name)))
            yield running
        finally:
            stop.set()
            await asyncio.gather(*(task for _, task in running), return_exceptions=True)


def _submit(publisher: BackgroundPublisher, events: list[TurnCompleted]) -> None:
    """What `ChatTurns.turn` does for each answered turn, before the reply goes to the client."""
    for event in events:
        publisher.submit(event)


def _stopped(workers: list[tuple[Worker, asyncio.Task[None]]]) -> list[str]:
    return [worker.name for worker, task in workers if task.done()]


async def _none_ready(workers: list[tuple[Worker, asyncio.Task[None]]]) -> bool:
    return not any(worker.ready() for worker, _ in workers)


async def _settled(db: AsyncDatabase[Any], events: list[TurnCompleted]) -> bool:
    await asyncio.sleep(0.3)  # each check reads the whole emulated collection: not every tick
    stored = await db["turns"].count_documents({})
    counted = (await scenario.analytics_totals(db, BOT)).get("turns", 0)
    return stored >= len(events) and counted >= len(events)


def _missing_queue_seen(logs: list[dict[str, Any]]) -> bool:
    failed = (e for e in logs if e["event"] == "worker.receive_failed")
    return any("NonExistentQueue" in e["error"] for e in failed)


def _receive_failures(logs: list[dict[str, Any]]) -> dict[str, int]:
    failures = {queue: 0 for queue in scenario.WORKER_QUEUES}
    for entry in logs:
        if entry["event"] == "worker.receive_failed":
            failures[entry["queue"]] += 1
    return failures


async def _assert_each_turn_stored_and_counted_once(
    db: AsyncDatabase[Any], events: list[TurnCompleted]
) -> None:
    stored = [doc["_id"] async for doc in db["turns"].find({}, {"_id": 1})]
    assert len(stored) == len(events), "a turn was lost or stored twice"
    assert set(stored) == {event.message_id for event in events}
    conversations = db["conversations"].find({"bot": BOT})
    counts = {doc["conversation_id"]: doc["turn_count"] async for doc in conversations}
    assert counts == dict(scenario.expected_totals(events).turns_per_conversation)
    assert await scenario.analytics_totals(db, BOT) == scenario.expected_analytics(events)


def _assert_receives_backed_off(failures: dict[str, int], outage: float) -> None:
    """Each worker noticed the outage, and tried again at most once per backoff (no busy loop)."""
    most = outage / MIN_RECEIVE_BACKOFF_SECONDS + 1
    for queue, count in failures.items():
        assert 1 <= count <= most, f"{queue}: {count} failed receives in a {outage:.1f} s outage"


async def _missing(db: AsyncDatabase[Any], **phases: list[TurnCompleted]) -> dict[str, int]:
    """How many turns of each phase are not in `turns` (phases with none missing are left out)."""
    stored = {doc["_id"] async for doc in db["turns"].find({}, {"_id": 1})}
    missing = {name: sum(e.message_id not in stored for e in events) for name, events in phases.items()}
    return {name: count for name, count in missing.items() if count}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
