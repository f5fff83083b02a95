"""Create Parley's queues (each with a dead-letter queue and redrive policy) and its bucket. Idempotent.

LocalStack runs this itself as a ready hook (compose); `localstack/run.sh start` and `just test` run
it against a host-mode LocalStack. Needs only boto3 and the standard library.

Environment: AWS_ENDPOINT_URL (default http://127.0.0.1:4566), AWS_DEFAULT_REGION (us-east-1),
PARLEY_QUEUE_PREFIX (""), PARLEY_BUCKET ("parley"). Credentials default to test/test.
"""

from __future__ import annotations

import json
import os

import boto3
from botocore.exceptions import ClientError

QUEUES = ("parley-analytics", "parley-logger", "parley-notifications", "parley-training")
"""Must equal `parley_messages.QUEUES` (a test compares them; this script cannot import Parley)."""
MAX_RECEIVE_COUNT = 5
VISIBILITY_TIMEOUT_SECONDS = 30


def _client_options() -> dict[str, str]:
    options = {
        "endpoint_url": os.environ.get("AWS_ENDPOINT_URL") or "http://127.0.0.1:4566",
        "region_name": os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
    }
    if not os.environ.get("AWS_ACCESS_KEY_ID"):
        options["aws_access_key_id"] = "test"
        options["aws_secret_access_key"] = "test"  # noqa: S105 - LocalStack's dummy credentials
    return options


def _ensure_queue(sqs, name: str, visibility_seconds: int) -> str:
    attributes = {"VisibilityTimeout": str(visibility_seconds)}
    try:
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("QueueAlreadyExists", "QueueNameExists"):
            raise
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    return url


def ensure_queue_with_dlq(sqs, name: str, visibility_seconds: int = VISIBILITY_TIMEOUT_SECONDS) -> None:
    """Create `name` and `name-dlq`; receives beyond MAX_RECEIVE_COUNT move a message to the DLQ."""
    dlq_url = _ensure_queue(sqs, f"{name}-dlq", visibility_seconds)
    response = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])
    dlq_arn = response["Attributes"]["QueueArn"]
    url = _ensure_queue(sqs, name, visibility_seconds)
    policy = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVE_COUNT)}
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": json.dumps(policy)})


def ensure_queues(
    sqs, prefix: str, queues: tuple[str, ...] = QUEUES, visibility_seconds: int = VISIBILITY_TIMEOUT_SECONDS
) -> None:
    """Every queue of `queues` under `prefix`, each with its dead-letter queue."""
    for queue in queues:
        ensure_queue_with_dlq(sqs, prefix + queue, visibility_seconds)


def delete_queues(sqs, prefix: str, queues: tuple[str, ...] = QUEUES) -> None:
    """Remove what `ensure_queues` made (tests use a fresh prefix each); missing queues are fine."""
    for queue in queues:
        for name in (prefix + queue, f"{prefix}{queue}-dlq"):
            try:
                sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=name)["QueueUrl"])
            except sqs.exceptions.QueueDoesNotExist:
                continue


def ensure_bucket(s3, bucket: str, region: str) -> None:
    """Create `bucket` unless this account already owns it."""
    options: dict[str, object] = {"Bucket": bucket}
    if region != "us-east-1":
        options["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        s3.create_bucket(**options)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "BucketAlreadyOwnedByYou":
            raise


def main() -> None:
    options = _client_options()
    prefix = os.environ.get("PARLEY_QUEUE_PREFIX", "")
    bucket = os.environ.get("PARLEY_BUCKET") or "parley"
    sqs = boto3.client("sqs", **options)
    ensure_queues(sqs, prefix)
    ensure_bucket(boto3.client("s3", **options), bucket, options["region_name"])
    print(f"parley_init: queues {[prefix + q for q in QUEUES]} and bucket {bucket!r} ready")


# LocalStack runs a ready hook with `exec(source, {})`, where `__name__` falls through to the builtins
# module's name: with the usual guard alone the hook would do nothing (tests/deploy runs it that way).
if __name__ in ("__main__", "builtins"):
    main()
