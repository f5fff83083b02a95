"""Scores of predictions against the truth: per-intent precision/recall/F1, confusions, entity F1.

Pure functions on label arrays and entity tuples, shared by training and `parley_nlu.evaluate`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import msgspec
import numpy as np
import numpy.typing as npt

Labels = npt.NDArray[np.int64]
FALLBACK_LABEL = -1
"""A prediction of no intent (fallback), or the truth of an out-of-scope utterance."""


class IntentScores(msgspec.Struct, frozen=True, kw_only=True):
    precision: float
    """0 when nothing was `predicted` as the intent (then it has no precision)."""
    recall: float
    """0 when the intent has no `support` (then it has no recall)."""
    f1: float
    support: int
    predicted: int = 0


class Confusion(msgspec.Struct, frozen=True, kw_only=True):
    """`count` utterances of intent `truth` were predicted as `predicted`."""

    truth: int
    predicted: int
    count: int


class IntentReport(msgspec.Struct, frozen=True, kw_only=True):
    per_intent: list[IntentScores]
    macro_f1: float
    confusions: list[Confusion]


class EntityScores(msgspec.Struct, frozen=True, kw_only=True):
    precision: float
    recall: float
    f1: float
    expected: int
    found: int
    matched: int


def intent_report(labels: Labels, predicted: Labels, n_classes: int) -> IntentReport:
    """Per-intent scores of in-scope `labels`; a fallback prediction is a miss, not a class."""
    per_intent: list[IntentScores] = []
    for label in range(n_classes):
        truth, guess = labels == label, predicted == label
        hits = int((truth & guess).sum())
        per_intent.append(_scores(hits, int(guess.sum()), int(truth.sum())))
    supported = [s.f1 for s in per_intent if s.support]
    pairs = Counter(
        (int(t), int(p)) for t, p in zip(labels, predicted, strict=True) if p not in (t, FALLBACK_LABEL)
    )
    confusions = [Confusion(truth=t, predicted=p, count=n) for (t, p), n in pairs.most_common()]
    return IntentReport(
        per_intent=per_intent,
        macro_f1=float(np.mean(supported)) if supported else 0.0,
        confusions=confusions,
    )


def _scores(hits: int, guessed: int, expected: int) -> IntentScores:
    precision = hits / guessed if guessed else 0.0
    recall = hits / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return IntentScores(precision=precision, recall=recall, f1=f1, support=expected, predicted=guessed)


EntityKey = tuple[str, str, int, int]
"""An entity as scored: type, normalised value (as text, case-folded), start, end."""


def entity_scores(expected: Iterable[list[EntityKey]], found: Iterable[list[EntityKey]]) -> EntityScores:
    """Micro precision/recall/F1 over utterances: a found entity matches an expected one of the same
    type and value whose span it overlaps (each expected entity matches at most once)."""
    n_expected = n_found = matched = 0
    for gold, guess in zip(expected, found, strict=True):
        n_expected += len(gold)
        n_found += len(guess)
        matched += len(guess) - len(entity_misses(gold, guess)[1])
    precision = matched / n_found if n_found else 1.0
    recall = matched / n_expected if n_expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return EntityScores(
        precision=precision, recall=recall, f1=f1, expected=n_expected, found=n_found, matched=matched
    )


def entity_misses(gold: list[EntityKey], guess: list[EntityKey]) -> tuple[list[EntityKey], list[EntityKey]]:
    """What `entity_scores` counts against one utterance: the expected entities nothing found
    (missed), and the found ones that match none (spurious), each in its list's order."""
    missed = list(gold)
    spurious: list[EntityKey] = []
    for key in guess:
        entity, value, start, end = key
        match = next(
            (
                i
                for i, (e, v, s, t) in enumerate(missed)
                if (e, v) == (entity, value) and start < t and s < end
            ),
            None,
        )
        if match is None:
            spurious.append(key)
        else:
            del missed[match]
    return missed, spurious


def entity_key(entity: str, value: object, start: int, end: int) -> EntityKey:
    return (entity, str(value).casefold(), start, end)
