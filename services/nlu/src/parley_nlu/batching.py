"""Encoding off the event loop, with micro-batching under load.

Requests wait in a queue; each worker thread takes everything waiting (up to `max_batch`) and encodes
it in one call. Alone, a request is encoded at once; under load, batching amortises the cost of
streaming the model's weights through the cache, so throughput grows instead of latency.

A worker thread takes its batches from the queue itself and hands each result straight to the event
loop, so a request costs the loop one wake-up: no task of its own has to run between the queue, the
thread and the request.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from parley_nlu.encoder import Embeddings, Encoder

_Pending = tuple[str, "asyncio.Future[Embeddings]"]


class EncodingQueue:
    """`await encode(text)` from any number of tasks of one event loop."""

    def __init__(self, encoder: Encoder, *, workers: int = 1, max_batch: int = 32) -> None:
        self._encoder = encoder
        self._workers = max(1, workers)
        self._max_batch = max(1, max_batch)
        self._lock = threading.Lock()  # over `_waiting` and `_idle`, shared by the loop and the workers
        self._waiting: deque[_Pending] = deque()
        self._idle = self._workers
        self._executor: ThreadPoolExecutor | None = None

    async def encode(self, text: str) -> Embeddings:
        """The embedding of one text (a vector of `encoder.dim` floats)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Embeddings] = loop.create_future()
        with self._lock:
            self._waiting.append((text, future))
            start = self._idle > 0  # else a busy worker takes it when it is done
            if start:
                self._idle -= 1
        if start:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="nlu-encode")
            self._executor.submit(self._work, loop)
        return await future

    async def close(self) -> None:
        """Cancel the requests still waiting and wait for the workers to finish their batch."""
        with self._lock:
            waiting = list(self._waiting)
            self._waiting.clear()
        for _, future in waiting:
            future.cancel()
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True)

    def _work(self, loop: asyncio.AbstractEventLoop) -> None:
        """In a worker thread: encode what waits, a batch at a time, until nothing does."""
        while batch := self._take():
            try:
                vectors = self._encoder.encode([text for text, _ in batch])
            except Exception as exc:  # noqa: BLE001 - handed to the waiting requests, which raise it
                loop.call_soon_threadsafe(_fail, batch, exc)
            else:
                loop.call_soon_threadsafe(_resolve, batch, vectors)

    def _take(self) -> list[_Pending]:
        """Up to `max_batch` waiting requests whose callers still wait (a cancelled one is dropped);
        none, and the worker is idle again, when nothing waits."""
        batch: list[_Pending] = []
        with self._lock:
            while self._waiting and len(batch) < self._max_batch:
                text, future = self._waiting.popleft()
                if not future.done():
                    batch.append((text, future))
            if not batch:
                self._idle += 1
        return batch


def _resolve(batch: list[_Pending], vectors: Embeddings) -> None:
    for (_, future), vector in zip(batch, np.asarray(vectors), strict=True):
        if not future.done():
            future.set_result(vector)


def _fail(batch: list[_Pending], exc: Exception) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(exc)
