"""Fixtures: the gateway app on the in-process infrastructure (Mongo emulation, fakeredis, memory
bus), with an in-memory dialogue service behind it (a real class implementing the ports)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import AsyncTestClient, TestClient

from parley_gateway.bootstrap import app_for, build_gateway
from parley_gateway.deps import Gateway
from parley_gateway.settings import GatewaySettings
from parley_messages import (
    BotSummary,
    ChatReply,
    ChatRequest,
    IntentScore,
    NluDataset,
    OutMessage,
    ParseRequest,
    ParseResult,
    WelcomeRequest,
    new_id,
    utc_now,
)
from parley_runtime.errors import NotFoundError, PreconditionFailedError
from parley_runtime.infra import Infra, InfraSettings, connect_infra

ADMIN = "admin-secret"


class Exported(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    document: dict[str, Any]


class InMemoryDialogue:
    """Bots as documents in a dict; a turn echoes the text. `hold` makes turns wait (timeouts).

    Passed as the parser as well: a parse always answers "echo", a retirement is only recorded.
    """

    def __init__(self) -> None:
        self.bots: dict[str, dict[str, Any]] = {}
        self.versions: dict[str, int] = {}
        """Each bot's version once saved here (a bot put into `bots` directly is at version 1)."""
        self.requests: list[ChatRequest] = []
        self.welcomes: list[WelcomeRequest] = []
        self.hold: Callable[[], Awaitable[None]] | None = None
        self.retired: list[str] = []
        self.forgotten: list[tuple[str, str]] = []
        """Conversations whose state was deleted (an erasure)."""

    def fail_next_turn(self, error: Exception) -> None:
        """Make the next turn raise `error`, as a dialogue restarting would; the ones after answer."""
        failures = [error]

        async def fail_once() -> None:
            if failures:
                raise failures.pop()

        self.hold = fail_once

    async def turn(self, request: ChatRequest) -> ChatReply:
        self._known(request.bot)
        self.requests.append(request)
        if self.hold is not None:
            await self.hold()
        return ChatReply(
            conversation_id=request.conversation_id or new_id(),
            messages=[OutMessage(text=f"you said {request.text}")],
            intent=IntentScore(name="echo", confidence=0.9),
        )

    async def welcome(self, request: WelcomeRequest) -> ChatReply | None:
        """Greets "welcome", or "welcome, NAME" when the context has a `username`."""
        self._known(request.bot)
        self.welcomes.append(request)
        name = request.context.get("username")
        text = "welcome" if name is None else f"welcome, {name}"
        return ChatReply(conversation_id=request.conversation_id, messages=[OutMessage(text=text)])

    async def forget_conversation(self, bot: str, conversation_id: str) -> None:
        self._known(bot)
        self.forgotten.append((bot, conversation_id))

    async def put_bot(
        self,
        bot: str,
        raw: bytes,
        content_type: str | None = None,
        *,
        expected_version: int | None = None,
        create_only: bool = False,
    ) -> BotSummary:
        """Counts versions across deletions, as the dialogue's store does; refuses as it does."""
        current = self.versions.get(bot, 1 if bot in self.bots else 0)
        live = current if bot in self.bots else None
        if (expected_version is not None and live != expected_version) or (create_only and live):
            message = f"bot {bot!r} is at version {live}, not {expected_version}"
            raise PreconditionFailedError(message, details={"current_version": live})
        self.bots[bot] = {"name": bot, **msgspec.json.decode(raw or b"{}")}
        self.versions[bot] = current + 1
        return self._summary(bot)

    async def get_bot(self, bot: str, export_format: str = "native") -> dict[str, Any]:
        return self._known(bot)

    async def export_bot(self, bot: str, export_format: str = "native") -> Exported:
        return Exported(version=self.versions.get(bot, 1), document=self._known(bot))

    async def list_bots(self) -> list[BotSummary]:
        return [self._summary(name) for name in sorted(self.bots)]

    async def delete_bot(self, bot: str) -> None:
        self._known(bot)
        del self.bots[bot]

    async def training_dataset(self, bot: str) -> NluDataset:
        self._known(bot)
        return NluDataset(bot=bot, intents=[])

    async def parse(self, request: ParseRequest) -> ParseResult:
        self._known(request.bot)
        intent = IntentScore(name="echo", confidence=0.9)
        return ParseResult(intent=intent, ranking=[intent], entities=[])

    async def retire_models(self, bot: str) -> None:
        self.retired.append(bot)

    def _known(self, bot: str) -> dict[str, Any]:
        if bot not in self.bots:
            raise NotFoundError(f"no bot named {bot!r}")
        return self.bots[bot]

    def _summary(self, bot: str) -> BotSummary:
        access = self.bots[bot].get("settings", {}).get("chat_access", "public")
        return BotSummary(
            name=bot,
            version=self.versions.get(bot, 1),
            intents=0,
            entities=0,
            updated_at=utc_now(),
            chat_access=access,
        )


@pytest.fixture
async def infra(tmp_path: Path) -> AsyncIterator[Infra]:
    infra = await connect_infra(InfraSettings(data_dir=str(tmp_path)))
    yield infra
    await infra.aclose()


@pytest.fixture
def dialogue() -> InMemoryDialogue:
    dialogue = InMemoryDialogue()
    dialogue.bots = {
        "pizzeria": {"name": "pizzeria"},
        "vault": {"name": "vault", "settings": {"chat_access": "key"}},
    }
    return dialogue


GatewayFactory = Callable[..., Awaitable[Gateway]]


@pytest.fixture
def make_gateway(infra: Infra, dialogue: InMemoryDialogue) -> GatewayFactory:
    """A gateway with `GatewaySettings` overrides as keywords."""

    async def make(**overrides: Any) -> Gateway:
        settings = GatewaySettings(admin_token=ADMIN, **overrides)
        return await build_gateway(infra, settings, dialogue=dialogue, parser=dialogue)

    return make


@pytest.fixture
async def gateway(make_gateway: GatewayFactory) -> Gateway:
    return await make_gateway()


@pytest.fixture
def app(gateway: Gateway, infra: Infra) -> Litestar:
    return app_for(gateway, infra)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app) as client:
        yield client


@pytest.fixture
def sync_client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    """Litestar's synchronous test client on the app, which the websocket tests talk through."""
    with TestClient(app) as client:
        yield client


@pytest.fixture
def admin() -> dict[str, str]:
    """Headers with the bootstrap admin key."""
    return {"authorization": f"Bearer {ADMIN}"}


@pytest.fixture
def new_key(client: AsyncTestClient[Litestar], admin: dict[str, str]) -> Callable[..., Awaitable[str]]:
    """Create a key through the API (`await new_key(scopes=[...], ...)`); its secret."""

    async def create(**body: Any) -> str:
        response = await client.post("/api/v1/keys", headers=admin, json={"name": "test", **body})
        assert response.status_code == 201, response.text
        return str(response.json()["key"])

    return create


async def sent_over_asgi(
    app: Litestar, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes = b""
) -> list[dict[str, Any]]:
    """The ASGI messages `app` sends for one request, made exactly as given: the test client would
    drop a HEAD's body and join a header given twice into one line, as a server does not."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
        "state": {},
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # pyright: ignore[reportArgumentType]
    return sent


def refused_websocket(client: Any, url: str) -> tuple[dict[str, Any], int]:
    """A websocket to `url` that the gateway refuses: the error frame it sends, and the close code."""
    with client.websocket_connect(url) as ws:
        error = ws.receive_json()
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    return error, closed.value.code
