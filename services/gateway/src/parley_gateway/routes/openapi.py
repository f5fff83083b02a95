"""The error responses routes document, so that OpenAPI at `/docs` says what the server answers."""

from __future__ import annotations

import msgspec
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example

from parley_runtime.http import ErrorBody, ErrorDetail

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

_EXAMPLES = {
    400: ErrorDetail(
        code="invalid_input",
        message="unknown time zone 'Perth': use an IANA name such as 'Europe/Paris' or 'UTC'",
        details={"field": "timezone"},
    ),
    401: ErrorDetail(code="unauthorized", message="an admin key is required: Authorization: Bearer <key>"),
    403: ErrorDetail(code="forbidden", message="this key may not chat with bot 'pizzeria'"),
    404: ErrorDetail(code="not_found", message="no bot named 'pizzeria'"),
    409: ErrorDetail(
        code="conflict",
        message="model 5f0c2a9e7b1d4c38 was retired when bot 'pizzeria' was deleted, and is never "
        "served again; train the bot instead",
    ),
    412: ErrorDetail(
        code="precondition_failed",
        message="bot 'pizzeria' is at version 3, not 2",
        details={"current_version": 3},
    ),
    413: ErrorDetail(
        code="too_large",
        message="a chat request body is limited to 131072 bytes of JSON as sent",
        details={"max_bytes": 131072},
    ),
    422: ErrorDetail(code="permanent_error", message="the request cannot be carried out"),
    429: ErrorDetail(
        code="rate_limited", message="too many requests from this address: at most 600 per 60 s"
    ),
    503: ErrorDetail(
        code="unavailable", message="the bot is unavailable right now; please try again in a moment"
    ),
    504: ErrorDetail(code="timeout", message="the bot took too long to answer; please try again"),
}
"""What the server answers with each status, shown as the response's example (Litestar would make
up random strings)."""

ADMIN_ERRORS = (400, 401, 403, 404, 409, 413, 422, 429, 503, 504)
CHAT_ERRORS = (400, 401, 403, 404, 413, 422, 429, 503, 504)


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """`responses=` for a route handler: each status answered with the `{"error": ...}` body."""
    return {
        code: ResponseSpec(
            data_container=ErrorBody,
            description=_DESCRIPTIONS[code],
            generate_examples=False,
            examples=[Example(summary=_EXAMPLES[code].code, value=_example(code))],
        )
        for code in codes
    }


def _example(status: int) -> object:
    return msgspec.to_builtins(ErrorBody(error=_EXAMPLES[status]))
