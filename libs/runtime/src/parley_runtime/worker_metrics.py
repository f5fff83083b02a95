"""Prometheus metrics of the worker loop, registered once per process and shared by its workers."""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields

from prometheus_client import Counter, Gauge, Histogram

AGE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400, 86_400)


@dataclass(frozen=True)
class WorkerMetrics:
    received: Counter
    processed: Counter
    failed: Counter
    dead_lettered: Counter
    released: Counter
    message_age: Histogram
    lag: Gauge
    in_flight: Gauge
    handler_seconds: Histogram

    def for_queue(self, queue: str) -> WorkerMetrics:
        """The same metrics labelled for `queue` once (a `labels()` call costs microseconds)."""
        children = {field.name: getattr(self, field.name).labels(queue=queue) for field in fields(self)}
        return WorkerMetrics(**children)


@functools.cache
def worker_metrics() -> WorkerMetrics:
    """The metrics, created on first use (not at import), labelled by queue."""

    def counter(name: str, documentation: str) -> Counter:
        return Counter(f"parley_worker_messages_{name}", documentation, ["queue"])

    return WorkerMetrics(
        received=counter("received", "Messages received from the queue."),
        processed=counter("processed", "Messages handled successfully and acked."),
        failed=counter("failed", "Messages whose handler raised (retried or dead-lettered)."),
        dead_lettered=counter("dead_lettered", "Messages moved to the dead-letter queue by the worker."),
        released=counter("released", "In-flight messages given back unhandled when a drain ran out of time."),
        message_age=Histogram(
            "parley_worker_message_age_seconds",
            "Age of a message when it was received (time since the broker accepted it).",
            ["queue"],
            buckets=AGE_BUCKETS,
        ),
        lag=Gauge(
            "parley_worker_lag_seconds",
            "Age of the oldest message of the latest receive; 0 after a receive that found none.",
            ["queue"],
        ),
        in_flight=Gauge("parley_worker_in_flight", "Messages being handled now.", ["queue"]),
        handler_seconds=Histogram("parley_worker_handler_seconds", "Time one handler call took.", ["queue"]),
    )
