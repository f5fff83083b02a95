"""The dialogue service: bot definitions and conversation turns. The gateway calls it in-process
(embedded mode) or through `app.py` (HTTP)."""

from __future__ import annotations

import random
import time
from typing import Any

import msgspec
import structlog

from parley_dialogue.acf_export import to_acf
from parley_dialogue.actions import build_request, stamped
from parley_dialogue.bot_rules import untrainable
from parley_dialogue.cache import DefinitionCache
from parley_dialogue.completion import declined, finish, kept_for_retry, keyed, welcome
from parley_dialogue.conversation import ConversationState, Outcome, PendingAction, new_state
from parley_dialogue.definition import ActionDef, BotDefinition, to_dataset, to_document
from parley_dialogue.documents import parse_document
from parley_dialogue.engine import advance
from parley_dialogue.errors import WEBHOOK_FAILURES, WebhookDeclined
from parley_dialogue.ports import BotStore, ConversationStore, Nlu, Publisher, WebhookCaller, WebhookRequest
from parley_dialogue.triggers import direct_trigger
from parley_messages import (
    ID_RULE,
    MAX_TEXT_CHARS,
    BotDeleted,
    BotSummary,
    ChatReply,
    ChatRequest,
    IntentScore,
    NluDataset,
    ParseRequest,
    ParseResult,
    SendWebhook,
    WelcomeRequest,
    is_blank,
    is_id,
    new_id,
)
from parley_messages.turn import MAX_CONTEXT_BYTES
from parley_runtime.errors import (
    DeadlineExceededError,
    InvalidInputError,
    NotFoundError,
    NotTrainedError,
    TransientError,
)
from parley_runtime.names import check_bot_name
from parley_runtime.timezones import check_timezone

log = structlog.get_logger(__name__)

_EXPORT_FORMATS = ("native", "acf")
REPLY_MARGIN_SECONDS = 0.25
"""Of a caller's `timeout_ms`, the time kept for the reply to reach it (at most a tenth of it)."""


class _Deadline:
    """When a turn stops working for a caller that said how long it waits (`timeout_ms`).

    Waiting for the conversation's lock ends by then, and so does a webhook call; a turn that
    reaches it before its webhook ran, or without one, raises `DeadlineExceededError` and saves
    nothing, so a caller that has given up may send the message again. Once a webhook has run the
    turn is saved whatever the time: the conversation must remember what the webhook did.
    """

    __slots__ = ("_at",)

    def __init__(self, timeout_ms: int | None) -> None:
        if timeout_ms is None:
            self._at = None
        elif timeout_ms < 1:  # `TimeoutMs`, which only decoding checks: the embedded caller skips it
            raise InvalidInputError(f"timeout_ms must be at least 1 (got {timeout_ms})")
        else:
            seconds = timeout_ms / 1000
            self._at = time.monotonic() + seconds - min(REPLY_MARGIN_SECONDS, seconds / 10)

    def left(self) -> float | None:
        """Seconds until the deadline (0 once passed), or None without one."""
        return None if self._at is None else max(0.0, self._at - time.monotonic())

    def check(self) -> None:
        if self._at is not None and time.monotonic() >= self._at:
            raise DeadlineExceededError("the turn took longer than its caller waits; nothing was changed")


class BotExport(msgspec.Struct, frozen=True, kw_only=True):
    """A bot's exported document and the version it is (the admin API's `ETag`)."""

    version: int
    document: dict[str, object]


class DialogueService:
    def __init__(
        self,
        *,
        bots: BotStore,
        conversations: ConversationStore,
        nlu: Nlu,
        webhooks: WebhookCaller | None = None,
        publisher: Publisher | None = None,
        rng: random.Random | None = None,
        definition_refresh_seconds: float = 1.0,
    ) -> None:
        """`publisher` queues `mode: notify` webhooks and announces deleted bots (`BotDeleted`);
        without it those webhooks fail like a webhook would, and a deletion is not announced.
        A bot saved through another replica is served within `definition_refresh_seconds`."""
        self._bots = bots
        self._definitions = DefinitionCache(bots, refresh_seconds=definition_refresh_seconds)
        self._conversations = conversations
        self._nlu = nlu
        self._webhooks = webhooks
        self._publisher = publisher
        self._rng = rng or random.Random()

    async def turn(self, request: ChatRequest) -> ChatReply:
        """Answer one user turn; a new conversation gets an id (uuid4 hex)."""
        text = _checked_text(request.text)
        _check_context(request.context)
        conversation_id = _checked_conversation_id(request.conversation_id) or new_id()
        check_timezone(request.timezone)
        deadline = _Deadline(request.timeout_ms)
        stored = await self._definitions.current(check_bot_name(request.bot))
        bot, version = stored.definition, stored.version
        parse = await self._parse(bot, text, request)
        async with self._conversations.turn_lock(bot.name, conversation_id, wait_seconds=deadline.left()):
            state = stored.continued(await self._conversations.load(bot.name, conversation_id))
            state = state or new_state(bot, conversation_id, version, {})
            _check_merged_context(state.context, request.context)
            failed = state.failed_action
            state, outcome = advance(state, parse, text, bot, request.context, version=version, rng=self._rng)
            deadline.check()
            pending = outcome.action
            if pending is not None:
                pending = keyed(pending, failed, new_id())
                state, outcome = await self._run_action(
                    bot,
                    state,
                    outcome,
                    pending,
                    correlation_id=request.correlation_id,
                    seconds_left=deadline.left(),
                )
                if outcome.action_failed:
                    state = kept_for_retry(state, pending)
            await self._conversations.save(state)
        _log_problems(bot.name, outcome)
        return _reply(conversation_id, outcome)

    async def welcome(self, request: WelcomeRequest) -> ChatReply | None:
        """The greeting for a new conversation, as a `/init_conversation` turn answers it (the welcome
        intent's webhook included), or None when the bot has no welcome intent."""
        _check_context(request.context)
        conversation_id = _checked_conversation_id(request.conversation_id) or new_id()
        deadline = _Deadline(request.timeout_ms)
        stored = await self._definitions.current(check_bot_name(request.bot))
        bot = stored.definition
        async with self._conversations.turn_lock(bot.name, conversation_id, wait_seconds=deadline.left()):
            state = stored.continued(await self._conversations.load(bot.name, conversation_id))
            state = state or new_state(bot, conversation_id, stored.version, {})
            state = msgspec.structs.replace(
                state, context=_check_merged_context(state.context, request.context)
            )
            outcome = welcome(bot, state.context, rng=self._rng, conversation_id=conversation_id)
            deadline.check()
            if outcome is not None and outcome.action is not None:
                pending = keyed(outcome.action, None, new_id())
                state, outcome = await self._run_action(
                    bot, state, outcome, pending, seconds_left=deadline.left()
                )
            await self._conversations.save(state)
        if outcome is None:
            return None
        _log_problems(bot.name, outcome)
        return _reply(conversation_id, outcome)

    async def forget_conversation(self, bot: str, conversation_id: str) -> None:
        """Delete a conversation's state (its slots, context and open form) for an erasure, after
        the turn it may be running. A message sent under its id later starts it anew."""
        name = check_bot_name(bot)
        conversation = _checked_conversation_id(conversation_id) or ""
        async with self._conversations.turn_lock(name, conversation):
            forgotten = await self._conversations.forget(name, conversation)
        log.info("conversation.forgotten", bot=name, conversation_id=conversation, state=forgotten)

    async def put_bot(
        self,
        bot: str,
        raw: bytes,
        content_type: str | None = None,
        *,
        expected_version: int | None = None,
        create_only: bool = False,
    ) -> BotSummary:
        """Create or replace `bot` from a native or ACF document (JSON or YAML); the path's name wins.

        `expected_version` saves only over that version of a live bot (`If-Match`), `create_only`
        only where no bot lives (`If-None-Match: *`); else `PreconditionFailedError`."""
        definition = parse_document(raw, content_type, name=check_bot_name(bot))
        if expected_version is not None and create_only:
            raise InvalidInputError("a save expects either a version of the bot or no bot, not both")
        stored = await self._bots.save(definition, expected_version=expected_version, create_only=create_only)
        self._definitions.remember(bot, stored)
        log.info("bot.saved", bot=bot, version=stored.version, intents=len(definition.intents))
        return _summary(definition, stored.version, stored.updated_at)

    async def get_bot(self, bot: str, export_format: str = "native") -> dict[str, object]:
        """The definition as a document: `native` (re-importable as is) or `acf`."""
        return (await self.export_bot(bot, export_format)).document

    async def export_bot(self, bot: str, export_format: str = "native") -> BotExport:
        """`get_bot`'s document with the version it is (one read: the two always belong together)."""
        check_bot_name(bot)
        if export_format not in _EXPORT_FORMATS:
            raise InvalidInputError(f"unknown export format {export_format!r}", details=list(_EXPORT_FORMATS))
        stored = await self._bots.get(bot)
        document = to_acf(stored.definition) if export_format == "acf" else to_document(stored.definition)
        return BotExport(version=stored.version, document=document)

    async def list_bots(self) -> list[BotSummary]:
        return await self._bots.summaries()

    async def delete_bot(self, bot: str) -> None:
        """Delete `bot` and announce it (`BotDeleted`): the logger and analytics drop its transcripts
        and statistics up to now, and the trainer its retired models and training snapshots.

        Announced first: should that fail, the bot is still there and deleting it again does the
        whole job. Deleted first, a failed announcement would leave its history for good, and the
        retry would answer 404. A bot that is not there is announced to nobody."""
        await self._bots.version(check_bot_name(bot))
        if self._publisher is not None:
            await self._publisher.publish(BotDeleted(bot=bot))
        await self._bots.delete(bot)
        self._definitions.forget(bot)
        log.info("bot.deleted", bot=bot)

    async def training_dataset(self, bot: str) -> NluDataset:
        """What the trainer learns from. A bot stored before saving refused one with nothing to
        learn is refused here, rather than queueing a job the trainer can only reject."""
        definition = (await self._definitions.current(check_bot_name(bot))).definition
        problem = next(untrainable(definition), None)
        if problem is not None:
            path, message = problem
            details = [{"path": path, "message": message}]
            raise InvalidInputError(f"bot {bot!r} cannot be trained: {message}", details=details)
        return to_dataset(definition)

    async def _parse(self, bot: BotDefinition, text: str, turn: ChatRequest) -> ParseResult:
        """The NLU's parse; a direct trigger needs none, and an untrained bot parses as fallback."""
        if direct_trigger(text, bot) is not None:
            return _unparsed(bot)
        try:
            parse = ParseRequest(
                bot=bot.name,
                text=text,
                correlation_id=turn.correlation_id,
                timezone=turn.timezone or bot.settings.timezone,
            )
            return await self._nlu.parse(parse)
        except NotTrainedError:
            log.info("turn.untrained", bot=bot.name)
            return _unparsed(bot)
        except NotFoundError as exc:  # the NLU lost something it should have: not the user's fault
            log.error("nlu.not_found", bot=bot.name, code=exc.code, error=str(exc))
            raise TransientError("the bot cannot read messages right now; please try again later") from exc

    async def _run_action(
        self,
        bot: BotDefinition,
        state: ConversationState,
        outcome: Outcome,
        pending: PendingAction,
        *,
        correlation_id: str | None = None,
        seconds_left: float | None,
    ) -> tuple[ConversationState, Outcome]:
        """Call the completed intent's webhook (or queue it: `mode: notify`), then render its replies;
        a webhook that declined the values (a 422) reopens the form (`completion.declined`).
        A call ends by the turn's deadline (`seconds_left`) if that comes before its own timeout."""
        conversation_id = state.conversation_id
        intent = bot.intent(pending.intent)
        action = intent.action if intent is not None else None
        if action is None:
            return state, finish(
                outcome, bot, None, failed=True, rng=self._rng, conversation_id=conversation_id
            )
        try:
            result = await self._send(
                bot,
                action,
                pending,
                conversation_id=conversation_id,
                correlation_id=correlation_id,
                seconds_left=seconds_left,
            )
        except (*WEBHOOK_FAILURES, TransientError) as exc:
            answer = exc.answer if isinstance(exc, WebhookDeclined) else None
            reopened = declined(state, outcome, bot, answer, rng=self._rng, conversation_id=conversation_id)
            fields = {"bot": bot.name, "intent": pending.intent, "conversation_id": conversation_id}
            if reopened is not None:
                log.info("webhook.declined", **fields, parameter=reopened[0].prompted)
                return reopened
            log.warning("webhook.failed", **fields, mode=action.mode, error=str(exc))
            failed = finish(outcome, bot, None, failed=True, rng=self._rng, conversation_id=conversation_id)
            return state, failed
        return state, finish(outcome, bot, result, rng=self._rng, conversation_id=conversation_id)

    async def _send(
        self,
        bot: BotDefinition,
        action: ActionDef,
        pending: PendingAction,
        *,
        conversation_id: str,
        correlation_id: str | None,
        seconds_left: float | None,
    ) -> object:
        """The webhook's answer (`call`), or `{}` once it is queued (`notify`)."""
        request = stamped(
            build_request(action, pending, bot=bot.name, conversation_id=conversation_id),
            bot=bot.name,
            conversation_id=conversation_id,
            key=pending.key,
            correlation_id=correlation_id,
        )
        if action.mode == "notify":
            if self._webhooks is not None:
                self._webhooks.check(request)  # as the notifier will send it, which shares its settings
            await self._queue(bot.name, pending.intent, request, conversation_id, correlation_id)
            return {}
        if seconds_left is not None:
            request = msgspec.structs.replace(request, timeout=min(request.timeout, seconds_left))
        return await self._call(request)

    async def _call(self, request: WebhookRequest) -> object:
        if self._webhooks is None:
            raise TransientError("this dialogue service calls no webhooks")
        return await self._webhooks.call(request)

    async def _queue(
        self,
        bot: str,
        intent: str,
        request: WebhookRequest,
        conversation_id: str,
        correlation_id: str | None,
    ) -> None:
        """Hand a `mode: notify` webhook to the notification worker; the turn does not wait for it."""
        if self._publisher is None:
            raise TransientError("this dialogue service has no queue for notifications")
        command = SendWebhook(
            bot=bot,
            intent=intent,
            conversation_id=conversation_id,
            method=request.method,
            url=request.url,
            headers=request.headers,
            params=request.params,
            form=request.form,
            body=None if request.body is None else request.body.decode(),
            timeout=request.timeout,
            correlation_id=correlation_id,
        )
        await self._publisher.publish(command)
        log.info("webhook.queued", bot=bot, intent=intent, message_id=command.message_id)


def _unparsed(bot: BotDefinition) -> ParseResult:
    return ParseResult(
        intent=IntentScore(name=bot.settings.fallback_intent, confidence=0.0), ranking=[], entities=[]
    )


def _reply(conversation_id: str, outcome: Outcome) -> ChatReply:
    return ChatReply(
        conversation_id=conversation_id,
        messages=outcome.messages,
        intent=outcome.intent,
        entities=outcome.entities,
        slots=outcome.slots,
        missing_slots=outcome.missing_slots,
        complete=outcome.complete,
        fallback=outcome.fallback,
        intent_source=outcome.intent_source,
    )


def _summary(definition: BotDefinition, version: int, updated_at: Any) -> BotSummary:
    return BotSummary(
        name=definition.name,
        version=version,
        intents=len(definition.intents),
        entities=len(definition.entities),
        updated_at=updated_at,
        description=definition.description,
        chat_access=definition.settings.chat_access,
    )


def _checked_text(text: str) -> str:
    if is_blank(text):
        raise InvalidInputError("text is empty", details=[{"path": "text", "message": "is empty"}])
    if len(text) > MAX_TEXT_CHARS:
        message = f"longer than {MAX_TEXT_CHARS} characters"
        raise InvalidInputError(f"text is {message}", details=[{"path": "text", "message": message}])
    return text


def _check_context(context: dict[str, Any]) -> None:
    if len(msgspec.json.encode(context)) > MAX_CONTEXT_BYTES:
        message = f"larger than {MAX_CONTEXT_BYTES} bytes encoded"
        raise InvalidInputError(f"context is {message}", details=[{"path": "context", "message": message}])


def _check_merged_context(stored: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The conversation's context with this turn's merged in, which must fit the same limit as one
    turn's (each turn may add keys, and the state is read and written on every turn)."""
    if not given:
        return stored
    merged = {**stored, **given}
    if len(msgspec.json.encode(merged)) > MAX_CONTEXT_BYTES:
        message = f"would make the conversation's context larger than {MAX_CONTEXT_BYTES} bytes encoded"
        raise InvalidInputError(f"context {message}", details=[{"path": "context", "message": message}])
    return merged


def _checked_conversation_id(conversation_id: str | None) -> str | None:
    if conversation_id is not None and not is_id(conversation_id):
        message = f"must be {ID_RULE}"
        raise InvalidInputError(
            f"conversation_id {message}", details=[{"path": "conversation_id", "message": message}]
        )
    return conversation_id


def _log_problems(bot: str, outcome: Outcome) -> None:
    for problem in outcome.problems:
        log.warning("template.failed", bot=bot, problem=problem)
