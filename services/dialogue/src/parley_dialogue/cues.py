"""Words that change how a reply in a form is read: a correction, a request to try again, or a
question about what has been chosen so far.

English, as the dialogue's built-in sentences are. They only widen what a reply may do where
the reply's values are already known (a correction still needs a value the NLU read), so a cue
read wrongly costs an acknowledged change, never a silent one.
"""

from __future__ import annotations

import re

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
