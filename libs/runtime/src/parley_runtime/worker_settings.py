"""How a queue worker process consumes: its environment settings (`WORKER_…`), shared by every worker."""

from __future__ import annotations

from typing import Annotated

import msgspec


def _env(name: str) -> dict[str, str]:
    return {"env": name}


class WorkerSettings(msgspec.Struct, frozen=True, kw_only=True):
    concurrency: Annotated[int, msgspec.Meta(ge=1, extra=_env("WORKER_CONCURRENCY"))] = 16
    """Handlers one worker runs at once (the trainer keeps its own `NLU_TRAINING_CONCURRENCY`)."""
    batch_size: Annotated[int, msgspec.Meta(ge=1, le=10, extra=_env("WORKER_BATCH_SIZE"))] = 10
    """Most messages asked for in one receive (SQS allows ten)."""
    wait_seconds: Annotated[float, msgspec.Meta(ge=0, le=20, extra=_env("WORKER_WAIT_SECONDS"))] = 20.0
    """Long-poll wait of one receive when the queue is empty."""
    visibility_timeout_seconds: Annotated[
        float, msgspec.Meta(gt=0, extra=_env("WORKER_VISIBILITY_TIMEOUT_SECONDS"))
    ] = 30.0
    """The queues' visibility timeout; a message being handled is kept hidden this long, renewed."""
    retry_delay_seconds: Annotated[float, msgspec.Meta(ge=0, extra=_env("WORKER_RETRY_DELAY_SECONDS"))] = 5.0
    """Backoff before the first retry of a failed message; doubles with each receive, at most 15 min."""
    max_receives: Annotated[int, msgspec.Meta(ge=1, extra=_env("WORKER_MAX_RECEIVES"))] = 5
    """A message that failed on this many receives is dead-lettered (the queues' redrive count)."""
    handler_timeout_seconds: Annotated[
        float, msgspec.Meta(ge=0, extra=_env("WORKER_HANDLER_TIMEOUT_SECONDS"))
    ] = 900.0
    """A handler still running after this long is cancelled and its message retried like a failed
    one (dead-lettered after `max_receives`); 0: no limit. The default leaves the trainer 60 times
    its 15 s budget for the largest bot; a logger or analytics worker can take a far shorter one."""
    drain_seconds: Annotated[float, msgspec.Meta(ge=0, extra=_env("WORKER_DRAIN_SECONDS"))] = 25.0
    """On SIGTERM, how long in-flight messages may finish; the rest are released for redelivery."""
    health_port: Annotated[int, msgspec.Meta(ge=0, le=65535, extra=_env("WORKER_HEALTH_PORT"))] = 0
    """Port of `/health/live`, `/health/ready` and `/metrics`; 0 serves none (Kubernetes: 8080)."""
    health_host: Annotated[str, msgspec.Meta(extra=_env("WORKER_HEALTH_HOST"))] = "127.0.0.1"
    """Interface of the health port (`0.0.0.0` in a pod, so that the kubelet reaches it)."""
