"""The LocalStack init script, and the AWS adapters wired by `connect_infra`, against LocalStack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import aioboto3
import boto3
import pytest

from parley_messages import LOGGER_QUEUE, QUEUES, TurnCompleted, dead_letter_queue
from parley_runtime.blobs.s3 import S3BlobStore
from parley_runtime.bus.sqs import SqsBus
from parley_runtime.errors import NotFoundError, TransientError
from parley_runtime.infra import InfraSettings, connect_infra

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture
def endpoint(real_backend: Callable[..., Any]) -> str:
    return str(real_backend("localstack_server", "init", "localstack", required=True).url)


@pytest.fixture
def names() -> Iterator[tuple[str, str]]:
    """(queue prefix, bucket) unique to this test; the test removes what it created."""
    yield f"t{uuid.uuid4().hex[:12]}-", f"parley-test-{uuid.uuid4().hex[:12]}"


def _clients(endpoint: str) -> tuple[Any, Any]:
    options = {"endpoint_url": endpoint, "region_name": "us-east-1"}
    keys = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    return boto3.client("sqs", **options, **keys), boto3.client("s3", **options, **keys)


def _remove(endpoint: str, prefix: str, bucket: str) -> None:
    sqs, s3 = _clients(endpoint)
    for page in sqs.get_paginator("list_queues").paginate(QueueNamePrefix=prefix):
        for url in page.get("QueueUrls", []):
            sqs.delete_queue(QueueUrl=url)
    try:
        for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
        s3.delete_bucket(Bucket=bucket)
    except s3.exceptions.NoSuchBucket:
        pass
    sqs.close()
    s3.close()


def test_the_init_script_creates_exactly_the_queues_of_the_routing_table(init_script: ModuleType) -> None:
    assert tuple(sorted(init_script.QUEUES)) == QUEUES


@pytest.mark.integration
def test_the_init_script_creates_every_queue_with_a_redrive_policy_and_the_bucket_idempotently(
    endpoint: str, names: tuple[str, str], init_script: ModuleType
) -> None:
    prefix, bucket = names
    env = {**os.environ, **CREDENTIALS, "AWS_ENDPOINT_URL": endpoint}
    env |= {"PARLEY_QUEUE_PREFIX": prefix, "PARLEY_BUCKET": bucket}
    try:
        for _ in range(2):
            subprocess.run(
                [sys.executable, init_script.__file__], env=env, check=True, capture_output=True, timeout=60
            )
        sqs, s3 = _clients(endpoint)
        for queue in QUEUES:
            url = sqs.get_queue_url(QueueName=prefix + queue)["QueueUrl"]
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            policy = json.loads(attributes["RedrivePolicy"])
            assert policy["deadLetterTargetArn"].endswith(":" + prefix + dead_letter_queue(queue))
            assert int(policy["maxReceiveCount"]) == 5
            assert attributes["VisibilityTimeout"] == "30"
        s3.head_bucket(Bucket=bucket)
    finally:
        _remove(endpoint, prefix, bucket)


@pytest.mark.integration
async def test_publishing_to_a_queue_that_does_not_exist_is_a_not_found_error(endpoint: str) -> None:
    session = aioboto3.Session(aws_access_key_id="test", aws_secret_access_key="test")
    bus = SqsBus(endpoint_url=endpoint, queue_prefix=f"missing-{uuid.uuid4().hex[:8]}-", session=session)
    async with bus:
        with pytest.raises(NotFoundError):
            await bus.publish(
                TurnCompleted(bot="b", conversation_id="c", channel="rest", user_text="t", replies=[])
            )


@pytest.mark.integration
async def test_a_queue_gone_after_it_was_found_is_transient_as_while_a_broker_restarts(
    endpoint: str, init_script: ModuleType
) -> None:
    prefix = f"gone-{uuid.uuid4().hex[:8]}-"
    sqs, _ = _clients(endpoint)
    init_script.ensure_queues(sqs, prefix, (LOGGER_QUEUE,))
    session = aioboto3.Session(aws_access_key_id="test", aws_secret_access_key="test")
    bus = SqsBus(endpoint_url=endpoint, queue_prefix=prefix, session=session)
    async with bus:
        assert await bus.receive(LOGGER_QUEUE, wait_seconds=0) == []
        init_script.delete_queues(sqs, prefix, (LOGGER_QUEUE,))
        with pytest.raises(TransientError):
            await bus.receive(LOGGER_QUEUE, wait_seconds=0)


@pytest.mark.integration
async def test_connect_infra_opens_sqs_and_s3_when_the_settings_ask_for_them(
    endpoint: str, names: tuple[str, str], monkeypatch: pytest.MonkeyPatch, init_script: ModuleType
) -> None:
    prefix, bucket = names
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    module = init_script
    sqs, s3 = _clients(endpoint)
    module.ensure_queue_with_dlq(sqs, prefix + LOGGER_QUEUE)
    module.ensure_bucket(s3, bucket, "us-east-1")
    settings = InfraSettings(bus="sqs", aws_endpoint_url=endpoint, queue_prefix=prefix, bucket=bucket)
    infra = await connect_infra(settings)
    try:
        assert isinstance(infra.bus, SqsBus)
        assert isinstance(infra.blobs, S3BlobStore)
        await infra.blobs.put("k", b"v")
        assert await infra.blobs.get("k") == b"v"
        deliveries = await infra.bus.receive(LOGGER_QUEUE, wait_seconds=0)
        assert deliveries == []
    finally:
        await infra.aclose()
        _remove(endpoint, prefix, bucket)
