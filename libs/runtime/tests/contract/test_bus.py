"""The `Bus` contract, run against MemoryBus and SqsBus (LocalStack)."""

from __future__ import annotations

import asyncio

from parley_messages import (
    ANALYTICS_QUEUE,
    LOGGER_QUEUE,
    TRAINING_QUEUE,
    TrainModel,
    TurnCompleted,
    dead_letter_queue,
    decode,
)
from parley_runtime.bus.ports import Bus, Delivery

VISIBILITY_TIMEOUT = 1
"""Seconds; the `bus` fixture gives both adapters this visibility timeout."""
MAX_RECEIVES = 5
"""Parley's redrive policy: the sixth receive moves a message to the dead-letter queue."""


def _turn(text: str = "hello") -> TurnCompleted:
    return TurnCompleted(bot="pizzeria", conversation_id="c1", channel="rest", user_text=text, replies=["hi"])


async def _receive_one(bus: Bus, queue: str, wait_seconds: float = 5.0) -> Delivery:
    deliveries = await bus.receive(queue, max_messages=1, wait_seconds=wait_seconds)
    assert len(deliveries) == 1, f"expected one delivery on {queue}, got {deliveries}"
    return deliveries[0]


async def _receive_all(bus: Bus, queue: str, count: int) -> list[Delivery]:
    received: list[Delivery] = []
    while len(received) < count:
        batch = await bus.receive(queue, max_messages=10, wait_seconds=5)
        assert batch, f"only {len(received)} of {count} messages arrived on {queue}"
        received.extend(batch)
    return received


async def test_a_published_event_reaches_every_queue_its_route_lists(bus: Bus) -> None:
    turn = _turn()
    await bus.publish(turn)
    for queue in (LOGGER_QUEUE, ANALYTICS_QUEUE):
        assert decode((await _receive_one(bus, queue)).body) == turn
    assert await bus.receive(TRAINING_QUEUE, wait_seconds=0) == []


async def test_a_command_reaches_only_its_own_queue(bus: Bus) -> None:
    command = TrainModel(bot="pizzeria", job_id="j1", dataset_key="datasets/pizzeria/j1.json")
    await bus.publish(command)
    assert decode((await _receive_one(bus, TRAINING_QUEUE)).body) == command
    assert await bus.receive(LOGGER_QUEUE, wait_seconds=0) == []


async def test_a_first_delivery_names_its_queue_and_counts_one_receive(bus: Bus) -> None:
    await bus.publish(_turn())
    delivery = await _receive_one(bus, LOGGER_QUEUE)
    assert delivery.queue == LOGGER_QUEUE
    assert delivery.receive_count == 1
    assert delivery.message_id
    assert delivery.receipt


async def test_an_acked_delivery_is_never_delivered_again(bus: Bus) -> None:
    await bus.publish(_turn())
    await bus.ack([await _receive_one(bus, LOGGER_QUEUE)])
    assert await bus.receive(LOGGER_QUEUE, wait_seconds=VISIBILITY_TIMEOUT + 1) == []


async def test_an_unacked_delivery_is_redelivered_after_the_visibility_timeout(bus: Bus) -> None:
    await bus.publish(_turn())
    first = await _receive_one(bus, LOGGER_QUEUE)
    assert await bus.receive(LOGGER_QUEUE, wait_seconds=0) == []
    again = await _receive_one(bus, LOGGER_QUEUE, wait_seconds=VISIBILITY_TIMEOUT + 3)
    assert again.message_id == first.message_id
    assert again.receive_count == 2


async def test_retry_later_makes_a_delivery_visible_again_after_the_delay(bus: Bus) -> None:
    await bus.publish(_turn())
    first = await _receive_one(bus, LOGGER_QUEUE)
    await bus.retry_later(first, delay_seconds=0)
    again = await _receive_one(bus, LOGGER_QUEUE, wait_seconds=1)
    assert (again.message_id, again.receive_count) == (first.message_id, 2)


async def test_dead_letter_moves_a_delivery_to_its_dead_letter_queue_at_once(bus: Bus) -> None:
    turn = _turn()
    await bus.publish(turn)
    await bus.dead_letter(await _receive_one(bus, LOGGER_QUEUE), reason="cannot be handled")
    dead = await _receive_one(bus, dead_letter_queue(LOGGER_QUEUE))
    assert decode(dead.body) == turn
    assert await bus.receive(LOGGER_QUEUE, wait_seconds=VISIBILITY_TIMEOUT + 1) == []


async def test_a_message_received_more_than_max_receives_times_moves_to_the_dead_letter_queue(
    bus: Bus,
) -> None:
    turn = _turn()
    await bus.publish(turn)
    for receive in range(1, MAX_RECEIVES + 1):
        delivery = await _receive_one(bus, LOGGER_QUEUE)
        assert delivery.receive_count == receive
        await bus.retry_later(delivery, delay_seconds=0)
    assert await bus.receive(LOGGER_QUEUE, wait_seconds=1) == []
    assert decode((await _receive_one(bus, dead_letter_queue(LOGGER_QUEUE))).body) == turn


async def test_receive_hands_out_at_most_max_messages(bus: Bus) -> None:
    for index in range(3):
        await bus.publish(_turn(f"message {index}"))
    deliveries = await bus.receive(LOGGER_QUEUE, max_messages=2, wait_seconds=5)
    assert 1 <= len(deliveries) <= 2


async def test_receive_long_polls_until_a_message_arrives(bus: Bus) -> None:
    receiving = asyncio.create_task(bus.receive(LOGGER_QUEUE, max_messages=1, wait_seconds=10))
    done, _ = await asyncio.wait({receiving}, timeout=0.5)
    assert not done, "receive returned before anything was published"
    turn = _turn()
    await bus.publish(turn)
    deliveries = await asyncio.wait_for(receiving, timeout=10)
    assert [decode(delivery.body) for delivery in deliveries] == [turn]


async def test_receive_on_an_empty_queue_returns_nothing_after_the_wait(bus: Bus) -> None:
    assert await bus.receive(LOGGER_QUEUE, wait_seconds=1) == []


async def test_ack_deletes_more_than_one_batch_of_deliveries_at_once(bus: Bus) -> None:
    for index in range(12):
        await bus.publish(TrainModel(bot="b", job_id=f"j{index}", dataset_key="k"))
    deliveries = await _receive_all(bus, TRAINING_QUEUE, 12)
    assert len({delivery.message_id for delivery in deliveries}) == 12
    await bus.ack(deliveries)
    assert await bus.receive(TRAINING_QUEUE, wait_seconds=VISIBILITY_TIMEOUT + 1) == []


SQS_REFUSES = "pizza \ufffe\uffff please \x7f \U0001f355"
"""Valid in JSON and in a Python string, but U+FFFE and U+FFFF are not allowed in an SQS body."""


async def test_a_message_whose_text_sqs_refuses_raw_arrives_intact(bus: Bus) -> None:
    turn = _turn(SQS_REFUSES)
    await bus.publish(turn)
    assert decode((await _receive_one(bus, LOGGER_QUEUE)).body) == turn


async def test_a_dead_letter_whose_reason_quotes_text_sqs_refuses_raw_is_moved(bus: Bus) -> None:
    turn = _turn()
    await bus.publish(turn)
    await bus.dead_letter(await _receive_one(bus, LOGGER_QUEUE), reason=f"cannot handle {SQS_REFUSES}")
    assert decode((await _receive_one(bus, dead_letter_queue(LOGGER_QUEUE))).body) == turn
