"""The gateway's collaborators, held in the app state and handed to route handlers."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.di import NamedDependency

from parley_gateway.access import Gatekeeper
from parley_gateway.chat import ChatTurns
from parley_gateway.erasures import TranscriptErasures
from parley_gateway.metrics import GatewayMetrics
from parley_gateway.outbox import BackgroundPublisher
from parley_gateway.ports import BotCatalog, Parser
from parley_gateway.readmodels import Analytics, Transcripts
from parley_gateway.replays import Replays
from parley_gateway.settings import GatewaySettings
from parley_gateway.training import TrainingJobs


@dataclass(frozen=True)
class Gateway:
    settings: GatewaySettings
    chat: ChatTurns
    catalog: BotCatalog
    parser: Parser
    training: TrainingJobs
    transcripts: Transcripts
    erasures: TranscriptErasures
    analytics: Analytics
    metrics: GatewayMetrics
    publisher: BackgroundPublisher
    access: Gatekeeper
    replays: Replays


GatewayDep = NamedDependency[Gateway]
"""How route handlers ask for the gateway: `gateway: GatewayDep` (injected by name)."""
