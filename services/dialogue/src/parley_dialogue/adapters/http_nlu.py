"""The NLU port over HTTP (`POST /v1/parse` on the NLU service)."""

from __future__ import annotations

from parley_messages import ParseRequest, ParseResult
from parley_runtime.http import JsonClient


class HttpNlu:
    def __init__(self, client: JsonClient) -> None:
        self._client = client

    async def parse(self, request: ParseRequest) -> ParseResult:
        return await self._client.call("POST", "/v1/parse", ParseResult, body=request, idempotent=True)
