"""What one turn adds to its day's bucket, and how a reader turns summed buckets back into statistics.

Every counter is a sum, so the 64 buckets of a day (and the days of a range) are merged by adding
field by field. Latency is a fixed histogram: `latency_ms_buckets.le_<bound>` counts the turns that
took at most `bound` ms and more than the previous bound (`le_inf`: longer than the last bound).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from parley_messages import TurnCompleted

LATENCY_BOUNDS_MS: tuple[float, ...] = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, math.inf)
"""Upper bounds of the latency histogram's buckets, in milliseconds."""


def bucket_name(bound: float) -> str:
    """`le_25` for 25 ms, `le_inf` for the open last bucket."""
    return "le_inf" if math.isinf(bound) else f"le_{bound:g}"


def latency_bucket(latency_ms: float) -> str:
    """The histogram bucket a turn of `latency_ms` falls in."""
    return bucket_name(next(bound for bound in LATENCY_BOUNDS_MS if latency_ms <= bound))


def field_name(value: str) -> str:
    """`value` made safe as a MongoDB field name (no `.` paths, no leading `$`, never empty)."""
    return value.replace(".", "_").replace("$", "_") or "_"


def user_key(event: TurnCompleted) -> str:
    """Who a turn counts as: its `user_id`, or for an anonymous turn its conversation."""
    return f"user:{event.user_id}" if event.user_id else f"conversation:{event.conversation_id}"


def turn_increments(event: TurnCompleted) -> dict[str, float]:
    """The counters one turn adds (conversations and users are added by the store, once each)."""
    increments: dict[str, float] = {
        "turns": 1,
        "fallbacks": int(event.fallback),
        "completed": int(event.complete),
        "latency_ms_sum": event.latency_ms,
        f"intents.{field_name(event.intent or 'none')}": 1,
        f"channels.{field_name(event.channel)}": 1,
        f"latency_ms_buckets.{latency_bucket(event.latency_ms)}": 1,
    }
    if event.confidence is not None:
        increments["confidence_sum"] = event.confidence
        increments["confidence_count"] = 1
    return increments


def latency_percentile(buckets: Mapping[str, float], quantile: float) -> float | None:
    """The `quantile` (0..1) of the latencies counted in `buckets`, interpolated inside its bucket.

    None when nothing was counted; the last finite bound when the quantile lies in `le_inf`.
    """
    total = sum(buckets.get(bucket_name(bound), 0) for bound in LATENCY_BOUNDS_MS)
    if total <= 0:
        return None
    rank, seen, lower = quantile * total, 0.0, 0.0
    for bound in LATENCY_BOUNDS_MS:
        count = buckets.get(bucket_name(bound), 0)
        if count and seen + count >= rank:
            if math.isinf(bound):
                return lower
            return lower + (bound - lower) * max(rank - seen, 0.0) / count
        seen += count
        lower = bound if not math.isinf(bound) else lower
    return lower
