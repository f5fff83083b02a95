"""The worker loop every queue consumer runs: receive, decode, handle, then ack, retry or dead-letter.

The handler's exception class alone decides what happens to a message:

- success: ack (acks of concurrently finished handlers go out together, up to ten per call);
- `PermanentError`, or a body that does not decode: move to the dead-letter queue now;
- `TransientError`: visible again after an exponential backoff on the receive count, and moved to
  the dead-letter queue once it has failed on `max_receives` receives (the queue's redrive policy
  does the same for a message that kills the process every time);
- a handler still running after `handler_timeout_seconds`: cancelled, and treated like a
  `TransientError` (a hung job would otherwise hold its slot and its lease for ever);
- anything else: logged with its traceback and treated like a `TransientError`.

Stopping: `run` stops receiving when its `stop` event is set, lets in-flight handlers finish for up
to `drain_seconds`, then gives the messages of unfinished handlers back for immediate redelivery;
a message whose handler did finish is acked (or retried, or dead-lettered) all the same. Cancelling
`run` is a crash: in-flight handlers are cancelled and nothing is acked or given back (the visibility
timeout returns those messages), which is what idempotent handlers are written for.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Literal

import msgspec
import structlog
from structlog.contextvars import bind_contextvars

from parley_messages import AnyMessage, decode
from parley_runtime.bus.ports import Bus, Delivery
from parley_runtime.errors import ParleyError, PermanentError, TransientError
from parley_runtime.worker_acks import MAX_BATCH, AckBatches
from parley_runtime.worker_lease import Lease
from parley_runtime.worker_metrics import worker_metrics
from parley_runtime.worker_settings import WorkerSettings

Handler = Callable[[AnyMessage], Awaitable[None]]
State = Literal["idle", "running", "draining", "stopped"]

MAX_RETRY_DELAY_SECONDS = 900.0
MIN_RECEIVE_BACKOFF_SECONDS = 1.0
SLOT_LINGER_SECONDS = 0.02
"""How long a receive waits for more handler slots to free up before asking for fewer messages."""
SETTLE_SECONDS = 5.0
"""How long a drain waits, past its deadline, for the broker calls of handlers that finished."""
STALLED_RECEIVE_SECONDS = 60.0
"""A receive still pending this long after its long poll should have ended has hung."""
STALLED_HANDLER_SECONDS = 60.0
"""A handler still running this long after its deadline cancelled it does not stop: the loop is stuck."""

log = structlog.get_logger(__name__)

_receive_count: ContextVar[int] = ContextVar("receive_count")


def receive_count() -> int | None:
    """Within a handler, how many times the broker has delivered its message (1 the first time);
    None outside one. The worker dead-letters by this count, so a handler that keeps its own count
    of attempts can tell from it that this one is the last, whatever its own count missed."""
    return _receive_count.get(None)


def retry_delay(base_seconds: float, receive_count: int) -> float:
    """Seconds before a failed delivery is visible again: `base * 2**(receives-1)`, capped at 15 minutes."""
    exponent = min(max(receive_count - 1, 0), 16)
    return min(base_seconds * 2**exponent, MAX_RETRY_DELAY_SECONDS)


class Worker:
    """Consumes `queue` with at most `concurrency` handlers running at once.

    While a handler runs, its delivery's visibility is extended every `lease_seconds / 3` to
    `lease_seconds` (the queues' visibility timeout), so a long job is not handed to a second consumer.
    """

    def __init__(
        self,
        bus: Bus,
        queue: str,
        handler: Handler,
        *,
        concurrency: int = 8,
        batch_size: int = 10,
        wait_seconds: float = 20.0,
        retry_delay_seconds: float = 5.0,
        name: str | None = None,
        lease_seconds: float = 30.0,
        max_receives: int | None = None,
        drain_seconds: float = 25.0,
        handler_timeout_seconds: float = 900.0,
    ) -> None:
        if concurrency < 1 or not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"need concurrency >= 1 and 1 <= batch_size <= {MAX_BATCH}")
        self._bus = bus
        self._queue = queue
        self._handler = handler
        self._batch_size = batch_size
        self._wait_seconds = wait_seconds
        self._retry_delay_seconds = retry_delay_seconds
        self._lease_seconds = lease_seconds
        self._max_receives = max_receives
        self._drain_seconds = drain_seconds
        self._handler_timeout = handler_timeout_seconds or None
        self.name = name or f"worker:{queue}"
        self._metrics = worker_metrics().for_queue(queue)
        self._concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._in_flight: dict[asyncio.Task[None], Delivery] = {}
        self._handling_since: dict[str, float] = {}
        """When each running handler started (monotonic), by receipt."""
        self._settling: set[asyncio.Task[None]] = set()
        """In-flight tasks whose outcome is known: only their ack, retry or dead letter is left."""
        self._acks = AckBatches(bus, self._metrics.processed)
        self._state: State = "idle"
        self._receiving_since: float | None = None
        self._broker_answers = False

    @classmethod
    def configured(
        cls, bus: Bus, queue: str, handler: Handler, settings: WorkerSettings, *, name: str
    ) -> Worker:
        """A worker tuned by the `WORKER_…` settings."""
        return cls(
            bus,
            queue,
            handler,
            name=name,
            concurrency=settings.concurrency,
            batch_size=settings.batch_size,
            wait_seconds=settings.wait_seconds,
            retry_delay_seconds=settings.retry_delay_seconds,
            lease_seconds=settings.visibility_timeout_seconds,
            max_receives=settings.max_receives,
            drain_seconds=settings.drain_seconds,
            handler_timeout_seconds=settings.handler_timeout_seconds,
        )

    def alive(self) -> bool:
        """False while a receive hangs well past its long poll, or a handler runs well past the
        deadline that cancelled it (the liveness probe restarts the pod)."""
        now = time.monotonic()
        return not (self._receive_stalled(now) or self._handler_stalled(now))

    def _receive_stalled(self, now: float) -> bool:
        since = self._receiving_since
        return since is not None and now - since >= self._wait_seconds + STALLED_RECEIVE_SECONDS

    def _handler_stalled(self, now: float) -> bool:
        if self._handler_timeout is None:
            return False
        overdue = self._handler_timeout + STALLED_HANDLER_SECONDS
        return any(now - since >= overdue for since in self._handling_since.values())

    def ready(self) -> bool:
        """True while running (not draining) and the latest receive reached the broker."""
        return self._state == "running" and self._broker_answers

    async def run(self, stop: asyncio.Event, *, drain_seconds: float | None = None) -> None:
        """Receive and handle until `stop` is set; then stop receiving, drain in-flight work, return."""
        log.info("worker.started", worker=self.name, queue=self._queue)
        self._state = "running"
        try:
            while not stop.is_set():
                await self._receive_and_dispatch(stop)
        except asyncio.CancelledError:
            self._abandon()
            raise
        self._state = "draining"
        await self._drain(self._drain_seconds if drain_seconds is None else drain_seconds)
        self._state = "stopped"
        log.info("worker.stopped", worker=self.name, queue=self._queue)

    async def run_once(self) -> int:
        """Receive one batch, handle all of it, and return how many messages were received."""
        slots = await self._acquire_slots()
        try:
            deliveries = await self._receive(slots)
        except BaseException:
            self._release_slots(slots)
            raise
        self._dispatch(deliveries, slots)
        await self._drain(None)
        return len(deliveries)

    async def _receive_and_dispatch(self, stop: asyncio.Event) -> None:
        slots = await self._acquire_slots(stop)
        if not slots:
            return
        try:
            deliveries = await _unless_stopped(self._receive(slots), stop)
        except TransientError as exc:
            self._release_slots(slots)
            self._broker_answers = False
            log.warning("worker.receive_failed", worker=self.name, queue=self._queue, error=str(exc))
            await _wait_or_stop(stop, max(self._retry_delay_seconds, MIN_RECEIVE_BACKOFF_SECONDS))
            return
        except BaseException:
            self._release_slots(slots)
            raise
        self._dispatch(deliveries, slots)

    async def _acquire_slots(self, stop: asyncio.Event | None = None) -> int:
        """Wait for a free handler slot, then take up to a batch of them; 0 when `stop` came first.

        Slots freed within `SLOT_LINGER_SECONDS` are waited for, so that under load with quick
        handlers a receive asks for a full batch (one receive and one delete per ten messages).
        """
        if not await self._first_slot(stop):
            return 0
        wanted = min(self._batch_size, self._concurrency)
        taken = 1
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(SLOT_LINGER_SECONDS):
                while taken < wanted:
                    await self._slots.acquire()
                    taken += 1
        return taken

    async def _first_slot(self, stop: asyncio.Event | None) -> bool:
        if stop is None or not self._slots.locked():
            await self._slots.acquire()
            return True
        acquiring = asyncio.ensure_future(self._slots.acquire())
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({acquiring, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            acquiring.cancel()
        await asyncio.gather(acquiring, stopping, return_exceptions=True)
        return not acquiring.cancelled()

    def _release_slots(self, count: int) -> None:
        for _ in range(count):
            self._slots.release()

    async def _receive(self, max_messages: int) -> list[Delivery]:
        self._receiving_since = time.monotonic()
        try:
            deliveries = await self._bus.receive(
                self._queue, max_messages=max_messages, wait_seconds=self._wait_seconds
            )
        finally:
            self._receiving_since = None
        self._broker_answers = True
        self._observe(deliveries)
        return deliveries

    def _observe(self, deliveries: list[Delivery]) -> None:
        now = time.time()
        ages = [max(now - d.sent_at, 0.0) for d in deliveries if d.sent_at is not None]
        for age in ages:
            self._metrics.message_age.observe(age)
        self._metrics.lag.set(max(ages, default=0.0))
        if deliveries:
            self._metrics.received.inc(len(deliveries))

    def _dispatch(self, deliveries: list[Delivery], slots: int) -> None:
        """Start one task per delivery; each owns one slot. Slots nobody needs are given back."""
        self._release_slots(slots - len(deliveries))
        self._acks.expect(len(deliveries))
        for delivery in deliveries:
            task = asyncio.create_task(self._process(delivery), name=f"{self.name}:{delivery.message_id}")
            self._in_flight[task] = delivery
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.pop(task, None)
        self._settling.discard(task)
        self._slots.release()
        if not task.cancelled() and task.exception() is not None:
            log.error("worker.task_crashed", worker=self.name, exc_info=task.exception())

    def _abandon(self) -> None:
        """Cancel every in-flight handler without acking or releasing anything (a crash)."""
        for task in list(self._in_flight):
            task.cancel()

    async def _drain(self, seconds: float | None) -> None:
        """Wait for in-flight handlers (at most `seconds`); give back the messages of those still
        running, and let those that finished settle (an ack waiting to join a batch must not be
        cancelled: its message would be handed out again)."""
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=seconds)
        unfinished = {t: d for t, d in self._in_flight.items() if t not in self._settling}
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)
        self._acks.decided(len(unfinished))
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=SETTLE_SECONDS)
        self._abandon()
        for delivery in unfinished.values():
            log.warning("worker.released", worker=self.name, delivery_id=delivery.message_id)
            await self._retry_later(delivery, delay=0.0)
            self._metrics.released.inc()

    async def _process(self, delivery: Delivery) -> None:
        """Decode and handle one delivery, in the task `_dispatch` started for it.

        The log context is bound, not bound and restored (`bound_contextvars` copies the whole
        context twice per call): the task runs in its own copy of the context, which ends with it.
        """
        bind_contextvars(worker=self.name, queue=delivery.queue, delivery_id=delivery.message_id)
        try:
            message = decode(delivery.body)
        except msgspec.DecodeError as exc:
            self._decided()
            await self._dead_letter(delivery, f"undecodable body: {exc}")
            return
        bind_contextvars(
            message_id=message.message_id,
            correlation_id=message.correlation_id,
            message_type=type(message).__name__,
        )
        await self._handle(delivery, message)

    async def _handle(self, delivery: Delivery, message: AnyMessage) -> None:
        failure = await self._call_handler(delivery, message)
        if failure is None:
            await self._acks.ack(delivery)
            return
        self._metrics.failed.inc()
        reason = f"{type(failure).__name__}: {failure}"
        if isinstance(failure, PermanentError):
            await self._dead_letter(delivery, reason)
        elif self._max_receives is not None and delivery.receive_count >= self._max_receives:
            await self._dead_letter(delivery, f"failed on {delivery.receive_count} receives; last {reason}")
        else:
            await self._retry_later(delivery, retry_delay(self._retry_delay_seconds, delivery.receive_count))

    async def _call_handler(self, delivery: Delivery, message: AnyMessage) -> Exception | None:
        """Run the handler, keeping the delivery leased meanwhile; the exception it raised, if any."""
        lease = Lease(self._bus, delivery, self._lease_seconds)
        try:
            failure = await self._run_handler(delivery, message)
            self._decided()
            return failure
        finally:
            await lease.end()

    async def _run_handler(self, delivery: Delivery, message: AnyMessage) -> Exception | None:
        """Call the handler within its deadline; what it raised (or its timeout), if anything."""
        self._metrics.in_flight.inc()
        started = time.perf_counter()
        self._handling_since[delivery.receipt] = time.monotonic()
        deadline = asyncio.timeout(self._handler_timeout)
        counted = _receive_count.set(delivery.receive_count)
        try:
            async with deadline:
                await self._handler(message)
        except (PermanentError, TransientError) as exc:
            log.warning(
                "worker.handler_error",
                error=f"{type(exc).__name__}: {exc}",
                receive_count=delivery.receive_count,
            )
            return exc
        except Exception as exc:  # the one catch-all: an unexpected failure is logged and retried
            if isinstance(exc, TimeoutError) and deadline.expired():
                return self._timed_out(delivery)
            log.exception(
                "worker.handler_failed", error=type(exc).__name__, receive_count=delivery.receive_count
            )
            return exc
        finally:
            _receive_count.reset(counted)
            del self._handling_since[delivery.receipt]
            self._metrics.in_flight.dec()
            self._metrics.handler_seconds.observe(time.perf_counter() - started)
        return None

    def _timed_out(self, delivery: Delivery) -> TransientError:
        log.error(
            "worker.handler_timed_out",
            timeout_seconds=self._handler_timeout,
            receive_count=delivery.receive_count,
        )
        return TransientError(f"the handler did not finish within {self._handler_timeout:g} s")

    def _decided(self) -> None:
        """The delivery's outcome is known: a drain lets it settle, and it joins no ack batch it is not in."""
        task = asyncio.current_task()
        if task is not None:
            self._settling.add(task)
        self._acks.decided()

    async def _retry_later(self, delivery: Delivery, delay: float) -> None:
        try:
            await self._bus.retry_later(delivery, delay_seconds=delay)
        except ParleyError as exc:
            log.warning("worker.retry_later_failed", error=str(exc))

    async def _dead_letter(self, delivery: Delivery, reason: str) -> None:
        log.error("worker.dead_lettered", reason=reason, receive_count=delivery.receive_count)
        try:
            await self._bus.dead_letter(delivery, reason=reason)
        except ParleyError as exc:
            log.warning("worker.dead_letter_failed", error=str(exc))
            return
        self._metrics.dead_lettered.inc()


async def _unless_stopped(receive: Awaitable[list[Delivery]], stop: asyncio.Event) -> list[Delivery]:
    """What `receive` returns, or nothing as soon as `stop` is set (the receive is then cancelled)."""
    receiving = asyncio.ensure_future(receive)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        # Whatever SQS handed a cancelled receive becomes visible again after its visibility timeout.
        receiving.cancel()
    await asyncio.gather(receiving, stopping, return_exceptions=True)
    return [] if receiving.cancelled() else receiving.result()


async def _wait_or_stop(stop: asyncio.Event, seconds: float) -> None:
    """Back off for `seconds`, returning early when `stop` is set."""
    try:
        async with asyncio.timeout(seconds):
            await stop.wait()
    except TimeoutError:
        return


def install_signal_handlers(stop: asyncio.Event) -> None:
    """Make SIGTERM and SIGINT set `stop` (call from inside the running event loop)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
