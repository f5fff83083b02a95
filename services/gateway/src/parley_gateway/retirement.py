"""Retiring a deleted bot's models: the NLU stops serving them (its registry and every replica's
cache), so that a bot created again under the same name starts untrained."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from parley_gateway.deps import Gateway
from parley_runtime.http import JsonClient


@runtime_checkable
class ModelRetirement(Protocol):
    async def retire_models(self, bot: str) -> None:
        """Stop serving every model of `bot`; idempotent."""
        ...


class HttpModelRetirement:
    """`ModelRetirement` over the NLU service's HTTP API (`DELETE /v1/bots/{bot}/models`).

    A client per call: bots are deleted seldom, and the turn path's pool stays the parser's.
    """

    def __init__(self, base_url: str, *, timeout: float) -> None:
        self._base_url = base_url
        self._timeout = timeout

    async def retire_models(self, bot: str) -> None:
        client = JsonClient(self._base_url, timeout=self._timeout)
        try:
            await client.call("DELETE", f"/v1/bots/{bot}/models", type(None), idempotent=True)
        finally:
            await client.aclose()


def model_retirement(gateway: Gateway) -> ModelRetirement:
    """The NLU service itself when the gateway calls it in process (embedded mode), else its HTTP API."""
    if isinstance(gateway.parser, ModelRetirement):
        return gateway.parser
    return HttpModelRetirement(gateway.settings.nlu_url, timeout=gateway.settings.upstream_timeout_seconds)
