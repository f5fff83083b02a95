"""The turn-latency histogram of the daily analytics documents: written by the analytics worker,
read back by the gateway. One definition, so the writer's buckets and the reader's bounds agree.

`latency_ms_buckets.le_<bound>` counts the turns that took at most `bound` ms and more than the
previous bound (`le_inf`: longer than the last bound).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

LATENCY_BOUNDS_MS: tuple[float, ...] = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, math.inf)
"""Upper bounds of the latency histogram's buckets, in milliseconds."""


def bucket_name(bound: float) -> str:
    """`le_25` for 25 ms, `le_inf` for the open last bucket."""
    return "le_inf" if math.isinf(bound) else f"le_{bound:g}"


def latency_bucket(latency_ms: float) -> str:
    """The histogram bucket a turn of `latency_ms` falls in."""
    return bucket_name(next(bound for bound in LATENCY_BOUNDS_MS if latency_ms <= bound))


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
