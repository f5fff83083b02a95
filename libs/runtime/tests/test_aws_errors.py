"""AWS failures are translated at the adapters' edge into transient or permanent errors."""

from __future__ import annotations

import aioboto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from parley_runtime.aws import aws_errors, translate
from parley_runtime.blobs.s3 import S3BlobStore
from parley_runtime.bus.sqs import SqsBus
from parley_runtime.errors import NotFoundError, PermanentError, TransientError


def _client_error(code: str, status: int) -> ClientError:
    response = {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return ClientError(response, "Operation")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_client_error("ThrottlingException", 400), TransientError),
        (_client_error("RequestThrottled", 403), TransientError),
        (_client_error("SlowDown", 503), TransientError),
        (_client_error("InternalError", 500), TransientError),
        (_client_error("Anything", 502), TransientError),
        (_client_error("AWS.SimpleQueueService.NonExistentQueue", 400), NotFoundError),
        (_client_error("NoSuchKey", 404), NotFoundError),
        (_client_error("AccessDenied", 403), PermanentError),
        (_client_error("InvalidParameterValue", 400), PermanentError),
        (EndpointConnectionError(endpoint_url="http://x"), TransientError),
        (NoCredentialsError(), PermanentError),
    ],
)
def test_each_aws_failure_maps_to_a_transient_or_permanent_error(error: Exception, expected: type) -> None:
    translated = translate(error, "op")
    assert type(translated) is expected
    assert str(translated).startswith("op")


def test_the_translated_error_keeps_the_driver_error_as_its_cause() -> None:
    original = _client_error("SlowDown", 503)
    with pytest.raises(TransientError) as raised, aws_errors("s3.put_object"):
        raise original
    assert raised.value.__cause__ is original


def _unreachable_session() -> aioboto3.Session:
    return aioboto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")


async def test_an_unreachable_sqs_endpoint_is_a_transient_error() -> None:
    # Port 9 (discard) on loopback refuses connections.
    async with SqsBus(endpoint_url="http://127.0.0.1:9", session=_unreachable_session()) as bus:
        with pytest.raises(TransientError):
            await bus.receive("parley-logger", wait_seconds=0)


async def test_an_unreachable_s3_endpoint_is_a_transient_error() -> None:
    async with S3BlobStore(
        "parley", endpoint_url="http://127.0.0.1:9", session=_unreachable_session()
    ) as store:
        with pytest.raises(TransientError):
            await store.get("anything")


async def test_using_an_adapter_before_start_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError, match="start"):
        await SqsBus().receive("parley-logger", wait_seconds=0)
