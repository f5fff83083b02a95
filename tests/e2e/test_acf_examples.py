"""The AI Chatbot Framework's own example exports, imported unchanged through the admin API,
trained, and replayed through the public chat API the way that framework plays them.

The order-status bot calls `https://fake-store-api.mock.beeceptor.com/...`; the operator setting
`PARLEY_WEBHOOK_URL_REWRITES` sends that base to a local stub, so the document stays unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.acf_support import ACF_EXAMPLES, Parley, StubApi, stub_api
from tests.e2e.stack import embedded_parley

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SHOP_API = "https://fake-store-api.mock.beeceptor.com"
ORDER_STATUS_PATH = "/api/orders/status"
FALLBACK_REPLIES = [
    ["Sorry", "I'm having trouble understanding you."],
    ["Hmm", "I cant handle that yet."],
    ["Can you please re-phrase your query ?"],
]


def example(name: str) -> bytes:
    return (ACF_EXAMPLES / f"{name}.json").read_bytes()


@pytest.fixture(scope="module")
def shop() -> Iterator[StubApi]:
    with stub_api() as stub:
        stub.answers[ORDER_STATUS_PATH] = (200, {"status": "shipped"})
        yield stub


@pytest.fixture(scope="module")
def parley(shop: StubApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Parley]:
    env = {
        "PARLEY_DEMO": "false",
        "PARLEY_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8",
        "PARLEY_WEBHOOK_URL_REWRITES": f"{SHOP_API}={shop.base_url}",
    }
    with embedded_parley(tmp_path_factory.mktemp("parley-acf-examples"), env) as running:
        yield Parley(running)


@pytest.fixture(scope="module")
def trained(parley: Parley) -> dict[str, Any]:
    """Both example bots, imported unchanged and trained: the import answers and the jobs."""
    imports = {bot: parley.import_bot(bot, example(bot)) for bot in ("restaurant_search", "order_status")}
    return {bot: (response, parley.train(bot)) for bot, response in imports.items()}


@pytest.mark.parametrize("bot", ["restaurant_search", "order_status"])
def test_an_example_export_imports_unchanged_and_trains(trained: dict[str, Any], bot: str) -> None:
    response, job = trained[bot]
    assert response.status_code == 200, response.text
    assert job["status"] == "succeeded", job


def test_the_welcome_intent_greets_with_the_username_from_the_context(parley: Parley, trained: Any) -> None:
    say = parley.conversation("order_status", context={"username": "Ann"})
    reply = say("/init_conversation")
    assert reply.intent == "init_conversation"
    assert reply.texts == ["Hi Ann", "What can i do for you ?"]


def test_restaurant_search_prompts_for_its_parameters_in_order_then_replies(
    parley: Parley, trained: Any
) -> None:
    say = parley.conversation("restaurant_search")
    asked = say("i'm looking for a place to eat")
    assert (asked.intent, asked.texts) == ("restaurant_search", ["Sure", "tell me your location?"])
    assert (asked.missing, asked.complete) == (["location", "cuisine"], False)
    located = say("banglore")
    assert located.texts == ["Ok.", "What type cuisine are you looking for?"]
    assert (located.slots, located.missing) == ({"location": "banglore"}, ["cuisine"])
    done = say("chinese")
    assert done.complete
    assert [text.lower() for text in done.texts] == [
        "ok",
        "i found following restaurants serving  <b>chinese</b> in <b>banglore</b>",
        "<b> restaurant name 1</b>",
        "<b>  restaurant name 2</b>",
    ]


def test_restaurant_search_fills_both_parameters_from_one_utterance(parley: Parley, trained: Any) -> None:
    done = parley.conversation("restaurant_search")("i want indian food in new york")
    assert done.complete
    assert done.slots == {"location": "new york", "cuisine": "indian"}
    assert done.texts[1] == "I found following restaurants serving  <b>indian</b> in <b>new york</b>"


def test_order_status_calls_the_api_with_the_order_number_and_renders_its_answer(
    parley: Parley, trained: Any, shop: StubApi
) -> None:
    say = parley.conversation("order_status")
    asked = say("What is my order status")
    assert asked.texts == ["Sure", "Can you please give me your order number ?"]
    done = say("ORD654321")
    calls = shop.requests_to(ORDER_STATUS_PATH, lambda r: r.query.get("order_id") == ["ORD654321"])
    assert [call.method for call in calls] == ["GET"]
    assert done.slots == {"order_number": "ORD654321"}
    assert done.texts == [
        "Let me check the status of order ORD654321",
        "Your order status is <b>shipped</b> and is expected to arrive in 2-3 business days.",
    ]


def test_an_order_number_in_the_first_utterance_needs_no_prompt(parley: Parley, trained: Any) -> None:
    done = parley.conversation("order_status")("Where is my order ORD123456 ?")
    assert done.complete
    assert done.texts[0] == "Let me check the status of order ORD123456"


def test_a_failing_api_gets_the_service_unavailable_reply(
    parley: Parley, trained: Any, shop: StubApi
) -> None:
    shop.answers[ORDER_STATUS_PATH] = (503, {"error": "down"})
    try:
        reply = parley.conversation("order_status")('/check_order_status{"order_number": "ORD000001"}')
    finally:
        shop.answers[ORDER_STATUS_PATH] = (200, {"status": "shipped"})
    assert reply.texts == ["Service is not available. Please try again later."]


def test_what_the_bot_does_not_understand_gets_a_fallback_reply(parley: Parley, trained: Any) -> None:
    reply = parley.conversation("restaurant_search")("sdfkj qwoeiru zxcv")
    assert reply.intent == "fallback"
    assert reply.texts in FALLBACK_REPLIES


def test_cancel_clears_the_form_being_filled(parley: Parley, trained: Any) -> None:
    say = parley.conversation("restaurant_search")
    assert say("search for restaurants").missing == ["location", "cuisine"]
    cancelled = say("cancel")
    assert (cancelled.intent, cancelled.texts) == ("cancel", ["Ok. Canceled."])
    assert (cancelled.slots, cancelled.missing, cancelled.complete) == ({}, [], True)
    assert say("/init_conversation").texts == ["Hello there 👋", "What can i do for you ?"]


def test_an_intent_id_trigger_names_the_intent_and_may_carry_its_parameters(
    parley: Parley, trained: Any
) -> None:
    asked = parley.conversation("restaurant_search")("/restaurant_search")
    assert (asked.intent, asked.texts) == ("restaurant_search", ["Sure", "tell me your location?"])
    done = parley.conversation("restaurant_search")(
        '/restaurant_search{"location": "Oslo", "cuisine": "thai"}'
    )
    assert done.texts[1] == "I found following restaurants serving  <b>thai</b> in <b>Oslo</b>"


def test_another_intent_mid_form_is_answered_and_the_form_resumes(parley: Parley, trained: Any) -> None:
    say = parley.conversation("restaurant_search")
    say("search for restaurants")
    interrupted = say("thanks")
    assert interrupted.texts == ["I'm happy to help :)", "Sure", "tell me your location?"]
    assert interrupted.missing == ["location", "cuisine"]
    assert say("new york").slots == {"location": "new york"}


def test_a_bot_edit_applies_on_the_next_turn_without_a_restart(parley: Parley) -> None:
    original = example("default_intents")
    assert parley.import_bot("greeter", original).status_code == 200
    say = parley.conversation("greeter", context={"username": "Ann"})
    assert say("/init_conversation").texts == ["Hi Ann", "What can i do for you ?"]
    edited = original.replace(b'"Hi {{context', b'"Welcome back {{context')
    assert parley.put_bot("greeter", edited, "application/json").json()["version"] == 2
    assert say("/init_conversation").texts == ["Welcome back Ann", "What can i do for you ?"]


def test_the_acf_export_of_an_imported_example_imports_again_to_the_same_bot(
    parley: Parley, trained: Any
) -> None:
    api, admin = parley.api, parley.admin
    exported = httpx.get(f"{api}/bots/order_status", params={"format": "acf"}, headers=admin).json()
    assert parley.import_bot(
        "order_status_copy", httpx.Request("POST", "/", json=exported).content
    ).is_success
    native = [
        httpx.get(f"{api}/bots/{bot}", headers=admin).json() for bot in ("order_status", "order_status_copy")
    ]
    assert native[0]["intents"] == native[1]["intents"]


def test_an_older_acf_export_of_intents_alone_imports_to_the_same_intents(parley: Parley) -> None:
    api, admin = parley.api, parley.admin
    intents = json.loads(example("order_status"))["intents"]
    older = [{**intent, "_id": {"$oid": f"5a8e9c00000000000000000{n}"}} for n, intent in enumerate(intents)]
    assert parley.import_bot("older_orders", json.dumps(older).encode()).status_code == 200
    assert parley.import_bot("current_orders", example("order_status")).status_code == 200
    native = [
        httpx.get(f"{api}/bots/{bot}", headers=admin).json() for bot in ("older_orders", "current_orders")
    ]
    assert native[0]["intents"] == native[1]["intents"]


NATIVE_BOT = b"""\
entities:
  - name: size
    values: [{value: large, synonyms: [big]}, {value: small}]
intents:
  - id: order
    examples:
      - text: a biggie pizza
        entities: [{entity: size, start: 2, end: 8, value: large}]
      - text: one small pizza
        entities: [{entity: size, start: 4, end: 9}]
    replies: ["A {{ parameters.size }} pizza", "One {{ parameters.size }} pizza coming up"]
  - id: fallback
    replies: ["Sorry?"]
"""


def test_the_acf_export_of_a_native_bot_imports_again_to_the_same_bot(parley: Parley) -> None:
    api, admin = parley.api, parley.admin
    assert parley.put_bot("native_pizza", NATIVE_BOT).status_code == 200
    exported = httpx.get(f"{api}/bots/native_pizza", params={"format": "acf"}, headers=admin).json()
    assert parley.import_bot("native_pizza_copy", json.dumps(exported).encode()).status_code == 200
    native = [
        httpx.get(f"{api}/bots/{bot}", headers=admin).json() for bot in ("native_pizza", "native_pizza_copy")
    ]
    assert native[0]["intents"] == native[1]["intents"]
    assert native[0]["entities"] == native[1]["entities"]
