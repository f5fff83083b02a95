"""API key management under `/api/v1/keys` (admin keys only): create, list, revoke."""

from __future__ import annotations

import re

from litestar import delete, get, post
from litestar.params import JSONBody

from parley_gateway.deps import GatewayDep
from parley_gateway.keys import ApiKey, CreatedKey, NewKey
from parley_gateway.names import IdPath, check_key_id
from parley_gateway.routes.openapi import ADMIN_ERRORS, errors
from parley_runtime.errors import InvalidInputError


@post("/keys", tags=["keys"], status_code=201, responses=errors(*ADMIN_ERRORS))
async def create_key(data: JSONBody[NewKey], gateway: GatewayDep) -> CreatedKey:
    """Create a key with scopes `admin` and/or `chat`, optionally only for some bots (which must
    exist) and with its own limit (requests per window per bot). The answer holds the secret: it is
    never shown again."""
    _check_name(data.name)
    lists: tuple[tuple[str, list[str]], ...] = (("scopes", list(data.scopes)), ("bots", list(data.bots)))
    for field, values in lists:
        repeated = sorted({value for value in values if values.count(value) > 1})
        if repeated:
            raise InvalidInputError(
                f"{field} lists {', '.join(repr(value) for value in repeated)} more than once",
                details={"field": field, "repeated": repeated},
            )
    known = {bot.name for bot in await gateway.catalog.list_bots()}
    unknown = sorted(set(data.bots) - known)
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        raise InvalidInputError(
            f"no bot named {names}: a key can be limited only to bots that exist",
            details={"field": "bots", "unknown": unknown},
        )
    return await gateway.access.keys.create(data)


@get("/keys", tags=["keys"], responses=errors(*ADMIN_ERRORS))
async def list_keys(gateway: GatewayDep) -> list[ApiKey]:
    """Every key, newest first, revoked ones included; never a secret."""
    return await gateway.access.keys.all()


@delete("/keys/{key_id:str}", tags=["keys"], status_code=200, responses=errors(*ADMIN_ERRORS))
async def revoke_key(key_id: IdPath, gateway: GatewayDep) -> ApiKey:
    """Revoke a key: it stops working at once on this gateway, within seconds on the others."""
    return await gateway.access.keys.revoke(check_key_id(key_id))


key_routes = [create_key, list_keys, revoke_key]

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
"""C0 and C1 controls, DEL and lone surrogates: a key's name is one line of text, shown in the
console's key list and in logs."""


def _check_name(name: str) -> None:
    bad = _CONTROL.search(name)
    if bad is not None:
        character = f"U+{ord(bad.group()):04X}"
        raise InvalidInputError(
            f"a key's name holds the control character {character}: name it in plain text, on one line",
            details={"field": "name", "position": bad.start(), "character": character},
        )
