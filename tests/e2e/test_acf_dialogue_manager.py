"""The AI Chatbot Framework's dialogue-manager test scenarios, replayed through the public chat API
on an ACF-format export of the pizza bot those tests use (greet, order_pizza with `pizza_size` and
`pizza_topping` parameters and a POST JSON API trigger, fallback, cancel); then what Parley adds to
it: several values per slot, quick replies, fire-and-forget webhooks, and templates refused at save
and contained at render.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.e2e.acf_support import Parley, Reply, StubApi, stub_api
from tests.e2e.stack import embedded_parley

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PIZZA_API = "http://pizza-api"
KITCHEN_API = "https://kitchen.example.com"


def _acf_intent(intent_id: str, reply: str, examples: list[Any], **extra: Any) -> dict[str, Any]:
    training = [{"text": e, "entities": []} if isinstance(e, str) else e for e in examples]
    return {
        "name": intent_id,
        "intentId": intent_id,
        "speechResponse": reply,
        "trainingData": training,
        **extra,
    }


def _sized(text: str, size: str) -> dict[str, Any]:
    begin = text.index(size)
    return {
        "text": text,
        "entities": [{"name": "pizza_size", "value": size, "begin": begin, "end": begin + len(size)}],
    }


ACF_PIZZA = {
    "intents": [
        _acf_intent("greet", "Hello!", ["hello", "hi", "hey there", "good morning", "hi bot"]),
        _acf_intent(
            "order_pizza",
            "Your {{parameters.size}} pizza with {{parameters.toppings}} will be ready soon!",
            [
                "I want a pizza",
                "order a pizza",
                "can I get a pizza",
                "i'd like to order pizza",
                _sized("I want a large pizza", "large"),
                _sized("a small pizza please", "small"),
                _sized("order a medium pizza", "medium"),
            ],
            apiTrigger=True,
            apiDetails={
                "url": f"{PIZZA_API}/order",
                "requestType": "POST",
                "headers": [{"headerKey": "Content-Type", "headerValue": "application/json"}],
                "isJson": True,
                "jsonData": '{"size": "{{parameters.size}}", "toppings": "{{parameters.toppings}}"}',
            },
            parameters=[
                {
                    "name": "size",
                    "type": "pizza_size",
                    "required": True,
                    "prompt": "What size pizza would you like?",
                },
                {
                    "name": "toppings",
                    "type": "pizza_topping",
                    "required": True,
                    "prompt": "What toppings would you like?",
                },
            ],
        ),
        _acf_intent("fallback", "I'm not sure I understand.", []),
        _acf_intent(
            "cancel", "Operation cancelled.", ["cancel", "cancel that", "stop the order", "never mind"]
        ),
    ],
    "entities": [
        {
            "name": "pizza_size",
            "entity_values": [
                {"value": "large", "synonyms": ["big"]},
                {"value": "medium"},
                {"value": "small"},
            ],
        },
        {
            "name": "pizza_topping",
            "entity_values": [{"value": "pepperoni"}, {"value": "mushrooms"}, {"value": "cheese"}],
        },
    ],
}

NATIVE_PIZZERIA = f"""
entities:
  - name: topping
    values: [{{value: ham}}, {{value: olives}}, {{value: mushrooms}}, {{value: pineapple}}]
intents:
  - id: greet
    examples: [hello, hi there, good evening]
    replies: ["Welcome! ### What would you like?"]
    buttons: [{{title: Order a pizza, payload: /order}}, {{title: Rate us, payload: /rate}}]
  - id: order
    examples:
      - I want a pizza
      - a pizza with ham and olives
      - pizza with mushrooms please
      - order a pizza with pineapple and ham
    parameters:
      - {{name: toppings, entity: topping, multiple: true, prompt: "Which toppings?"}}
    replies: ["A pizza with {{{{ slots.toppings | join(' and ') }}}} is on its way."]
    action:
      url: {KITCHEN_API}/tickets
      body: '{{"toppings": {{{{ slots.toppings | tojson }}}}}}'
      mode: notify
  - id: rate
    examples: [I want to rate you]
    parameters:
      - {{name: stars, choices: ["1", "2", "3"], prompt: "How many stars?"}}
    replies: ["Thanks for {{{{ slots.stars }}}} stars."]
  - id: boast
    examples: [tell me something big]
    replies: ["{{{{ 'big' * 100000 }}}}"]
"""


@pytest.fixture(scope="module")
def kitchen() -> Iterator[StubApi]:
    with stub_api() as stub:
        stub.answers["/order"] = (200, {"status": "success"})
        stub.answers["/tickets"] = (202, {"queued": True})
        yield stub


@pytest.fixture(scope="module")
def parley(kitchen: StubApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Parley]:
    env = {
        "PARLEY_DEMO": "false",
        "PARLEY_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8",
        "PARLEY_WEBHOOK_URL_REWRITES": f"{PIZZA_API}={kitchen.base_url},{KITCHEN_API}={kitchen.base_url}",
    }
    with embedded_parley(tmp_path_factory.mktemp("parley-acf-dialogue"), env) as running:
        yield Parley(running)


@pytest.fixture(scope="module")
def pizza(parley: Parley) -> Callable[[], Callable[[str], Reply]]:
    """The ACF pizza bot, imported and trained once; each call opens a new conversation."""
    assert parley.import_bot("acf_pizza", json.dumps(ACF_PIZZA).encode()).status_code == 200
    assert parley.train("acf_pizza")["status"] == "succeeded"
    return lambda: parley.conversation("acf_pizza")


@pytest.fixture(scope="module")
def pizzeria(parley: Parley) -> Callable[[], Callable[[str], Reply]]:
    """The native pizzeria bot, saved and trained once; each call opens a new conversation."""
    assert parley.put_bot("pizzeria", NATIVE_PIZZERIA.encode()).status_code == 200
    assert parley.train("pizzeria")["status"] == "succeeded"
    return lambda: parley.conversation("pizzeria")


# The framework's dialogue-manager scenarios.


def test_a_simple_intent_completes_in_one_turn(pizza: Callable[[], Callable[[str], Reply]]) -> None:
    reply = pizza()("hello")
    assert (reply.intent, reply.texts, reply.complete) == ("greet", ["Hello!"], True)


def test_an_intent_with_one_parameter_given_prompts_for_the_next(pizza: Any) -> None:
    reply = pizza()("I want a large pizza")
    assert (reply.intent, reply.complete) == ("order_pizza", False)
    assert (reply.slots, reply.missing) == ({"size": "large"}, ["toppings"])
    assert reply.texts == ["What toppings would you like?"]


def test_what_the_bot_does_not_understand_gets_the_fallback_intent(pizza: Any) -> None:
    reply = pizza()("qwzx plorf vintage carburetor")
    assert (reply.intent, reply.texts, reply.complete) == ("fallback", ["I'm not sure I understand."], True)


def test_cancel_clears_the_active_intent(pizza: Any) -> None:
    say = pizza()
    assert say("I want a large pizza").missing == ["toppings"]
    cancelled = say("/cancel")
    assert (cancelled.intent, cancelled.texts, cancelled.complete) == (
        "cancel",
        ["Operation cancelled."],
        True,
    )
    assert (cancelled.slots, cancelled.missing) == ({}, [])
    assert say("hello").texts == ["Hello!"]


def test_the_parameters_persist_across_turns_and_the_api_is_called_with_them(
    pizza: Any, kitchen: StubApi
) -> None:
    say = pizza()
    first = say("I want a pizza")
    assert (first.texts, first.missing, first.slots) == (
        ["What size pizza would you like?"],
        ["size", "toppings"],
        {},
    )
    second = say("large")
    assert (second.texts, second.missing, second.slots) == (
        ["What toppings would you like?"],
        ["toppings"],
        {"size": "large"},
    )
    done = say("pepperoni")
    assert (done.intent, done.complete, done.missing) == ("order_pizza", True, [])
    assert done.slots == {"size": "large", "toppings": "pepperoni"}
    assert done.texts == ["Your large pizza with pepperoni will be ready soon!"]
    orders = kitchen.requests_to("/order", lambda r: r.json() == {"size": "large", "toppings": "pepperoni"})
    assert [(r.method, r.headers["content-type"]) for r in orders] == [("POST", "application/json")]


def test_an_unusable_answer_gets_the_prompt_again(pizza: Any) -> None:
    say = pizza()
    say("I want a pizza")
    again = say("purple")
    assert (again.texts, again.missing, again.slots) == (
        [
            "Sorry, I didn't understand that. The options are large, medium, small.",
            "What size pizza would you like?",
        ],
        ["size", "toppings"],
        {},
    )
    assert say("a big one").slots == {"size": "large"}


def test_an_intent_id_trigger_with_parameters_fills_them(pizza: Any) -> None:
    reply = pizza()('/order_pizza{"size": "small"}')
    assert (reply.intent, reply.slots, reply.texts) == (
        "order_pizza",
        {"size": "small"},
        ["What toppings would you like?"],
    )


# What Parley adds.


def test_a_parameter_may_hold_several_values(pizzeria: Any) -> None:
    reply = pizzeria()("a pizza with mushrooms and pineapple")
    assert reply.slots == {"toppings": ["mushrooms", "pineapple"]}
    assert reply.texts == ["A pizza with mushrooms and pineapple is on its way."]


def test_a_notify_webhook_is_delivered_after_the_reply_by_the_notification_worker(
    pizzeria: Any, kitchen: StubApi
) -> None:
    reply = pizzeria()('/order{"toppings": ["ham", "olives"]}')
    assert reply.texts == ["A pizza with ham and olives is on its way."]
    tickets = kitchen.requests_to("/tickets", lambda r: r.json() == {"toppings": ["ham", "olives"]})
    assert len(tickets) == 1
    assert tickets[0].headers["idempotency-key"]


def test_buttons_offer_quick_replies_whose_payloads_trigger_intents(pizzeria: Any) -> None:
    say = pizzeria()
    greeted = say("hello")
    assert greeted.buttons == [
        {"title": "Order a pizza", "payload": "/order"},
        {"title": "Rate us", "payload": "/rate"},
    ]
    asked = say(greeted.buttons[1]["payload"])
    assert (asked.texts, asked.buttons) == (["How many stars?"], [{"title": t, "payload": t} for t in "123"])
    assert say("5").texts == ["Sorry, I didn't understand that. The options are 1, 2, 3.", "How many stars?"]
    assert say("3").texts == ["Thanks for 3 stars."]


def test_a_template_reaching_for_python_internals_is_refused_at_save(parley: Parley) -> None:
    unsafe = b"intents: [{id: leak, replies: [\"{{ ''.__class__.__mro__ }}\"]}]"
    response = parley.put_bot("leaky", unsafe)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["details"][0]["path"] == "intents[0].replies[0]"


def test_a_template_that_runs_away_at_render_gets_a_safe_reply(pizzeria: Any) -> None:
    assert pizzeria()("/boast").texts == ["Sorry, I can't answer that right now."]
