"""The user's time zone, by which relative dates ("tomorrow") are read."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from importlib import resources
from zoneinfo import ZoneInfo

from parley_runtime.errors import InvalidInputError

_NOT_A_PLACE = frozenset({"Factory"})
"""Names the tz database lists that name no place: `Factory` is the zone of "not set yet" (`-00`)."""


@functools.cache
def iana_names() -> frozenset[str]:
    """The zone and link names of the tz database (the `tzdata` package's list, the same on every
    host), without `Factory`. `ZoneInfo` also loads any file under the host's zoneinfo directory:
    `localtime` (the server's own zone), `posixrules`, and the `posix/` and `right/` copies (the
    latter count leap seconds, so their clocks run 27 s off), none of which is a user's time zone."""
    listed = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    return frozenset(listed) - _NOT_A_PLACE


def check_timezone(name: str | None) -> ZoneInfo | None:
    """The IANA time zone `name` ("Europe/Paris"), else `InvalidInputError` (details: the field);
    None when no zone was given (dates are then read in UTC)."""
    if name is None:
        return None
    if name not in iana_names():
        raise InvalidInputError(
            f"unknown time zone {name[:64]!r}: use an IANA name such as 'Europe/Paris' or 'UTC'",
            details={"field": "timezone"},
        )
    return ZoneInfo(name)


def today_in(name: str | None) -> date:
    """Today's date where the user is (`name` checked as `check_timezone`); UTC without one."""
    return datetime.now(check_timezone(name) or UTC).date()
