"""Settings of the transcript archive and retention (`parley transcripts archive`)."""

from __future__ import annotations

from typing import Annotated

import msgspec


class LoggerSettings(msgspec.Struct, frozen=True, kw_only=True):
    retention_days: Annotated[
        Annotated[int, msgspec.Meta(ge=1)] | None, msgspec.Meta(extra={"env": "LOGGER_RETENTION_DAYS"})
    ] = None
    """Delete stored turns this many days old once they are archived to blob storage; unset keeps them."""
