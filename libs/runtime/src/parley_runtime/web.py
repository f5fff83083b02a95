"""Litestar pieces every HTTP service shares: the error body, exception mapping, health routes, and
the request class that checks a JSON body before Litestar decodes it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from litestar import Request, Response, get
from litestar.datastructures import FormMultiDict
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler

from parley_runtime.client_json import (
    REPEATED,
    check_depth,
    not_json,
    not_utf8,
    repeated_keys,
    repeated_message,
)
from parley_runtime.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    ParleyError,
    PreconditionFailedError,
    TransientError,
)
from parley_runtime.http import ErrorBody, ErrorDetail

log = structlog.get_logger(__name__)

ReadinessCheck = Callable[[], Awaitable[None]]
AnyRequest = Request[Any, Any, Any]
Handler = Callable[[AnyRequest, Any], Response[ErrorBody]]
HandlerMap = dict[int | type[Exception], Handler]
"""Litestar's `exception_handlers`, typed with the error body every handler answers."""
EMPTY_BODY = "the body is empty: send a JSON value"


class CheckedRequest(Request[Any, Any, Any]):
    """A request whose JSON body or form is refused with a 400 (`invalid_input`) when its text does
    not decode or its JSON nests deeper than `client_json.MAX_DEPTH`: Litestar raised
    `UnicodeDecodeError`, `LookupError` (an unknown charset) and `RecursionError` there, which
    reached clients as 500s. Malformed JSON is refused in the words of `client_json.decode_json`,
    and so is an object that gives a key twice (Litestar kept the last value without a word), each
    repeated key named by its path; an empty body, where the handler needs one, is refused as empty
    (Litestar reported the `KeyError` it met, `"'data'"`). Pass as `request_class=`."""

    async def body(self) -> bytes:
        body = await super().body()
        if not body and _needs_body(self.route_handler):
            raise InvalidInputError(
                EMPTY_BODY, details=[{"message": EMPTY_BODY, "key": "data", "source": "body"}]
            )
        return body

    async def json(self) -> Any:
        body = await self.body()
        check_depth(body)
        try:
            value = await super().json()
        except UnicodeDecodeError as exc:
            raise InvalidInputError(not_utf8(exc), details=[{"message": str(exc)}]) from None
        except SerializationException as exc:
            raise not_json(body, exc.detail) from None
        if body and (paths := repeated_keys(body)):
            details = [{"message": REPEATED, "key": path, "source": "body"} for path in paths]
            raise InvalidInputError(repeated_message(paths), details=details)
        return value

    async def form(self) -> FormMultiDict:
        try:
            return await super().form()
        except (UnicodeDecodeError, LookupError) as exc:
            raise InvalidInputError(f"a form field's text does not decode: {exc}") from None


def _needs_body(handler: BaseRouteHandler) -> bool:
    """Whether `handler` takes a `data` parameter without a default, which an empty body cannot give."""
    data = handler.parsed_fn_signature.parameters.get("data")
    return data is not None and data.is_required


def error_response(status: int, code: str, message: str, details: object = None) -> Response[ErrorBody]:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, details=details))
    return Response(body, status_code=status)


def status_for(exc: ParleyError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, PreconditionFailedError):
        return 412
    if isinstance(exc, InvalidInputError):
        return 400
    if isinstance(exc, TransientError):
        return 503
    return 500 if exc.code == "internal_error" else 422


def _parley_error(_: AnyRequest, exc: ParleyError) -> Response[ErrorBody]:
    details = getattr(exc, "details", None)
    return error_response(status_for(exc), exc.code, str(exc), details)


def _validation_error(_: AnyRequest, exc: ValidationException) -> Response[ErrorBody]:
    return error_response(400, "invalid_input", exc.detail, exc.extra)


def _http_error(_: AnyRequest, exc: HTTPException) -> Response[ErrorBody]:
    """Litestar's HTTP errors, with the headers they were raised with: a 405's `Allow` (RFC 9110
    15.5.6), a 401's `WWW-Authenticate`."""
    code = {
        400: "invalid_input",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        429: "rate_limited",
    }.get(exc.status_code, "http_error")
    response = error_response(exc.status_code, code, exc.detail, getattr(exc, "extra", None))
    response.headers.update(exc.headers or {})
    return response


def _unexpected_error(request: AnyRequest, exc: Exception) -> Response[ErrorBody]:
    log.exception("request.failed", path=request.url.path, error=type(exc).__name__)
    return error_response(500, "internal_error", "internal error")


def exception_handlers() -> HandlerMap:
    """Map every failure to `{"error": {...}}` with a stable code; never a stack trace."""
    return {
        ParleyError: _parley_error,
        ValidationException: _validation_error,
        HTTPException: _http_error,
        Exception: _unexpected_error,
    }


def health_routes(ready_checks: list[ReadinessCheck]) -> list[HTTPRouteHandler]:
    """`/health/live` (the process answers) and `/health/ready` (every dependency answers)."""

    @get("/health/live", include_in_schema=False, sync_to_thread=False)
    def live() -> dict[str, str]:
        return {"status": "ok"}

    @get("/health/ready", include_in_schema=False)
    async def ready() -> Response[dict[str, str]]:
        for check in ready_checks:
            try:
                await check()
            except Exception as exc:  # noqa: BLE001 - readiness reports any failure
                return Response({"status": "unavailable", "reason": type(exc).__name__}, status_code=503)
        return Response({"status": "ok"})

    return [live, ready]
