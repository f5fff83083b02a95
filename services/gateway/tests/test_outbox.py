"""The background publisher: a turn the user has seen answered outlives a broker outage."""

from __future__ import annotations

import asyncio

import pytest
import structlog

from parley_gateway.outbox import BackgroundPublisher
from parley_messages import Message, TrainModel
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.errors import PermanentError, TransientError


class FlakyBus(MemoryBus):
    """Fails the first `failures` publishes with `error`, then publishes."""

    def __init__(self, failures: int, error: Exception) -> None:
        super().__init__()
        self.failures = failures
        self.error = error
        self.attempts = 0

    async def publish(self, message: Message) -> None:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise self.error
        await super().publish(message)


def _job() -> TrainModel:
    return TrainModel(bot="pizzeria", job_id="job-1", dataset_key="datasets/pizzeria/job-1.json")


async def _published(bus: MemoryBus) -> int:
    return (await bus.stats("parley-training")).visible


async def test_transient_failures_are_retried_past_a_broker_restart() -> None:
    bus = FlakyBus(failures=12, error=TransientError("connection refused"))
    publisher = BackgroundPublisher(bus, first_delay=0.001, max_delay=0.002, retry_seconds=5)
    publisher.submit(_job())
    await publisher.drain()
    assert bus.attempts == 13
    assert await _published(bus) == 1


async def test_a_permanent_failure_is_not_retried() -> None:
    bus = FlakyBus(failures=1, error=PermanentError("access denied"))
    publisher = BackgroundPublisher(bus, first_delay=0.001)
    with structlog.testing.capture_logs() as logs:
        publisher.submit(_job())
        await publisher.drain()
    assert bus.attempts == 1
    assert await _published(bus) == 0
    assert [entry["event"] for entry in logs] == ["publish.failed"]


async def test_drain_gives_up_after_its_timeout_and_logs_each_lost_message() -> None:
    bus = FlakyBus(failures=10**9, error=TransientError("connection refused"))
    publisher = BackgroundPublisher(bus, first_delay=0.001, max_delay=0.01, retry_seconds=60)
    with structlog.testing.capture_logs() as logs:
        publisher.submit(_job())
        publisher.submit(_job())
        started = asyncio.get_running_loop().time()
        await publisher.drain(within=0.2)
    assert asyncio.get_running_loop().time() - started == pytest.approx(0.2, abs=0.15)
    assert [entry["event"] for entry in logs].count("publish.abandoned") == 2
