"""A time the API answers when it saves something is the time it lists afterwards."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient


async def test_a_keys_created_at_is_listed_as_it_was_answered(
    client: AsyncTestClient[Litestar], admin: dict[str, str]
) -> None:
    for _ in range(5):  # a creation on a whole millisecond would pass by chance
        created = await client.post("/api/v1/keys", headers=admin, json={"name": "t", "scopes": ["chat"]})
        key = created.json()["api_key"]
        listed = {k["key_id"]: k for k in (await client.get("/api/v1/keys", headers=admin)).json()}
        assert listed[key["key_id"]]["created_at"] == key["created_at"]
