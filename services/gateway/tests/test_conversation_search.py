"""`q` lists the conversations with a turn whose user text or a reply holds it: literally, in any
case, within the period and together with `intent`, page by page; a blank or overlong `q` is a 400."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from parley_runtime.infra import Infra

Client = AsyncTestClient[Litestar]
LISTING = "/api/v1/bots/pizzeria/conversations"
NOON = datetime(2026, 1, 31, 12, tzinfo=UTC)


def _turn(
    conversation: str, minute: int, user: str = "", replies: tuple[str, ...] = (), **fields: Any
) -> dict[str, Any]:
    return {
        "_id": f"{conversation}-{minute}",
        "bot": "pizzeria",
        "conversation_id": conversation,
        "at": NOON + timedelta(minutes=minute),
        "user_text": user,
        "replies": list(replies),
        "intent": None,
        **fields,
    }


async def _store(infra: Infra, *turns: dict[str, Any]) -> None:
    """The turns, and their conversations as the logger keeps them."""
    await infra.db["turns"].insert_many(list(turns))
    last: dict[str, datetime] = {}
    for turn in turns:
        last[turn["conversation_id"]] = max(turn["at"], last.get(turn["conversation_id"], turn["at"]))
    conversations = [
        {"_id": f"pizzeria:{c}", "bot": "pizzeria", "conversation_id": c, "last_turn_at": at, "turn_count": 1}
        for c, at in last.items()
    ]
    await infra.db["conversations"].insert_many(conversations)


async def _listed(client: Client, admin: dict[str, str], **params: str) -> list[str]:
    response = await client.get(LISTING, headers=admin, params=params)
    assert response.status_code == 200, response.text
    return [c["conversation_id"] for c in response.json()]


async def test_a_conversation_is_found_by_what_the_user_said_in_any_case(
    client: Client, admin: dict[str, str], infra: Infra
) -> None:
    await _store(infra, _turn("a", 1, "Une PIZZA, s'il vous plaît"), _turn("b", 2, "un calzone"))
    assert await _listed(client, admin, q="pizza") == ["a"]
    assert await _listed(client, admin, q="  pIzZa ") == ["a"]


async def test_a_conversation_is_found_by_any_of_a_turns_replies(
    client: Client, admin: dict[str, str], infra: Infra
) -> None:
    await _store(
        infra,
        _turn("a", 1, "hi", ("Hello!", "We deliver until MIDNIGHT")),
        _turn("b", 2, "midnight?", ()),
        _turn("c", 3, "hours?", ("We open at noon",)),
    )
    assert await _listed(client, admin, q="midnight") == ["b", "a"]


async def test_case_is_folded_beyond_ascii(client: Client, admin: dict[str, str], infra: Infra) -> None:
    await _store(infra, _turn("a", 1, "Livraison à l'ÉCOLE"), _turn("b", 2, "ecole"))
    assert await _listed(client, admin, q="école") == ["a"]


@pytest.mark.parametrize("q", [".*(", "a.*(b", "[x]", "1+1?", "$^|\\", "a\x00b"])
async def test_q_is_a_literal_text_not_a_pattern(
    client: Client, admin: dict[str, str], infra: Infra, q: str
) -> None:
    await _store(infra, _turn("literal", 1, f"say {q} here"), _turn("other", 2, "x 11 a(b ab"))
    assert await _listed(client, admin, q=q) == ["literal"]


async def test_q_and_intent_each_need_a_turn_of_the_conversation(
    client: Client, admin: dict[str, str], infra: Infra
) -> None:
    await _store(
        infra,
        _turn("both", 1, "hello", intent="greet"),
        _turn("both", 2, "a pizza please", intent="order"),
        _turn("text_only", 3, "a pizza please", intent="order"),
        _turn("intent_only", 4, "hello", intent="greet"),
    )
    assert await _listed(client, admin, q="pizza", intent="greet") == ["both"]
    assert await _listed(client, admin, q="pizza", intent="order") == ["text_only", "both"]
    assert await _listed(client, admin, q="hello", intent="order") == ["both"]


async def test_q_looks_only_at_the_turns_in_the_period(
    client: Client, admin: dict[str, str], infra: Infra
) -> None:
    await _store(
        infra,
        _turn("early", 1, "pizza"),
        _turn("early", 60, "thanks"),
        _turn("late", 61, "pizza"),
    )
    period = {
        "from": (NOON + timedelta(minutes=30)).isoformat(),
        "to": (NOON + timedelta(hours=2)).isoformat(),
    }
    assert await _listed(client, admin, q="pizza", **period) == ["late"]
    assert await _listed(client, admin, q="thanks", **period) == ["early"]
    assert await _listed(client, admin, q="pizza") == ["late", "early"]


async def test_pages_under_q_reach_each_matching_conversation_once(
    client: Client, admin: dict[str, str], infra: Infra
) -> None:
    turns = [_turn(f"c{n:02d}", n // 3, "pizza" if n % 2 else "pasta") for n in range(15)]
    await _store(infra, *turns, _turn("c07", 20, "and a drink"))
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 2, "q": "PIZZA"}
    while page := (await client.get(LISTING, headers=admin, params=params)).json():
        seen += [c["conversation_id"] for c in page]
        params = {**params, "before": page[-1]["last_turn_at"], "before_id": page[-1]["conversation_id"]}
    assert seen == ["c07", "c13", "c11", "c09", "c05", "c03", "c01"]


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "`q` must not be blank"),
        ("   ", "`q` must not be blank"),
        ("\u200b\t", "`q` must not be blank"),
        ("x" * 201, "`q` is limited to 200 characters"),
    ],
)
async def test_a_blank_or_overlong_q_is_refused_by_name(
    client: Client, admin: dict[str, str], infra: Infra, q: str, message: str
) -> None:
    await _store(infra, _turn("a", 1, "pizza"))
    response = await client.get(LISTING, headers=admin, params={"q": q})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("invalid_input", message)
    assert error["details"] == [{"message": message, "key": "q", "source": "query"}]


async def test_q_of_200_characters_is_searched_after_trimming(
    client: Client, admin: dict[str, str], infra: Infra
) -> None:
    await _store(infra, _turn("a", 1, "y" * 200))
    assert await _listed(client, admin, q=f"  {'Y' * 200}  ") == ["a"]


async def test_q_given_twice_is_refused(client: Client, admin: dict[str, str]) -> None:
    response = await client.get(f"{LISTING}?q=pizza&q=pasta", headers=admin)
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["key"] == "q"
