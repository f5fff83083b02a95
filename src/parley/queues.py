"""`parley queues stats` and `parley queues replay <queue>`: the operators' view of the queues."""

from __future__ import annotations

from parley_messages import QUEUES, dead_letter_queue
from parley_runtime.bus.ports import QueueAdmin, QueueStats
from parley_runtime.errors import InvalidInputError, NotFoundError


async def queue_stats(admin: QueueAdmin) -> list[QueueStats | str]:
    """Depths of every queue and its dead-letter queue; the name alone for a queue that is missing."""
    found: list[QueueStats | str] = []
    for name in (name for queue in QUEUES for name in (queue, dead_letter_queue(queue))):
        try:
            found.append(await admin.stats(name))
        except NotFoundError:
            found.append(name)
    return found


def stats_table(rows: list[QueueStats | str]) -> str:
    lines = [f"{'queue':<28} {'visible':>8} {'in flight':>10} {'delayed':>8}"]
    for row in rows:
        if isinstance(row, str):
            lines.append(f"{row:<28} {'missing':>8}")
        else:
            lines.append(f"{row.queue:<28} {row.visible:>8} {row.in_flight:>10} {row.delayed:>8}")
    return "\n".join(lines)


async def replay(admin: QueueAdmin, queue: str, *, limit: int | None = None) -> int:
    """Move the dead letters of `queue` back onto it (the oldest first, up to `limit`); how many."""
    if queue not in QUEUES:
        raise InvalidInputError(f"unknown queue {queue!r}; one of {', '.join(QUEUES)}")
    return await admin.move(dead_letter_queue(queue), queue, limit=limit)
