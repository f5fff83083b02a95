"""A CORS preflight the gateway refuses answers in Parley's error shape, as every other failure does
(Litestar's own answer was a plain-text `400 Disallowed CORS Origin`)."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from parley_gateway.bootstrap import app_for
from parley_runtime.infra import Infra

from .conftest import GatewayFactory

SHOP = "https://shop.example"
CHAT = "/api/v1/bots/pizzeria/chat"


async def preflight(make_gateway: GatewayFactory, infra: Infra, **asks: str) -> tuple[int, object, str]:
    app = app_for(await make_gateway(cors_origins=[SHOP]), infra)
    async with AsyncTestClient(app) as client:
        response = await client.options(CHAT, headers={"Access-Control-Request-Method": "POST", **asks})
    body = response.json() if response.content else None
    return response.status_code, body, response.headers.get("x-correlation-id", "")


async def test_an_origin_not_listed_is_forbidden_by_name(make_gateway: GatewayFactory, infra: Infra) -> None:
    status, body, correlation_id = await preflight(make_gateway, infra, Origin="http://127.0.0.1:8312")
    assert (status, body) == (
        403,
        {
            "error": {
                "code": "forbidden",
                "message": "pages on 'http://127.0.0.1:8312' may not call this API: "
                "only the gateway's own pages and origins in GATEWAY_CORS_ORIGINS may",
                "details": None,
            }
        },
    )
    assert correlation_id


async def test_a_header_not_allowed_is_invalid_input(make_gateway: GatewayFactory, infra: Infra) -> None:
    status, body, _ = await preflight(
        make_gateway, infra, Origin=SHOP, **{"Access-Control-Request-Headers": "x-mine"}
    )
    assert status == 400
    assert body == {
        "error": {
            "code": "invalid_input",
            "message": "this cross-origin request is refused: its headers may not be sent",
            "details": None,
        }
    }


async def test_a_listed_origin_is_answered_as_before(make_gateway: GatewayFactory, infra: Infra) -> None:
    status, body, _ = await preflight(make_gateway, infra, Origin=SHOP)
    assert (status, body) == (204, None)
