"""Gateway settings, read once from the environment in `main()`."""

from __future__ import annotations

from typing import Annotated

import msgspec


def _env(name: str) -> msgspec.Meta:
    return msgspec.Meta(extra={"env": name})


class GatewaySettings(msgspec.Struct, frozen=True, kw_only=True):
    host: Annotated[str, _env("PARLEY_HOST")] = "127.0.0.1"
    """Interface the gateway listens on."""
    port: Annotated[int, _env("PARLEY_PORT")] = 8000
    """Port the gateway listens on."""
    dialogue_url: Annotated[str, _env("DIALOGUE_URL")] = "http://127.0.0.1:8001"
    """Base URL of the dialogue service (not used in embedded mode)."""
    nlu_url: Annotated[str, _env("NLU_URL")] = "http://127.0.0.1:8002"
    """Base URL of the NLU service (not used in embedded mode)."""
    admin_token: Annotated[str | None, _env("PARLEY_ADMIN_TOKEN")] = None
    """The first admin API key. Unset: the embedded runner generates one and prints it once."""
    upstream_timeout_seconds: Annotated[float, _env("GATEWAY_UPSTREAM_TIMEOUT_SECONDS")] = 5.0
    """How long a turn may wait for dialogue and NLU before the user gets an error."""
    max_frame_bytes: Annotated[int, _env("GATEWAY_MAX_FRAME_BYTES")] = 16_384
    """Largest websocket frame or chat request body accepted, in bytes."""
    static_dir: Annotated[str | None, _env("GATEWAY_STATIC_DIR")] = None
    """Directory of the web frontend to serve at `/`; unset serves the built-in chat page."""
