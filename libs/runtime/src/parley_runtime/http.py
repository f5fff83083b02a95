"""Service-to-service calls on the turn path: msgspec bodies over pooled HTTP.

Timeouts are short and explicit; idempotent calls are retried once on a transient failure.
Error bodies (`{"error": {"code", "message", "details"}}`) come back as the matching exception.
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
import msgspec

from parley_runtime.errors import (
    MODEL_FAULTS,
    ConflictError,
    DeadlineExceededError,
    InvalidInputError,
    ModelFaultError,
    NotFoundError,
    NotTrainedError,
    ParleyError,
    PermanentError,
    PreconditionFailedError,
    TransientError,
)

T = TypeVar("T")


class ErrorDetail(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    message: str
    details: Any = None


class ErrorBody(msgspec.Struct, frozen=True, kw_only=True):
    error: ErrorDetail


_encoder = msgspec.json.Encoder()
_error_decoder = msgspec.json.Decoder(ErrorBody)


class JsonClient:
    """A pooled client for one upstream service (`base_url`)."""

    def __init__(self, base_url: str, *, timeout: float = 2.0, max_connections: int = 100) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 1.0)),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            headers={"content-type": "application/json"},
        )

    async def call(
        self,
        method: str,
        path: str,
        response_type: type[T],
        *,
        body: object = None,
        idempotent: bool = False,
        headers: dict[str, str] | None = None,
    ) -> T:
        """Send `body` (bytes as they are, else msgspec-encoded) and decode the reply as `response_type`."""
        content = body if body is None or isinstance(body, bytes) else _encoder.encode(body)
        attempts = 2 if idempotent else 1
        for attempt in range(attempts):
            try:
                response = await self._client.request(method, path, content=content, headers=headers)
            except httpx.TransportError as exc:
                if attempt + 1 < attempts:
                    continue
                raise TransientError(f"{method} {path}: {type(exc).__name__}") from exc
            if response.status_code >= 500 and attempt + 1 < attempts:
                continue
            return _decode(response, response_type)
        raise AssertionError("unreachable")

    async def aclose(self) -> None:
        await self._client.aclose()


def _decode(response: httpx.Response, response_type: type[T]) -> T:
    if response.is_success:
        return msgspec.json.decode(response.content or b"null", type=response_type)
    raise error_from_response(response)


def error_from_response(response: httpx.Response) -> ParleyError:
    """Rebuild the exception an upstream service reported in its error body."""
    try:
        detail = _error_decoder.decode(response.content).error
    except msgspec.DecodeError:
        detail = ErrorDetail(code="upstream_error", message=f"HTTP {response.status_code}")
    status = response.status_code
    error: ParleyError
    if status == 404:
        error = (NotTrainedError if detail.code == NotTrainedError.code else NotFoundError)(detail.message)
    elif status == 409:
        error = ConflictError(detail.message)
    elif status == 412:
        error = PreconditionFailedError(detail.message, details=detail.details)
    elif status in (400, 413, 422):
        error = InvalidInputError(detail.message, details=detail.details)
    elif status >= 500 or status == 429:
        # A deadline or a model fault is answered 503 like any outage: only its code tells the subclass.
        transient = TransientError
        if detail.code == DeadlineExceededError.code:
            transient = DeadlineExceededError
        elif detail.code in MODEL_FAULTS:
            transient = ModelFaultError
        error = transient(detail.message)
    else:
        error = PermanentError(detail.message)
    error.code = detail.code
    return error
