"""What the dialogue service needs from the outside world. Only `bootstrap.py` picks adapters."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol

import msgspec

from parley_dialogue.conversation import ConversationState
from parley_dialogue.definition import BotDefinition
from parley_messages import BotSummary, Message, ParseRequest, ParseResult


class StoredBot(msgspec.Struct, frozen=True, kw_only=True):
    definition: BotDefinition
    version: int
    updated_at: datetime
    retired_through: int = 0
    """The last version of a bot of this name that was deleted (0: none was). Conversations saved
    under it or an earlier version are that bot's: a bot created again under the name starts them
    afresh instead of resuming its predecessor's half-filled forms."""

    def continued(self, state: ConversationState | None) -> ConversationState | None:
        """`state` if this bot saved it; None if there is none or a deleted predecessor saved it."""
        if state is None or (self.retired_through and state.bot_version <= self.retired_through):
            return None
        return state


class Nlu(Protocol):
    async def parse(self, request: ParseRequest) -> ParseResult:
        """Intent ranking and entities; `NotFoundError` with code `not_trained` before training."""
        ...


class BotStore(Protocol):
    async def save(
        self, definition: BotDefinition, *, expected_version: int | None = None, create_only: bool = False
    ) -> StoredBot:
        """Create or replace; every save increments the version. With `expected_version`, only a
        live bot at that version is replaced; with `create_only`, only a name no live bot holds is
        saved; else `PreconditionFailedError`, and nothing is written. Checked atomically."""
        ...

    async def get(self, bot: str) -> StoredBot:
        """The stored bot; `NotFoundError` if there is none."""
        ...

    async def version(self, bot: str) -> int:
        """The current version only (cheap); `NotFoundError` if there is no such bot."""
        ...

    async def summaries(self) -> list[BotSummary]:
        """Every bot, sorted by name."""
        ...

    async def delete(self, bot: str) -> None:
        """Remove `bot`; `NotFoundError` if there is none."""
        ...


class ConversationStore(Protocol):
    def turn_lock(
        self, bot: str, conversation_id: str, *, wait_seconds: float | None = None
    ) -> AbstractAsyncContextManager[None]:
        """Hold the conversation while one turn runs: turns of one conversation never overlap,
        whichever replica serves them. A turn waits for a held conversation up to the store's own
        limit, or `wait_seconds` if that is shorter, then fails as busy (`TransientError`)."""
        ...

    async def load(self, bot: str, conversation_id: str) -> ConversationState | None: ...

    async def save(self, state: ConversationState) -> None:
        """Store `state` (restarting its time-to-live)."""
        ...

    async def forget(self, bot: str, conversation_id: str) -> bool:
        """Delete the conversation's state (an erasure); whether there was one."""
        ...


class WebhookRequest(msgspec.Struct, frozen=True, kw_only=True):
    method: str
    url: str
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    form: dict[str, str] = {}
    body: bytes | None = None
    timeout: float = 5.0


class WebhookCaller(Protocol):
    async def call(self, request: WebhookRequest) -> Any:
        """The decoded JSON answer. `WebhookError` when trying again may succeed, `WebhookRefused`
        when it cannot (refused destination, 4xx answer): `WebhookDeclined`, with the answer's
        JSON, for a 422 that has some."""
        ...

    async def send(self, request: WebhookRequest) -> None:
        """Deliver without reading the answer (any 2xx succeeds); errors as for `call`."""
        ...

    def check(self, request: WebhookRequest) -> None:
        """`WebhookRefused` when `request` could not go out as it stands (a secret it names is not
        configured, or not for its host): a notification is checked before it is queued, since the
        user is told it went and only the notification worker would find out otherwise."""
        ...


class Publisher(Protocol):
    async def publish(self, message: Message) -> None:
        """Send `message` to the queues the routing table lists for it; `TransientError` on failure."""
        ...


class SentNotifications(Protocol):
    """Which notifications were sent or are being sent: a redelivered message is not sent twice."""

    async def claim(self, message_id: str) -> bool:
        """True when this delivery may send: no other delivery of the message sent it or is
        sending it now. A claim lapses on its own, so a crashed sender's message is sent again."""
        ...

    async def mark_sent(self, message_id: str) -> None: ...

    async def release(self, message_id: str) -> None:
        """Give a claim up after a failed attempt, so that the retry may send."""
        ...
