"""Shared infrastructure settings. Unset URLs select the in-process adapters (embedded mode)."""

from __future__ import annotations

from typing import Annotated

import msgspec


def _env(name: str) -> msgspec.Meta:
    return msgspec.Meta(extra={"env": name})


class InfraSettings(msgspec.Struct, frozen=True, kw_only=True):
    mongodb_url: Annotated[str | None, _env("MONGODB_URL")] = None
    """MongoDB connection string; unset means the in-process Mongo emulation."""
    mongodb_database: Annotated[str, _env("MONGODB_DATABASE")] = "parley"
    """Database name inside MongoDB."""
    redis_url: Annotated[str | None, _env("REDIS_URL")] = None
    """Redis URL (`redis://host:6379/0`); unset means in-process fakeredis."""
    aws_endpoint_url: Annotated[str | None, _env("AWS_ENDPOINT_URL")] = None
    """Override for AWS endpoints (LocalStack: `http://127.0.0.1:4566`)."""
    aws_region: Annotated[str, _env("AWS_DEFAULT_REGION")] = "us-east-1"
    """AWS region of the queues and the bucket."""
    bus: Annotated[str, _env("PARLEY_BUS")] = "memory"
    """`sqs` for Amazon SQS (or LocalStack), `memory` for the in-process bus."""
    queue_prefix: Annotated[str, _env("PARLEY_QUEUE_PREFIX")] = ""
    """Prefix added to every queue name (separates environments sharing one account)."""
    bucket: Annotated[str | None, _env("PARLEY_BUCKET")] = None
    """S3 bucket for models, datasets and archives; unset means the local directory below."""
    data_dir: Annotated[str, _env("PARLEY_DATA_DIR")] = "var/data"
    """Local directory for blobs when no bucket is set."""
    log_level: Annotated[str, _env("PARLEY_LOG_LEVEL")] = "INFO"
    """Log level: DEBUG, INFO, WARNING or ERROR."""
