"""How the daily analytics documents keep intent and channel names as field names: written by the
analytics worker, read back by the gateway. One definition, so the writer and the reader agree.

A MongoDB field name cannot hold `.` (it is a path) nor start with `$`, so a name is escaped as in a
URL: `%` becomes `%25`, `.` `%2E`, `$` `%24`, NUL `%00` and a leading `_` `%5F`. Unescaping gives
the name back exactly, and no escaped name starts with `_`, so `_none` (turns without an intent, or
without a channel) is a key no name can have. The maps are `by_intent` and `by_channel`.

Before, the maps were `intents` and `channels`, written with `.` and `$` changed to `_`, a turn
without an intent counted as `none` and an empty name as `_`. Those maps are still read: a name
without `_` is the name itself; `none` in `intents` and `_` in either are taken for "no intent"
(or channel), though an intent named `none` was counted there too; and a name with `_` is kept as
it is, which may be a name with `.` or `$` in its place counted together with it. They are never
written again, so the two ways never meet in one map.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

NOTHING = "_none"
"""The key of turns without an intent (or channel). Intent ids start with a letter or digit, and
an escaped name never starts with `_`."""

INTENTS, CHANNELS = "by_intent", "by_channel"
"""The maps of turns per intent and per channel, keyed by escaped names."""

_ESCAPES = {"%": "%25", ".": "%2E", "$": "%24", "\0": "%00"}


def field_name(name: str | None) -> str:
    """`name` as a field name of the `by_intent` or `by_channel` map; `NOTHING` for none or ''."""
    if not name:
        return NOTHING
    escaped = "".join(_ESCAPES.get(char, char) for char in name)
    return "%5F" + escaped[1:] if escaped.startswith("_") else escaped


def name_of(field: str) -> str:
    """The name `field_name` made `field` from (`NOTHING` stays itself)."""
    return field if field == NOTHING else unquote(field)


def intent_counts(doc: Mapping[str, Any]) -> Counter[str]:
    """A document's turns per intent name, `NOTHING` for those without one."""
    return _counts(doc, INTENTS, legacy="intents", legacy_nothing=("none", "_"))


def channel_counts(doc: Mapping[str, Any]) -> Counter[str]:
    """A document's turns per channel name."""
    return _counts(doc, CHANNELS, legacy="channels", legacy_nothing=("_",))


def _counts(
    doc: Mapping[str, Any], current: str, *, legacy: str, legacy_nothing: tuple[str, ...]
) -> Counter[str]:
    counts: Counter[str] = Counter()
    for field, count in doc.get(current, {}).items():
        counts[name_of(field)] += count
    for field, count in doc.get(legacy, {}).items():
        counts[NOTHING if field in legacy_nothing else field] += count
    return counts
