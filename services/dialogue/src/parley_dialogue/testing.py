"""Test doubles of the dialogue ports: real classes, usable by any suite (no mocks).

`ScriptedNlu` answers each text with the parse scripted for it; `RecordingWebhooks` records
webhook requests and answers a fixed JSON document or fails (the next of `errors` first,
then `error`, if set).
"""

from __future__ import annotations

from typing import Any

from parley_dialogue.ports import WebhookRequest
from parley_messages import EntityValue, IntentScore, ParseRequest, ParseResult
from parley_runtime.errors import NotTrainedError


def parsed(intent: str, confidence: float = 0.95, *entities: tuple[str, Any]) -> ParseResult:
    """A parse of `intent` with entities given as (entity, value)."""
    values = [EntityValue(entity=e, value=v, start=0, end=len(str(v))) for e, v in entities]
    return ParseResult(intent=IntentScore(name=intent, confidence=confidence), ranking=[], entities=values)


class ScriptedNlu:
    """Unscripted text parses as `fallback` (0.1); `trained = False` raises `not_trained`."""

    def __init__(self) -> None:
        self.script: dict[str, ParseResult] = {}
        self.trained = True
        self.calls: list[ParseRequest] = []

    def says(self, text: str, result: ParseResult) -> None:
        self.script[text] = result

    async def parse(self, request: ParseRequest) -> ParseResult:
        self.calls.append(request)
        if not self.trained:
            raise NotTrainedError(f"bot {request.bot!r} has no trained model")
        return self.script.get(request.text, parsed("fallback", 0.1))


class RecordingWebhooks:
    def __init__(
        self, answer: Any = None, *, error: Exception | None = None, errors: list[Exception] | None = None
    ) -> None:
        self.answer = answer
        self.error = error
        self.errors = list(errors or [])
        self.requests: list[WebhookRequest] = []

    async def call(self, request: WebhookRequest) -> Any:
        self.requests.append(request)
        if self.errors:
            raise self.errors.pop(0)
        if self.error is not None:
            raise self.error
        return self.answer

    async def send(self, request: WebhookRequest) -> None:
        await self.call(request)

    def check(self, request: WebhookRequest) -> None:
        """Every request can go out."""
