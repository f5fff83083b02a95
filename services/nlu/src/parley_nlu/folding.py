"""Text as matching sees it: without case or accents, with offsets back into the original."""

from __future__ import annotations

import re
import unicodedata

import msgspec

_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"\w+")
_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


class Word(msgspec.Struct, frozen=True):
    """A run of word characters of folded text, at `start`..`end` of the folded string."""

    text: str
    start: int
    end: int


def fold(text: str) -> tuple[str, list[int]]:
    """`text` without case or accents, and for each folded character the index it came from."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char):
            if unicodedata.combining(part):
                continue
            for folded in part.casefold():
                chars.append(folded)
                origin.append(index)
    return "".join(chars), origin


def surface_key(text: str) -> str:
    """How a synonym is looked up: folded, with single spaces between words, a hyphen between two
    words being one too ("e-bike" is "e bike", so either spelling finds the other)."""
    return _SPACES.sub(" ", _HYPHEN.sub(" ", fold(text)[0]).strip())


def words(folded: str) -> list[Word]:
    return [Word(m.group(), m.start(), m.end()) for m in _WORDS.finditer(folded)]


def original_span(origin: list[int], start: int, end: int) -> tuple[int, int]:
    """Offsets into the original text of folded characters `start`..`end`."""
    return origin[start], origin[end - 1] + 1
