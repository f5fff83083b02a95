"""What the memory store adds to the `ConversationStore` contract: a time-to-live that slides with
each save, and no memory kept for conversations that expired."""

from __future__ import annotations

from parley_dialogue.adapters.memory_conversations import MemoryConversationState
from parley_dialogue.conversation import ConversationState


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_saving_again_restarts_the_time_to_live() -> None:
    clock = Clock()
    store = MemoryConversationState(ttl_seconds=10, clock=clock)
    state = ConversationState(conversation_id="c", bot="b")
    await store.save(state)
    clock.now += 8
    await store.save(state)
    clock.now += 8
    assert await store.load("b", "c") == state
    clock.now += 2
    assert await store.load("b", "c") is None


async def test_expired_conversations_are_dropped_as_new_ones_are_saved() -> None:
    clock = Clock()
    store = MemoryConversationState(ttl_seconds=10, clock=clock)
    for index in range(100):
        await store.save(ConversationState(conversation_id=f"old{index}", bot="b"))
    clock.now += 11
    await store.save(ConversationState(conversation_id="new", bot="b"))
    assert list(store._states) == [("b", "new")]
