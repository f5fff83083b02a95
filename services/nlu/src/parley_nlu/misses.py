"""The utterances an assessment got wrong, worst first: what a bot author acts on.

An intent error is an utterance answered otherwise than its truth says, at the bot's fallback
threshold: with another intent, with the fallback although it has an intent, or (out of scope) with
an intent. An entity error is an utterance whose entities were missed or found where the truth has
none (of the types the truth annotates, as the scores count them).
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
import numpy as np

from parley_nlu.metrics import FALLBACK_LABEL, EntityKey, entity_misses
from parley_nlu.model import FALLBACK_INTENT


class IntentError(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    expected: str | None
    """The utterance's intent; None: out of scope (it should get the fallback)."""
    predicted: str
    """What the bot answers with at its threshold: an intent, or "fallback"."""
    top_intent: str
    """The intent ranked first, which the confidence sent to fallback when `predicted` is "fallback"."""
    confidence: float
    """The top intent's confidence."""


class EntitySpan(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    value: str
    """As scored: the normalised value as text, case-folded."""
    start: int
    end: int
    text: str
    """The words at `start:end`."""


class EntityError(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    missed: list[EntitySpan]
    """Expected and not found (a found one of the same type whose value differs is also spurious)."""
    spurious: list[EntitySpan]
    """Found where none was expected."""


def intent_errors(
    texts: Sequence[str],
    intents: Sequence[str],
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray],
    threshold: float,
) -> list[IntentError]:
    """`arrays`: truth (-1 out of scope), top intent and its confidence, one per text. Worst first:
    another intent answered, the most confident first; then in-scope utterances sent to fallback,
    the least confident first."""
    truth, top, confidence = arrays
    errors: list[IntentError] = []
    for text, want, got, sure in zip(texts, truth, top, confidence, strict=True):
        answered = int(got) if sure >= threshold else FALLBACK_LABEL
        if answered == want:
            continue
        errors.append(
            IntentError(
                text=text,
                expected=None if want == FALLBACK_LABEL else intents[int(want)],
                predicted=FALLBACK_INTENT if answered == FALLBACK_LABEL else intents[answered],
                top_intent=intents[int(got)],
                confidence=round(float(sure), 4),
            )
        )
    return sorted(errors, key=_badness)


def _badness(error: IntentError) -> tuple[int, float]:
    if error.predicted == FALLBACK_INTENT:
        return (1, error.confidence)
    return (0, -error.confidence)


def entity_errors(
    texts: Sequence[str], gold: Sequence[list[EntityKey]], found: Sequence[list[EntityKey]]
) -> list[EntityError]:
    """The utterances with a missed or spurious entity, those with the most first."""
    errors: list[EntityError] = []
    for text, expected, guessed in zip(texts, gold, found, strict=True):
        missed, spurious = entity_misses(expected, guessed)
        if missed or spurious:
            errors.append(
                EntityError(
                    text=text,
                    missed=[_span(text, key) for key in missed],
                    spurious=[_span(text, key) for key in spurious],
                )
            )
    return sorted(errors, key=lambda e: -(len(e.missed) + len(e.spurious)))


def _span(text: str, key: EntityKey) -> EntitySpan:
    entity, value, start, end = key
    return EntitySpan(entity=entity, value=value, start=start, end=end, text=text[start:end])
