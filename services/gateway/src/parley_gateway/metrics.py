"""Prometheus metrics of the gateway, in a registry of its own (several apps may share a process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_TURN_BUCKETS = (0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.turn_seconds = Histogram(
            "parley_turn_seconds",
            "Turn latency at the gateway: user message received to reply ready",
            ["channel"],
            buckets=_TURN_BUCKETS,
            registry=self.registry,
        )
        self.upstream_seconds = Histogram(
            "parley_upstream_seconds",
            "Latency of calls to dialogue (which calls NLU) and NLU",
            ["upstream", "operation"],
            buckets=_TURN_BUCKETS,
            registry=self.registry,
        )
        self.websockets = Gauge("parley_active_websockets", "Open chat websockets", registry=self.registry)
        self.errors = Counter("parley_errors", "Errors answered, by code", ["code"], registry=self.registry)
