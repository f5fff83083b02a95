"""A name no bot can have is refused in the same words on every route that names a bot: the chat's
guard said "invalid bot name ...", the admin routes Litestar's "Expected `str` matching regex ...".
"""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

REFUSAL = (
    "invalid bot name 'Bike Shop': use 1-64 letters, digits, '-' or '_', starting with a letter or digit"
)
BOT = "/api/v1/bots/Bike%20Shop"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", f"{BOT}/chat"),
        ("GET", BOT),
        ("PUT", BOT),
        ("DELETE", BOT),
        ("POST", f"{BOT}/train"),
        ("GET", f"{BOT}/models"),
        ("GET", f"{BOT}/conversations"),
    ],
)
async def test_a_bad_bot_name_is_refused_alike_everywhere(
    client: AsyncTestClient[Litestar], admin: dict[str, str], method: str, path: str
) -> None:
    response = await client.request(method, path, headers=admin, json={"text": "hi"})
    error = response.json()["error"]
    assert (response.status_code, error["code"], error["message"]) == (400, "invalid_input", REFUSAL)
