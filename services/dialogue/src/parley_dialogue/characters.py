"""Characters a bot definition's text may not hold, wherever it holds text.

Control characters (but tabs and line breaks): the chat refuses a user's message that holds one
(`parley_nlu.validation`), so an example holding one could never be said and a reply would send
clients what they refuse from users.

Characters that make text show otherwise than it reads: bidirectional embeddings, overrides and
isolates (U+202A-U+202E, U+2066-U+2069), which reorder what follows them, so a reply, a button
or a template reads one way on screen and is another (Trojan Source, CVE-2021-42574); the
deprecated format characters U+206A-U+206F, which change mirroring, shaping and digits; the
interlinear annotation characters U+FFF9-U+FFFB, which hide or move text; and tag characters
(U+E0001, U+E0020-U+E007F), invisible text, except in an emoji's tag sequence (the flags of
England, Scotland, Wales). Allowed, because scripts and emoji need them and they reorder and hide
nothing: the joiners U+200C and U+200D (emoji sequences, Persian, Indic scripts), the direction
marks U+200E, U+200F and U+061C (they set the direction of neutral characters in right-to-left
text), the zero-width space and word joiner (line-breaking hints in Thai or Khmer), soft hyphens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any, cast

from parley_messages import CONTROL_CHARACTER

Problem = dict[str, str]

_CONTROL_RULE = "text may hold tabs and line breaks but no other control characters"
_EMOJI_TAGS = "\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"
_MISLEADING = re.compile(
    f"{_EMOJI_TAGS}|[\u202a-\u202e\u2066-\u2069\u206a-\u206f\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f]"
)
_WHY = {
    "bidirectional": (
        "which reorders how the text after it shows: bidirectional embeddings, overrides and"
        " isolates (U+202A-U+202E, U+2066-U+2069) are refused; the marks U+200E and U+200F set"
        " the direction of right-to-left text"
    ),
    "deprecated": "a deprecated format character (U+206A-U+206F), which changes how text shows",
    "annotation": "which hides or moves text (interlinear annotation, U+FFF9-U+FFFB)",
    "tag": "an invisible tag character, allowed only in an emoji's tag sequence (a flag)",
}


def with_refused_characters(problems: list[Problem], doc: dict[str, Any]) -> list[Problem]:
    """`problems`, and every text of `doc` that holds a refused character, where no other problem
    is (a name refused for its characters is not named twice)."""
    named = {problem["path"] for problem in problems}
    return problems + [problem for problem in _refused_characters(doc, "") if problem["path"] not in named]


def _refused_characters(value: object, path: str) -> Iterator[Problem]:
    if isinstance(value, str):
        message = _control(value) or _misleading(value)
        if message is not None:
            yield {"path": path or "$", "message": message}
    elif isinstance(value, dict):
        for key, item in cast(dict[Any, Any], value).items():
            yield from _refused_characters(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for n, item in enumerate(cast(list[Any], value)):
            yield from _refused_characters(item, f"{path}[{n}]")


def _control(text: str) -> str | None:
    found = CONTROL_CHARACTER.search(text)
    if found is None:
        return None
    character = f"U+{ord(found.group()):04X}"
    return f"holds the control character {character} (at character {found.start()}); {_CONTROL_RULE}"


def _misleading(text: str) -> str | None:
    found = next((m for m in _MISLEADING.finditer(text) if len(m.group()) == 1), None)
    if found is None:
        return None
    char = found.group()
    named = f"U+{ord(char):04X} {unicodedata.name(char, '').lower()}".rstrip()
    return f"holds {named} (at character {found.start()}), {_WHY[_kind(ord(char))]}"


def _kind(code: int) -> str:
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "bidirectional"
    if 0x206A <= code <= 0x206F:
        return "deprecated"
    if 0xFFF9 <= code <= 0xFFFB:
        return "annotation"
    return "tag"
