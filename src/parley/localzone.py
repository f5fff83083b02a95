"""This machine's IANA time zone, which `parley chat` sends with each message (as the chat widget
sends the browser's), so that "tomorrow" is read where the author is rather than in UTC.

Looked for as the C library finds it (`tzlocal` is not a dependency): `TZ` (`Europe/Berlin`,
`:Europe/Berlin` or a path into a zoneinfo directory) if it is set, else what `/etc/localtime`
links to, else `/etc/timezone` (Debian's). Only a name the tz database lists is sent; a POSIX rule
(`CET-1CEST`) is none, and the chat then goes without one (UTC), as before.
"""

from __future__ import annotations

import os
from pathlib import Path

from parley_runtime.timezones import iana_names

LOCALTIME = Path("/etc/localtime")
TIMEZONE_FILE = Path("/etc/timezone")
_ZONEINFO = "zoneinfo/"


def local_zone() -> str | None:
    """The zone the first of the places above names, if the tz database lists it; None otherwise.
    A `TZ` that is set decides alone, as it does for the C library."""
    if "TZ" in os.environ:
        return _listed(_from_tz(os.environ["TZ"]))
    return _listed(_linked(LOCALTIME)) or _listed(_written(TIMEZONE_FILE))


def _listed(name: str | None) -> str | None:
    return name if name and name in iana_names() else None


def _from_tz(value: str) -> str:
    value = value.removeprefix(":")
    return value.rpartition(_ZONEINFO)[2] if _ZONEINFO in value else value


def _linked(path: Path) -> str | None:
    try:
        target = str(path.readlink())
    except OSError:  # not a link (a copy of the zone's file), or no such file
        return None
    return target.rpartition(_ZONEINFO)[2] if _ZONEINFO in target else None


def _written(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
