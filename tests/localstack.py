"""LocalStack for the test suites: its endpoint, whether it answers, Parley's queues under a fresh
prefix (made and removed by the same init script that deployments run) and throwaway buckets.

The service and library suites import it too (`from tests import localstack`: pytest puts the
repository root on the path), so that each of these is written once."""

from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import httpx
import pytest

from parley_messages import QUEUES

ENDPOINT = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
INIT_SCRIPT = Path(__file__).resolve().parents[1] / "localstack" / "init" / "ready.d" / "parley_init.py"


def answers() -> bool:
    try:
        return httpx.get(f"{ENDPOINT}/_localstack/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def require() -> None:
    """Skip the test when LocalStack is not running; fail it when CI says it must be."""
    if answers():
        return
    if os.environ.get("PARLEY_REQUIRE_REAL_BACKENDS") == "1":
        pytest.fail(f"LocalStack does not answer at {ENDPOINT}")
    pytest.skip(f"LocalStack does not answer at {ENDPOINT}")


def credentials() -> dict[str, str]:
    """The caller's AWS keys, else LocalStack's dummy ones."""
    return {
        "aws_access_key_id": os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        "aws_secret_access_key": os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
    }


def sqs_client(endpoint: str = ENDPOINT) -> Any:
    return boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1", **credentials())


def s3_client(endpoint: str = ENDPOINT) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials())


def init_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("parley_init", INIT_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def fresh_queues(name: str, queues: tuple[str, ...] = QUEUES, visibility_seconds: int = 30) -> Iterator[str]:
    """`queues` (with their DLQs) under a prefix of their own, removed afterwards; yields the prefix."""
    require()
    prefix = f"{name}{uuid.uuid4().hex[:10]}-"
    init = init_script()
    sqs = sqs_client()
    try:
        init.ensure_queues(sqs, prefix, queues, visibility_seconds)
        yield prefix
    finally:
        init.delete_queues(sqs, prefix, queues)
        sqs.close()


@contextmanager
def fresh_bucket(name: str, endpoint: str = ENDPOINT) -> Iterator[str]:
    """A bucket of its own, named `name` and a random suffix, emptied and removed afterwards; yields
    its name. The caller has made sure that LocalStack answers at `endpoint` (`require()`, or the
    runtime suites' `real_backend`)."""
    bucket = f"{name}-{uuid.uuid4().hex[:10]}"
    s3 = s3_client(endpoint)
    s3.create_bucket(Bucket=bucket)
    try:
        yield bucket
    finally:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=item["Key"])
        s3.delete_bucket(Bucket=bucket)
        s3.close()
