"""Route guards: every admin route needs an admin key; chat needs one when the bot says so.
Both count the request against the address and key limits. A route about one bot checks it exists."""

from __future__ import annotations

from typing import Any

import structlog
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from parley_gateway.deps import Gateway
from parley_gateway.keys import bearer
from parley_gateway.names import check_bot_name


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    return connection.client.host if connection.client else "unknown"


async def admin_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    gateway: Gateway = connection.app.state.gateway
    bot: str | None = connection.path_params.get("bot")
    principal = await gateway.access.admit_admin(
        bearer(connection.headers.get("authorization")),
        client_address(connection),
        # Checked here, as the chat's guard does, before it is counted under (a Redis key) and before
        # Litestar's check of the path pattern, which answered "Expected `str` matching regex ...".
        None if bot is None else check_bot_name(bot),
    )
    structlog.contextvars.bind_contextvars(key_id=principal.key_id)


async def existing_bot(gateway: Gateway, bot: str) -> str:
    """`bot`, checked, when a bot of that name exists (known for a few seconds); else `NotFoundError`."""
    await gateway.access.policies.needs_key(check_bot_name(bot))
    return bot


async def chat_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    gateway: Gateway = connection.app.state.gateway
    principal = await gateway.access.admit_chat(
        bearer(connection.headers.get("authorization")),
        client_address(connection),
        check_bot_name(connection.path_params["bot"]),
    )
    if principal is not None:
        structlog.contextvars.bind_contextvars(key_id=principal.key_id)
