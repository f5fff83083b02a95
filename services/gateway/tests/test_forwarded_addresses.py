"""Behind a proxy the per-address limit counts visitors, not the proxy: `GATEWAY_FORWARDED_ALLOW_IPS`
names the peers whose `X-Forwarded-For` is believed, as uvicorn serves the gateway with it."""

from __future__ import annotations

from typing import Any

import pytest
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from parley_gateway.bootstrap import app_for
from parley_gateway.settings import GatewaySettings
from parley_runtime.errors import SettingsError
from parley_runtime.infra import Infra
from parley_runtime.settings import load_settings

from .conftest import GatewayFactory

ALB = "10.0.3.17"
"""A load balancer node's address in the VPC, as the gateway's peer."""


async def statuses(
    make_gateway: GatewayFactory, infra: Infra, forwarded: list[str], **settings: Any
) -> list[int]:
    """The status of a chat from the ALB for each `X-Forwarded-For` in turn, through uvicorn's proxy
    handling as `serve_http` and `parley run` configure it, with a limit of two per address."""
    gateway = await make_gateway(address_rate_limit=2, **settings)
    app = ProxyHeadersMiddleware(app_for(gateway, infra), gateway.settings.forwarded_allow_ips)  # pyright: ignore[reportArgumentType]
    answers: list[int] = []
    for header in forwarded:
        sent = await _chat(app, header)
        answers.append(sent[0]["status"])
    return answers


async def _chat(app: Any, forwarded_for: str) -> list[dict[str, Any]]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/bots/pizzeria/chat",
        "raw_path": b"/api/v1/bots/pizzeria/chat",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"x-forwarded-for", forwarded_for.encode())],
        "client": (ALB, 40000),
        "server": ("gateway", 8000),
        "state": {},
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b'{"text": "hi"}', "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


VISITORS = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]


async def test_by_default_every_visitor_behind_a_load_balancer_is_its_one_address(
    make_gateway: GatewayFactory, infra: Infra
) -> None:
    assert await statuses(make_gateway, infra, VISITORS) == [200, 200, 429]


async def test_with_the_load_balancers_network_trusted_each_visitor_counts_alone(
    make_gateway: GatewayFactory, infra: Infra
) -> None:
    trusted = {"forwarded_allow_ips": ["10.0.0.0/16"]}
    assert await statuses(make_gateway, infra, VISITORS, **trusted) == [200, 200, 200]


async def test_a_visitor_cannot_claim_another_address_by_writing_the_header(
    make_gateway: GatewayFactory, infra: Infra
) -> None:
    """The ALB appends the address it saw; the visitor's own header comes before it and is not read."""
    forged = [f"198.51.100.{n}, 203.0.113.1" for n in range(3)]
    trusted = {"forwarded_allow_ips": ["10.0.0.0/16"]}
    assert await statuses(make_gateway, infra, forged, **trusted) == [200, 200, 429]


def test_the_default_trusts_this_host_only() -> None:
    assert load_settings(GatewaySettings, {}).forwarded_allow_ips == ["127.0.0.1", "::1"]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("alb.internal", "'alb.internal': give the proxies' IP addresses or networks"),
        (
            "10.0.3.17/16",
            "'10.0.3.17/16': a network's address ends in zero bits (did you mean '10.0.0.0/16'?)",
        ),
        ("*,10.0.0.0/8", "'*' trusts every peer, and stands alone"),
    ],
)
def test_an_entry_uvicorn_would_keep_as_dead_text_is_refused(value: str, problem: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(GatewaySettings, {"GATEWAY_FORWARDED_ALLOW_IPS": value})
    [line] = refused.value.problems
    assert line.startswith(f"GATEWAY_FORWARDED_ALLOW_IPS: {problem}")


@pytest.mark.parametrize("value", ["*", "10.0.0.0/16,192.168.0.0/16", "10.0.3.17", "fd00::/8"])
def test_addresses_networks_and_a_lone_star_are_taken(value: str) -> None:
    settings = load_settings(GatewaySettings, {"GATEWAY_FORWARDED_ALLOW_IPS": value})
    assert settings.forwarded_allow_ips == value.split(",")
