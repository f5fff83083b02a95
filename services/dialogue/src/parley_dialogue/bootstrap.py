"""The composition root: the only module that picks adapters."""

from __future__ import annotations

from functools import partial

from litestar import Litestar

from parley_dialogue.adapters.http_nlu import HttpNlu
from parley_dialogue.adapters.httpx_webhooks import HttpxWebhookCaller
from parley_dialogue.adapters.memory_conversations import MemoryConversationState
from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.adapters.redis_conversations import RedisConversationState
from parley_dialogue.adapters.redis_notifications import CLAIM_SECONDS, RedisSentNotifications
from parley_dialogue.app import create_app
from parley_dialogue.notifications import deliver
from parley_dialogue.ports import ConversationStore, Nlu
from parley_dialogue.service import DialogueService
from parley_dialogue.settings import DialogueSettings
from parley_messages import NOTIFICATIONS_QUEUE
from parley_runtime.http import JsonClient
from parley_runtime.infra import Infra
from parley_runtime.worker import Worker
from parley_runtime.worker_settings import WorkerSettings


async def build_dialogue_service(
    infra: Infra,
    settings: DialogueSettings,
    nlu: Nlu | None = None,
) -> DialogueService:
    """Wire the service on `infra`. Without `nlu` (embedded mode passes the NLU service itself)
    the NLU is called over HTTP at `settings.nlu_url`. Clients opened here close with `infra`."""
    bots = MongoBotStore(infra.db)
    await bots.ensure_indexes()
    if nlu is None:
        client = JsonClient(settings.nlu_url, timeout=settings.nlu_timeout_seconds)
        infra.on_close(client.aclose)
        nlu = HttpNlu(client)
    return DialogueService(
        bots=bots,
        conversations=_conversations(infra, settings),
        nlu=nlu,
        webhooks=_webhooks(infra, settings),
        publisher=infra.bus,
        definition_refresh_seconds=settings.definition_refresh_seconds,
    )


async def build_notification_worker(
    infra: Infra, settings: DialogueSettings, worker: WorkerSettings | None = None
) -> Worker:
    """The worker that delivers `mode: notify` webhooks (`python -m parley_dialogue.notifier`)."""
    worker = worker or WorkerSettings()
    # A claim must lapse before a dead sender's message is visible again (see redis_notifications).
    claim_seconds = min(CLAIM_SECONDS, worker.visibility_timeout_seconds / 2)
    sent = RedisSentNotifications(infra.redis, claim_seconds=claim_seconds)
    handler = partial(deliver, webhooks=_webhooks(infra, settings), sent=sent)
    return Worker.configured(infra.bus, NOTIFICATIONS_QUEUE, handler, worker, name="notifier")


def _conversations(infra: Infra, settings: DialogueSettings) -> ConversationStore:
    """Redis when `REDIS_URL` names a server; without one, Redis would be a private in-process
    fake, so the process keeps its conversations itself, with the same semantics."""
    ttl, lock, wait = settings.state_ttl_seconds, settings.lock_seconds, settings.lock_wait_seconds
    if infra.settings.redis_url:
        return RedisConversationState(infra.redis, ttl_seconds=ttl, lock_seconds=lock, wait_seconds=wait)
    return MemoryConversationState(ttl_seconds=ttl, lock_seconds=lock, wait_seconds=wait)


def _webhooks(infra: Infra, settings: DialogueSettings) -> HttpxWebhookCaller:
    """Webhooks behind the SSRF guard, with the operator's URL rewrites and secrets; closed with
    `infra`."""
    webhooks = HttpxWebhookCaller(
        allow_networks=settings.allowed_networks(),
        rewrites=settings.url_rewrites(),
        secrets=settings.secrets(),
    )
    infra.on_close(webhooks.aclose)
    return webhooks


async def build_app(infra: Infra, settings: DialogueSettings) -> Litestar:
    """The stand-alone dialogue API (`python -m parley_dialogue`), NLU over HTTP."""
    service = await build_dialogue_service(infra, settings)
    return create_app(service, ready_checks=infra.ready_checks())
