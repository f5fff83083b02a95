"""Encoding off the event loop, micro-batched when requests queue up."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest

from parley_nlu.batching import EncodingQueue
from parley_nlu.encoder import Embeddings, HashingEncoder


class GatedEncoder:
    """An encoder whose calls block (in their worker thread) until `gate` is set; records batch sizes."""

    def __init__(self) -> None:
        self.inner = HashingEncoder()
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.batches: list[int] = []

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: list[str]) -> Embeddings:
        self.batches.append(len(texts))
        self.entered.set()
        if not self.gate.wait(timeout=10):
            raise TimeoutError("the test never opened the gate")
        return self.inner.encode(texts)


class BrokenEncoder(HashingEncoder):
    def encode(self, texts: list[str]) -> Embeddings:
        raise RuntimeError("model exploded")


async def test_the_event_loop_keeps_running_while_a_text_is_encoded(poll: Callable[..., Any]) -> None:
    encoder = GatedEncoder()
    queue = EncodingQueue(encoder)
    pending = asyncio.create_task(queue.encode("hello"))
    await poll(encoder.entered.is_set)
    assert not pending.done()  # the loop got here while the encoder was busy
    encoder.gate.set()
    assert (await pending).shape == (encoder.dim,)
    await queue.close()


async def test_requests_that_queue_up_are_encoded_as_one_batch(poll: Callable[..., Any]) -> None:
    encoder = GatedEncoder()
    queue = EncodingQueue(encoder, max_batch=32)
    first = asyncio.create_task(queue.encode("first"))
    await poll(encoder.entered.is_set)
    rest = [asyncio.create_task(queue.encode(f"text {i}")) for i in range(9)]
    await asyncio.sleep(0)  # let the nine enqueue
    encoder.gate.set()
    vectors = await asyncio.gather(first, *rest)
    assert encoder.batches == [1, 9]
    assert all(v.shape == (encoder.dim,) for v in vectors)
    await queue.close()


async def test_batched_results_go_to_the_right_requests() -> None:
    encoder = HashingEncoder()
    queue = EncodingQueue(encoder, max_batch=4)
    texts = [f"utterance number {i}" for i in range(10)]
    vectors = await asyncio.gather(*(queue.encode(t) for t in texts))
    for text, vector in zip(texts, vectors, strict=True):
        assert (vector == encoder.encode([text])[0]).all()
    await queue.close()


async def test_an_encoder_failure_reaches_the_waiting_request() -> None:
    queue = EncodingQueue(BrokenEncoder())
    with pytest.raises(RuntimeError, match="exploded"):
        await queue.encode("hello")
    await queue.close()


async def test_a_request_cancelled_while_it_waits_is_not_encoded(poll: Callable[..., Any]) -> None:
    encoder = GatedEncoder()
    queue = EncodingQueue(encoder)
    first = asyncio.create_task(queue.encode("first"))
    await poll(encoder.entered.is_set)
    dropped, kept = asyncio.create_task(queue.encode("dropped")), asyncio.create_task(queue.encode("kept"))
    await asyncio.sleep(0)  # let both enqueue
    dropped.cancel()
    encoder.gate.set()
    assert (await first).shape == (await kept).shape == (encoder.dim,)
    assert encoder.batches == [1, 1] and dropped.cancelled()
    await queue.close()


async def test_closing_cancels_the_waiting_requests_and_the_queue_serves_again_after(
    poll: Callable[..., Any],
) -> None:
    encoder = GatedEncoder()
    queue = EncodingQueue(encoder)
    first = asyncio.create_task(queue.encode("first"))
    await poll(encoder.entered.is_set)
    waiting = asyncio.create_task(queue.encode("waiting"))
    await asyncio.sleep(0)  # let it enqueue
    closing = asyncio.create_task(queue.close())
    await asyncio.sleep(0)  # the close cancels what waits at once, then waits for the worker
    encoder.gate.set()
    await closing
    assert (await first).shape == (encoder.dim,)
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert encoder.batches == [1]
    assert (await queue.encode("again")).shape == (encoder.dim,)
    await queue.close()


async def test_requests_one_after_another_each_find_a_worker() -> None:
    encoder = HashingEncoder()
    queue = EncodingQueue(encoder, workers=2)
    for i in range(200):
        assert (await queue.encode(f"text {i}") == encoder.encode([f"text {i}"])[0]).all()
    await queue.close()
