"""The headers of conditional bot saves as the admin API documents them, and the export's entity
tags; `parley_runtime.preconditions` reads the version a native tag names (a bot's version is its
entity tag)."""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

from litestar.params import HeaderParameter

from parley_runtime.preconditions import etag, expected_version

ExportFormat = Literal["native", "acf"]
"""The formats `GET /bots/{bot}?format=` exports (an enum, not a pattern: `$` would let `acf\n` by)."""
_OTHER_FORMATS = "|".join(get_args(ExportFormat)[1:])
_FORMAT_TAG = re.compile(rf'(?:W/)?"([0-9]{{1,18}})-(?:{_OTHER_FORMATS})"')
TAG_PATTERN = rf'^(W/)?("[0-9]{{1,18}}(-({_OTHER_FORMATS}))?"|[0-9]{{1,18}})$'

IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        description=(
            'Save only over this version of the bot (the `ETag` of its export, as `"5"` or `"5-acf"`); '
            "else 412 `precondition_failed` with `details.current_version`"
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


def export_tag(version: int, export_format: ExportFormat) -> str:
    """The `ETag` of a bot's export: its version, with the format named after it for any format but
    the native one (`"5-acf"`). Two formats of one version are two representations, and a strong tag
    names one (RFC 9110 8.8.3); the native one keeps the plain version, which the save answers."""
    return etag(version) if export_format == "native" else f'"{version}-{export_format}"'


def saved_version(if_match: str | None) -> int | None:
    """The version an `If-Match` names: the tag of an export in any format (`"5"`, `"5-acf"`, weak
    or strong) says it, since each format of a version is current exactly while the bot is at that
    version; None without the header; `InvalidInputError` for anything else."""
    if if_match is not None and (found := _FORMAT_TAG.fullmatch(if_match.strip())):
        return int(found[1])
    return expected_version(if_match)
