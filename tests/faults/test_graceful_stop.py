"""SIGTERM stops a real logger process (`python -m parley_logger` on LocalStack SQS) within the
visibility timeout, and loses nothing: every message is either stored and deleted, or back on the
queue for the next consumer. The process keeps its transcripts in its own Mongo emulation, so what
it stored is read from its debug log (`turn.stored`, with the message id).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from typing import Any

import httpx
import pytest

from parley_messages import LOGGER_QUEUE
from tests.faults import scenario

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

EVENTS = 2_000
VISIBILITY_SECONDS = 10
STOP_AFTER = 300
"""Send SIGTERM once this many turns are stored."""


@pytest.fixture
def prefix() -> Any:
    with scenario.worker_queues(VISIBILITY_SECONDS) as made:
        yield made


async def test_sigterm_drains_the_logger_within_the_visibility_timeout_and_loses_nothing(prefix: str) -> None:
    events = scenario.turn_events(EVENTS, bot="graceful")
    await asyncio.to_thread(scenario.publish, prefix, events, (LOGGER_QUEUE,))
    port = _free_port()
    process = await _start_logger(prefix, port)
    stored: list[str] = []
    reading = asyncio.create_task(_collect_stored(process, stored))
    try:
        await scenario.until(lambda: _ready(port), 30, tick=0.02)
        await scenario.until(lambda: _at_least(stored, STOP_AFTER), 60, tick=0.02)
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), VISIBILITY_SECONDS) == 0
        stopped_within = time.monotonic() - signalled
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await reading
    assert stopped_within < VISIBILITY_SECONDS
    assert len(stored) == len(set(stored)), "a turn was stored twice"
    remaining = await _remaining_after_leases_expire(prefix)
    assert set(stored).isdisjoint(remaining), "a stored turn was not deleted from the queue"
    assert set(stored) | set(remaining) == {event.message_id for event in events}


async def _start_logger(prefix: str, port: int) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "PARLEY_BUS": "sqs",
        "PARLEY_QUEUE_PREFIX": prefix,
        "AWS_ENDPOINT_URL": scenario.ENDPOINT,
        "PARLEY_LOG_LEVEL": "DEBUG",
        "WORKER_VISIBILITY_TIMEOUT_SECONDS": str(VISIBILITY_SECONDS),
        "WORKER_DRAIN_SECONDS": str(VISIBILITY_SECONDS - 3),
        "WORKER_WAIT_SECONDS": "5",
        "WORKER_HEALTH_PORT": str(port),
    }
    env.pop("MONGODB_URL", None)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "parley_logger", env=env, stderr=asyncio.subprocess.PIPE, cwd=scenario.ROOT
    )


async def _collect_stored(process: asyncio.subprocess.Process, stored: list[str]) -> None:
    """Message ids of `turn.stored` log events, read from the process's JSON log lines."""
    assert process.stderr is not None
    async for line in process.stderr:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("event") == "turn.stored":
            stored.append(entry["message_id"])


async def _remaining_after_leases_expire(prefix: str) -> list[str]:
    """Ids of the messages left on the queue, once any lease a cancelled receive took has expired."""

    async def nothing_in_flight() -> bool:
        return (await asyncio.to_thread(scenario.queue_depths, prefix, LOGGER_QUEUE))[1] == 0

    await scenario.until(nothing_in_flight, VISIBILITY_SECONDS + 5, tick=0.02)
    drained = await asyncio.to_thread(scenario.drain_queue, prefix, LOGGER_QUEUE)
    return [json.loads(message["Body"])["message_id"] for message in drained]


async def _ready(port: int) -> bool:
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{port}/health/ready", timeout=1)
    except httpx.TransportError:
        return False
    return response.status_code == 200


async def _at_least(stored: list[str], count: int) -> bool:
    return len(stored) >= count


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
