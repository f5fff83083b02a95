"""Who may do what: API keys (scopes `admin` and `chat`, optionally limited to some bots), the
bot setting `chat_access`, and the request limits. Route guards and the websocket call `Gatekeeper`."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

import msgspec

from parley_gateway.errors import ForbiddenError, UnauthorizedError
from parley_gateway.keys import BOOTSTRAP_KEY_ID, ApiKey, CreatedKey, NewKey, Scope, digest, issue
from parley_gateway.limits import RateLimits
from parley_gateway.policies import ChatPolicies
from parley_gateway.ports import KeyStore


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """The holder of a valid key."""

    key_id: str
    scopes: frozenset[str]
    bots: frozenset[str] = frozenset()
    rate_limit: int | None = None

    def may(self, scope: Scope, bot: str | None) -> bool:
        """`admin` includes `chat`; a key limited to some bots may not act outside them."""
        in_scope = scope in self.scopes or "admin" in self.scopes
        return in_scope and (not self.bots or (bot is not None and bot in self.bots))


def _principal(key: ApiKey) -> Principal:
    return Principal(
        key_id=key.key_id, scopes=frozenset(key.scopes), bots=frozenset(key.bots), rate_limit=key.rate_limit
    )


class KeyRing:
    """Recognises keys: the bootstrap admin keys (settings), and the stored ones (cached briefly, so
    a revocation elsewhere applies within `cache_seconds`; here at once)."""

    def __init__(
        self,
        store: KeyStore,
        *,
        bootstrap: list[str],
        cache_seconds: float = 5.0,
        max_cached: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._bootstrap = [digest(k) for k in bootstrap]
        self._ttl = cache_seconds
        self._max = max_cached
        self._clock = clock
        self._cache: dict[str, tuple[float, Principal | None]] = {}

    async def principal(self, secret: str | None) -> Principal | None:
        """Who holds `secret`, or None for a missing, unknown or revoked key."""
        if not secret:
            return None
        hashed = digest(secret)
        if any(hmac.compare_digest(hashed, d) for d in self._bootstrap):
            return Principal(key_id=BOOTSTRAP_KEY_ID, scopes=frozenset({"admin"}))
        cached = self._cache.get(hashed)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        key = await self._store.find(hashed)
        found = None if key is None or key.revoked_at is not None else _principal(key)
        if len(self._cache) >= self._max:
            self._cache.clear()
        self._cache[hashed] = (self._clock() + self._ttl, found)
        return found

    async def create(self, request: NewKey) -> CreatedKey:
        secret, key = issue(request)
        await self._store.add(key, digest(secret))
        return CreatedKey(key=secret, api_key=key)

    async def all(self) -> list[ApiKey]:
        return await self._store.all()

    async def revoke(self, key_id: str) -> ApiKey:
        key = await self._store.revoke(key_id)
        self._cache.clear()
        return key


class Gatekeeper:
    """Admits a request or a websocket, or raises 401/403/429 errors (in that order of checks:
    the request is counted first, so guessing keys is rate limited too)."""

    def __init__(self, *, keys: KeyRing, limits: RateLimits, policies: ChatPolicies) -> None:
        self.keys = keys
        self.policies = policies
        self._limits = limits

    async def admit_admin(self, secret: str | None, address: str, bot: str | None) -> Principal:
        principal = await self._counted(secret, address, bot)
        if secret and principal is None:
            raise UnauthorizedError("unknown or revoked API key")
        if principal is None:
            raise UnauthorizedError("an admin key is required: Authorization: Bearer <key>")
        if not principal.may("admin", bot):
            raise ForbiddenError("this key may not use the admin API" + (f" on bot {bot!r}" if bot else ""))
        return principal

    async def admit_chat(
        self, secret: str | None, address: str, bot: str, *, count_key: bool = True
    ) -> Principal | None:
        """A REST chat request, or with `count_key` false a websocket opening (its user messages
        are counted against the key one by one, by `admit_message`)."""
        needs_key = await self.policies.needs_key(bot)
        principal = await self._counted(secret, address, bot, count_key=count_key)
        if secret and principal is None:
            raise UnauthorizedError("unknown or revoked API key")
        if needs_key and principal is None:
            raise UnauthorizedError(
                f"bot {bot!r} needs an API key to chat: Authorization: Bearer <key>, or on the websocket"
                " (where browsers cannot set headers) the query parameter key=<key>"
            )
        if principal is not None and not principal.may("chat", bot):
            raise ForbiddenError(f"this key may not chat with bot {bot!r}")
        return principal

    async def admit_message(self, secret: str | None, bot: str) -> None:
        """Count one websocket message against its key's limit on `bot`, as a REST chat request is
        counted (the address was counted once, when the socket opened); a key revoked since is
        refused, as it would be over REST."""
        if not secret:
            return
        principal = await self.keys.principal(secret)
        if principal is None:
            raise UnauthorizedError("unknown or revoked API key")
        await self._limits.check_key((principal.key_id, principal.rate_limit), bot)

    async def _counted(
        self, secret: str | None, address: str, bot: str | None, *, count_key: bool = True
    ) -> Principal | None:
        principal = await self.keys.principal(secret)
        key = None if principal is None or not count_key else (principal.key_id, principal.rate_limit)
        await self._limits.check(address, key, bot)
        return principal
