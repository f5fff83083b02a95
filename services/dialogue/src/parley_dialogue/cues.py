"""Words that change how a reply in a form is read: a correction, a request to try again, a
question about what has been chosen so far, or nothing but values.

English, as the dialogue's built-in sentences are. They only widen what a reply may do where
the reply's values are already known (a correction still needs a value the NLU read), so a cue
read wrongly costs an acknowledged change, never a silent one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CORRECTION = re.compile(
    r"(?<!\w)(?:no|nope|not|actually|instead|rather|change|changed|make it|move it|switch|"
    r"i meant|i mean|correction|wrong)(?!\w)",
    re.IGNORECASE,
)
_AGAIN = re.compile(
    r"(?:please,?\s+)?(?:try(?:\s+(?:it|that))?\s+again|retry|again|one more time|try once more)"
    r"(?:,?\s+please)?",
    re.IGNORECASE,
)
_SO_FAR = re.compile(
    r"(?<!\w)(?:so far|up to now|what (?:have|did|do) i (?:\w+ )?(?:chose|chosen|choose|pick|picked"
    r"|order|ordered|select|selected|say|said|ask for|asked for))(?!\w)",
    re.IGNORECASE,
)
_RECAP = re.compile(r"(?:(?:a |the )?(?:recap|summary)|summari[sz]e)(?:,?\s+please)?", re.IGNORECASE)
_TRAILING = " \t\r\n.!?,"
_WORD = re.compile(r"\w+(?:'\w+)?")
_FILLER = frozenset(
    "at on for by around about the and then please pls ok okay um uh er maybe perhaps just say".split()  # noqa: SIM905
)


def corrects(reply: str) -> bool:
    """Whether `reply` says it changes something given before ("no, make it Tuesday", "change
    the day to Wednesday", "Tuesday instead")."""
    return _CORRECTION.search(reply) is not None


def asks_again(reply: str) -> bool:
    """Whether the whole of `reply` asks to try again ("try again", "Retry!", "again please"):
    a phrase inside a longer reply ("no, don't try again") is not such a request."""
    return _AGAIN.fullmatch(reply.strip(_TRAILING)) is not None


def asks_so_far(reply: str) -> bool:
    """Whether `reply` asks what has been chosen so far ("what have I chosen so far?", "what did I
    order?"), or is the whole of a request for a recap ("recap please", "summary?")."""
    return _SO_FAR.search(reply) is not None or _RECAP.fullmatch(reply.strip(_TRAILING)) is not None


def only_values(reply: str, spans: Iterable[tuple[int, int]]) -> bool:
    """Whether `reply` says nothing but the values at `spans` (start, end), besides words that
    carry no meaning of their own and punctuation ("at 10am", "saturday please", "on Tuesday.").
    "are you open Tuesday?" says more."""
    rest = list(reply)
    for start, end in spans:
        rest[start:end] = " " * (end - start)
    return all(word in _FILLER for word in _WORD.findall("".join(rest).casefold()))
