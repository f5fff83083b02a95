"""Admin access: `Authorization: Bearer <key>`, compared by hash in constant time."""

from __future__ import annotations

import hashlib
import hmac

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class AdminKeys:
    """The admin keys the gateway accepts, held as SHA-256 digests only."""

    def __init__(self, keys: list[str]) -> None:
        self._digests = [hash_key(k) for k in keys]

    def allows(self, authorization: str | None) -> bool:
        scheme, _, key = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not key:
            return False
        digest = hash_key(key.strip())
        return any(hmac.compare_digest(digest, d) for d in self._digests)


def admin_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:  # type: ignore[type-arg]
    keys: AdminKeys = connection.app.state.admin_keys
    if not keys.allows(connection.headers.get("authorization")):
        raise NotAuthorizedException("an admin key is required: Authorization: Bearer <key>")
