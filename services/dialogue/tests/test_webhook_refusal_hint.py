"""A webhook refused for a private address says which address and the setting that allows it: a
first webhook to an author's own dev server is refused by default, and the log named neither."""

from __future__ import annotations

import httpx
import pytest

from parley_dialogue.adapters.httpx_webhooks import HttpxWebhookCaller
from parley_dialogue.errors import WebhookRefused
from parley_dialogue.ports import WebhookRequest


async def test_a_private_address_is_refused_naming_the_setting_that_allows_it() -> None:
    async def resolve(host: str, port: int) -> list[str]:
        return ["192.168.1.20"]

    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing may be sent")

    webhooks = HttpxWebhookCaller(
        client=httpx.AsyncClient(transport=httpx.MockTransport(handler)), resolve=resolve
    )
    with pytest.raises(WebhookRefused) as refused:
        await webhooks.call(WebhookRequest(method="POST", url="http://devbox.lan:9000/hook"))
    assert str(refused.value) == (
        "webhook host 'devbox.lan' is a private address (192.168.1.20); refused: "
        "PARLEY_WEBHOOK_ALLOW_NETWORKS may list its network"
    )
    await webhooks.aclose()
