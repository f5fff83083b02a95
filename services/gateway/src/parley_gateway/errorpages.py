"""Every failure as `{"error": {"code", "message", "details"}}`, counted by code; 429 says when to
retry. Extends the runtime's mapping with the gateway's own errors."""

from __future__ import annotations

from typing import Any, cast

from litestar import Request, Response
from litestar.exceptions import ClientException, HTTPException, MethodNotAllowedException, ValidationException
from litestar.handlers import BaseRouteHandler
from litestar.params import ParameterKwarg

from parley_gateway.errors import ForbiddenError, RateLimitedError, UnauthorizedError, UpstreamTimeoutError
from parley_gateway.metrics import GatewayMetrics
from parley_runtime.errors import ParleyError
from parley_runtime.http import ErrorBody
from parley_runtime.web import Handler, HandlerMap, error_response, exception_handlers

_RUNTIME = exception_handlers()
_WEBSOCKET_ONLY = "this address is a websocket: open it with a websocket client (ws:// or wss://)"
_STATUS: dict[type[ParleyError], int] = {
    UnauthorizedError: 401,
    ForbiddenError: 403,
    RateLimitedError: 429,
    UpstreamTimeoutError: 504,
}


def _gateway_error(_: Request[Any, Any, Any], exc: ParleyError) -> Response[ErrorBody]:
    response = error_response(_STATUS[type(exc)], exc.code, str(exc), getattr(exc, "details", None))
    if isinstance(exc, RateLimitedError):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _client_error(request: Request[Any, Any, Any], exc: ClientException) -> Response[ErrorBody]:
    """Litestar's own client errors as the runtime maps them (a 400 such as malformed JSON is
    `invalid_input`, the headers they were raised with kept), but a 405, which `_wrong_method` words."""
    if isinstance(exc, MethodNotAllowedException):
        return _wrong_method(exc)
    return _RUNTIME[HTTPException](request, exc)


def _wrong_method(exc: MethodNotAllowedException) -> Response[ErrorBody]:
    """A 405 names what the address answers in `Allow` (RFC 9110 15.5.6) and `details.allow`: what
    Litestar raised the exception with, and HEAD with GET (`methods.HeadAsGet`). An
    address that is a websocket is a 426 asking for the upgrade (Litestar's `Allow` was
    "websocket")."""
    raised = {method.strip() for method in (exc.headers or {}).get("allow", "").split(",")}
    methods = raised - {"", "websocket"}
    if not methods:
        response = error_response(426, "upgrade_required", _WEBSOCKET_ONLY)
        response.headers["Upgrade"] = "websocket"
        return response
    allowed = sorted(methods | {"HEAD"} if "GET" in methods else methods)  # sorted, as OPTIONS lists them
    message = f"this address answers {', '.join(allowed)}, not this method"
    response = error_response(405, "method_not_allowed", message, {"allow": allowed})
    response.headers["Allow"] = ", ".join(allowed)
    return response


def _validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[ErrorBody]:
    """A parameter's errors name it as the client does (`format`), not as the handler does
    (`export_format`), which is Litestar's way (litestar-org/litestar#4215)."""
    details: object = exc.extra
    if isinstance(exc.extra, list):
        names = _public_names(request.route_handler)
        details = [_renamed(detail, names) for detail in cast(list[object], exc.extra)]
    return error_response(400, "invalid_input", exc.detail, details)


def _public_names(handler: BaseRouteHandler) -> dict[str, str]:
    """The handler's parameters that a client sends under another name, and that name."""
    names: dict[str, str] = {}
    for name, field in handler.parsed_fn_signature.parameters.items():
        kwarg = field.kwarg_definition
        if isinstance(kwarg, ParameterKwarg) and (
            public := kwarg.name or kwarg.query or kwarg.header or kwarg.cookie
        ):
            names[name] = public
    return names


def _renamed(detail: object, names: dict[str, str]) -> object:
    if not isinstance(detail, dict):
        return detail
    fields = cast(dict[str, object], detail)
    key = fields.get("key")
    return {**fields, "key": names[key]} if isinstance(key, str) and key in names else fields


def _counted(handler: Handler, metrics: GatewayMetrics) -> Handler:
    def handle(request: Request[Any, Any, Any], exc: Any) -> Response[ErrorBody]:
        response = handler(request, exc)
        metrics.errors.labels(response.content.error.code).inc()
        return response

    return handle


def gateway_exception_handlers(metrics: GatewayMetrics) -> HandlerMap:
    handlers: HandlerMap = {
        **_RUNTIME,
        ClientException: _client_error,
        ValidationException: _validation_error,
        **dict.fromkeys(_STATUS, _gateway_error),
    }
    return {kind: _counted(handler, metrics) for kind, handler in handlers.items()}
