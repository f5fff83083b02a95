"""The headers of conditional bot saves as the admin API documents them; `parley_runtime.preconditions`
reads them (a bot's version is its entity tag)."""

from __future__ import annotations

from typing import Annotated

from litestar.params import HeaderParameter

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
