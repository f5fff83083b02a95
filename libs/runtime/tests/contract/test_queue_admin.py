"""The `QueueAdmin` contract, run against MemoryBus and SqsBus (LocalStack)."""

from __future__ import annotations

from typing import cast

from parley_messages import LOGGER_QUEUE, TurnCompleted, dead_letter_queue, decode
from parley_runtime.bus.ports import Bus, QueueAdmin

DLQ = dead_letter_queue(LOGGER_QUEUE)


def _turn(text: str) -> TurnCompleted:
    return TurnCompleted(bot="pizzeria", conversation_id="c1", channel="rest", user_text=text, replies=["hi"])


async def _dead_letter_all(bus: Bus, count: int) -> None:
    dead = 0
    while dead < count:
        deliveries = await bus.receive(LOGGER_QUEUE, max_messages=10, wait_seconds=5)
        assert deliveries, f"only {dead} of {count} arrived"
        for delivery in deliveries:
            await bus.dead_letter(delivery, reason="test")
        dead += len(deliveries)


async def test_stats_count_visible_and_in_flight_messages(bus: Bus) -> None:
    admin = cast(QueueAdmin, bus)
    for text in ("a", "b", "c"):
        await bus.publish(_turn(text))
    assert await bus.receive(LOGGER_QUEUE, max_messages=1, wait_seconds=5)
    stats = await admin.stats(LOGGER_QUEUE)
    assert (stats.queue, stats.visible, stats.in_flight) == (LOGGER_QUEUE, 2, 1)


async def test_moving_dead_letters_back_puts_every_one_on_the_queue_again(bus: Bus) -> None:
    admin = cast(QueueAdmin, bus)
    turns = [_turn(str(index)) for index in range(12)]
    for turn in turns:
        await bus.publish(turn)
    await _dead_letter_all(bus, len(turns))
    assert await admin.move(DLQ, LOGGER_QUEUE) == len(turns)
    again: list[TurnCompleted] = []
    while len(again) < len(turns):
        deliveries = await bus.receive(LOGGER_QUEUE, max_messages=10, wait_seconds=5)
        assert deliveries
        again.extend(cast(TurnCompleted, decode(d.body)) for d in deliveries)
        await bus.ack(deliveries)
    assert sorted(t.user_text for t in again) == sorted(t.user_text for t in turns)
    assert (await admin.stats(DLQ)).visible == 0


async def test_moving_back_a_dead_letter_whose_text_sqs_refuses_raw_keeps_it_intact(bus: Bus) -> None:
    admin = cast(QueueAdmin, bus)
    turn = _turn("pizza \ufffe\uffff please")
    await bus.publish(turn)
    await _dead_letter_all(bus, 1)
    assert await admin.move(DLQ, LOGGER_QUEUE) == 1
    deliveries = await bus.receive(LOGGER_QUEUE, max_messages=1, wait_seconds=5)
    assert [decode(d.body) for d in deliveries] == [turn]


async def test_a_move_with_a_limit_moves_no_more(bus: Bus) -> None:
    admin = cast(QueueAdmin, bus)
    for text in ("a", "b", "c"):
        await bus.publish(_turn(text))
    await _dead_letter_all(bus, 3)
    assert await admin.move(DLQ, LOGGER_QUEUE, limit=2) == 2
    assert (await admin.stats(DLQ)).visible == 1
