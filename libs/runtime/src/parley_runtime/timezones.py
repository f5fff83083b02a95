"""The user's time zone, by which relative dates ("tomorrow") are read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from parley_runtime.errors import InvalidInputError


def check_timezone(name: str | None) -> ZoneInfo | None:
    """The IANA time zone `name` ("Europe/Paris"), else `InvalidInputError` (details: the field);
    None when no zone was given (dates are then read in UTC)."""
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: a path-like or malformed key
        raise InvalidInputError(
            f"unknown time zone {name[:64]!r}: use an IANA name such as 'Europe/Paris' or 'UTC'",
            details={"field": "timezone"},
        ) from None


def today_in(name: str | None) -> date:
    """Today's date where the user is (`name` checked as `check_timezone`); UTC without one."""
    return datetime.now(check_timezone(name) or UTC).date()
