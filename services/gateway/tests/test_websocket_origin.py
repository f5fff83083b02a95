"""`GATEWAY_CORS_ORIGINS` decides which pages may open the chat websocket, as it decides which may
call the API: the gateway's own pages always, other sites only when listed, non-browser clients
(no `Origin`) always."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
import pytest
import structlog
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient

from parley_gateway.bootstrap import app_for
from parley_gateway.origins import origin_allowed
from parley_gateway.sockets import Closed
from parley_runtime.infra import Infra

from .conftest import GatewayFactory

SHOP = "https://shop.example"
HOST = "testserver.local"
"""The `Host` Litestar's test client sends."""


class Opened(msgspec.Struct, frozen=True, kw_only=True):
    """The first frame a page got, and how the socket then closed (code None: it stayed open)."""

    first: dict[str, Any]
    code: int | None = None
    reason: str = ""


@pytest.fixture
def chat_from(make_gateway: GatewayFactory, infra: Infra) -> Callable[..., Awaitable[Opened]]:
    """Open `/ws/chat` from a page of `origin` on a gateway whose `GATEWAY_CORS_ORIGINS` is `allowed`."""

    async def opened(allowed: list[str], origin: str | None) -> Opened:
        app = app_for(await make_gateway(cors_origins=allowed), infra)
        headers = {} if origin is None else {"origin": origin}
        with (
            TestClient(app) as client,
            client.websocket_connect("/ws/chat?bot=pizzeria", headers=headers) as ws,
        ):
            first = ws.receive_json()
            if first["type"] != "error":
                return Opened(first=first)
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
        return Opened(first=first, code=closed.value.code, reason=closed.value.detail)

    return opened


REFUSAL = (
    "pages on 'https://shop.example' may not open this chat: "
    "only the gateway's own pages and origins in GATEWAY_CORS_ORIGINS may"
)


async def test_with_the_setting_empty_only_the_gateways_own_pages_may_chat(chat_from: Any) -> None:
    own = await chat_from([], f"http://{HOST}")
    refused = await chat_from([], SHOP)
    assert own.first["type"] == "bot_message"
    assert (refused.first["code"], refused.first["message"], refused.code) == ("forbidden", REFUSAL, 4403)
    assert refused.reason == REFUSAL.encode()[:123].decode()  # a browser's CloseEvent.reason


async def test_the_operators_log_says_what_entry_would_let_a_refused_page_in(chat_from: Any) -> None:
    with structlog.testing.capture_logs() as logs:
        refused = await chat_from(["https://shop.example.com"], "https://www.shop.example.com")
    assert refused.first["message"] == (  # the page is told neither the entries nor how to add one
        "pages on 'https://www.shop.example.com' may not open this chat: "
        "only the gateway's own pages and origins in GATEWAY_CORS_ORIGINS may"
    )
    [line] = [log for log in logs if log["event"] == "websocket.origin_refused"]
    assert line["origin"] == "https://www.shop.example.com"
    assert line["allowed"] == ["https://shop.example.com"]
    assert line["hint"] == (
        "to allow it, add 'https://www.shop.example.com' to GATEWAY_CORS_ORIGINS"
        " (entries are scheme://host[:port])"
    )


@pytest.mark.parametrize(
    ("origin", "hint"),
    [
        ("https://shop.example/cart", "entries of GATEWAY_CORS_ORIGINS are scheme://host[:port]"),
        ("https://*.example", "entries of GATEWAY_CORS_ORIGINS are scheme://host[:port]"),
        ("null", "a 'null' entry would let every such page in"),
    ],
)
async def test_an_origin_no_browser_sends_or_null_is_not_offered_as_an_entry(
    chat_from: Any, origin: str, hint: str
) -> None:
    """A client that is not a browser may send any `Origin`; a pattern or a path is not one to add."""
    with structlog.testing.capture_logs() as logs:
        await chat_from([SHOP], origin)
    [line] = [log for log in logs if log["event"] == "websocket.origin_refused"]
    assert hint in line["hint"] and "to allow it" not in line["hint"]


async def test_a_listed_origin_may_chat_and_another_may_not(chat_from: Any) -> None:
    listed = await chat_from([SHOP], SHOP)
    other = await chat_from([SHOP], "https://evil.example")
    own = await chat_from([SHOP], f"https://{HOST}")
    assert listed.first["type"] == "bot_message"
    assert (other.first["code"], other.code) == ("forbidden", 4403)
    assert own.first["type"] == "bot_message"


async def test_a_star_allows_every_page(chat_from: Any) -> None:
    assert (await chat_from(["*"], "https://evil.example")).first["type"] == "bot_message"


async def test_a_client_without_an_origin_is_not_a_browser_and_may_chat(chat_from: Any) -> None:
    assert (await chat_from([SHOP], None)).first["type"] == "bot_message"


def test_a_close_reason_is_cut_to_what_a_close_frame_holds_never_mid_character() -> None:
    assert Closed(4403, "pages on 'x' may not").reason == "pages on 'x' may not"
    assert Closed(4403, "é" * 100).reason == "é" * 61


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", ()),  # `just run`'s own pages
        ("https://chat.example.com", "chat.example.com", ()),  # TLS ended before the gateway
        ("https://chat.example.com", "chat.example.com:443", ()),
        ("http://CHAT.example.com", "chat.example.com", ()),
        ("https://shop.example", "chat.example.com", ("https://shop.example",)),
        ("https://a.shop.example", "chat.example.com", ("https://*.shop.example",)),
        ("null", "chat.example.com", ("*",)),
    ],
)
def test_origins_that_may_open_the_chat(origin: str, host: str, allowed: tuple[str, ...]) -> None:
    assert origin_allowed(origin, host, allowed)


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        ("http://127.0.0.1:5173", "127.0.0.1:8000", ()),  # another port is another origin
        ("https://shop.example", "chat.example.com", ()),
        ("https://shop.example.evil", "chat.example.com", ("https://shop.example",)),
        ("http://shop.example", "chat.example.com", ("https://shop.example",)),
        ("null", "chat.example.com", ()),  # a sandboxed frame or a file
        ("http://chat.example.com:x", "chat.example.com", ()),
        ("https://chat.example.com", None, ()),
    ],
)
def test_origins_that_may_not(origin: str, host: str | None, allowed: tuple[str, ...]) -> None:
    assert not origin_allowed(origin, host, allowed)
