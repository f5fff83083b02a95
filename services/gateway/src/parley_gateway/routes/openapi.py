"""The error responses routes document, so that OpenAPI at `/docs` says what the server answers."""

from __future__ import annotations

from litestar.openapi.datastructures import ResponseSpec

from parley_runtime.http import ErrorBody

_DESCRIPTIONS = {
    400: "Invalid input: `error.details` says which field and why",
    401: "No API key, or an unknown or revoked one",
    403: "The key may not do this (scope, or a bot it is not for)",
    404: "No such bot, job, conversation or key",
    409: "Conflict",
    412: "The bot is not at the version `If-Match` names, or exists despite `If-None-Match: *`: "
    "`error.details.current_version` is its version now (null: there is none)",
    413: "The request body is too large",
    422: "The request cannot be carried out",
    429: "Too many requests; retry after `Retry-After` seconds",
    503: "A service behind the gateway is unavailable; retry later",
    504: "A service behind the gateway did not answer in time",
}

ADMIN_ERRORS = (400, 401, 403, 404, 409, 413, 422, 429, 503, 504)
CHAT_ERRORS = (400, 401, 403, 404, 413, 422, 429, 503, 504)


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """`responses=` for a route handler: each status answered with the `{"error": ...}` body."""
    return {code: ResponseSpec(data_container=ErrorBody, description=_DESCRIPTIONS[code]) for code in codes}
