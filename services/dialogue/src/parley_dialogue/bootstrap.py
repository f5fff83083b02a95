"""The composition root: the only module that picks adapters."""

from __future__ import annotations

from contextlib import AsyncExitStack

from parley_dialogue.adapters.http_nlu import HttpNlu
from parley_dialogue.adapters.httpx_webhooks import HttpxWebhookCaller
from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.adapters.redis_conversations import RedisConversationState
from parley_dialogue.ports import Nlu
from parley_dialogue.service import DialogueService
from parley_dialogue.settings import DialogueSettings
from parley_runtime.http import JsonClient
from parley_runtime.infra import Infra


async def build_dialogue_service(
    infra: Infra,
    settings: DialogueSettings,
    nlu: Nlu | None = None,
    *,
    resources: AsyncExitStack | None = None,
) -> DialogueService:
    """Wire the service on `infra`. Without `nlu` (embedded mode passes the NLU service itself)
    the NLU is called over HTTP at `settings.nlu_url`. Clients opened here are closed by
    `resources` when given (the caller's shutdown), else when `infra` closes."""
    # Until Infra offers a public hook, its own exit stack closes what was opened for it.
    closer = resources or infra._resources  # pyright: ignore[reportPrivateUsage]
    bots = MongoBotStore(infra.db)
    await bots.ensure_indexes()
    if nlu is None:
        client = JsonClient(settings.nlu_url, timeout=settings.nlu_timeout_seconds)
        closer.push_async_callback(client.aclose)
        nlu = HttpNlu(client)
    webhooks = HttpxWebhookCaller(allow_networks=settings.allowed_networks())
    closer.push_async_callback(webhooks.aclose)
    conversations = RedisConversationState(
        infra.redis,
        ttl_seconds=settings.state_ttl_seconds,
        lock_seconds=settings.lock_seconds,
        wait_seconds=settings.lock_wait_seconds,
    )
    return DialogueService(bots=bots, conversations=conversations, nlu=nlu, webhooks=webhooks)
