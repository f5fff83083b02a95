"""A failed webhook keeps the form's values: the turn is not complete, the bot says so in its own
words, and trying again (or naming the intent again) runs the webhook with the same values."""

from __future__ import annotations

import json
import random

import pytest

from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.adapters.redis_conversations import RedisConversationState
from parley_dialogue.cues import asks_again
from parley_dialogue.errors import WebhookError
from parley_dialogue.service import DialogueService
from parley_dialogue.shown import day
from parley_dialogue.testing import RecordingWebhooks, ScriptedNlu, parsed
from parley_messages import ChatReply, ChatRequest, EntityValue, IntentScore, ParseResult

MONDAY, TUESDAY = "2026-11-30", "2026-12-01"


def dentist(**settings: object) -> bytes:
    return json.dumps(
        {
            "name": "dentist",
            "settings": settings,
            "intents": [
                {"id": "fallback", "replies": ["Sorry?"]},
                {"id": "cancel", "examples": ["cancel"], "replies": ["Cancelled."]},
                {"id": "hours", "examples": ["when are you open"], "replies": ["9 to 5."]},
                {
                    "id": "book",
                    "examples": ["book an appointment"],
                    "parameters": [
                        {"name": "day", "entity": "date", "prompt": ["Which day?"]},
                        {"name": "name", "prompt": ["Your name?"]},
                    ],
                    "action": {
                        "url": "https://clinic.example.com/bookings",
                        "body": '{"day": "{{ slots.day }}"}',
                    },
                    "replies": ["Booked {{ slots.name }} on {{ slots.day }}: {{ result.ref }}."],
                },
            ],
        }
    ).encode()


@pytest.fixture
async def failing(mongo, redis, nlu: ScriptedNlu) -> tuple[DialogueService, RecordingWebhooks, ScriptedNlu]:
    """A service whose webhook fails once, then answers a booking reference."""
    webhooks = RecordingWebhooks({"ref": "B-1"}, errors=[WebhookError("connection refused")])
    service = DialogueService(
        bots=MongoBotStore(mongo),
        conversations=RedisConversationState(redis, ttl_seconds=60),
        nlu=nlu,
        webhooks=webhooks,
        rng=random.Random(1),
    )
    nlu.says("book an appointment", parsed("book"))
    nlu.says("Monday", _read_day(MONDAY))
    nlu.says("cancel", parsed("cancel"))
    nlu.says("when are you open", parsed("hours"))
    return service, webhooks, nlu


def _read_day(day: str, intent: str = "fallback", confidence: float = 0.2) -> ParseResult:
    value = EntityValue(entity="date", value=day, start=0, end=6)
    return ParseResult(intent=IntentScore(name=intent, confidence=confidence), ranking=[], entities=[value])


async def _chat(service: DialogueService, *texts: str) -> ChatReply:
    reply = None
    for text in texts:
        reply = await service.turn(ChatRequest(bot="dentist", text=text, conversation_id="c1"))
    assert reply is not None
    return reply


def _texts(reply: ChatReply) -> list[str]:
    return [m.text for m in reply.messages]


async def test_a_failed_webhook_keeps_the_values_and_the_turn_is_not_complete(failing):
    service, webhooks, _ = failing
    await service.put_bot("dentist", dentist())
    failed = await _chat(service, "book an appointment", "Monday", "Ann")
    assert _texts(failed) == ["Service is not available. Please try again later."]
    assert (failed.complete, failed.fallback) == (False, False)
    assert (failed.slots, failed.missing_slots) == ({"day": MONDAY, "name": "Ann"}, [])
    assert len(webhooks.requests) == 1


@pytest.mark.parametrize("again", ["try again", "Retry!", "please try again"])
async def test_trying_again_runs_the_webhook_with_the_same_values(failing, again):
    service, webhooks, _ = failing
    await service.put_bot("dentist", dentist())
    await _chat(service, "book an appointment", "Monday", "Ann")
    done = await _chat(service, again)
    assert _texts(done) == [f"Booked Ann on {MONDAY}: B-1."]
    assert (done.complete, done.intent_source) == (True, "form")
    assert done.intent is not None and done.intent.name == "book"
    assert [r.body for r in webhooks.requests] == [json.dumps({"day": MONDAY}).encode()] * 2
    assert _texts(await _chat(service, again)) == ["Sorry?"]  # done: nothing is kept any more


async def test_naming_the_intent_again_retries_with_what_it_corrects(failing):
    service, webhooks, nlu = failing
    await service.put_bot("dentist", dentist())
    nlu.says("book it for Tuesday instead", _read_day(TUESDAY, "book", 0.9))
    await _chat(service, "book an appointment", "Monday", "Ann")
    done = await _chat(service, "book it for Tuesday instead")
    corrected = f"OK, {day(TUESDAY)} instead of {day(MONDAY)}."  # the sentence shows dates as said
    assert _texts(done) == [corrected, f"Booked Ann on {TUESDAY}: B-1."]
    assert webhooks.requests[-1].body == json.dumps({"day": TUESDAY}).encode()


async def test_the_values_outlast_another_intent_but_not_a_cancel(failing):
    service, webhooks, _ = failing
    await service.put_bot("dentist", dentist())
    await _chat(service, "book an appointment", "Monday", "Ann")
    assert _texts(await _chat(service, "when are you open")) == ["9 to 5."]
    assert _texts(await _chat(service, "try again")) == [f"Booked Ann on {MONDAY}: B-1."]
    webhooks.errors.append(WebhookError("connection refused"))
    await _chat(service, "book an appointment", "Monday", "Ann")
    assert _texts(await _chat(service, "cancel")) == ["Cancelled."]
    assert _texts(await _chat(service, "try again")) == ["Sorry?"]
    assert len(webhooks.requests) == 3


async def test_a_webhook_that_fails_again_keeps_the_values_again(failing):
    service, webhooks, _ = failing
    await service.put_bot("dentist", dentist())
    webhooks.errors.append(WebhookError("connection refused"))
    await _chat(service, "book an appointment", "Monday", "Ann")
    again = await _chat(service, "try again")
    assert (_texts(again), again.complete) == (["Service is not available. Please try again later."], False)
    assert _texts(await _chat(service, "try again")) == [f"Booked Ann on {MONDAY}: B-1."]


async def test_the_failure_is_the_bots_own_sentence(failing):
    service, _, _ = failing
    failure = "Our diary is offline, {{ slots.name }}. ### Say 'try again' in a minute."
    await service.put_bot("dentist", dentist(messages={"action_failed": failure}))
    failed = await _chat(service, "book an appointment", "Monday", "Ann")
    assert _texts(failed) == ["Our diary is offline, Ann.", "Say 'try again' in a minute."]


async def test_try_again_without_a_failed_webhook_is_an_ordinary_message(failing):
    service, webhooks, _ = failing
    await service.put_bot("dentist", dentist())
    reply = await _chat(service, "try again")
    assert (_texts(reply), reply.fallback) == (["Sorry?"], True)
    assert webhooks.requests == []


@pytest.mark.parametrize(
    ("reply", "again"),
    [("try again", True), ("Try it again, please.", True), ("again?", True), ("no, don't try again", False)],
)
def test_only_a_whole_reply_asks_to_try_again(reply, again):
    assert asks_again(reply) is again
