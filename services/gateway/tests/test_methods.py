"""HEAD is answered wherever GET is, as GET without the body; a method an address does not answer is
a 405 naming the ones it does in `Allow` (RFC 9110 15.5.6), and a plain request to the websocket a 426
asking for the upgrade."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from .conftest import sent_over_asgi

Client = AsyncTestClient[Litestar]
BOT = "/api/v1/bots/pizzeria"


@pytest.mark.parametrize(
    ("path", "admin_key"),
    [
        ("/health/live", False),
        ("/", False),
        ("/index.html", False),
        (BOT, True),
        (f"{BOT}/conversations", True),
    ],
)
async def test_head_answers_as_get_does(
    client: Client, admin: dict[str, str], path: str, admin_key: bool
) -> None:
    headers = admin if admin_key else {}
    got, head = await client.get(path, headers=headers), await client.head(path, headers=headers)
    assert (head.status_code, got.status_code) == (200, 200)
    for name in ("content-type", "content-length", "etag"):
        assert head.headers.get(name) == got.headers.get(name), name


async def test_head_is_guarded_as_get_is(client: Client) -> None:
    response = await client.head(BOT)
    assert response.status_code == 401


async def test_head_sends_no_body(app: Litestar, client: Client) -> None:
    """As the server receives it: the test client would drop a HEAD's body itself."""
    sent = await sent_over_asgi(app, "HEAD", "/health/live", [])
    headers = dict(sent[0]["headers"])
    assert (sent[0]["status"], headers[b"content-length"]) == (200, b"15")  # {"status":"ok"}
    assert [m["body"] for m in sent[1:]] == [b""]
    assert not sent[-1].get("more_body", False)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", f"{BOT}/conversations", "GET, HEAD, OPTIONS"),
        ("POST", "/health/live", "GET, HEAD, OPTIONS"),
        ("PATCH", BOT, "DELETE, GET, HEAD, OPTIONS, PUT"),
        ("HEAD", f"{BOT}/chat", "OPTIONS, POST"),
        ("GET", f"{BOT}/chat", "OPTIONS, POST"),
        ("PUT", "/index.html", "GET, HEAD, OPTIONS"),
    ],
)
async def test_a_method_an_address_does_not_answer_is_405_naming_those_it_does(
    client: Client, admin: dict[str, str], method: str, path: str, allowed: str
) -> None:
    response = await client.request(method, path, headers=admin)
    assert (response.status_code, response.headers["allow"]) == (405, allowed)
    if method != "HEAD":
        error = response.json()["error"]
        assert (error["code"], error["details"]) == ("method_not_allowed", {"allow": allowed.split(", ")})
        assert error["message"] == f"this address answers {allowed}, not this method"


async def test_options_lists_head_beside_get(client: Client) -> None:
    response = await client.options("/health/live")
    assert (response.status_code, response.headers["allow"]) == (204, "GET, HEAD, OPTIONS")


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
async def test_a_plain_request_to_the_websocket_is_426_asking_for_the_upgrade(
    client: Client, method: str
) -> None:
    response = await client.request(method, "/ws/chat?bot=pizzeria")
    assert (response.status_code, response.headers["upgrade"]) == (426, "websocket")
    assert "allow" not in response.headers
    if method != "HEAD":
        assert response.json()["error"]["code"] == "upgrade_required"
