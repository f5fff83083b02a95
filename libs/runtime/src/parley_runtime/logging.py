"""structlog configuration: JSON lines when not on a terminal, readable console output when on one."""

from __future__ import annotations

import logging
import sys

import structlog


def configure_logging(level: str = "INFO", *, json: bool | None = None) -> None:
    """Configure structlog and the standard library once, from an entry point."""
    structlog.configure(
        processors=_processors(json),
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level.upper()]),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=level.upper(), stream=sys.stderr, format="%(name)s %(levelname)s %(message)s")


def early_logger() -> structlog.typing.FilteringBoundLogger:
    """A log for what a process says before `configure_logging`, while it checks its settings: the
    configured one if there is one, else one writing as `configure_logging` would (JSON lines to
    stderr when it is not a terminal), at INFO, since the level is one of those settings."""
    if structlog.is_configured():
        return structlog.get_logger()
    return structlog.wrap_logger(
        structlog.PrintLogger(sys.stderr),
        processors=_processors(None),
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
    )


def _processors(json: bool | None) -> list[structlog.types.Processor]:
    json = not sys.stderr.isatty() if json is None else json
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    )
    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        renderer,
    ]
