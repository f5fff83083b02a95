"""API keys: what a key may do, and how its secret is made and recognised. Pure."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from parley_messages import BotName, new_id, utc_now

Scope = Literal["admin", "chat"]
KEY_PREFIX = "pk_"
BOOTSTRAP_KEY_ID = "bootstrap"


class ApiKey(msgspec.Struct, frozen=True, kw_only=True):
    """A stored key, as the key listing shows it: never the secret, never its hash."""

    key_id: str
    name: str
    scopes: list[Scope]
    bots: list[str] = []
    """Bots the key may be used on; empty: every bot."""
    rate_limit: int | None = None
    """Requests per window per bot; None: the gateway's `GATEWAY_KEY_RATE_LIMIT`."""
    prefix: str = ""
    """The first characters of the secret, to tell keys apart."""
    created_at: datetime
    revoked_at: datetime | None = None


class NewKey(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """`POST /api/v1/keys`: the key to create."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    scopes: Annotated[list[Scope], msgspec.Meta(min_length=1, max_length=2)]
    bots: Annotated[list[BotName], msgspec.Meta(max_length=100)] = []
    rate_limit: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] | None = None


class CreatedKey(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to creating a key: the only time its secret is shown."""

    key: str
    api_key: ApiKey


def digest(secret: str) -> str:
    """SHA-256 of a key: secrets are 256-bit random, so a fast hash is as good as a slow one."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(request: NewKey) -> tuple[str, ApiKey]:
    """A fresh secret and the key record to store (by the secret's digest)."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        key_id=new_id()[:16],
        name=request.name,
        scopes=sorted(set(request.scopes)),
        bots=sorted(set(request.bots)),
        rate_limit=request.rate_limit,
        prefix=secret[:10],
        created_at=utc_now(),
    )
    return secret, key


def bearer(authorization: str | None) -> str | None:
    """The key of an `Authorization: Bearer <key>` header, or None."""
    scheme, _, key = (authorization or "").partition(" ")
    key = key.strip()
    return key if scheme.lower() == "bearer" and key else None
