"""Every HTTP answer carries `X-Correlation-ID`, those to requests that fail routing included (an
unknown address, a method the address does not answer, a plain request to the websocket): Litestar
runs app middleware only once a route is found, so these had none."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/health/live", 200),
        ("GET", "/api/v1/nothing-here", 404),
        ("DELETE", "/health/live", 405),
        ("GET", "/ws/chat", 426),
    ],
)
async def test_every_answer_names_its_correlation_id(
    client: Client, method: str, path: str, status: int
) -> None:
    response = await client.request(method, path, headers={"x-correlation-id": "req-7"})
    assert response.status_code == status
    assert response.headers.get_list("x-correlation-id") == ["req-7"]


async def test_an_answer_that_failed_routing_gets_a_fresh_id_when_none_is_sent(client: Client) -> None:
    response = await client.delete("/health/live")
    assert response.status_code == 405
    assert len(response.headers["x-correlation-id"]) == 32
