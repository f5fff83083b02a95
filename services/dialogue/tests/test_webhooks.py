"""The httpx webhook adapter: private destinations refused, answers decoded, failures typed."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from parley_dialogue.actions import build_request
from parley_dialogue.adapters.httpx_webhooks import HttpxWebhookCaller, is_private
from parley_dialogue.conversation import PendingAction
from parley_dialogue.definition import ActionDef
from parley_dialogue.errors import WebhookError, WebhookRefused
from parley_dialogue.ports import WebhookRequest
from parley_dialogue.rewrites import UrlRewrites


def resolver(*addresses: str):
    async def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


def caller(handler, *addresses: str, allow: str = "", rewrites: str = "") -> HttpxWebhookCaller:
    networks = [ipaddress.ip_network(n) for n in allow.split(",") if n]
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return HttpxWebhookCaller(
        allow_networks=networks,
        rewrites=UrlRewrites.parse(rewrites),
        client=client,
        resolve=resolver(*addresses),
    )


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
    with pytest.raises(WebhookRefused, match="private"):
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


DEEP = b'{"a":' * 5000 + b"1" + b"}" * 5000


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (DEEP, "application/json", "nested more than 64 levels"),
        (b"[" * 65 + b"]" * 65, "application/json", "nested more than 64 levels"),
        ('{"status": "caf\u00e9"}'.encode("latin-1"), "application/json", "UTF-8"),
        ('{"status": "caf\u00e9"}'.encode("latin-1"), "application/json; charset=latin-1", "UTF-8"),
        (b'{"status": "\\ud800"}', "application/json", "surrogate"),
    ],
    ids=["5000-deep", "65-deep", "latin-1", "declared-latin-1", "lone-surrogate"],
)
async def test_an_answer_that_does_not_decode_is_a_webhook_error(body, content_type, reason):
    """JSON is UTF-8 (RFC 8259 8.1, which defines no charset parameter), and an answer nests as
    deep as a client's JSON may: anything else fails the call as a non-JSON answer does."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": content_type})

    webhooks = caller(handler, "93.184.216.34")
    with pytest.raises(WebhookError, match=reason):
        await webhooks.call(WebhookRequest(method="GET", url="https://a.example.com/"))
    await webhooks.aclose()


async def test_an_answer_nested_64_deep_is_decoded():
    handler, _ = answer(body=b'{"a":' * 64 + b"1" + b"}" * 64)
    webhooks = caller(handler, "93.184.216.34")
    result = await webhooks.call(WebhookRequest(method="GET", url="https://a.example.com/"))
    for _ in range(64):
        result = result["a"]
    assert result == 1
    await webhooks.aclose()


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


def pending(**slots: object) -> PendingAction:
    return PendingAction(intent="i", slots=slots, context={})


def test_urlencode_in_the_url_encodes_the_value_once():
    action = ActionDef(url="https://a.example.com/search?q={{ slots.city | urlencode }}")
    request = build_request(action, pending(city="new york & co"))
    assert request.url == "https://a.example.com/search?q=new%20york%20%26%20co"
    assert httpx.URL(request.url).params["q"] == "new york & co"


def test_tojson_in_a_json_body_carries_the_value_exactly():
    note = 'say "hi" & <b>\\</b>\n'
    action = ActionDef(url="https://a.example.com/", body='{"note": {{ slots.note | tojson }}}')
    request = build_request(action, pending(note=note))
    assert json.loads(request.body or b"") == {"note": note}


def test_filters_and_tests_see_the_value_the_user_gave():
    action = ActionDef(
        url="https://a.example.com/?n={{ slots.city | length }}",
        body='{"nyc": {{ "true" if slots.city == "new york & \\"co\\"" else "false" }}}',
    )
    request = build_request(action, pending(city='new york & "co"'))
    assert httpx.URL(request.url).params["n"] == "15"
    assert json.loads(request.body or b"") == {"nyc": True}


def test_one_places_escaping_filter_leaves_the_other_place_escaped():
    action = ActionDef(
        url="https://a.example.com/?q={{ slots.x | tojson }}", body='{"x": "{{ slots.x | urlencode }}"}'
    )
    request = build_request(action, pending(x='a&b="c"'))
    assert dict(httpx.URL(request.url).params) == {"q": '"a\\u0026b=\\"c\\""'}
    assert json.loads(request.body or b"") == {"x": "a%26b%3D%22c%22"}


def test_a_set_block_is_escaped_once_when_printed():
    action = ActionDef(url="https://a.example.com/?{% set q %}{{ slots.x }}{% endset %}q={{ q }}")
    request = build_request(action, pending(x="a&b"))
    assert request.url == "https://a.example.com/?q=a%26b"


def test_the_authors_content_type_is_sent_alone_whatever_its_case():
    action = ActionDef(
        url="https://a.example.com/", headers={"Content-Type": "application/vnd.shop+json"}, body="{}"
    )
    request = build_request(action, PendingAction(intent="i", slots={}, context={}))
    assert request.headers == {"Content-Type": "application/vnd.shop+json"}
    assert httpx.Headers(request.headers).get_list("content-type") == ["application/vnd.shop+json"]


async def test_the_host_header_is_the_urls_whatever_the_author_wrote():
    handler, seen = answer()
    webhooks = caller(handler, "93.184.216.34")
    request = WebhookRequest(method="GET", url="https://api.example.com/", headers={"Host": "admin.internal"})
    await webhooks.call(request)
    assert seen[0].headers.get_list("host") == ["api.example.com"]
    await webhooks.aclose()


def test_a_url_that_is_not_http_is_refused():
    action = ActionDef(url="file:///etc/passwd")
    with pytest.raises(WebhookRefused):
        build_request(action, PendingAction(intent="i", slots={}, context={}))


@pytest.mark.parametrize("status", [400, 403, 404, 301])
async def test_a_client_error_or_redirect_answer_is_refused_for_good(status):
    handler, _ = answer(status)
    webhooks = caller(handler, "93.184.216.34")
    with pytest.raises(WebhookRefused, match=str(status)):
        await webhooks.send(WebhookRequest(method="POST", url="https://a.example.com/"))
    await webhooks.aclose()


@pytest.mark.parametrize("status", [408, 429, 502, 503])
async def test_throttling_timeouts_and_server_errors_are_worth_retrying(status):
    handler, _ = answer(status)
    webhooks = caller(handler, "93.184.216.34")
    with pytest.raises(WebhookError, match=str(status)):
        await webhooks.send(WebhookRequest(method="POST", url="https://a.example.com/"))
    await webhooks.aclose()


async def test_sending_accepts_any_successful_answer_without_reading_it():
    handler, seen = answer(202, body=b"<html>queued</html>")
    webhooks = caller(handler, "93.184.216.34")
    await webhooks.send(WebhookRequest(method="POST", url="https://a.example.com/hook", body=b"{}"))
    assert seen[0].content == b"{}"
    await webhooks.aclose()


@pytest.mark.parametrize("body", [DEEP, '{"status": "caf\u00e9"}'.encode("latin-1")])
async def test_a_notification_is_delivered_whatever_its_answer_holds(body):
    handler, seen = answer(200, body=body)
    webhooks = caller(handler, "93.184.216.34")
    await webhooks.send(WebhookRequest(method="POST", url="https://a.example.com/hook", body=b"{}"))
    assert len(seen) == 1
    await webhooks.aclose()


async def test_a_rewritten_url_keeps_its_path_and_query_and_goes_to_the_new_base():
    handler, seen = answer()
    webhooks = caller(
        handler,
        "10.9.8.7",
        allow="10.0.0.0/8",
        rewrites="https://api.shop.example=http://stub.internal:8080/v2",
    )
    await webhooks.call(
        WebhookRequest(method="GET", url="https://api.shop.example/orders/status?order_id=A1")
    )
    assert seen[0].headers["host"] == "stub.internal:8080"
    assert seen[0].url.path == "/v2/orders/status"
    assert seen[0].url.params["order_id"] == "A1"
    await webhooks.aclose()


async def test_a_rewritten_destination_is_checked_like_any_other():
    handler, seen = answer()
    webhooks = caller(handler, "127.0.0.1", rewrites="https://api.shop.example=http://localhost:9")
    with pytest.raises(WebhookRefused, match="private"):
        await webhooks.call(WebhookRequest(method="GET", url="https://api.shop.example/x"))
    assert seen == []
    await webhooks.aclose()


async def test_slots_sent_as_a_query_keep_the_urls_own_query():
    handler, seen = answer()
    webhooks = caller(handler, "93.184.216.34")
    request = WebhookRequest(
        method="GET", url="https://shop.example/status?order_id=A%201", params={"order_number": "A 1"}
    )
    await webhooks.call(request)
    assert dict(seen[0].url.params) == {"order_id": "A 1", "order_number": "A 1"}
    await webhooks.aclose()


async def test_a_slot_named_like_a_fixed_query_parameter_is_added_beside_it():
    handler, seen = answer()
    webhooks = caller(handler, "93.184.216.34")
    request = WebhookRequest(method="GET", url="http://h.example.com/q?x=1&a=fixed", params={"a": "b&c=3"})
    await webhooks.call(request)
    assert seen[0].url.query == b"x=1&a=fixed&a=b%26c%3D3"
    assert seen[0].url.params.get_list("a") == ["fixed", "b&c=3"]
    await webhooks.aclose()


async def test_the_urls_own_query_is_sent_as_the_author_wrote_it():
    handler, seen = answer()
    webhooks = caller(handler, "93.184.216.34")
    url = "http://h.example.com/q?order_id=A%201&sig=a%2Fb"
    await webhooks.call(WebhookRequest(method="GET", url=url, params={"n": "2"}))
    assert seen[0].url.query == b"order_id=A%201&sig=a%2Fb&n=2"
    await webhooks.aclose()


async def test_slots_make_the_whole_query_of_a_url_without_one():
    handler, seen = answer()
    webhooks = caller(handler, "93.184.216.34")
    await webhooks.call(WebhookRequest(method="GET", url="http://h.example.com/q?", params={"a": "1 2"}))
    assert seen[0].url.query == b"a=1+2"
    await webhooks.aclose()


@pytest.mark.parametrize(
    ("method", "send_slots", "params", "form"),
    [
        ("GET", True, {"x": "1"}, {}),
        ("POST", True, {}, {"x": "1"}),
        ("POST", "query", {"x": "1"}, {}),
        ("GET", "form", {}, {"x": "1"}),
        ("GET", False, {}, {}),
    ],
)
def test_slots_go_where_the_action_says(method, send_slots, params, form):
    action = ActionDef(url="https://a.example.com/", method=method, send_slots=send_slots)
    request = build_request(action, PendingAction(intent="i", slots={"x": "1"}, context={}))
    assert (request.params, request.form) == (params, form)


def dripping(body: bytes, seconds_per_byte: float):
    """A handler that answers 200 at once, then sends its body a byte at a time."""

    async def drip() -> AsyncIterator[bytes]:
        for byte in body:
            await asyncio.sleep(seconds_per_byte)
            yield bytes([byte])

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=drip())

    return handler


async def test_the_timeout_bounds_the_whole_call_not_each_read():
    webhooks = caller(dripping(b'{"status": "shipped"}', 0.05), "93.184.216.34")
    request = WebhookRequest(method="GET", url="https://slow.example.com/", timeout=0.2)
    started = time.monotonic()
    with pytest.raises(WebhookError, match=r"within 0\.2 s"):
        await webhooks.call(request)
    assert time.monotonic() - started < 0.6
    await webhooks.aclose()


async def test_the_timeout_bounds_a_notification_and_the_host_lookup_too():
    async def slow_resolve(host: str, port: int) -> list[str]:
        await asyncio.sleep(1)
        return ["93.184.216.34"]

    handler, seen = answer()
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    webhooks = HttpxWebhookCaller(client=client, resolve=slow_resolve)
    started = time.monotonic()
    with pytest.raises(WebhookError, match=r"within 0\.2 s"):
        await webhooks.send(WebhookRequest(method="POST", url="https://slow.example.com/", timeout=0.2))
    assert time.monotonic() - started < 0.6
    assert seen == []
    await webhooks.aclose()


async def test_an_answer_that_gives_a_key_twice_keeps_its_last_value_as_acf_read_it():
    handler, _ = answer(body=b'{"status": "packed", "status": "shipped"}')
    webhooks = caller(handler, "93.184.216.34")
    result = await webhooks.call(WebhookRequest(method="GET", url="https://a.example.com/"))
    assert result == {"status": "shipped"}
    await webhooks.aclose()
