"""Encoding off the event loop, with micro-batching under load.

Requests wait in a queue; each worker thread takes everything waiting (up to `max_batch`) and encodes
it in one call. Alone, a request is encoded at once; under load, batching amortises the cost of
streaming the model's weights through the cache, so throughput grows instead of latency.
"""

from __future__ import annotations

import asyncio
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
        self._queue: asyncio.Queue[_Pending] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._executor: ThreadPoolExecutor | None = None

    async def encode(self, text: str) -> Embeddings:
        """The embedding of one text (a vector of `encoder.dim` floats)."""
        queue = self._start()
        future: asyncio.Future[Embeddings] = asyncio.get_running_loop().create_future()
        queue.put_nowait((text, future))
        return await future

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        while self._queue is not None and not self._queue.empty():
            self._queue.get_nowait()[1].cancel()
        self._queue = None
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def _start(self) -> asyncio.Queue[_Pending]:
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="nlu-encode")
            self._tasks = [asyncio.create_task(self._work(self._queue)) for _ in range(self._workers)]
        return self._queue

    async def _work(self, queue: asyncio.Queue[_Pending]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < self._max_batch and not queue.empty():
                batch.append(queue.get_nowait())
            live = [(text, future) for text, future in batch if not future.done()]
            if live:
                await self._encode(live)

    async def _encode(self, batch: list[_Pending]) -> None:
        loop = asyncio.get_running_loop()
        try:
            vectors = await loop.run_in_executor(self._executor, self._encoder.encode, [t for t, _ in batch])
        except asyncio.CancelledError:
            for _, future in batch:
                future.cancel()
            raise
        except Exception as exc:  # noqa: BLE001 - handed to the waiting requests, which raise it
            _fail(batch, exc)
        else:
            _resolve(batch, vectors)


def _resolve(batch: list[_Pending], vectors: Embeddings) -> None:
    for (_, future), vector in zip(batch, np.asarray(vectors), strict=True):
        if not future.done():
            future.set_result(vector)


def _fail(batch: list[_Pending], exc: Exception) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(exc)
