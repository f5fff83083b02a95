"""Settings of the embedded all-in-one runner."""

from __future__ import annotations

from typing import Annotated

import msgspec

from parley_runtime.settings import env


class EmbeddedSettings(msgspec.Struct, frozen=True, kw_only=True):
    host: Annotated[str, env("PARLEY_HOST")] = "127.0.0.1"
    """Interface the embedded runner listens on."""
    port: Annotated[int, env("PARLEY_PORT")] = 8000
    """Port the embedded runner listens on."""
    admin_token: Annotated[str | None, env("PARLEY_ADMIN_TOKEN")] = None
    """The first admin key; unset, one is generated and printed once at start."""
    demo: Annotated[bool, env("PARLEY_DEMO")] = True
    """Load and train the demo bot (`pizzeria`) at start when it is not there yet."""
    training_timeout_seconds: Annotated[float, env("PARLEY_DEMO_TRAINING_TIMEOUT_SECONDS")] = 180.0
    """How long start-up waits for the demo bot's first training."""
