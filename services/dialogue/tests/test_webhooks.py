"""The httpx webhook adapter: private destinations refused, answers decoded, failures typed."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from parley_dialogue.actions import build_request
from parley_dialogue.adapters.httpx_webhooks import HttpxWebhookCaller, is_private
from parley_dialogue.definition import ActionDef
from parley_dialogue.engine import PendingAction
from parley_dialogue.errors import WebhookError
from parley_dialogue.ports import WebhookRequest


def resolver(*addresses: str):
    async def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


def caller(handler, *addresses: str, allow: str = "") -> HttpxWebhookCaller:
    networks = [ipaddress.ip_network(n) for n in allow.split(",") if n]
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return HttpxWebhookCaller(allow_networks=networks, client=client, resolve=resolver(*addresses))


def answer(status: int = 200, body: bytes = b'{"status": "shipped"}'):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, content=body)

    return handler, seen


async def test_a_public_webhook_answer_is_decoded():
    handler, seen = answer()
    webhooks = caller(handler, "93.184.216.34")
    result = await webhooks.call(WebhookRequest(method="GET", url="https://api.example.com/x?a=1"))
    assert result == {"status": "shipped"}
    assert seen[0].url.host == "93.184.216.34"
    assert seen[0].headers["host"] == "api.example.com"
    await webhooks.aclose()


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "fd00::1", "::ffff:10.0.0.1"]
)
async def test_private_destinations_are_refused(address):
    handler, seen = answer()
    webhooks = caller(handler, address)
    with pytest.raises(WebhookError, match="private"):
        await webhooks.call(WebhookRequest(method="GET", url="http://internal.example.com/"))
    assert seen == []


async def test_an_allowed_network_may_be_reached():
    handler, _ = answer()
    webhooks = caller(handler, "10.1.2.3", allow="10.0.0.0/8")
    assert await webhooks.call(WebhookRequest(method="POST", url="http://svc.local/hook")) == {
        "status": "shipped"
    }


async def test_an_error_status_is_a_webhook_error():
    handler, _ = answer(500)
    with pytest.raises(WebhookError, match="500"):
        await caller(handler, "93.184.216.34").call(
            WebhookRequest(method="GET", url="https://a.example.com/")
        )


async def test_an_answer_that_is_not_json_is_a_webhook_error():
    handler, _ = answer(body=b"<html>")
    with pytest.raises(WebhookError, match="JSON"):
        await caller(handler, "93.184.216.34").call(
            WebhookRequest(method="GET", url="https://a.example.com/")
        )


async def test_an_unreachable_host_is_a_webhook_error():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(WebhookError):
        await caller(handler, "93.184.216.34").call(
            WebhookRequest(method="GET", url="https://a.example.com/")
        )


def test_ipv4_mapped_private_addresses_count_as_private():
    assert is_private(ipaddress.ip_address("::ffff:192.168.0.1"))
    assert not is_private(ipaddress.ip_address("93.184.216.34"))


def test_a_json_body_escapes_user_values():
    action = ActionDef(url="https://a.example.com/{{ slots.x }}", body='{"x": "{{ slots.x }}"}')
    request = build_request(action, PendingAction(intent="i", slots={"x": 'a"b/c'}, context={}))
    assert request.url == "https://a.example.com/a%22b%2Fc"
    assert request.body == b'{"x": "a\\"b/c"}'
    assert request.headers["content-type"] == "application/json"


def test_a_url_that_is_not_http_is_refused():
    action = ActionDef(url="file:///etc/passwd")
    with pytest.raises(WebhookError):
        build_request(action, PendingAction(intent="i", slots={}, context={}))
