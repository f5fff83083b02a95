"""Checks on what clients send, before anything is encoded or looked up."""

from __future__ import annotations

import re

from parley_messages import MAX_TEXT_CHARS, is_blank
from parley_runtime.errors import InvalidInputError

# C0 and C1 controls except tab, newline and carriage return; DEL; lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def check_text(text: str) -> str:
    """`text` if an utterance can be parsed from it, else `InvalidInputError` saying why."""
    if is_blank(text):
        raise InvalidInputError("text is empty", details={"field": "text"})
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInputError(
            f"text is longer than {MAX_TEXT_CHARS} characters",
            details={"field": "text", "length": len(text), "max": MAX_TEXT_CHARS},
        )
    bad = _CONTROL.search(text)
    if bad is not None:
        raise InvalidInputError(
            "text contains control or binary characters",
            details={"field": "text", "position": bad.start(), "character": f"U+{ord(bad.group()):04X}"},
        )
    return text
