"""The gateway's dialogue ports (`Conversations` and `BotCatalog`): one contract, both adapters.

Embedded mode hands the gateway the dialogue service object itself; split deployments hand it
`HttpDialogue`, here talking to the real dialogue app served by uvicorn on a free port. Each test
gets its own service, wired as `build_dialogue_service` wires it on the in-process infrastructure,
with a scripted NLU. Errors are compared by class, code, message and details, so that a caller
handling one adapter's errors handles the other's.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Protocol

import msgspec
import pytest
import pytest_asyncio
import uvicorn
from litestar.types import ASGIApp, Receive, Scope, Send

from parley_dialogue.adapters.memory_conversations import MemoryConversationState
from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.app import create_app
from parley_dialogue.documents import parse_document
from parley_dialogue.service import DialogueService
from parley_dialogue.settings import DialogueSettings
from parley_dialogue.testing import ScriptedNlu, parsed
from parley_gateway.clients import HttpDialogue
from parley_gateway.ports import BotCatalog, Conversations
from parley_messages import (
    BOT_NAME_RULE,
    ID_RULE,
    ChatReply,
    ChatRequest,
    Example,
    IntentExamples,
    IntentScore,
    OutMessage,
    ParseRequest,
    ParseResult,
    WelcomeRequest,
    is_id,
)
from parley_runtime.errors import (
    DeadlineExceededError,
    InvalidInputError,
    NotFoundError,
    ParleyError,
    PreconditionFailedError,
)
from parley_runtime.http import JsonClient
from parley_runtime.infra import Infra, InfraSettings, connect_infra

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the tests share one server

BOT = "shop"
SHOP_YAML = b"""
description: A small shop
intents:
  - {id: init_conversation, replies: [Welcome to the shop]}
  - {id: hi, examples: [hi, hello there], replies: [Hello]}
"""
SHOP_JSON = (
    b'{"description": "A small shop", "intents": [{"id": "hi", "examples": ["hi"], "replies": ["Hello"]}]}'
)
QUIET_JSON = b'{"intents": [{"id": "hi", "examples": ["hi"], "replies": ["Hello"]}]}'
SLOW_TEXT = "slowly"
SLOW_SECONDS = 0.1


class Dialogue(Conversations, BotCatalog, Protocol):
    """What the gateway is handed for the dialogue: both ports in one object."""


class SlowNlu(ScriptedNlu):
    """Takes `SLOW_SECONDS` over `SLOW_TEXT`, as an NLU under load does: a turn outlives its caller."""

    async def parse(self, request: ParseRequest) -> ParseResult:
        if request.text == SLOW_TEXT:
            await asyncio.sleep(SLOW_SECONDS)
        return await super().parse(request)


@contextlib.asynccontextmanager
async def dialogue_service(data_dir: Path) -> AsyncIterator[tuple[Infra, DialogueService]]:
    """The service as `build_dialogue_service` wires it on in-process infrastructure (Mongo
    emulation, conversations in memory, the in-process bus) with an NLU that understands "hi", but
    without webhooks: no bot here calls one, and the webhook client's TLS context would cost 25 ms
    a test, a third of this module's time."""
    infra = await connect_infra(InfraSettings(data_dir=str(data_dir)))
    try:
        settings = DialogueSettings()
        bots = MongoBotStore(infra.db)
        await bots.ensure_indexes()
        nlu = SlowNlu()
        nlu.says("hi", parsed("hi"))
        yield (
            infra,
            DialogueService(
                bots=bots,
                conversations=MemoryConversationState(
                    ttl_seconds=settings.state_ttl_seconds,
                    lock_seconds=settings.lock_seconds,
                    wait_seconds=settings.lock_wait_seconds,
                ),
                nlu=nlu,
                publisher=infra.bus,
                definition_refresh_seconds=settings.definition_refresh_seconds,
            ),
        )
    finally:
        await infra.aclose()


class CurrentApp:
    """The ASGI app of the test being run, so that one server (started once: uvicorn takes 0.2 s to
    stop) serves each test's own service. The dialogue app has no lifespan work to forward."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "no test is being served"
        await self.app(scope, receive, send)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def served() -> AsyncIterator[tuple[CurrentApp, JsonClient]]:
    """uvicorn on a free port, and a client of it as the gateway's bootstrap makes one."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    current = CurrentApp()
    config = uvicorn.Config(current, port=port, lifespan="off", log_config=None, access_log=False)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    client = JsonClient(f"http://127.0.0.1:{port}", timeout=5)
    try:
        async with asyncio.timeout(10):
            while not server.started:  # uvicorn tells it is listening by this flag only
                if serving.done():
                    serving.result()  # it failed to start: raise why
                await asyncio.sleep(0.01)
        yield current, client
    finally:
        await client.aclose()
        server.should_exit = True
        await serving


@pytest_asyncio.fixture(loop_scope="module", params=["embedded", "http"])
async def dialogue(
    request: pytest.FixtureRequest, tmp_path: Path, served: tuple[CurrentApp, JsonClient]
) -> AsyncIterator[Dialogue]:
    async with dialogue_service(tmp_path / "data") as (infra, service):
        if request.param == "embedded":
            yield service
            return
        current, client = served
        current.app = create_app(service, ready_checks=infra.ready_checks())  # as `build_app` makes it
        try:
            yield HttpDialogue(client)
        finally:
            current.app = None


Seen = tuple[type[ParleyError], str, str, object]
"""An error as a caller can tell it: class, code, message and details."""


def seen(error: ParleyError) -> Seen:
    return type(error), error.code, str(error), getattr(error, "details", None)


async def error_of(call: Awaitable[object]) -> Seen | object:
    """What `call` raised, as `seen`; what it answered if it raised nothing."""
    try:
        return await call
    except ParleyError as exc:
        return seen(exc)


def not_found(bot: str) -> Seen:
    return NotFoundError, "not_found", f"no bot named {bot!r}", None


# A bot saved through the port


async def test_a_yaml_bot_is_saved_and_summarised(dialogue: Dialogue) -> None:
    summary = await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    assert (summary.name, summary.version, summary.intents, summary.entities) == (BOT, 1, 2, 0)
    assert (summary.description, summary.chat_access) == ("A small shop", "public")
    assert await dialogue.list_bots() == [summary]


async def test_a_json_bot_is_saved_and_saving_again_makes_a_new_version(dialogue: Dialogue) -> None:
    first = await dialogue.put_bot(BOT, SHOP_JSON, "application/json")
    again = await dialogue.put_bot(BOT, SHOP_JSON, "application/json; charset=utf-8")
    assert (first.name, first.version, first.intents, again.version) == (BOT, 1, 1, 2)
    assert await dialogue.list_bots() == [again]


@pytest.mark.parametrize("raw", [SHOP_YAML, SHOP_JSON], ids=["yaml", "json"])
async def test_a_document_without_a_content_type_is_read_as_it_looks(dialogue: Dialogue, raw: bytes) -> None:
    # The gateway passes the upload's header on, which a client may leave out or send empty.
    for version, content_type in enumerate([None, ""], start=1):
        summary = await dialogue.put_bot(BOT, raw, content_type)
        assert (summary.name, summary.version, summary.description) == (BOT, version, "A small shop")


async def test_the_path_name_wins_over_the_documents(dialogue: Dialogue) -> None:
    other = b'{"name": "other", "intents": [{"id": "hi", "examples": ["hi"]}]}'
    await dialogue.put_bot(BOT, other, "application/json")
    assert [summary.name for summary in await dialogue.list_bots()] == [BOT]


async def test_every_bot_is_listed(dialogue: Dialogue) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    await dialogue.put_bot("quiet", QUIET_JSON, "application/json")
    assert sorted(summary.name for summary in await dialogue.list_bots()) == ["quiet", BOT]


async def test_no_bots_list_as_none(dialogue: Dialogue) -> None:
    assert await dialogue.list_bots() == []


# Reading a bot back


async def test_the_native_export_is_the_definition_and_saves_as_is(dialogue: Dialogue) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    document = await dialogue.get_bot(BOT)
    assert document == {
        "name": BOT,
        "description": "A small shop",
        "intents": [
            {"id": "init_conversation", "replies": ["Welcome to the shop"], "examples": []},
            {"id": "hi", "examples": ["hi", "hello there"], "replies": ["Hello"]},
        ],
    }
    await dialogue.put_bot(BOT, msgspec.json.encode(document), "application/json")
    assert await dialogue.get_bot(BOT, "native") == document


async def test_the_acf_export_names_intents_as_acf_does(dialogue: Dialogue) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    document = await dialogue.get_bot(BOT, "acf")
    intents = [(intent["intentId"], intent["speechResponse"]) for intent in document["intents"]]
    assert intents == [("init_conversation", "Welcome to the shop"), ("hi", "Hello")]
    assert document["description"] == "A small shop"


async def test_an_unknown_export_format_is_invalid_input(dialogue: Dialogue) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    answer = await error_of(dialogue.get_bot(BOT, "xml"))
    assert answer == (
        InvalidInputError,
        "invalid_input",
        "unknown export format 'xml'",
        ["native", "acf"],
    )


async def test_the_training_dataset_holds_the_intents_with_examples(dialogue: Dialogue) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    dataset = await dialogue.training_dataset(BOT)
    assert dataset.bot == BOT
    assert dataset.intents == [
        IntentExamples(name="hi", examples=[Example(text="hi"), Example(text="hello there")])
    ]


# Conditional saves: `If-Match: "<version>"` and `If-None-Match: *` at the admin API


def stale(message: str, current_version: int | None) -> Seen:
    return PreconditionFailedError, "precondition_failed", message, {"current_version": current_version}


async def test_the_export_says_which_version_it_is(dialogue: Dialogue) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    exported = await dialogue.export_bot(BOT, "acf")
    assert (exported.version, exported.document) == (2, await dialogue.get_bot(BOT, "acf"))


async def test_a_save_over_the_version_loaded_makes_the_next(dialogue: Dialogue) -> None:
    loaded = await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    saved = await dialogue.put_bot(BOT, SHOP_JSON, "application/json", expected_version=loaded.version)
    assert (saved.version, (await dialogue.export_bot(BOT)).version) == (2, 2)


async def test_a_save_over_a_replaced_version_is_refused_and_changes_nothing(
    dialogue: Dialogue,
) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    theirs = await dialogue.put_bot(BOT, SHOP_JSON, "application/json")
    answer = await error_of(dialogue.put_bot(BOT, QUIET_JSON, "application/json", expected_version=1))
    message = (
        f"bot {BOT!r} was saved by someone else since you loaded version 1 "
        "(it is now version 2): reload it and apply your changes again"
    )
    assert answer == stale(message, 2)
    assert await dialogue.list_bots() == [theirs]


async def test_a_save_over_a_deleted_bot_is_refused_and_does_not_create_it(dialogue: Dialogue) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    await dialogue.delete_bot(BOT)
    answer = await error_of(dialogue.put_bot(BOT, SHOP_YAML, "application/yaml", expected_version=1))
    assert answer == stale(f"bot {BOT!r} was deleted since you loaded version 1", None)
    assert await dialogue.list_bots() == []


async def test_a_save_over_a_bot_that_never_was_is_refused(dialogue: Dialogue) -> None:
    answer = await error_of(dialogue.put_bot(BOT, SHOP_YAML, "application/yaml", expected_version=3))
    assert answer == stale(f"there is no bot named {BOT!r} (you expected version 3)", None)


async def test_create_only_refuses_a_live_bot_and_creates_over_a_deleted_one(dialogue: Dialogue) -> None:
    assert (await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml", create_only=True)).version == 1
    answer = await error_of(dialogue.put_bot(BOT, QUIET_JSON, "application/json", create_only=True))
    assert answer == stale(f"bot {BOT!r} already exists", 1)
    await dialogue.delete_bot(BOT)
    again = await dialogue.put_bot(BOT, QUIET_JSON, "application/json", create_only=True)
    assert (again.version, again.description) == (2, "")


async def test_a_save_cannot_expect_both_a_version_and_no_bot(dialogue: Dialogue) -> None:
    call = dialogue.put_bot(BOT, SHOP_YAML, "application/yaml", expected_version=1, create_only=True)
    message = "a save expects either a version of the bot or no bot, not both"
    assert await error_of(call) == (InvalidInputError, "invalid_input", message, None)


# Deleting, and bots that do not exist


async def test_a_forgotten_conversation_goes_on_as_a_new_one(dialogue: Dialogue) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    conversation = (await dialogue.turn(ChatRequest(bot=BOT, text="hi"))).conversation_id
    assert await dialogue.forget_conversation(BOT, conversation) is None
    assert await dialogue.forget_conversation(BOT, "c" * 32) is None  # one without state
    again = await dialogue.turn(ChatRequest(bot=BOT, text="hi", conversation_id=conversation))
    assert again.conversation_id == conversation


async def test_a_deleted_bot_is_gone(dialogue: Dialogue) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    await dialogue.delete_bot(BOT)
    assert await error_of(dialogue.get_bot(BOT)) == not_found(BOT)
    assert await error_of(dialogue.turn(ChatRequest(bot=BOT, text="hi"))) == not_found(BOT)
    assert await dialogue.list_bots() == []


async def test_an_unknown_bot_is_not_found_by_every_call(dialogue: Dialogue) -> None:
    calls: list[Awaitable[object]] = [
        dialogue.get_bot("ghost"),
        dialogue.get_bot("ghost", "acf"),
        dialogue.export_bot("ghost"),
        dialogue.delete_bot("ghost"),
        dialogue.training_dataset("ghost"),
        dialogue.turn(ChatRequest(bot="ghost", text="hi")),
        dialogue.welcome(WelcomeRequest(bot="ghost", conversation_id="c-1")),
    ]
    assert [await error_of(call) for call in calls] == [not_found("ghost")] * len(calls)


NOT_NAMES = ["", "a/b", "shop?x", "shop#x", "a\x00b", "a.b", "a:b", "shop\n", "x" * 65]


@pytest.mark.parametrize(
    "bot", NOT_NAMES, ids=["empty", "slash", "query", "fragment", "nul", "dot", "colon", "newline", "long"]
)
async def test_a_name_no_bot_can_have_is_invalid_input_and_stores_nothing(
    dialogue: Dialogue, bot: str
) -> None:
    calls: list[Awaitable[object]] = [
        dialogue.put_bot(bot, SHOP_YAML, "application/yaml"),
        dialogue.get_bot(bot),
        dialogue.delete_bot(bot),
        dialogue.training_dataset(bot),
        dialogue.turn(ChatRequest(bot=bot, text="hi")),
        dialogue.welcome(WelcomeRequest(bot=bot, conversation_id="c-1")),
    ]
    expected = (
        InvalidInputError,
        "invalid_input",
        f"invalid bot name {bot!r}: use {BOT_NAME_RULE}",
        {"field": "bot"},
    )
    assert [await error_of(call) for call in calls] == [expected] * len(calls)
    assert await dialogue.list_bots() == []


# Definitions the service refuses


INVALID = {
    "duplicate": (
        b'{"intents": [{"id": "a", "replies": ["A"]}, {"id": "a", "replies": ["B"]}]}',
        "application/json",
    ),
    "structure": (b'{"intents": 3}', "application/json"),
    "unknown-field": (b"intents:\n  - {id: a, replies: [A], replys: [B]}\n", "application/yaml"),
    "not-yaml": (b"intents: [a\n", "application/yaml"),
    "not-json": (b'{"intents": ', "application/json"),
    "not-an-object": (b"[1, 2]", "application/json"),
}


@pytest.mark.parametrize(("raw", "content_type"), INVALID.values(), ids=INVALID.keys())
async def test_an_invalid_definition_says_where_and_stores_nothing(
    dialogue: Dialogue, raw: bytes, content_type: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:  # what validating the document itself says
        parse_document(raw, content_type, name=BOT)
    answer = await error_of(dialogue.put_bot(BOT, raw, content_type))
    assert answer == seen(refused.value)
    assert await dialogue.list_bots() == []
    assert await error_of(dialogue.get_bot(BOT)) == not_found(BOT)


# Conversations


async def test_a_turn_answers_the_bots_reply_in_a_new_conversation(dialogue: Dialogue) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    reply = await dialogue.turn(ChatRequest(bot=BOT, text="hi", correlation_id="c-1"))
    assert reply.messages == [OutMessage(text="Hello")]
    assert (reply.intent, reply.complete, reply.fallback) == (parsed("hi").intent, True, False)
    assert is_id(reply.conversation_id)
    other = await dialogue.turn(ChatRequest(bot=BOT, text="hi"))
    assert other.conversation_id != reply.conversation_id


async def test_a_turn_keeps_the_conversation_it_is_given(dialogue: Dialogue) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    for _ in range(2):
        reply = await dialogue.turn(
            ChatRequest(bot=BOT, text="hi", conversation_id="conv-1", timeout_ms=5000)
        )
        assert (reply.conversation_id, reply.messages) == ("conv-1", [OutMessage(text="Hello")])


async def test_a_turn_the_bot_does_not_understand_is_its_fallback(dialogue: Dialogue) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    reply = await dialogue.turn(ChatRequest(bot=BOT, text="what is this"))
    assert reply.messages == [OutMessage(text="Sorry, I didn't understand that.")]
    assert (reply.intent, reply.fallback) == (IntentScore(name="fallback", confidence=0.1), True)


MALFORMED_IDS = ["bad id", "a/b", "x" * 65, "c-1\n", ""]


@pytest.mark.parametrize("conversation_id", MALFORMED_IDS, ids=["space", "slash", "long", "newline", "empty"])
async def test_a_malformed_conversation_id_is_invalid_input(dialogue: Dialogue, conversation_id: str) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    message = f"must be {ID_RULE}"
    expected = (
        InvalidInputError,
        "invalid_input",
        f"conversation_id {message}",
        [{"path": "conversation_id", "message": message}],
    )
    turn = dialogue.turn(ChatRequest(bot=BOT, text="hi", conversation_id=conversation_id))
    assert await error_of(turn) == expected
    welcome = dialogue.welcome(WelcomeRequest(bot=BOT, conversation_id=conversation_id))
    assert await error_of(welcome) == expected


@pytest.mark.parametrize("text", ["", "  \n"], ids=["empty", "blank"])
async def test_blank_text_is_invalid_input(dialogue: Dialogue, text: str) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    answer = await error_of(dialogue.turn(ChatRequest(bot=BOT, text=text)))
    expected = (
        InvalidInputError,
        "invalid_input",
        "text is empty",
        [{"path": "text", "message": "is empty"}],
    )
    assert answer == expected


async def test_a_turn_that_outlives_its_caller_is_a_deadline(dialogue: Dialogue) -> None:
    # The gateway tells a deadline (504) from an unavailable dialogue (503) by this error.
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    late = ChatRequest(bot=BOT, text=SLOW_TEXT, timeout_ms=round(SLOW_SECONDS * 500))
    assert await error_of(dialogue.turn(late)) == (
        DeadlineExceededError,
        "timeout",
        "the turn took longer than its caller waits; nothing was changed",
        None,
    )


@pytest.mark.parametrize("timeout_ms", [0, -5])
async def test_a_caller_that_waits_no_time_is_invalid_input(dialogue: Dialogue, timeout_ms: int) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    calls: list[Awaitable[object]] = [
        dialogue.turn(ChatRequest(bot=BOT, text="hi", timeout_ms=timeout_ms)),
        dialogue.welcome(WelcomeRequest(bot=BOT, conversation_id="conv-1", timeout_ms=timeout_ms)),
    ]
    for answer in [await error_of(call) for call in calls]:
        assert isinstance(answer, tuple), answer
        assert answer[:2] == (InvalidInputError, "invalid_input"), answer
        assert "timeout_ms" in answer[2], answer


async def test_a_bot_with_a_welcome_intent_greets_a_new_conversation(dialogue: Dialogue) -> None:
    await dialogue.put_bot(BOT, SHOP_YAML, "application/yaml")
    reply = await dialogue.welcome(WelcomeRequest(bot=BOT, conversation_id="conv-1", timeout_ms=5000))
    assert isinstance(reply, ChatReply)
    assert (reply.conversation_id, reply.messages) == ("conv-1", [OutMessage(text="Welcome to the shop")])


async def test_a_bot_without_a_welcome_intent_says_nothing_first(dialogue: Dialogue) -> None:
    await dialogue.put_bot("quiet", QUIET_JSON, "application/json")
    assert await dialogue.welcome(WelcomeRequest(bot="quiet", conversation_id="conv-1")) is None
