"""Serving: parse utterances for many bots, each with its current model, swapped without a pause.

A bot's model is loaded on its first parse and cached. A new version is loaded completely (artifact
fetched, arrays decoded, compatibility checked) before one reference assignment swaps it in, so
requests in flight never wait for a load and never see a half-loaded model.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from datetime import UTC, datetime

import structlog

from parley_messages import ModelPublication, ModelSummary, ParseRequest, ParseResult
from parley_nlu import history
from parley_nlu.batching import EncodingQueue
from parley_nlu.encoder import Encoder
from parley_nlu.handlers import published
from parley_nlu.model import ModelArtifactError, NluModel
from parley_nlu.ports import ModelChange, ModelChannel, ModelRecord, ModelRegistry
from parley_nlu.validation import check_text
from parley_runtime.blobs.ports import BlobStore
from parley_runtime.errors import (
    ConflictError,
    ModelFaultError,
    NotFoundError,
    NotTrainedError,
    ParleyError,
    PermanentError,
)
from parley_runtime.names import check_bot_name
from parley_runtime.timezones import today_in

log = structlog.get_logger(__name__)

REFUSAL_TTL_SECONDS = 1.0
"""How long a bot's load failure (no model yet, a missing, corrupt or incompatible artifact) is
remembered, so that a burst of requests for it costs one registry query, not one each. Short,
because each can mend without an announcement (an artifact restored, a model trained)."""
MAX_MODELS = 500
"""Models kept loaded; the least recently used is dropped (and reloaded on its next parse)."""
RECONCILE_SECONDS = 30.0
"""How often loaded bots are checked against the registry, in case an announcement was missed."""


class ModelUnavailableError(ModelFaultError):
    """The registry names a model whose artifact the blob store does not have: the bot is known, the
    fault is the deployment's (a lost or not yet replicated blob), so it is an outage, not a 404."""

    code = "model_unavailable"


class IncompatibleModelError(ModelFaultError):
    """The model needs another encoder than this service's: a deployment mismatch, not the client's
    fault, so it is an outage (503) until the model is retrained or the service redeployed."""

    code = "model_incompatible"


_REMEMBERED = (PermanentError, ModelFaultError)
"""Load failures cached for `REFUSAL_TTL_SECONDS`; others (a registry outage) are retried at once."""


class NluService:
    def __init__(
        self,
        *,
        registry: ModelRegistry,
        blobs: BlobStore,
        encoder: Encoder,
        channel: ModelChannel | None = None,
        encoding: EncodingQueue | None = None,
        reconcile_seconds: float = RECONCILE_SECONDS,
        max_models: int = MAX_MODELS,
    ) -> None:
        self._registry = registry
        self._blobs = blobs
        self._encoder = encoder
        self._channel = channel
        self._encoding = encoding or EncodingQueue(encoder)
        self._models: dict[str, NluModel] = {}
        self._refusals: dict[str, tuple[float, ParleyError]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._reconcile_seconds = reconcile_seconds
        self._max_models = max(1, max_models)

    async def parse(self, request: ParseRequest) -> ParseResult:
        """Intent, ranking and entities of `request.text` by the bot's current model; relative
        dates are read in `request.timezone` (UTC without one)."""
        text = check_text(request.text)
        today = today_in(request.timezone)
        model = self._recently_used(check_bot_name(request.bot)) or await self._first_load(request.bot)
        mended = model.intent_text(text)
        embedding = await self._encoding.encode(mended)
        return model.parse(text, embedding, mended=mended, today=today)

    def current_version(self, bot: str) -> str | None:
        model = self._models.get(bot)
        return None if model is None else model.version

    async def reload(self, bot: str) -> str | None:
        """Load the bot's newest published model if it is not the one serving; its version, or None
        (and then the bot is no longer served: its models were retired)."""
        check_bot_name(bot)
        self._refusals.pop(bot, None)
        async with self._lock(bot):
            model = await self._load_latest(bot)
        return None if model is None else model.version

    async def retire_models(self, bot: str) -> None:
        """Stop serving every model `bot` has, here and on every replica told: the bot was deleted.

        A bot of the same name created afterwards is untrained until it is trained.
        """
        check_bot_name(bot)
        await self._registry.retire(bot)
        await self.reload(bot)  # drops it here, once a load in flight has ended
        if self._channel is not None:
            await self._channel.announce(ModelChange(bot=bot, version=None))
        log.info("model.retired", bot=bot)

    async def models(
        self, bot: str, *, limit: int = 50, before_version: str | None = None
    ) -> list[ModelSummary]:
        """`bot`'s registered models, newest request first, after the model `before_version`."""
        return await history.page(
            self._registry, check_bot_name(bot), limit=limit, before_version=before_version
        )

    async def publish_model(self, bot: str, version: str) -> ModelPublication:
        """Serve `bot`'s earlier model `version` again, here and on every replica told: registered
        anew (`history.republication`) unless its artifact is the one served already, then announced
        as the trainer announces a model. The answer carries the `ModelPublished` to send.

        `NotFoundError` for an unknown version, `ConflictError` for a retired model or one that
        cannot be served (its artifact missing, unreadable or for another encoder); nothing changes.
        """
        requested_at = datetime.now(UTC)  # before the retirement is read, so a deletion is not missed
        record = await self._registry.get(check_bot_name(bot), history.check_version(version))
        if record is None:
            raise NotFoundError(f"bot {bot!r} has no model {version!r}")
        refusal = history.refusal(record, await self._registry.retired_at(bot))
        if refusal is not None:
            raise ConflictError(refusal)
        served = await self._registry.latest(bot)
        if served is None or served.artifact_key != record.artifact_key:
            await self._servable(record)
            served = await self._registry.add(history.republication(record, requested_at=requested_at))
            if history.retired(served, await self._registry.retired_at(bot)):
                raise ConflictError(f"bot {bot!r} was deleted while its model {version} was published again")
        await self.reload(bot)
        if self._channel is not None:
            await self._channel.announce(ModelChange(bot=bot, version=served.version))
        log.info(
            "model.republished", bot=bot, version=served.version, republished_from=served.republished_from
        )
        return ModelPublication(
            model=history.summary(served, served=served, retired_at=None),
            event=published(served, correlation_id=None),
        )

    async def _servable(self, record: ModelRecord) -> None:
        """Raise `ConflictError` unless `record`'s artifact loads here."""
        try:
            await self._fetch(record)
        except ModelFaultError as exc:  # its artifact is gone, unreadable or incompatible: no retry mends it
            raise ConflictError(
                f"model {record.version} of bot {record.bot!r} cannot be served: {exc}"
            ) from exc

    async def watch(self, stop: asyncio.Event) -> None:
        """Reload bots as the trainer announces new models, until `stop` is set.

        Announcements are fire-and-forget, so every loaded bot is also checked against the registry
        every `reconcile_seconds`: a replica that missed one catches up without a restart.
        """
        async with asyncio.TaskGroup() as tasks:
            if self._channel is not None:
                tasks.create_task(self._follow(self._channel, stop))
            tasks.create_task(self._reconcile(stop))

    async def _follow(self, channel: ModelChannel, stop: asyncio.Event) -> None:
        """Reload each announced bot this replica serves or is loading, each in a task of its own."""
        async with asyncio.TaskGroup() as reloads:
            async for change in channel.changes(stop):
                self._refusals.pop(change.bot, None)
                if self._affected_by(change):
                    reloads.create_task(self._reload_logged(change.bot))

    def _affected_by(self, change: ModelChange) -> bool:
        """Whether `change` is news here: a bot loaded at another version, or one whose first load
        is in flight (it may have read the registry before the change; its reload waits for it)."""
        lock = self._locks.get(change.bot)
        if lock is not None and lock.locked():
            return True
        return change.bot in self._models and self.current_version(change.bot) != change.version

    async def _reconcile(self, stop: asyncio.Event) -> None:
        while not await _stopped_within(stop, self._reconcile_seconds):
            for bot in list(self._models):
                await self._reload_logged(bot)

    async def close(self) -> None:
        await self._encoding.close()

    def _recently_used(self, bot: str) -> NluModel | None:
        """The bot's loaded model, now the most recently used (dicts keep insertion order)."""
        model = self._models.pop(bot, None)
        if model is not None:
            self._models[bot] = model
        return model

    async def _first_load(self, bot: str) -> NluModel:
        refused = self._refusals.get(bot)
        if refused is not None and refused[0] > time.monotonic():
            raise copy.copy(refused[1])
        async with self._lock(bot):
            try:
                model = self._models.get(bot) or await self._load_latest(bot)
                if model is None:
                    raise NotTrainedError(f"bot {bot!r} has no trained model yet; train it first")
            except _REMEMBERED as exc:
                self._refusals[bot] = (time.monotonic() + REFUSAL_TTL_SECONDS, exc)
                raise
        return model

    async def _load_latest(self, bot: str) -> NluModel | None:
        """Fetch and swap in the newest model, or drop a retired one (callers hold the bot's lock)."""
        record = await self._registry.latest(bot)
        if record is None:
            self._models.pop(bot, None)
            return None
        current = self._models.get(bot)
        if current is not None and current.version == record.version:
            return current
        started = time.perf_counter()
        model = await self._fetch(record)
        self._keep(bot, model)
        log.info(
            "model.loaded",
            bot=bot,
            version=model.version,
            load_ms=round((time.perf_counter() - started) * 1e3, 1),
        )
        return model

    async def _fetch(self, record: ModelRecord) -> NluModel:
        """The record's model, decoded and checked; a failure is logged, as only an operator can mend it."""
        where = {"bot": record.bot, "version": record.version, "key": record.artifact_key}
        try:
            data = await self._blobs.get(record.artifact_key)
        except NotFoundError as exc:
            log.error("model.unavailable", **where)
            raise ModelUnavailableError(
                f"model {record.bot}/{record.version} is registered but its artifact is missing"
            ) from exc
        try:
            model = await asyncio.to_thread(NluModel.from_bytes, data)
            self._check_compatible(model)
        except (ModelArtifactError, IncompatibleModelError) as exc:
            log.error("model.unusable", **where, code=exc.code, error=str(exc))
            raise
        return model.as_version(record.version)

    async def _reload_logged(self, bot: str) -> None:
        try:
            await self.reload(bot)
        except ParleyError:  # a bad new model must not stop the watch; the old one keeps serving
            log.exception("model.reload_failed", bot=bot)

    def _check_compatible(self, model: NluModel) -> None:
        if model.meta.encoder != self._encoder.name or model.meta.dim != self._encoder.dim:
            raise IncompatibleModelError(
                f"model {model.bot}/{model.version} needs encoder {model.meta.encoder!r} "
                f"({model.meta.dim} dims); this service has {self._encoder.name!r} ({self._encoder.dim})"
            )

    def _keep(self, bot: str, model: NluModel) -> None:
        self._models.pop(bot, None)
        self._models[bot] = model
        while len(self._models) > self._max_models:
            evicted = next(iter(self._models))
            del self._models[evicted]
            log.info("model.evicted", bot=evicted)

    def _lock(self, bot: str) -> asyncio.Lock:
        lock = self._locks.get(bot)
        if lock is None:
            if len(self._locks) >= 4 * self._max_models:
                self._forget_idle_bots()
            lock = self._locks[bot] = asyncio.Lock()
        return lock

    def _forget_idle_bots(self) -> None:
        """Drop unused locks and expired refusals, so requests naming random bots can't grow memory."""
        now = time.monotonic()
        self._locks = {bot: lock for bot, lock in self._locks.items() if lock.locked() or bot in self._models}
        self._refusals = {bot: r for bot, r in self._refusals.items() if r[0] > now}


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    """Wait up to `seconds` for `stop`; whether it is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()
