"""What the ACF e2e modules share: a Parley whose webhooks may reach a local stub API, the stub,
and a thin client of the public API (admin import/train, REST chat).

These modules start their own embedded runner rather than the session one, because the webhook
settings (`PARLEY_WEBHOOK_ALLOW_NETWORKS`, `PARLEY_WEBHOOK_URL_REWRITES`) are read at start.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.e2e.stack import EmbeddedParley

ROOT = Path(__file__).resolve().parents[2]
ACF_EXAMPLES = ROOT / "services" / "dialogue" / "tests" / "acf_examples"
DEADLINE_SECONDS = 60.0


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class StubApi:
    """A local HTTP API: answers `answers[path]` (status, JSON) and records every request."""

    base_url: str = ""
    answers: dict[str, tuple[int, Any]] = field(default_factory=dict[str, tuple[int, Any]])
    received: list[Received] = field(default_factory=list[Received])

    def requests_to(self, path: str, where: Callable[[Received], bool] = lambda _: True) -> list[Received]:
        """The requests to `path` that satisfy `where`, waiting (with a deadline) for the first."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while True:
            found = [r for r in list(self.received) if r.path == path and where(r)]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.02)


@contextmanager
def stub_api() -> Iterator[StubApi]:
    stub = StubApi()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            stub.received.append(Received(self.command, parts.path, parse_qs(parts.query), headers, body))
            status, answer = stub.answers.get(parts.path, (404, {"error": "no such path"}))
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class Parley:
    """The public API, as a bot author (admin key) and a chat user (no key) use it."""

    def __init__(self, running: EmbeddedParley) -> None:
        self.api = f"{running.base_url}/api/v1"
        self.admin = running.admin

    def import_bot(self, bot: str, document: bytes) -> httpx.Response:
        headers = {**self.admin, "content-type": "application/json"}
        return httpx.post(f"{self.api}/bots/{bot}/import", content=document, headers=headers, timeout=30)

    def put_bot(self, bot: str, document: bytes, content_type: str = "application/yaml") -> httpx.Response:
        headers = {**self.admin, "content-type": content_type}
        return httpx.put(f"{self.api}/bots/{bot}", content=document, headers=headers, timeout=30)

    def train(self, bot: str) -> dict[str, Any]:
        """Train `bot` and wait (with a deadline) for the job to finish; the final job status."""
        started = httpx.post(f"{self.api}/bots/{bot}/train", headers=self.admin, timeout=30)
        assert started.status_code == 202, started.text
        job_url = f"{self.api}/bots/{bot}/train/{started.json()['job_id']}"
        deadline = time.monotonic() + 120
        while True:
            job = httpx.get(job_url, headers=self.admin, timeout=10).json()
            if job["status"] not in ("queued", "running") or time.monotonic() > deadline:
                return job
            time.sleep(0.1)

    def conversation(self, bot: str, context: dict[str, Any] | None = None) -> Callable[[str], Reply]:
        """A function sending one user text per call to the same conversation of `bot`."""
        conversation_id: list[str] = []

        def say(text: str) -> Reply:
            body: dict[str, Any] = {"text": text, "context": context or {}}
            if conversation_id:
                body["conversation_id"] = conversation_id[0]
            response = httpx.post(f"{self.api}/bots/{bot}/chat", json=body, timeout=30)
            assert response.status_code == 200, response.text
            reply = Reply(response.json())
            conversation_id[:1] = [reply.conversation_id]
            return reply

        return say


class Reply:
    """A `bot_message` body with shortcuts for what the tests look at."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.conversation_id: str = body["conversation_id"]
        self.texts: list[str] = [m["text"] for m in body["messages"]]
        self.intent: str | None = (body.get("intent") or {}).get("name")
        self.slots: dict[str, Any] = body["slots"]
        self.missing: list[str] = body["missing_slots"]
        self.complete: bool = body["complete"]
        self.buttons: list[dict[str, str]] = [b for m in body["messages"] for b in m.get("buttons", [])]

    def __repr__(self) -> str:
        return f"Reply({self.body!r})"
