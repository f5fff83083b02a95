"""The worker loop end to end on each bus adapter (the in-process bus and SQS on LocalStack)."""

from __future__ import annotations

import asyncio

from parley_messages import TRAINING_QUEUE, AnyMessage, TrainModel, dead_letter_queue, decode
from parley_runtime.bus.ports import Bus
from parley_runtime.errors import PermanentError
from parley_runtime.worker import Worker


async def test_the_worker_handles_and_acks_every_message_once(bus: Bus) -> None:
    jobs = [f"j{index}" for index in range(15)]
    for job in jobs:
        await bus.publish(TrainModel(bot="b", job_id=job, dataset_key="k"))
    handled: list[str] = []
    all_handled = asyncio.Event()

    async def handler(message: AnyMessage) -> None:
        assert isinstance(message, TrainModel)
        handled.append(message.job_id)
        if len(handled) == len(jobs):
            all_handled.set()

    stop = asyncio.Event()
    running = asyncio.create_task(
        Worker(bus, TRAINING_QUEUE, handler, concurrency=4, wait_seconds=1).run(stop)
    )
    await asyncio.wait_for(all_handled.wait(), timeout=20)
    stop.set()
    await asyncio.wait_for(running, timeout=10)
    assert sorted(handled) == sorted(jobs)
    assert await bus.receive(TRAINING_QUEUE, wait_seconds=2) == []


async def test_the_worker_dead_letters_a_message_its_handler_rejects(bus: Bus) -> None:
    command = TrainModel(bot="b", job_id="bad", dataset_key="k")
    await bus.publish(command)

    async def rejecting(message: AnyMessage) -> None:
        raise PermanentError("malformed dataset")

    assert await Worker(bus, TRAINING_QUEUE, rejecting, wait_seconds=5).run_once() == 1
    dead = await bus.receive(dead_letter_queue(TRAINING_QUEUE), wait_seconds=5)
    assert [decode(delivery.body) for delivery in dead] == [command]
