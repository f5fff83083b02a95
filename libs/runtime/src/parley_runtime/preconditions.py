"""Conditional saves (RFC 9110 §13) of a versioned document, such as a bot's definition: its
version is its entity tag.

`ETag: "<version>"` answers a read or a save; a save with `If-Match: "<version>"` replaces only that
version, one with `If-None-Match: *` only creates. From clients, a weak tag (`W/"5"`, which proxies
that compress make of a strong one) and bare digits are read as the version too: the version names
the document, not its bytes, so weak equality is all a client can mean. Between services, where the
gateway sends what it read, only the strong form is (`exact`).
"""

from __future__ import annotations

import re

from parley_runtime.errors import InvalidInputError

_TAG = re.compile(r'(?:W/)?(?:"([0-9]{1,18})"|([0-9]{1,18}))')
_STRONG_TAG = re.compile(r'"([0-9]{1,18})"()')


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None, *, exact: bool = False) -> int | None:
    """The version an `If-Match` names; None without the header; `InvalidInputError` if it names
    no version (`*` and lists of tags included: a save expects the one version its editor loaded)."""
    if if_match is None:
        return None
    found = (_STRONG_TAG if exact else _TAG).fullmatch(if_match.strip())
    if found is None:
        raise InvalidInputError(
            f'If-Match takes the version of the bot you loaded, as its ETag "5", not {if_match!r}',
            details={"header": "If-Match"},
        )
    return int(found[1] or found[2])


def create_only(if_none_match: str | None) -> bool:
    """Whether `If-None-Match: *` asks to create only; `InvalidInputError` for any other value."""
    if if_none_match is None:
        return False
    if if_none_match.strip() != "*":
        raise InvalidInputError(
            f"If-None-Match takes only * (create the bot only if it does not exist), not {if_none_match!r}",
            details={"header": "If-None-Match"},
        )
    return True
