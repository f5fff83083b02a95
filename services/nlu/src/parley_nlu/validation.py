"""Checks on what clients send, before anything is encoded or looked up."""

from __future__ import annotations

from parley_messages import CONTROL_CHARACTER, MAX_TEXT_CHARS, is_blank
from parley_runtime.errors import InvalidInputError


def check_text(text: str) -> str:
    """`text` if an utterance can be parsed from it, else `InvalidInputError` saying why."""
    if is_blank(text):
        raise InvalidInputError("text is empty", details={"field": "text"})
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInputError(
            f"text is longer than {MAX_TEXT_CHARS} characters",
            details={"field": "text", "length": len(text), "max": MAX_TEXT_CHARS},
        )
    bad = CONTROL_CHARACTER.search(text)
    if bad is not None:
        raise InvalidInputError(
            "text contains control or binary characters",
            details={"field": "text", "position": bad.start(), "character": f"U+{ord(bad.group()):04X}"},
        )
    return text
