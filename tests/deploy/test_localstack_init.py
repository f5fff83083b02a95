"""The init script compose mounts into LocalStack works when LocalStack itself runs it as a ready hook.

LocalStack does not run a `.py` hook as a program: it `exec`s the source in its own interpreter.
This test does exactly that, with LocalStack's own runner from the host-mode LocalStack venv that
`just test` starts (localstack/run.sh), against that LocalStack.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from parley_messages import QUEUES, dead_letter_queue
from tests.deploy.deployables import ROOT

pytestmark = pytest.mark.integration

INIT_SCRIPT = ROOT / "localstack" / "init" / "ready.d" / "parley_init.py"
ENDPOINT = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
LOCALSTACK_PYTHON = (
    Path(os.environ.get("PARLEY_CACHE", Path.home() / ".cache" / "parley"))
    / "localstack-venv"
    / "bin"
    / "python"
)
# localstack/run.sh's shim for Python 3.12, then LocalStack's own runner of `.py` ready hooks.
RUN_AS_READY_HOOK = """
import sys, warnings, typing_extensions
if not hasattr(warnings, "deprecated"):
    warnings.deprecated = typing_extensions.deprecated
from localstack.runtime.init import PythonScriptRunner
PythonScriptRunner().run(sys.argv[1])
"""
KEYS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


def _missing() -> str | None:
    if not LOCALSTACK_PYTHON.exists():
        return f"no LocalStack venv at {LOCALSTACK_PYTHON} (localstack/run.sh start builds it)"
    try:
        httpx.get(f"{ENDPOINT}/_localstack/health", timeout=2).raise_for_status()
    except httpx.HTTPError as exc:
        return f"LocalStack does not answer at {ENDPOINT}: {exc}"
    return None


@pytest.fixture
def localstack() -> Iterator[tuple[Any, Any]]:
    missing = _missing()
    if missing:
        if os.environ.get("PARLEY_REQUIRE_REAL_BACKENDS") == "1":
            pytest.fail(missing, pytrace=False)
        pytest.skip(missing)
    options = {"endpoint_url": ENDPOINT, "region_name": "us-east-1", **KEYS}
    sqs, s3 = boto3.client("sqs", **options), boto3.client("s3", **options)
    yield sqs, s3
    sqs.close()
    s3.close()


def _remove(sqs: Any, s3: Any, prefix: str, bucket: str) -> None:
    for url in sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", []):
        sqs.delete_queue(QueueUrl=url)
    with contextlib.suppress(s3.exceptions.NoSuchBucket):
        s3.delete_bucket(Bucket=bucket)


def test_the_ready_hook_creates_every_queue_with_its_dead_letter_queue_and_the_bucket(
    localstack: tuple[Any, Any],
) -> None:
    sqs, s3 = localstack
    prefix, bucket = f"hook{uuid.uuid4().hex[:8]}-", f"parley-hook-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "AWS_ENDPOINT_URL": ENDPOINT, "PARLEY_QUEUE_PREFIX": prefix, "PARLEY_BUCKET": bucket}
    env.pop("AWS_ACCESS_KEY_ID", None)  # inside LocalStack no credentials are set; the script uses its own
    try:
        for _ in range(2):  # a restarted LocalStack runs it again: it must be idempotent
            subprocess.run(
                [str(LOCALSTACK_PYTHON), "-c", RUN_AS_READY_HOOK, str(INIT_SCRIPT)],
                env=env,
                check=True,
                capture_output=True,
                timeout=60,
            )
        for queue in QUEUES:
            url = sqs.get_queue_url(QueueName=prefix + queue)["QueueUrl"]
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])[
                "Attributes"
            ]
            policy = json.loads(attributes["RedrivePolicy"])
            assert policy["deadLetterTargetArn"].endswith(f":{prefix}{dead_letter_queue(queue)}")
        s3.head_bucket(Bucket=bucket)
    finally:
        _remove(sqs, s3, prefix, bucket)
