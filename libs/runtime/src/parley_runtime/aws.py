"""What the SQS and S3 adapters share: client options and the translation of AWS errors at their edge."""

# pyright: reportMissingTypeStubs=false

from __future__ import annotations

from collections.abc import Generator
from contextlib import AsyncExitStack, contextmanager
from types import TracebackType
from typing import Any, Self, cast

import aioboto3
import aiohttp
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    ReadTimeoutError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from parley_runtime.errors import NotFoundError, ParleyError, PermanentError, TransientError

_TRANSIENT_CODES = frozenset(
    {
        "InternalError",
        "InternalFailure",
        "RequestThrottled",
        "RequestTimeout",
        "ServiceUnavailable",
        "SlowDown",
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "KmsThrottled",
    }
)
_TRANSIENT_ERRORS = (
    BotoConnectionError,
    HTTPClientError,
    ReadTimeoutError,
    aiohttp.ClientError,
    TimeoutError,
)
_NOT_FOUND_CODES = frozenset(
    {
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
        "NoSuchBucket",
        "NoSuchKey",
        "NotFound",
    }
)


def client_options(*, region: str, endpoint_url: str | None, read_timeout: float = 30.0) -> dict[str, Any]:
    """Keyword arguments for `aioboto3.Session().client(...)`: region, endpoint, timeouts, retries.

    `read_timeout` must exceed the longest SQS long poll (20 s).
    """
    config = Config(
        connect_timeout=5,
        read_timeout=read_timeout,
        retries={"mode": "standard", "max_attempts": 3},
        max_pool_connections=50,
    )
    return {"region_name": region, "endpoint_url": endpoint_url, "config": config}


def translate(exc: Exception, operation: str) -> ParleyError:
    """The runtime error a botocore/aiohttp failure of `operation` stands for."""
    if isinstance(exc, ClientError):
        return _translate_client_error(exc, operation)
    if isinstance(exc, NoCredentialsError):
        return PermanentError(f"{operation}: no AWS credentials (LocalStack accepts test/test)")
    if isinstance(exc, _TRANSIENT_ERRORS):
        return TransientError(f"{operation}: {type(exc).__name__}")
    return PermanentError(f"{operation}: {type(exc).__name__}: {exc}")


def _translate_client_error(exc: ClientError, operation: str) -> ParleyError:
    response = cast(dict[str, dict[str, Any]], exc.response)
    error = response.get("Error", {})
    code = str(error.get("Code", ""))
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
    message = f"{operation}: {code or status}: {error.get('Message', '')}".rstrip(": ")
    if code in _NOT_FOUND_CODES or status == 404:
        return NotFoundError(message)
    if code in _TRANSIENT_CODES or status >= 500 or status == 429:
        return TransientError(message)
    return PermanentError(message)


@contextmanager
def aws_errors(operation: str) -> Generator[None]:
    """Re-raise botocore and aiohttp errors raised inside the block as `TransientError`/`PermanentError`."""
    try:
        yield
    except (ClientError, BotoCoreError, aiohttp.ClientError, TimeoutError) as exc:
        raise translate(exc, operation) from exc


class AwsClient:
    """A long-lived aioboto3 client (a connection pool): `await start()` or `async with`, then `aclose()`."""

    service: str
    """The AWS service name, e.g. "sqs"; set by each adapter class."""

    def __init__(self, options: dict[str, Any], session: aioboto3.Session | None = None) -> None:
        self._options = options
        self._session: Any = session or aioboto3.Session()
        self._stack = AsyncExitStack()
        self._opened: Any = None

    async def start(self) -> None:
        """Open the client used by every call until `aclose`."""
        if self._opened is None:
            self._opened = await self._stack.enter_async_context(
                self._session.client(self.service, **self._options)
            )

    async def aclose(self) -> None:
        await self._stack.aclose()
        self._opened = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    @property
    def _client(self) -> Any:
        if self._opened is None:
            raise RuntimeError(f"{type(self).__name__} is not started: await start() first")
        return self._opened
