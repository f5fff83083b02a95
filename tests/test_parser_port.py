"""The gateway's `Parser` port: one contract, both adapters.

Embedded mode hands the gateway the NLU service object itself; split deployments hand it
`HttpParser`, here talking to the real NLU app served by uvicorn on a free port. Both serve a model
trained once per module with the real (ONNX int8) encoder, on the in-process infrastructure.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn

from parley_gateway.clients import HttpParser
from parley_gateway.ports import Parser
from parley_messages import Example, IntentExamples, NluDataset, ParseRequest, ParseResult
from parley_nlu.app import create_app
from parley_nlu.bootstrap import build_encoder, build_nlu_service
from parley_nlu.encoder import Encoder
from parley_nlu.handlers import model_record
from parley_nlu.model import NluModel
from parley_nlu.service import NluService
from parley_nlu.settings import NluSettings
from parley_nlu.stores import MongoModelRegistry
from parley_nlu.trainer import train
from parley_runtime.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    NotTrainedError,
    ParleyError,
)
from parley_runtime.http import JsonClient
from parley_runtime.infra import Infra, InfraSettings, connect_infra

ROOT = Path(__file__).resolve().parents[1]
BOT = "shop"
UTTERANCE = "hello there"
NOT_TRAINED = "has no trained model yet; train it first"


@pytest.fixture(scope="module")
def settings() -> NluSettings:
    """The default encoder, from the ONNX export the e2e tests share (made once per machine)."""
    return NluSettings(model_cache=str(ROOT / "var" / "models"))


@pytest.fixture(scope="module")
def encoder(settings: NluSettings) -> Encoder:
    return build_encoder(settings)


@pytest.fixture(scope="module")
def model(encoder: Encoder) -> NluModel:
    def examples(*texts: str) -> list[Example]:
        return [Example(text=text) for text in texts]

    dataset = NluDataset(
        bot=BOT,
        intents=[
            IntentExamples(
                name="greet", examples=examples("hello", "hi", "hey there", "good morning", "hi bot")
            ),
            IntentExamples(
                name="order_pizza",
                examples=examples("I want a pizza", "order a pizza", "a small pizza please", "one pizza"),
            ),
            IntentExamples(
                name="goodbye", examples=examples("bye", "goodbye", "see you later", "talk to you soon")
            ),
        ],
    )
    return train(dataset, encoder, version="v1")


@pytest.fixture(scope="module")
def expected(model: NluModel, encoder: Encoder) -> ParseResult:
    """What the model itself answers for `UTTERANCE`: both adapters must answer the same."""
    return model.parse(UTTERANCE, encoder.encode([UTTERANCE])[0])


@contextlib.asynccontextmanager
async def nlu_service(
    data_dir: Path, settings: NluSettings, encoder: Encoder, model: NluModel
) -> AsyncIterator[tuple[Infra, NluService]]:
    """The NLU service on in-process infrastructure (Mongo emulation, fakeredis, local blobs) as
    embedded mode builds it, with `model` published as the trainer publishes one."""
    infra = await connect_infra(InfraSettings(data_dir=str(data_dir)))
    try:
        record = model_record(model)
        await infra.blobs.put(record.artifact_key, model.to_bytes())
        service = await build_nlu_service(infra, settings, encoder=encoder)
        await MongoModelRegistry(infra.db).add(record)
        yield infra, service
    finally:
        await infra.aclose()


@contextlib.asynccontextmanager
async def embedded(service: NluService) -> AsyncIterator[Parser]:
    """The service object itself, following model announcements as `EmbeddedStack` starts it."""
    stop = asyncio.Event()
    watcher = asyncio.create_task(service.watch(stop))
    try:
        yield service
    finally:
        stop.set()
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await service.close()


@contextlib.asynccontextmanager
async def over_http(infra: Infra, service: NluService) -> AsyncIterator[Parser]:
    """`HttpParser` on the NLU app (as `build_app` makes it), served by uvicorn on a free port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    app = create_app(service, ready_checks=infra.ready_checks())
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_config=None, access_log=False))
    serving = asyncio.create_task(server.serve())
    client = JsonClient(f"http://127.0.0.1:{port}", timeout=5)
    try:
        async with asyncio.timeout(10):
            while not server.started:  # uvicorn tells it is listening by this flag only
                if serving.done():
                    serving.result()  # it failed to start: raise why
                await asyncio.sleep(0.01)
        yield HttpParser(client)
    finally:
        await client.aclose()
        server.should_exit = True
        await serving  # the app's lifespan closes the service


@pytest.fixture(params=["embedded", "http"])
async def parser(
    request: pytest.FixtureRequest, tmp_path: Path, settings: NluSettings, encoder: Encoder, model: NluModel
) -> AsyncIterator[Parser]:
    async with nlu_service(tmp_path / "data", settings, encoder, model) as (infra, service):
        adapter = embedded(service) if request.param == "embedded" else over_http(infra, service)
        async with adapter as port:
            yield port


async def parse_or_error(
    parser: Parser, *, bot: str = BOT, text: str = UTTERANCE
) -> ParseResult | ParleyError:
    """What the port answers: the result, or the error it raised."""
    try:
        return await parser.parse(ParseRequest(bot=bot, text=text))
    except ParleyError as exc:
        return exc


async def retire_or_error(parser: Parser, bot: str) -> ParleyError | None:
    """What retiring answers: None, or the error it raised."""
    try:
        await parser.retire_models(bot)
    except ParleyError as exc:
        return exc
    return None


def assert_not_trained(answer: ParseResult | ParleyError, bot: str) -> None:
    assert isinstance(answer, NotTrainedError), answer
    assert (answer.code, str(answer)) == ("not_trained", f"bot {bot!r} {NOT_TRAINED}")


async def test_a_trained_bot_answers_its_models_intent_and_ranking(
    parser: Parser, expected: ParseResult
) -> None:
    result = await parser.parse(ParseRequest(bot=BOT, text=UTTERANCE, correlation_id="c-1"))
    assert result.intent.name == "greet"
    assert [score.name for score in result.ranking] == [score.name for score in expected.ranking]
    assert {score.name for score in result.ranking} >= {"greet", "order_pizza", "goodbye"}
    confidences = [score.confidence for score in result.ranking]
    assert confidences == pytest.approx([score.confidence for score in expected.ranking], abs=1e-6)
    assert (result.entities, result.model_version) == (expected.entities, "v1")


async def test_an_unknown_bot_is_not_found(parser: Parser) -> None:
    # The NLU knows models, not bots: an unknown bot is one without a model (next test).
    answer = await parse_or_error(parser, bot="ghost")
    assert isinstance(answer, NotFoundError), answer


async def test_a_bot_without_a_model_is_not_trained(parser: Parser) -> None:
    assert_not_trained(await parse_or_error(parser, bot="untrained"), "untrained")


@pytest.mark.parametrize("text", ["", "   ", "\n\t"], ids=["empty", "spaces", "whitespace"])
async def test_blank_text_is_invalid_input(parser: Parser, text: str) -> None:
    answer = await parse_or_error(parser, text=text)
    assert isinstance(answer, InvalidInputError), answer
    assert (answer.code, str(answer), answer.details) == ("invalid_input", "text is empty", {"field": "text"})


async def test_an_unknown_time_zone_is_invalid_input(parser: Parser) -> None:
    try:
        answer: object = await parser.parse(ParseRequest(bot=BOT, text=UTTERANCE, timezone="Mars/Olympus"))
    except ParleyError as exc:
        answer = exc
    assert isinstance(answer, InvalidInputError), answer
    assert (answer.code, answer.details) == ("invalid_input", {"field": "timezone"})
    assert "unknown time zone 'Mars/Olympus'" in str(answer)


async def test_a_retired_bot_is_no_longer_served(parser: Parser) -> None:
    await parser.parse(ParseRequest(bot=BOT, text=UTTERANCE))  # loaded: retiring must drop it
    await parser.retire_models(BOT)
    assert_not_trained(await parse_or_error(parser), BOT)


async def test_retiring_twice_is_harmless(parser: Parser) -> None:
    await parser.retire_models(BOT)
    await parser.retire_models(BOT)
    assert_not_trained(await parse_or_error(parser), BOT)


async def test_retiring_a_bot_that_never_had_a_model_is_harmless(parser: Parser) -> None:
    await parser.retire_models("untrained")
    assert_not_trained(await parse_or_error(parser, bot="untrained"), "untrained")


NOT_NAMES = ["", "a/b", "shop?x", "shop#x", "a\x00b", "a.b", "x" * 65]


@pytest.mark.parametrize("bot", NOT_NAMES, ids=["empty", "slash", "query", "fragment", "nul", "dot", "long"])
async def test_a_name_no_bot_can_have_is_invalid_input_and_touches_nothing(parser: Parser, bot: str) -> None:
    # Over HTTP such names once addressed another URL ('?', '#'), no route ('', '/') or failed in
    # httpx untranslated (a control character).
    for answer in (await retire_or_error(parser, bot), await parse_or_error(parser, bot=bot)):
        assert isinstance(answer, InvalidInputError), answer
        assert (answer.code, answer.details) == ("invalid_input", {"field": "bot"})
    assert (await parser.parse(ParseRequest(bot=BOT, text=UTTERANCE))).intent.name == "greet"


async def test_the_history_lists_the_served_model(parser: Parser) -> None:
    (listed,) = await parser.models(BOT, limit=10)
    assert (listed.version, listed.served, listed.status, listed.republished_from) == (
        "v1",
        True,
        "published",
        None,
    )
    assert sorted(listed.intent_names) == ["goodbye", "greet", "order_pizza"]
    assert await parser.models("untrained", limit=10) == []


async def test_publishing_the_served_model_again_registers_nothing(parser: Parser) -> None:
    published = await parser.publish_model(BOT, "v1")
    assert (published.model.version, published.model.served) == ("v1", True)
    assert (published.event.bot, published.event.version) == (BOT, "v1")
    assert [m.version for m in await parser.models(BOT, limit=10)] == ["v1"]


async def test_publishing_an_unknown_or_retired_model_changes_nothing(parser: Parser) -> None:
    with pytest.raises(NotFoundError):
        await parser.publish_model(BOT, "v9")
    await parser.retire_models(BOT)
    with pytest.raises(ConflictError):
        await parser.publish_model(BOT, "v1")
    assert_not_trained(await parse_or_error(parser), BOT)
