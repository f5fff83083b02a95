"""The HTTP API, exactly as the gateway's client calls it."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from parley_dialogue.app import create_app
from parley_dialogue.testing import parsed

BOT = b"""
name: x
intents:
  - {id: init_conversation, replies: [Welcome]}
  - {id: hi, examples: [hi], replies: [Hello]}
"""


async def test_the_api_serves_bots_and_turns(service, nlu):
    nlu.says("hi", parsed("hi"))
    async with AsyncTestClient(create_app(service)) as client:
        saved = await client.put("/v1/bots/demo", content=BOT, headers={"content-type": "application/yaml"})
        assert saved.status_code == 200
        assert saved.json()["version"] == 1
        turn = await client.post("/v1/turn", json={"bot": "demo", "text": "hi"})
        assert turn.status_code == 200
        assert turn.json()["type"] == "bot_message"
        assert turn.json()["messages"] == [{"text": "Hello"}]
        welcome = await client.post("/v1/welcome", json={"bot": "demo", "conversation_id": "c1"})
        assert welcome.json()["messages"] == [{"text": "Welcome"}]
        assert (await client.get("/v1/bots/demo")).json()["name"] == "demo"
        assert (await client.get("/v1/bots/demo?format=acf")).json()["intents"][0][
            "intentId"
        ] == "init_conversation"
        assert [b["name"] for b in (await client.get("/v1/bots")).json()] == ["demo"]
        assert (await client.get("/v1/bots/demo/dataset")).json()["bot"] == "demo"
        assert (await client.delete("/v1/bots/demo")).status_code == 204


async def test_welcome_without_a_welcome_intent_answers_null(service):
    async with AsyncTestClient(create_app(service)) as client:
        await client.put(
            "/v1/bots/quiet",
            content=b'{"intents": [{"id": "hi", "examples": ["hi"]}]}',
            headers={"content-type": "application/json"},
        )
        response = await client.post("/v1/welcome", json={"bot": "quiet", "conversation_id": "c1"})
        assert response.status_code == 200
        assert response.content == b"null"


async def test_errors_are_json_with_stable_codes(service):
    async with AsyncTestClient(create_app(service)) as client:
        missing = await client.post("/v1/turn", json={"bot": "nobody", "text": "hi"})
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "not_found"
        invalid = await client.put("/v1/bots/bad", content=b'{"intents": [{"id": "a"}, {"id": "a"}]}')
        assert invalid.status_code == 400
        assert invalid.json()["error"]["details"][0]["message"] == "duplicate intent id 'a' (2 times)"
        garbled = await client.post("/v1/turn", content=b"{nope")
        assert garbled.status_code == 400
