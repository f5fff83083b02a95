"""A booking bot through the public API against a local booking service: every webhook names the
conversation and the turn, "try again" after a failure sends the same idempotency key, a handoff
webhook's body can carry the conversation id, and a lone "at 10am" at another prompt fills the
time whatever intent the NLU hears in it, and a 422 declining the time asks for another."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.acf_support import Parley, StubApi, stub_api
from tests.e2e.stack import embedded_parley

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SHOP_API = "https://api.bikeshop.example"
BIKESHOP = b"""
name: bikeshop
entities:
  - name: bike_type
    values: [{value: road}, {value: mountain}, {value: ebike, synonyms: [e-bike]}]
intents:
  - id: book_repair
    examples:
      - book a repair
      - I need my bike fixed
      - can you repair my bike
      - I want to book a service for my bike
    parameters:
      - {name: bike, entity: bike_type, prompt: "What kind of bike is it?", choices: [road, mountain, ebike]}
      - {name: visit_day, entity: date, prompt: "Which day?"}
      - {name: at, entity: time, prompt: "What time?", hours: "09:00-18:00"}
    action:
      url: https://api.bikeshop.example/bookings
      body: '{"bike": "{{ slots.bike }}", "day": "{{ slots.visit_day }}", "at": "{{ slots.at }}"}'
      timeout: 5
    replies: ["Booked: {{ result.ref }}."]
  - id: opening_hours
    examples:
      - when are you open
      - what time do you close
      - what are your opening hours
      - are you open on saturday
      - what time do you open
    replies: ["We're open Mon-Sat 9:00-18:00."]
  - id: human
    examples: [talk to a human, I want to speak to a person, can a human help me]
    action:
      url: https://api.bikeshop.example/handoff
      body: '{"conversation": "{{ conversation_id }}", "bot": "{{ bot }}"}'
    replies: ["A mechanic will read this conversation."]
"""


@pytest.fixture(scope="module")
def shop() -> Iterator[StubApi]:
    with stub_api() as stub:
        stub.answers["/handoff"] = (200, {})
        yield stub


@pytest.fixture(scope="module")
def parley(shop: StubApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Parley]:
    env = {
        "PARLEY_DEMO": "false",
        "PARLEY_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8",
        "PARLEY_WEBHOOK_URL_REWRITES": f"{SHOP_API}={shop.base_url}",
    }
    with embedded_parley(tmp_path_factory.mktemp("parley-webhook-identity"), env) as running:
        client = Parley(running)
        assert client.put_bot("bikeshop", BIKESHOP).status_code in (200, 201)
        assert client.train("bikeshop")["status"] == "succeeded"
        yield client


def test_trying_again_after_a_failure_sends_the_same_idempotency_key(parley: Parley, shop: StubApi) -> None:
    shop.answers["/bookings"] = (503, {"error": "busy"})
    say = parley.conversation("bikeshop")
    say("book a repair")
    say("road")
    say("tomorrow")
    failed = say("11:00")
    assert failed.texts == ["Service is not available. Please try again later."]
    shop.answers["/bookings"] = (200, {"ref": "B-1"})
    assert say("try again").texts == ["Booked: B-1."]
    ours = failed.conversation_id
    first, second = shop.requests_to("/bookings", lambda r: r.headers["x-parley-conversation-id"] == ours)
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert first.headers["x-parley-bot"] == "bikeshop"
    assert first.headers["x-correlation-id"] != second.headers["x-correlation-id"]
    assert first.headers["user-agent"].startswith("Parley/")


def test_a_handoff_webhook_carries_the_conversation_id(parley: Parley, shop: StubApi) -> None:
    say = parley.conversation("bikeshop")
    reply = say("/human")
    assert reply.texts == ["A mechanic will read this conversation."]
    [handoff] = shop.requests_to("/handoff", lambda r: r.json()["conversation"] == reply.conversation_id)
    assert handoff.json()["bot"] == "bikeshop"


@pytest.mark.parametrize("text", ["at 10am", "10am"])
def test_a_lone_time_at_the_bike_prompt_fills_the_time(parley: Parley, text: str) -> None:
    say = parley.conversation("bikeshop")
    assert say("book a repair").texts == ["What kind of bike is it?"]
    reply = say(text)
    assert reply.slots == {"at": "10:00"}
    assert reply.texts == ["What kind of bike is it?"]


def test_a_webhook_declining_a_time_makes_the_bot_ask_for_another(parley: Parley, shop: StubApi) -> None:
    shop.answers["/bookings"] = (422, {"parameter": "at", "message": "Sorry, 10:00 is taken."})
    say = parley.conversation("bikeshop")
    say("book a repair")
    say("road")
    say("tomorrow")
    declined = say("10:00")
    assert declined.texts == ["Sorry, 10:00 is taken.", "What time?"]
    assert (declined.complete, declined.missing) == (False, ["at"])
    shop.answers["/bookings"] = (200, {"ref": "B-2"})
    assert say("14:00").texts == ["Booked: B-2."]
