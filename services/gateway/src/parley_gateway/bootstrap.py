"""Composition root of the gateway: picks adapters and builds the app."""

from __future__ import annotations

from typing import Protocol

from litestar import Litestar

from parley_gateway.app import create_app
from parley_gateway.auth import AdminKeys
from parley_gateway.chat import ChatTurns
from parley_gateway.clients import HttpDialogue, HttpParser
from parley_gateway.deps import Gateway
from parley_gateway.metrics import GatewayMetrics
from parley_gateway.outbox import BackgroundPublisher
from parley_gateway.ports import BotCatalog, Conversations, Parser
from parley_gateway.readmodels import Analytics, Transcripts
from parley_gateway.settings import GatewaySettings
from parley_gateway.training import TrainingJobs
from parley_runtime.http import JsonClient
from parley_runtime.infra import Infra


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
    if dialogue is None:
        dialogue = HttpDialogue(JsonClient(settings.dialogue_url, timeout=settings.upstream_timeout_seconds))
    if parser is None:
        parser = HttpParser(JsonClient(settings.nlu_url, timeout=settings.upstream_timeout_seconds))
    metrics = GatewayMetrics()
    publisher = BackgroundPublisher(infra.bus)
    training = TrainingJobs(infra.db, catalog=dialogue, blobs=infra.blobs, publisher=publisher)
    await training.ensure_indexes()
    return Gateway(
        settings=settings,
        chat=ChatTurns(
            dialogue, publisher=publisher, metrics=metrics, timeout_seconds=settings.upstream_timeout_seconds
        ),
        catalog=dialogue,
        parser=parser,
        training=training,
        transcripts=Transcripts(infra.db),
        analytics=Analytics(infra.db),
        metrics=metrics,
        publisher=publisher,
    )


def app_for(gateway: Gateway, infra: Infra) -> Litestar:
    keys = [gateway.settings.admin_token] if gateway.settings.admin_token else []
    return create_app(gateway, admin_keys=AdminKeys(keys), ready_checks=infra.ready_checks())


async def build_app(infra: Infra, settings: GatewaySettings) -> Litestar:
    """The stand-alone gateway: dialogue and NLU over HTTP."""
    return app_for(await build_gateway(infra, settings), infra)
