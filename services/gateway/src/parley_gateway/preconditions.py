"""Conditional saves of a bot definition (RFC 9110 §13): a bot's version is its entity tag.

`ETag: "<version>"` on the export and on a save; a save with `If-Match: "<version>"` replaces only
that version, one with `If-None-Match: *` only creates. A weak tag (`W/"5"`, which proxies that
compress make of a strong one) and bare digits are read as the version too: the version names the
definition, not its bytes, so weak equality is all a client can mean.
"""

from __future__ import annotations

import re
from typing import Annotated

from litestar.params import HeaderParameter

from parley_runtime.errors import InvalidInputError

_TAG = re.compile(r'(?:W/)?(?:"([0-9]{1,18})"|([0-9]{1,18}))')
TAG_PATTERN = r'^(W/)?("[0-9]{1,18}"|[0-9]{1,18})$'

IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        description=(
            'Save only over this version of the bot (its `ETag`, as `"5"`); else 412 '
            "`precondition_failed` with `details.current_version`"
        ),
        schema_extra={"pattern": TAG_PATTERN},
    ),
]
IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-None-Match",
        description="`*`: create only; 412 `precondition_failed` if the bot exists",
        schema_extra={"enum": ["*"]},
    ),
]


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an `If-Match` names; None without the header; `InvalidInputError` if it names
    no version (`*` and lists of tags included: a save expects the one version its editor loaded)."""
    if if_match is None:
        return None
    found = _TAG.fullmatch(if_match.strip())
    if found is None:
        raise InvalidInputError(
            f'If-Match takes the version of the bot you loaded, as its ETag "5", not {if_match!r}',
            details={"header": "If-Match"},
        )
    return int(found[1] or found[2])


def create_only(if_none_match: str | None) -> bool:
    if if_none_match is None:
        return False
    if if_none_match.strip() != "*":
        raise InvalidInputError(
            f"If-None-Match takes only * (create the bot only if it does not exist), not {if_none_match!r}",
            details={"header": "If-None-Match"},
        )
    return True
