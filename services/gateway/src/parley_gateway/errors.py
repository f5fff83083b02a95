"""The gateway's own failures, in the runtime's exception tree; `app.py` maps them to responses."""

from __future__ import annotations

from parley_runtime.errors import PermanentError, TransientError


class UnauthorizedError(PermanentError):
    """No key, or a key the gateway does not know (HTTP 401, websocket close 4401)."""

    code = "unauthorized"


class ForbiddenError(PermanentError):
    """A valid key that may not do this: wrong scope or another bot (HTTP 403, close 4403)."""

    code = "forbidden"


class RateLimitedError(TransientError):
    """Over a request limit; `retry_after` seconds until the window resets (HTTP 429, close 4429)."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UpstreamTimeoutError(TransientError):
    """Dialogue or NLU did not answer in time (HTTP 504)."""

    code = "timeout"
