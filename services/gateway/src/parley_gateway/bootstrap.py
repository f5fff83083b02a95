"""Composition root of the gateway: picks adapters and builds the app."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from litestar import Litestar

from parley_gateway.access import Gatekeeper, KeyRing
from parley_gateway.adapters.mongo_keys import MongoKeyStore
from parley_gateway.adapters.redis_rates import RedisRateCounter
from parley_gateway.adapters.redis_replies import RedisReplyLog
from parley_gateway.app import create_app
from parley_gateway.chat import ChatTurns
from parley_gateway.clients import HttpDialogue, HttpParser
from parley_gateway.deps import Gateway
from parley_gateway.erasures import TranscriptErasures
from parley_gateway.limits import RateLimits
from parley_gateway.metrics import GatewayMetrics
from parley_gateway.outbox import BackgroundPublisher
from parley_gateway.policies import ChatPolicies
from parley_gateway.ports import BotCatalog, Conversations, Parser
from parley_gateway.readmodels import Analytics, Transcripts
from parley_gateway.replays import Replays
from parley_gateway.settings import GatewaySettings
from parley_gateway.training import TrainingJobs
from parley_runtime.http import JsonClient
from parley_runtime.infra import Infra
from parley_runtime.web import ReadinessCheck


class DialogueLike(Conversations, BotCatalog, Protocol):
    """The dialogue service seen as both of the gateway's ports."""


async def build_gateway(
    infra: Infra,
    settings: GatewaySettings,
    *,
    dialogue: DialogueLike | None = None,
    parser: Parser | None = None,
) -> Gateway:
    """Wire the gateway; `dialogue`/`parser` are in-process services in embedded mode, else HTTP."""
    dialogue = dialogue or HttpDialogue(_client(infra, settings.dialogue_url, settings))
    parser = parser or HttpParser(_client(infra, settings.nlu_url, settings))
    metrics = GatewayMetrics()
    publisher = BackgroundPublisher(infra.bus)
    training = TrainingJobs(infra.db, catalog=dialogue, blobs=infra.blobs, publisher=publisher)
    transcripts = Transcripts(infra.db)
    erasures = TranscriptErasures(infra.db)
    for store in (training, transcripts, erasures):
        await store.ensure_indexes()
    return Gateway(
        settings=settings,
        chat=ChatTurns(
            dialogue, publisher=publisher, metrics=metrics, timeout_seconds=settings.upstream_timeout_seconds
        ),
        catalog=dialogue,
        parser=parser,
        training=training,
        transcripts=transcripts,
        erasures=erasures,
        analytics=Analytics(infra.db),
        metrics=metrics,
        publisher=publisher,
        access=await _gatekeeper(infra, settings, dialogue),
        replays=Replays(RedisReplyLog(infra.redis), turn_seconds=settings.upstream_timeout_seconds),
    )


async def _gatekeeper(infra: Infra, settings: GatewaySettings, catalog: BotCatalog) -> Gatekeeper:
    store = MongoKeyStore(infra.db)
    await store.ensure_indexes()
    limits = RateLimits(
        RedisRateCounter(infra.redis),
        window_seconds=settings.rate_window_seconds,
        per_address=settings.address_rate_limit,
        per_key=settings.key_rate_limit,
    )
    bootstrap = [settings.admin_token] if settings.admin_token else []
    keys = KeyRing(store, bootstrap=bootstrap)
    return Gatekeeper(keys=keys, limits=limits, policies=ChatPolicies(catalog))


def _client(infra: Infra, base_url: str, settings: GatewaySettings) -> JsonClient:
    client = JsonClient(base_url, timeout=settings.upstream_timeout_seconds)
    infra.on_close(client.aclose)
    return client


def app_for(gateway: Gateway, infra: Infra, upstream_checks: Sequence[ReadinessCheck] = ()) -> Litestar:
    """The app on `gateway`; ready when Mongo, Redis and the upstream services answer."""
    return create_app(gateway, ready_checks=[*infra.ready_checks(), *upstream_checks])


async def build_app(infra: Infra, settings: GatewaySettings) -> Litestar:
    """The stand-alone gateway: dialogue and NLU over HTTP."""
    dialogue = HttpDialogue(_client(infra, settings.dialogue_url, settings))
    parser = HttpParser(_client(infra, settings.nlu_url, settings))
    gateway = await build_gateway(infra, settings, dialogue=dialogue, parser=parser)
    return app_for(gateway, infra, upstream_checks=[dialogue.ping, parser.ping])
