"""The worker loop on the in-process bus: ack, retry, dead-letter, redrive, concurrency, draining."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Awaitable, Callable, Sequence

import msgspec
import pytest
import structlog
from prometheus_client import REGISTRY

from parley_messages import TRAINING_QUEUE, AnyMessage, Message, TrainModel, dead_letter_queue
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.bus.ports import Delivery
from parley_runtime.errors import PermanentError, TransientError
from parley_runtime.worker import Worker, install_signal_handlers, receive_count, retry_delay

DLQ = dead_letter_queue(TRAINING_QUEUE)
Eventually = Callable[[Callable[[], Awaitable[bool]]], Awaitable[None]]


class RecordingBus:
    """A MemoryBus that records what the worker asks of it; retries are made visible at once."""

    def __init__(self, inner: MemoryBus, *, corrupt: bytes | None = None) -> None:
        self.inner = inner
        self.corrupt = corrupt
        self.receive_sizes: list[int] = []
        self.ack_batches: list[int] = []
        self.retry_delays: list[float] = []
        self.reasons: list[str] = []
        self.ack_gate: asyncio.Event | None = None
        self.receive_failures = 0

    async def publish(self, message: Message) -> None:
        await self.inner.publish(message)

    async def receive(
        self, queue: str, *, max_messages: int = 10, wait_seconds: float = 20.0
    ) -> list[Delivery]:
        self.receive_sizes.append(max_messages)
        if self.receive_failures:
            self.receive_failures -= 1
            raise TransientError("sqs throttled")
        deliveries = await self.inner.receive(queue, max_messages=max_messages, wait_seconds=wait_seconds)
        if self.corrupt is not None:
            deliveries = [msgspec.structs.replace(d, body=self.corrupt) for d in deliveries]
        return deliveries

    async def ack(self, deliveries: Sequence[Delivery]) -> None:
        self.ack_batches.append(len(deliveries))
        if self.ack_gate is not None:
            await self.ack_gate.wait()
        await self.inner.ack(deliveries)

    async def retry_later(self, delivery: Delivery, *, delay_seconds: float) -> None:
        self.retry_delays.append(delay_seconds)
        await self.inner.retry_later(delivery, delay_seconds=0)

    async def dead_letter(self, delivery: Delivery, *, reason: str) -> None:
        self.reasons.append(reason)
        await self.inner.dead_letter(delivery, reason=reason)


def _train(job: str = "j1", correlation_id: str | None = None) -> TrainModel:
    return TrainModel(
        bot="pizzeria", job_id=job, dataset_key=f"datasets/pizzeria/{job}.json", correlation_id=correlation_id
    )


def _worker(
    bus: MemoryBus | RecordingBus, handler: Callable[[AnyMessage], Awaitable[None]], **options: float
) -> Worker:
    defaults: dict[str, float] = {"wait_seconds": 0.05, "retry_delay_seconds": 0}
    return Worker(bus, TRAINING_QUEUE, handler, **{**defaults, **options})  # type: ignore[arg-type]


def _metric(name: str) -> float:
    return REGISTRY.get_sample_value(f"parley_worker_messages_{name}_total", {"queue": TRAINING_QUEUE}) or 0.0


async def test_a_handled_message_is_acked() -> None:
    bus = MemoryBus()
    handled: list[AnyMessage] = []

    async def handler(message: AnyMessage) -> None:
        handled.append(message)

    message = _train()
    await bus.publish(message)
    assert await _worker(bus, handler).run_once() == 1
    assert handled == [message]
    assert bus.depth(TRAINING_QUEUE) == 0


async def test_a_transient_failure_is_delivered_again_and_then_acked() -> None:
    bus = MemoryBus()
    calls = 0

    async def flaky(message: AnyMessage) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise TransientError("database restarting")

    await bus.publish(_train())
    worker = _worker(bus, flaky)
    assert await worker.run_once() == 1
    assert bus.depth(TRAINING_QUEUE) == 1
    assert await worker.run_once() == 1
    assert (calls, bus.depth(TRAINING_QUEUE)) == (2, 0)


async def test_a_handler_knows_which_delivery_of_its_message_it_has() -> None:
    bus = MemoryBus()
    seen: list[int | None] = []

    async def flaky(message: AnyMessage) -> None:
        seen.append(receive_count())
        if len(seen) == 1:
            raise TransientError("database restarting")

    await bus.publish(_train())
    worker = _worker(bus, flaky)
    await worker.run_once()
    await worker.run_once()
    assert (seen, receive_count()) == ([1, 2], None)


async def test_transient_retries_back_off_exponentially_with_the_receive_count() -> None:
    bus = RecordingBus(MemoryBus())

    async def failing(message: AnyMessage) -> None:
        raise TransientError("still down")

    await bus.publish(_train())
    worker = _worker(bus, failing, retry_delay_seconds=5)
    for _ in range(3):
        await worker.run_once()
    assert bus.retry_delays == [5, 10, 20]


def test_the_retry_delay_is_capped_at_fifteen_minutes() -> None:
    assert retry_delay(5, 1) == 5
    assert retry_delay(5, 4) == 40
    assert retry_delay(5, 50) == 900


async def test_an_unexpected_exception_is_logged_with_its_traceback_and_retried() -> None:
    bus = MemoryBus()

    async def broken(message: AnyMessage) -> None:
        raise KeyError("bug")

    await bus.publish(_train())
    with structlog.testing.capture_logs() as logs:
        await _worker(bus, broken).run_once()
    failures = [entry for entry in logs if entry["event"] == "worker.handler_failed"]
    assert len(failures) == 1
    assert failures[0]["log_level"] == "error" and failures[0]["exc_info"] is True
    assert (bus.depth(TRAINING_QUEUE), bus.depth(DLQ)) == (1, 0)


async def test_a_permanent_failure_goes_to_the_dead_letter_queue_at_once() -> None:
    bus = RecordingBus(MemoryBus())
    calls = 0

    async def rejecting(message: AnyMessage) -> None:
        nonlocal calls
        calls += 1
        raise PermanentError("dataset is malformed")

    await bus.publish(_train())
    await _worker(bus, rejecting).run_once()
    assert (calls, bus.inner.depth(TRAINING_QUEUE), bus.inner.depth(DLQ)) == (1, 0, 1)
    assert bus.reasons == ["PermanentError: dataset is malformed"]


@pytest.mark.parametrize(
    "body", [b"not json", b'{"type": "nobody.knows_this"}', b'{"type": "nlu.train_model"}']
)
async def test_an_undecodable_body_goes_to_the_dead_letter_queue_without_reaching_the_handler(
    body: bytes,
) -> None:
    bus = RecordingBus(MemoryBus(), corrupt=body)
    handled: list[AnyMessage] = []

    async def handler(message: AnyMessage) -> None:
        handled.append(message)

    await bus.publish(_train())
    await _worker(bus, handler).run_once()
    assert handled == []
    assert (bus.inner.depth(TRAINING_QUEUE), bus.inner.depth(DLQ)) == (0, 1)
    assert bus.reasons[0].startswith("undecodable body")


async def test_a_message_that_always_fails_is_redriven_to_the_dead_letter_queue_after_max_receives() -> None:
    bus = MemoryBus(max_receives=3)
    calls = 0

    async def failing(message: AnyMessage) -> None:
        nonlocal calls
        calls += 1
        raise TransientError("down")

    await bus.publish(_train())
    worker = _worker(bus, failing)
    for _ in range(4):
        await worker.run_once()
    assert (calls, bus.depth(TRAINING_QUEUE), bus.depth(DLQ)) == (3, 0, 1)


async def test_no_more_handlers_run_at_once_than_the_concurrency_allows(eventually: Eventually) -> None:
    bus = RecordingBus(MemoryBus())
    gate = asyncio.Event()
    active = peak = 0

    async def slow(message: AnyMessage) -> None:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await gate.wait()
        active -= 1

    for index in range(10):
        await bus.publish(_train(f"j{index}"))
    stop = asyncio.Event()
    running = asyncio.create_task(_worker(bus, slow, concurrency=3).run(stop))

    async def three_running() -> bool:
        return active == 3

    await eventually(three_running)
    assert max(bus.receive_sizes) <= 3, "the worker fetched more messages than it had free slots"
    gate.set()

    async def all_handled() -> bool:
        return bus.inner.depth(TRAINING_QUEUE) == 0

    await eventually(all_handled)
    stop.set()
    await asyncio.wait_for(running, timeout=5)
    assert peak == 3


async def test_run_finishes_in_flight_handlers_when_stop_is_set(eventually: Eventually) -> None:
    bus = MemoryBus()
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[str] = []

    async def slow(message: AnyMessage) -> None:
        started.set()
        await release.wait()
        assert isinstance(message, TrainModel)
        finished.append(message.job_id)

    await bus.publish(_train())
    stop = asyncio.Event()
    running = asyncio.create_task(_worker(bus, slow, wait_seconds=20).run(stop))
    await asyncio.wait_for(started.wait(), timeout=5)
    stop.set()
    done, _ = await asyncio.wait({running}, timeout=0.2)
    assert not done, "run returned while a handler was still working"
    release.set()
    await asyncio.wait_for(running, timeout=5)
    assert finished == ["j1"]
    assert bus.depth(TRAINING_QUEUE) == 0


async def test_a_long_running_handler_keeps_its_message_from_other_consumers() -> None:
    bus = MemoryBus(visibility_timeout=0.2)
    started, release = asyncio.Event(), asyncio.Event()

    async def long_job(message: AnyMessage) -> None:
        started.set()
        await release.wait()

    await bus.publish(_train())
    handling = asyncio.create_task(_worker(bus, long_job, lease_seconds=0.2).run_once())
    await asyncio.wait_for(started.wait(), timeout=5)
    assert await bus.receive(TRAINING_QUEUE, wait_seconds=0.8) == [], "the message was handed out twice"
    release.set()
    assert await asyncio.wait_for(handling, timeout=5) == 1
    assert bus.depth(TRAINING_QUEUE) == 0


async def test_a_failed_receive_is_retried_after_a_pause_instead_of_ending_the_run(
    eventually: Eventually,
) -> None:
    bus = RecordingBus(MemoryBus())
    bus.receive_failures = 1
    handled: list[AnyMessage] = []

    async def handler(message: AnyMessage) -> None:
        handled.append(message)

    await bus.publish(_train())
    stop = asyncio.Event()
    with structlog.testing.capture_logs() as logs:
        running = asyncio.create_task(_worker(bus, handler).run(stop))

        async def handled_after_the_failure() -> bool:
            return len(handled) == 1

        await eventually(handled_after_the_failure)
        stop.set()
        await asyncio.wait_for(running, timeout=5)
    assert [entry["event"] for entry in logs].count("worker.receive_failed") == 1


async def test_run_returns_promptly_when_stopped_during_a_long_poll() -> None:
    bus = MemoryBus()

    async def handler(message: AnyMessage) -> None:
        raise AssertionError("nothing was published")

    stop = asyncio.Event()
    running = asyncio.create_task(_worker(bus, handler, wait_seconds=20).run(stop))
    done, _ = await asyncio.wait({running}, timeout=0.1)
    assert not done
    stop.set()
    await asyncio.wait_for(running, timeout=2)


async def test_acks_of_handlers_finishing_together_are_sent_in_one_batch() -> None:
    bus = RecordingBus(MemoryBus())

    async def handler(message: AnyMessage) -> None:
        return None

    for index in range(5):
        await bus.publish(_train(f"j{index}"))
    assert await _worker(bus, handler, concurrency=5, batch_size=5).run_once() == 5
    assert bus.ack_batches == [5]
    assert bus.inner.depth(TRAINING_QUEUE) == 0


async def test_a_slow_handler_does_not_hold_back_the_acks_of_the_others(eventually: Eventually) -> None:
    bus = RecordingBus(MemoryBus())
    release = asyncio.Event()

    async def handler(message: AnyMessage) -> None:
        assert isinstance(message, TrainModel)
        if message.job_id == "slow":
            await release.wait()

    for job in ("a", "b", "slow"):
        await bus.publish(_train(job))
    handling = asyncio.create_task(_worker(bus, handler, concurrency=3, batch_size=3).run_once())

    async def fast_ones_acked() -> bool:
        return bus.ack_batches == [2]

    await eventually(fast_ones_acked)
    release.set()
    assert await asyncio.wait_for(handling, timeout=5) == 3
    assert bus.ack_batches == [2, 1]


async def test_handlers_see_the_message_and_correlation_ids_in_the_log_context() -> None:
    bus = MemoryBus()
    seen: dict[str, object] = {}

    async def handler(message: AnyMessage) -> None:
        seen.update(structlog.contextvars.get_contextvars())

    message = _train(correlation_id="req-42")
    await bus.publish(message)
    await _worker(bus, handler).run_once()
    assert seen["message_id"] == message.message_id
    assert seen["correlation_id"] == "req-42"
    assert "message_id" not in structlog.contextvars.get_contextvars()


async def test_metrics_count_received_processed_failed_and_dead_lettered_messages() -> None:
    before = {name: _metric(name) for name in ("received", "processed", "failed", "dead_lettered")}
    bus = MemoryBus()

    async def handler(message: AnyMessage) -> None:
        assert isinstance(message, TrainModel)
        if message.job_id == "bad":
            raise PermanentError("bad")

    await bus.publish(_train("good"))
    await bus.publish(_train("bad"))
    await _worker(bus, handler).run_once()
    await _worker(bus, handler).run_once()  # a second worker shares the metrics without re-registering
    after = {name: _metric(name) - before[name] for name in before}
    assert after == {"received": 2, "processed": 1, "failed": 1, "dead_lettered": 1}


async def test_sigterm_sets_the_stop_event() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    install_signal_handlers(stop)
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(stop.wait(), timeout=5)
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
        loop.remove_signal_handler(signal.SIGINT)


async def test_a_message_that_fails_on_its_last_allowed_receive_is_dead_lettered_with_the_reason() -> None:
    bus = RecordingBus(MemoryBus(max_receives=10))

    async def failing(message: AnyMessage) -> None:
        raise TransientError("down")

    await bus.publish(_train())
    worker = _worker(bus, failing, max_receives=3)
    for _ in range(3):
        await worker.run_once()
    assert (bus.inner.depth(TRAINING_QUEUE), bus.inner.depth(DLQ)) == (0, 1)
    assert bus.reasons == ["failed on 3 receives; last TransientError: down"]


async def test_stopping_gives_back_the_messages_of_handlers_that_outlive_the_drain() -> None:
    bus = MemoryBus(visibility_timeout=30)
    started = asyncio.Event()

    async def stuck(message: AnyMessage) -> None:
        started.set()
        await asyncio.Event().wait()

    await bus.publish(_train())
    stop = asyncio.Event()
    running = asyncio.create_task(_worker(bus, stuck, drain_seconds=0.1).run(stop))
    await asyncio.wait_for(started.wait(), timeout=5)
    stop.set()
    await asyncio.wait_for(running, timeout=5)
    again = await bus.receive(TRAINING_QUEUE, wait_seconds=0)
    assert [delivery.receive_count for delivery in again] == [2]


async def test_a_cancelled_run_is_a_crash_that_acks_and_gives_back_nothing() -> None:
    bus = RecordingBus(MemoryBus(visibility_timeout=30))
    started = asyncio.Event()

    async def stuck(message: AnyMessage) -> None:
        started.set()
        await asyncio.Event().wait()

    await bus.publish(_train())
    running = asyncio.create_task(_worker(bus, stuck).run(asyncio.Event()))
    await asyncio.wait_for(started.wait(), timeout=5)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert (bus.ack_batches, bus.retry_delays, bus.reasons) == ([], [], [])
    assert bus.inner.depth(TRAINING_QUEUE) == 1
    assert await bus.inner.receive(TRAINING_QUEUE, wait_seconds=0) == [], "held until its visibility timeout"


async def test_the_age_of_each_received_message_is_measured() -> None:
    before = (
        REGISTRY.get_sample_value("parley_worker_message_age_seconds_count", {"queue": TRAINING_QUEUE}) or 0
    )

    async def handler(message: AnyMessage) -> None:
        return None

    bus = MemoryBus()
    for job in ("a", "b"):
        await bus.publish(_train(job))
    await _worker(bus, handler).run_once()
    after = REGISTRY.get_sample_value("parley_worker_message_age_seconds_count", {"queue": TRAINING_QUEUE})
    assert after == before + 2
    lag = REGISTRY.get_sample_value("parley_worker_lag_seconds", {"queue": TRAINING_QUEUE})
    assert lag is not None and lag >= 0


async def test_a_worker_is_ready_once_it_has_reached_the_broker_and_not_while_stopping(
    eventually: Eventually,
) -> None:
    bus = MemoryBus()

    async def handler(message: AnyMessage) -> None:
        return None

    worker = _worker(bus, handler)
    assert not worker.ready()
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))

    async def ready() -> bool:
        return worker.ready()

    await eventually(ready)
    stop.set()
    await asyncio.wait_for(running, timeout=5)
    assert not worker.ready()


async def test_a_worker_whose_receive_hangs_past_its_long_poll_is_not_alive(
    monkeypatch: pytest.MonkeyPatch, eventually: Eventually
) -> None:
    class HangingBus(MemoryBus):
        async def receive(
            self, queue: str, *, max_messages: int = 10, wait_seconds: float = 20.0
        ) -> list[Delivery]:
            await asyncio.Event().wait()
            return []

    monkeypatch.setattr("parley_runtime.worker.STALLED_RECEIVE_SECONDS", 0.05)

    async def handler(message: AnyMessage) -> None:
        return None

    worker = _worker(HangingBus(), handler, wait_seconds=0)
    assert worker.alive()
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))

    async def dead() -> bool:
        return not worker.alive()

    await eventually(dead)
    stop.set()
    await asyncio.wait_for(running, timeout=5)
    assert worker.alive()


async def test_stopping_is_honoured_while_every_handler_slot_is_busy() -> None:
    bus = MemoryBus()
    started = asyncio.Event()

    async def stuck(message: AnyMessage) -> None:
        started.set()
        await asyncio.Event().wait()

    await bus.publish(_train())
    stop = asyncio.Event()
    running = asyncio.create_task(_worker(bus, stuck, concurrency=1, drain_seconds=0.1).run(stop))
    await asyncio.wait_for(started.wait(), timeout=5)
    stop.set()
    await asyncio.wait_for(running, timeout=5)
    assert bus.depth(TRAINING_QUEUE) == 1


async def test_a_message_handled_before_the_drain_ends_is_acked_not_handed_out_again() -> None:
    bus = MemoryBus(visibility_timeout=30)
    stop = asyncio.Event()
    handled: list[str] = []

    async def handler(message: AnyMessage) -> None:
        assert isinstance(message, TrainModel)
        if message.job_id == "slow":
            await asyncio.Event().wait()
        handled.append(message.job_id)
        stop.set()  # the drain starts while this ack waits (50 ms) for the slow one to join its batch

    for job in ("slow", "quick"):
        await bus.publish(_train(job))
    worker = _worker(bus, handler, concurrency=2, batch_size=2, drain_seconds=0)
    await asyncio.wait_for(worker.run(stop), timeout=5)
    again = await bus.receive(TRAINING_QUEUE, wait_seconds=0)
    assert handled == ["quick"]
    assert [msgspec.json.decode(d.body)["job_id"] for d in again] == ["slow"]


async def test_a_handler_that_never_returns_is_cancelled_retried_and_dead_lettered() -> None:
    bus = RecordingBus(MemoryBus(max_receives=10))
    handled: list[str] = []

    async def handler(message: AnyMessage) -> None:
        assert isinstance(message, TrainModel)
        if message.job_id == "hangs":
            await asyncio.Event().wait()
        handled.append(message.job_id)

    await bus.publish(_train("hangs"))
    await bus.publish(_train("next"))
    worker = _worker(bus, handler, concurrency=1, batch_size=1, handler_timeout_seconds=0.05, max_receives=3)
    while bus.inner.depth(TRAINING_QUEUE):
        await asyncio.wait_for(worker.run_once(), timeout=5)
    assert handled == ["next"]
    assert bus.inner.depth(DLQ) == 1
    assert bus.reasons == [
        "failed on 3 receives; last TransientError: the handler did not finish within 0.05 s"
    ]


async def test_a_handlers_own_timeout_error_is_an_ordinary_failure() -> None:
    bus = RecordingBus(MemoryBus())

    async def handler(message: AnyMessage) -> None:
        raise TimeoutError("the webhook did not answer")

    await bus.publish(_train())
    with structlog.testing.capture_logs() as logs:
        await _worker(bus, handler, handler_timeout_seconds=5).run_once()
    assert [entry["event"] for entry in logs if entry["event"].startswith("worker.handler")] == [
        "worker.handler_failed"
    ]
    assert bus.inner.depth(TRAINING_QUEUE) == 1


async def test_a_handler_that_outlives_its_deadline_makes_the_worker_not_alive(
    monkeypatch: pytest.MonkeyPatch, eventually: Eventually
) -> None:
    monkeypatch.setattr("parley_runtime.worker.STALLED_HANDLER_SECONDS", 0.05)
    release = asyncio.Event()

    async def stubborn(message: AnyMessage) -> None:
        while not release.is_set():
            with contextlib.suppress(asyncio.CancelledError):
                await release.wait()

    bus = MemoryBus()
    await bus.publish(_train())
    worker = _worker(bus, stubborn, handler_timeout_seconds=0.05)
    handling = asyncio.create_task(worker.run_once())

    async def dead() -> bool:
        return not worker.alive()

    await eventually(dead)
    release.set()
    await asyncio.wait_for(handling, timeout=5)
    assert worker.alive()
