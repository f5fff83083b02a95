"""Conditional saves of a bot (the admin API's `If-Match` and `If-None-Match: *`) on the Mongo store:
the condition is the write's own filter, so of two editors who loaded one version only one saves."""

from __future__ import annotations

import asyncio

import pytest
from litestar.testing import AsyncTestClient

from parley_dialogue.app import create_app
from parley_dialogue.service import DialogueService
from parley_runtime.errors import PreconditionFailedError

BOT = b"""
intents:
  - {id: hi, examples: [hi], replies: [Hello]}
"""


async def test_of_two_saves_over_one_version_exactly_one_is_made(service: DialogueService) -> None:
    await service.put_bot("shop", BOT)
    saves = [service.put_bot("shop", BOT, expected_version=1) for _ in range(5)]
    answers = await asyncio.gather(*saves, return_exceptions=True)
    refused = [answer for answer in answers if isinstance(answer, PreconditionFailedError)]
    assert (len(refused), refused[0].details) == (4, {"current_version": 2})
    assert (await service.export_bot("shop")).version == 2


async def test_of_two_creations_exactly_one_is_made(service: DialogueService) -> None:
    answers = await asyncio.gather(
        *(service.put_bot("shop", BOT, create_only=True) for _ in range(3)), return_exceptions=True
    )
    refused = [answer for answer in answers if isinstance(answer, PreconditionFailedError)]
    assert len(refused) == 2
    assert refused[0].details == {"current_version": 1}


async def test_a_bot_created_over_a_deleted_one_counts_on_from_its_version(service: DialogueService) -> None:
    await service.put_bot("shop", BOT)
    await service.put_bot("shop", BOT)
    await service.delete_bot("shop")
    assert (await service.put_bot("shop", BOT, create_only=True)).version == 3
    await service.delete_bot("shop")
    with pytest.raises(PreconditionFailedError, match="was deleted since you loaded version 3"):
        await service.put_bot("shop", BOT, expected_version=3)


async def test_the_api_takes_the_preconditions_as_headers_and_sends_refusals_with_details(
    service: DialogueService,
) -> None:
    async with AsyncTestClient(create_app(service)) as client:
        created = await client.put("/v1/bots/shop", content=BOT, headers={"if-none-match": "*"})
        assert created.json()["version"] == 1
        saved = await client.put("/v1/bots/shop", content=BOT, headers={"if-match": '"1"'})
        assert saved.json()["version"] == 2
        stale = await client.put("/v1/bots/shop", content=BOT, headers={"if-match": '"1"'})
        error = stale.json()["error"]
        assert (stale.status_code, error["code"], error["details"]) == (
            412,
            "precondition_failed",
            {"current_version": 2},
        )
        exported = (await client.get("/v1/bots/shop/export", params={"format": "acf"})).json()
        assert (exported["version"], exported["document"]["intents"][0]["intentId"]) == (2, "hi")


@pytest.mark.parametrize(
    ("header", "value"), [("if-match", "1"), ("if-match", '"x"'), ("if-match", "*"), ("if-none-match", '"1"')]
)
async def test_the_api_refuses_a_precondition_it_cannot_read(
    service: DialogueService, header: str, value: str
) -> None:
    async with AsyncTestClient(create_app(service)) as client:
        answer = await client.put("/v1/bots/shop", content=BOT, headers={header: value})
        assert (answer.status_code, answer.json()["error"]["code"]) == (400, "invalid_input")
    assert await service.list_bots() == []
