"""Bot authors' regular expressions (entity and parameter `pattern`s), run by RE2.

Authors are not trusted, and their patterns run on what anonymous users type. Python's `re`
backtracks: `(a|a)*c` against 32 a's takes minutes, and blocks every turn's event loop meanwhile. RE2 matches
in time linear in the text whatever the pattern (decision 43), at the price of the features that
need backtracking: backreferences and lookarounds are refused when the bot is saved. Its `\\w`,
`\\d`, `\\s` and `\\b` are ASCII; `\\pL` (any letter) and `\\p{Greek}` name other scripts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

import re2

if TYPE_CHECKING:
    from re2 import _Regexp as Pattern  # pyright: ignore[reportPrivateUsage] - re2 names no public type

MAX_PATTERN_CHARS = 300
_UNSUPPORTED = (
    (re.compile(r"invalid perl operator: \(\?<?[=!]"), "lookarounds ((?=...), (?!...), (?<=...), (?<!...))"),
    (re.compile(r"invalid escape sequence: \\[1-9]"), "backreferences (\\1...\\9)"),
)
"""RE2's reasons for the features it leaves out on purpose, and what authors call them."""


def pattern_problem(source: str) -> str | None:
    """Why `source` may not be saved as a pattern, or None when it may."""
    if len(source) > MAX_PATTERN_CHARS:
        return f"longer than {MAX_PATTERN_CHARS} characters"
    try:
        _compile(source)
    except re2.error as exc:
        return _reason(exc)
    return None


def first_match(source: str, text: str, *, ignore_case: bool = False) -> str | None:
    """The leftmost match of pattern `source` in `text`, or None; `ignore_case` as in `matches_whole`."""
    pattern = _compiled(source, ignore_case=ignore_case)
    match = pattern.search(text) if pattern is not None else None
    return match.group() if match is not None else None


def matches_whole(source: str, text: str, *, ignore_case: bool = False) -> bool:
    """Whether pattern `source` matches all of `text`; `ignore_case` as the NLU reads an entity's
    pattern in what users say."""
    pattern = _compiled(source, ignore_case=ignore_case)
    return pattern is not None and pattern.fullmatch(text) is not None


@lru_cache(maxsize=1024)
def _compiled(source: str, *, ignore_case: bool = False) -> Pattern | None:
    """`source` compiled once; None for a pattern RE2 refuses (one saved before patterns ran on
    RE2 matches nothing; saving the bot again names the problem)."""
    try:
        return _compile(source, ignore_case=ignore_case)
    except re2.error:
        return None


def _compile(source: str, *, ignore_case: bool = False) -> Pattern:
    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.log_errors = False  # refusals are reported to the author, not to stderr
    return re2.compile(source, options)


def _reason(exc: re2.error) -> str:
    raw: object = exc.args[0] if exc.args else ""
    reason = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
    for refusal, feature in _UNSUPPORTED:
        if refusal.match(reason):
            return f"{feature} are not supported: patterns run on RE2, which matches in linear time"
    return f"not a regular expression RE2 can run: {reason}"
