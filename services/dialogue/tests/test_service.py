"""The dialogue service on its real stores (in-process Mongo and Redis) with a scripted NLU."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.adapters.redis_conversations import RedisConversationState
from parley_dialogue.definition import Messages
from parley_dialogue.errors import WebhookError
from parley_dialogue.ports import WebhookRequest
from parley_dialogue.service import REPLY_MARGIN_SECONDS, DialogueService
from parley_dialogue.testing import RecordingWebhooks, ScriptedNlu, parsed
from parley_messages import MAX_TEXT_CHARS, ChatRequest, ParseRequest, ParseResult, WelcomeRequest
from parley_messages.turn import MAX_CONTEXT_BYTES
from parley_runtime.errors import DeadlineExceededError, InvalidInputError, NotFoundError, TransientError

GREETER = b"""
name: ignored
intents:
  - id: init_conversation
    replies: ["Hello {{ context.username }}"]
  - id: fallback
    replies: ["Pardon?"]
  - id: hello
    examples: [hi]
    replies: ["Hi there"]
"""


async def test_a_saved_bot_is_listed_exported_and_deleted(service):
    summary = await service.put_bot("greeter", GREETER, "application/yaml")
    assert (summary.name, summary.version, summary.intents) == ("greeter", 1, 3)
    assert [b.name for b in await service.list_bots()] == ["greeter"]
    exported = await service.get_bot("greeter")
    assert exported["name"] == "greeter"
    await service.delete_bot("greeter")
    with pytest.raises(NotFoundError):
        await service.get_bot("greeter")


async def test_every_save_increments_the_version(service):
    await service.put_bot("greeter", GREETER)
    assert (await service.put_bot("greeter", GREETER)).version == 2


async def test_a_bot_created_again_after_a_delete_gets_a_new_version_on_every_replica(make_service, redis):
    """Replicas reload a definition when its version changes: a re-created bot must not restart at 1."""
    first, second = make_service(redis), make_service(redis, definition_refresh_seconds=0)
    await first.put_bot("greeter", GREETER)
    assert [m.text for m in (await second.turn(ChatRequest(bot="greeter", text="/hello"))).messages] == [
        "Hi there"
    ]
    await first.delete_bot("greeter")
    with pytest.raises(NotFoundError):
        await first.delete_bot("greeter")
    assert await first.list_bots() == []
    again = await first.put_bot("greeter", GREETER.replace(b"Hi there", b"Howdy"))
    assert again.version == 2
    reply = await second.turn(ChatRequest(bot="greeter", text="/hello"))
    assert [m.text for m in reply.messages] == ["Howdy"]


ORDERS = b"""
intents:
  - id: order
    examples: [order]
    parameters:
      - {name: item, prompt: "What would you like?"}
    replies: ["Ordered {{ slots.item }}"]
  - id: fallback
    replies: ["Pardon?"]
"""


async def test_a_bot_created_again_does_not_resume_its_predecessors_conversations(make_service, redis):
    first, second = make_service(redis), make_service(redis, definition_refresh_seconds=0)
    await first.put_bot("shop", ORDERS)
    asked = await second.turn(ChatRequest(bot="shop", text="/order", conversation_id="c1"))
    assert asked.missing_slots == ["item"]
    await first.delete_bot("shop")
    await first.put_bot("shop", ORDERS)
    for replica in (first, second):  # one that saw the delete, one that did not
        reply = await replica.turn(ChatRequest(bot="shop", text="tea", conversation_id="c1"))
        assert [m.text for m in reply.messages] == ["Pardon?"]
    resumed = await first.turn(ChatRequest(bot="shop", text="/order", conversation_id="c1"))
    assert resumed.missing_slots == ["item"]  # the new bot's own form goes on as usual
    done = await second.turn(ChatRequest(bot="shop", text="tea", conversation_id="c1"))
    assert [m.text for m in done.messages] == ["Ordered tea"]


async def test_a_turn_may_not_grow_the_conversation_context_past_its_limit(service):
    await service.put_bot("greeter", GREETER)
    half = {"a": "x" * (MAX_CONTEXT_BYTES // 2)}
    await service.turn(ChatRequest(bot="greeter", text="/hello", conversation_id="c1", context=half))
    with pytest.raises(InvalidInputError, match="conversation's context"):
        await service.turn(
            ChatRequest(bot="greeter", text="/hello", conversation_id="c1", context={"b": half["a"]})
        )
    reply = await service.turn(ChatRequest(bot="greeter", text="/hello", conversation_id="c1", context=half))
    assert [m.text for m in reply.messages] == ["Hi there"]


async def test_init_conversation_names_the_welcome_intent_whatever_its_id(service):
    bot = {
        "settings": {"welcome_intent": "greet"},
        "intents": [{"id": "greet", "examples": ["hi"], "replies": ["Hey"]}],
    }
    await service.put_bot("greeter", json.dumps(bot).encode())
    reply = await service.turn(ChatRequest(bot="greeter", text="/init_conversation"))
    assert [m.text for m in reply.messages] == ["Hey"]


async def test_a_correction_at_an_acf_open_prompt_asks_the_prompt_again(service, nlu, acf):
    await service.put_bot("food", acf("restaurant_search"))
    nlu.says("I'm looking for a restaurant", parsed("restaurant_search"))
    nlu.says("Mumbai", parsed("fallback", 0.2, ("location", "Mumbai")))
    nlu.says("actually make it in Delhi", parsed("fallback", 0.3, ("location", "Delhi")))
    for text in ("I'm looking for a restaurant", "Mumbai", "actually make it in Delhi"):
        reply = await service.turn(ChatRequest(bot="food", text=text, conversation_id="c1"))
    assert (reply.slots, reply.missing_slots, reply.complete) == ({"location": "Delhi"}, ["cuisine"], False)
    assert [m.text for m in reply.messages] == [
        "OK, Delhi instead of Mumbai.",
        "Ok.",
        "What type cuisine are you looking for?",
    ]
    assert not reply.fallback
    assert reply.intent is not None and reply.intent.name == "restaurant_search"


async def test_an_acf_export_is_accepted_and_exported_back(service, acf):
    await service.put_bot("orders", acf("order_status"), "application/json")
    exported = await service.get_bot("orders", "acf")
    assert [i["intentId"] for i in exported["intents"]] == [
        i["intentId"] for i in json.loads(acf("order_status"))["intents"]
    ]


async def test_an_unknown_export_format_is_an_input_error(service):
    await service.put_bot("greeter", GREETER)
    with pytest.raises(InvalidInputError):
        await service.get_bot("greeter", "rasa")


async def test_an_invalid_definition_is_never_stored(service):
    with pytest.raises(InvalidInputError):
        await service.put_bot("bad", b'{"intents": [{"id": "a"}, {"id": "a"}]}', "application/json")
    assert await service.list_bots() == []


async def test_the_training_dataset_comes_from_the_current_definition(service, acf):
    await service.put_bot("food", acf("restaurant_search"))
    dataset = await service.training_dataset("food")
    assert dataset.bot == "food"
    assert "fallback" not in [i.name for i in dataset.intents]


async def test_a_turn_for_an_unknown_bot_is_not_found(service):
    with pytest.raises(NotFoundError):
        await service.turn(ChatRequest(bot="nobody", text="hi"))


@pytest.mark.parametrize("text", ["", "   ", "\u200b\ufeff ", "x" * (MAX_TEXT_CHARS + 1)])
async def test_empty_or_overlong_text_is_an_input_error(service, text):
    await service.put_bot("greeter", GREETER)
    with pytest.raises(InvalidInputError):
        await service.turn(ChatRequest(bot="greeter", text=text))


async def test_a_new_conversation_gets_an_id(service, nlu):
    await service.put_bot("greeter", GREETER)
    nlu.says("hi", parsed("hello"))
    reply = await service.turn(ChatRequest(bot="greeter", text="hi"))
    assert len(reply.conversation_id) == 32
    assert [m.text for m in reply.messages] == ["Hi there"]


async def test_welcome_greets_and_keeps_the_context_for_later_turns(service):
    await service.put_bot("greeter", GREETER)
    reply = await service.welcome(
        WelcomeRequest(bot="greeter", conversation_id="c1", context={"username": "Ann"})
    )
    assert reply is not None
    assert [m.text for m in reply.messages] == ["Hello Ann"]
    again = await service.turn(ChatRequest(bot="greeter", text="/init_conversation", conversation_id="c1"))
    assert [m.text for m in again.messages] == ["Hello Ann"]


async def test_welcome_is_none_for_a_bot_without_a_welcome_intent(service):
    await service.put_bot("quiet", b'{"intents": [{"id": "a", "examples": ["a"], "replies": ["a"]}]}')
    assert await service.welcome(WelcomeRequest(bot="quiet", conversation_id="c1")) is None


async def test_an_untrained_bot_still_answers_triggers_and_falls_back_otherwise(service, nlu):
    await service.put_bot("greeter", GREETER)
    nlu.trained = False
    triggered = await service.turn(ChatRequest(bot="greeter", text="/hello"))
    other = await service.turn(ChatRequest(bot="greeter", text="hi"))
    assert [m.text for m in triggered.messages] == ["Hi there"]
    assert [m.text for m in other.messages] == ["Pardon?"]


async def test_a_direct_trigger_does_not_call_the_nlu(service, nlu):
    await service.put_bot("greeter", GREETER)
    await service.turn(ChatRequest(bot="greeter", text="/hello"))
    assert nlu.calls == []


async def test_a_new_version_is_used_by_the_saving_replica_at_once(make_service, redis, nlu):
    service = make_service(redis, definition_refresh_seconds=60)
    await service.put_bot("greeter", GREETER)
    await service.turn(ChatRequest(bot="greeter", text="/hello"))
    await service.put_bot("greeter", GREETER.replace(b"Hi there", b"Howdy"))
    reply = await service.turn(ChatRequest(bot="greeter", text="/hello"))
    assert [m.text for m in reply.messages] == ["Howdy"]


async def test_a_new_version_is_used_by_every_replica_within_the_refresh_interval(make_service, redis, nlu):
    first, second = make_service(redis), make_service(redis, definition_refresh_seconds=0.2)
    await first.put_bot("greeter", GREETER)
    await second.turn(ChatRequest(bot="greeter", text="/hello"))
    await first.put_bot("greeter", GREETER.replace(b"Hi there", b"Howdy"))
    stale = await second.turn(ChatRequest(bot="greeter", text="/hello"))
    await asyncio.sleep(0.25)
    fresh = await second.turn(ChatRequest(bot="greeter", text="/hello"))
    assert [m.text for m in stale.messages] == ["Hi there"]  # one read of the version per interval
    assert [m.text for m in fresh.messages] == ["Howdy"]


async def test_the_order_status_webhook_feeds_the_reply(service, nlu, webhooks, acf):
    await service.put_bot("orders", acf("order_status"))
    nlu.says("where is my order", parsed("check_order_status"))
    first = await service.turn(ChatRequest(bot="orders", text="where is my order", conversation_id="c1"))
    assert [m.text for m in first.messages] == ["Sure", "Can you please give me your order number ?"]
    done = await service.turn(ChatRequest(bot="orders", text="ORD 12&x=1", conversation_id="c1"))
    request = webhooks.requests[0]
    assert request.method == "GET"
    assert request.url.endswith("?order_id=ORD%2012%26x%3D1")
    assert request.params == {"order_number": "ORD 12&x=1"}
    assert [m.text for m in done.messages] == [
        "Let me check the status of order ORD 12&x=1",
        "Your order status is <b>shipped</b> and is expected to arrive in 2-3 business days.",
    ]


async def test_a_failing_webhook_gets_a_clear_reply(redis, nlu, mongo, acf):
    service = DialogueService(
        bots=MongoBotStore(mongo),
        conversations=RedisConversationState(redis, ttl_seconds=60),
        nlu=nlu,
        webhooks=RecordingWebhooks(error=WebhookError("refused")),
    )
    await service.put_bot("orders", acf("order_status"))
    reply = await service.turn(ChatRequest(bot="orders", text='/check_order_status{"order_number": "A1"}'))
    assert [m.text for m in reply.messages] == [Messages().action_failed]


@pytest.mark.parametrize("conversation_id", ["a:b", "", "x" * 65, "abc\n", "a.b"])
async def test_a_conversation_id_breaking_the_gateways_rule_is_an_input_error(service, conversation_id):
    await service.put_bot("greeter", GREETER)
    calls = [
        service.turn(ChatRequest(bot="greeter", text="/hello", conversation_id=conversation_id)),
        service.welcome(WelcomeRequest(bot="greeter", conversation_id=conversation_id)),
    ]
    for call in calls:
        with pytest.raises(InvalidInputError, match="conversation_id must be 1-64 letters"):
            await call


async def test_the_longest_id_the_gateway_takes_is_taken(service):
    await service.put_bot("greeter", GREETER)
    reply = await service.turn(ChatRequest(bot="greeter", text="/hello", conversation_id="x" * 64))
    assert reply.conversation_id == "x" * 64


@pytest.mark.parametrize("bot", ["a.b", "", "a/b", "x" * 65])
async def test_a_name_no_bot_can_have_is_an_input_error_whatever_the_call(service, bot):
    calls = [
        service.get_bot(bot),
        service.delete_bot(bot),
        service.training_dataset(bot),
        service.turn(ChatRequest(bot=bot, text="hi")),
        service.welcome(WelcomeRequest(bot=bot, conversation_id="c1")),
    ]
    for call in calls:
        with pytest.raises(InvalidInputError, match="invalid bot name"):
            await call


class _SlowNlu(ScriptedNlu):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    async def parse(self, request: ParseRequest) -> ParseResult:
        await asyncio.sleep(self.seconds)
        return await super().parse(request)


class _SlowWebhooks(RecordingWebhooks):
    def __init__(self, answer: object, seconds: float) -> None:
        super().__init__(answer)
        self.seconds = seconds

    async def call(self, request: WebhookRequest) -> object:
        await asyncio.sleep(self.seconds)
        return await super().call(request)


async def test_a_turn_waits_for_a_held_conversation_no_longer_than_its_caller(service, redis):
    await service.put_bot("greeter", GREETER)
    other_replica = RedisConversationState(redis, ttl_seconds=600)  # the service itself waits 10 s
    async with other_replica.turn_lock("greeter", "c1"):
        started = time.monotonic()
        with pytest.raises(TransientError, match="busy"):
            await service.turn(
                ChatRequest(bot="greeter", text="/hello", conversation_id="c1", timeout_ms=300)
            )
        assert time.monotonic() - started < 1


async def test_a_turn_past_its_callers_deadline_changes_nothing(redis, mongo):
    service = DialogueService(
        bots=MongoBotStore(mongo),
        conversations=RedisConversationState(redis, ttl_seconds=600),
        nlu=_SlowNlu(0.3),
    )
    await service.put_bot("greeter", GREETER)
    with pytest.raises(DeadlineExceededError, match="nothing was changed"):
        await service.turn(ChatRequest(bot="greeter", text="hi", conversation_id="c1", timeout_ms=200))
    assert await RedisConversationState(redis, ttl_seconds=600).load("greeter", "c1") is None
    reply = await service.turn(ChatRequest(bot="greeter", text="hi", conversation_id="c1", timeout_ms=2000))
    assert reply.conversation_id == "c1"


async def test_a_webhook_call_ends_by_the_turns_deadline(service, nlu, webhooks, acf):
    await service.put_bot("orders", acf("order_status"))
    nlu.says("where is my order", parsed("check_order_status"))
    await service.turn(ChatRequest(bot="orders", text="where is my order", conversation_id="c1"))
    await service.turn(ChatRequest(bot="orders", text="A1", conversation_id="c1", timeout_ms=3000))
    assert 2.5 < webhooks.requests[0].timeout <= 3 - REPLY_MARGIN_SECONDS  # its own timeout is 5 s


async def test_a_turn_whose_webhook_ran_is_saved_even_past_the_deadline(redis, mongo, acf):
    nlu = ScriptedNlu()
    nlu.says("where is my order", parsed("check_order_status"))
    conversations = RedisConversationState(redis, ttl_seconds=600)
    webhooks = _SlowWebhooks({"status": "shipped"}, seconds=0.3)  # ignores the timeout it is given
    service = DialogueService(
        bots=MongoBotStore(mongo), conversations=conversations, nlu=nlu, webhooks=webhooks
    )
    await service.put_bot("orders", acf("order_status"))
    await service.turn(ChatRequest(bot="orders", text="where is my order", conversation_id="c1"))
    done = await service.turn(ChatRequest(bot="orders", text="A1", conversation_id="c1", timeout_ms=250))
    assert "shipped" in done.messages[-1].text
    state = await conversations.load("orders", "c1")
    assert state is not None and state.turn_count == 2


async def test_a_model_the_nlu_lost_is_an_outage_not_an_untrained_bot(service, nlu):
    await service.put_bot("greeter", GREETER)

    async def lost(request: ParseRequest) -> ParseResult:
        raise NotFoundError("artifact models/greeter/3.bin is missing")

    nlu.parse = lost
    with pytest.raises(TransientError, match="cannot read messages right now"):
        await service.turn(ChatRequest(bot="greeter", text="hi"))


async def test_the_users_time_zone_is_passed_to_the_nlu(service, nlu):
    await service.put_bot("greeter", GREETER)
    await service.turn(ChatRequest(bot="greeter", text="hi", timezone="America/Lima"))
    assert nlu.calls[-1].timezone == "America/Lima"


async def test_the_bots_time_zone_holds_when_a_message_names_none(service, nlu):
    await service.put_bot(
        "greeter", GREETER.replace(b"name: ignored", b"name: ignored\nsettings:\n  timezone: Europe/Berlin")
    )
    await service.turn(ChatRequest(bot="greeter", text="hi"))
    assert nlu.calls[-1].timezone == "Europe/Berlin"
    await service.turn(ChatRequest(bot="greeter", text="hi", timezone="America/Lima"))
    assert nlu.calls[-1].timezone == "America/Lima"


async def test_a_bot_whose_time_zone_the_tz_database_does_not_list_is_refused(service):
    doc = GREETER.replace(b"name: ignored", b"name: ignored\nsettings:\n  timezone: Berlin")
    with pytest.raises(InvalidInputError) as refused:
        await service.put_bot("greeter", doc)
    assert refused.value.details == [
        {
            "path": "settings.timezone",
            "message": "unknown time zone 'Berlin': use an IANA name such as 'Europe/Paris' or 'UTC'",
        }
    ]


async def test_an_unknown_time_zone_is_invalid_input_and_parses_nothing(service, nlu):
    await service.put_bot("greeter", GREETER)
    with pytest.raises(InvalidInputError, match="unknown time zone"):
        await service.turn(ChatRequest(bot="greeter", text="hi", timezone="Moon/Base"))
    assert nlu.calls == []
