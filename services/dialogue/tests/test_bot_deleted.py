"""Deleting a bot announces it (`BotDeleted`), so that its transcripts, statistics and blobs (models,
training snapshots) go too; the announcement comes first, so a delete that failed can be tried
again and finishes the job."""

from __future__ import annotations

import random
from typing import Any

import pytest

from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.adapters.redis_conversations import RedisConversationState
from parley_dialogue.service import DialogueService
from parley_dialogue.testing import ScriptedNlu
from parley_messages import (
    ANALYTICS_QUEUE,
    LOGGER_QUEUE,
    TRAINING_QUEUE,
    BotDeleted,
    Message,
    decode,
    utc_now,
)
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.errors import NotFoundError, TransientError

SHOP = b"""
intents:
  - id: hello
    examples: [hello]
    replies: ["Hi"]
"""


class BrokenQueue:
    """A publisher whose queue is unreachable."""

    async def publish(self, message: Message) -> None:
        raise TransientError("sqs: EndpointConnectionError")


def _service(mongo: Any, redis: Any, publisher: MemoryBus | BrokenQueue) -> DialogueService:
    return DialogueService(
        bots=MongoBotStore(mongo),
        conversations=RedisConversationState(redis, ttl_seconds=60),
        nlu=ScriptedNlu(),
        publisher=publisher,
        rng=random.Random(1),
    )


async def _announced(bus: MemoryBus, queue: str) -> list[Message]:
    return [decode(delivery.body) for delivery in await bus.receive(queue, wait_seconds=0)]


async def test_deleting_a_bot_tells_the_logger_analytics_and_the_trainer(mongo: Any, redis: Any) -> None:
    bus = MemoryBus()
    service = _service(mongo, redis, bus)
    await service.put_bot("shop", SHOP)
    before = utc_now()
    await service.delete_bot("shop")
    for queue in (LOGGER_QUEUE, ANALYTICS_QUEUE, TRAINING_QUEUE):
        [announced] = await _announced(bus, queue)
        assert isinstance(announced, BotDeleted)
        assert (announced.bot, announced.occurred_at >= before) == ("shop", True)


async def test_a_delete_whose_announcement_failed_leaves_the_bot_to_be_deleted_again(
    mongo: Any, redis: Any
) -> None:
    await _service(mongo, redis, MemoryBus()).put_bot("shop", SHOP)
    with pytest.raises(TransientError):
        await _service(mongo, redis, BrokenQueue()).delete_bot("shop")
    bus = MemoryBus()
    service = _service(mongo, redis, bus)
    assert (await service.get_bot("shop"))["name"] == "shop"
    await service.delete_bot("shop")
    assert [type(m) for m in await _announced(bus, LOGGER_QUEUE)] == [BotDeleted]
    with pytest.raises(NotFoundError):
        await service.get_bot("shop")


async def test_a_bot_that_is_not_there_is_announced_to_nobody(mongo: Any, redis: Any) -> None:
    bus = MemoryBus()
    with pytest.raises(NotFoundError):
        await _service(mongo, redis, bus).delete_bot("ghost")
    assert (bus.depth(LOGGER_QUEUE), bus.depth(ANALYTICS_QUEUE), bus.depth(TRAINING_QUEUE)) == (0, 0, 0)
