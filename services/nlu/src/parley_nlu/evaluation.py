"""Held-out evaluation on a dataset's own examples, and the calibration it feeds.

Two kinds of held-out predictions are made, and every number the model is tuned with comes from them:

- k-fold, stratified by intent: each example predicted by a regression that never saw it. These give
  the in-scope metrics and the softmax temperature;
- leave intents out: the intents are split into groups, and each group's examples are predicted by a
  regression trained on the other intents only. They stand for utterances that belong to no intent
  (the hard kind: same domain, similar words) and give the out-of-scope recall.

The k-fold ones also choose the wording weight of the ranking (`choose_wording_weight`). Both
together fit the confidence weights (`classifier.fit_in_scope`). Five folds and five groups:
ten of each (closer to the final model, at twice the fits) scored the same in nested
cross-validation on our benchmark's training split (in-scope accuracy / unseen-intent recall at the
0.5 threshold: ten 82.8% / 86.0%, five 83.6% / 85.1%).
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
import numpy as np
import numpy.typing as npt

from parley_nlu.classifier import (
    REGULARISATION,
    Floats,
    InScopeWeights,
    Labels,
    confidence_of,
    fit_in_scope,
    fit_logistic,
    fit_temperature,
    top_intent,
    worded,
)
from parley_nlu.distance import all_distances, fit_centroids, fit_whitening
from parley_nlu.metrics import intent_report
from parley_nlu.wording import Wording

MAX_FOLDS = 5
MAX_LEFT_OUT_GROUPS = 5
WORDING_WEIGHTS = (0.0, 1.0, 2.0, 4.0)
"""The wording weights a bot's k-fold accuracy chooses among (`classifier.worded`)."""
OUTSIDE = -1
"""The label of a held-out prediction whose true intent was left out of training."""


Mask = npt.NDArray[np.bool_]


class HeldOut(msgspec.Struct, frozen=True, kw_only=True):
    """Held-out predictions, one per row: k-fold ones, then those of left-out intents (label -1)."""

    examples: Labels
    labels: Labels
    predicted: Labels
    confidence: Floats


class Evaluation(msgspec.Struct, frozen=True, kw_only=True):
    temperature: float = 1.0
    wording_weight: float = 0.0
    in_scope: InScopeWeights = msgspec.field(default_factory=InScopeWeights)
    metrics: dict[str, float] = {}
    held_out: HeldOut | None = None


class _Raw(msgspec.Struct, frozen=True):
    examples: Labels
    logits: Floats
    labels: Labels
    distances: Floats
    """To every intent's centroid, as the held-out regression's training set defines them."""
    novelties: Floats
    """Of the wording for every intent, as the held-out regression's training set defines them."""


def assign_folds(labels: Labels, *, seed: int = 0) -> Labels:
    """A fold per example (-1: always trained on); an intent with one example is never held out."""
    counts = np.bincount(labels)
    folds = np.full(len(labels), -1, dtype=np.int64)
    k = min(MAX_FOLDS, int(counts.max(initial=0)))
    if k < 2:
        return folds
    rng = np.random.default_rng(seed)
    for label in np.flatnonzero(counts >= 2):
        members = rng.permutation(np.flatnonzero(labels == label))
        folds[members] = np.arange(len(members)) % k
    return folds


def assign_groups(n_classes: int, *, seed: int = 0) -> Labels:
    """A left-out group per intent; none (all -1) when there are fewer than 3 intents."""
    if n_classes < 3:
        return np.full(n_classes, -1, dtype=np.int64)
    groups = min(MAX_LEFT_OUT_GROUPS, n_classes)
    order = np.random.default_rng(seed).permutation(n_classes)
    assigned = np.empty(n_classes, dtype=np.int64)
    assigned[order] = np.arange(n_classes) % groups
    return assigned


def evaluate(
    embeddings: Floats,
    texts: Sequence[str],
    labels: Labels,
    n_classes: int,
    *,
    threshold: float,
    regularisation: float = REGULARISATION,
) -> Evaluation:
    """Cross-validate, calibrate on the held-out predictions, and measure the calibrated model."""
    data = _Data(embeddings, list(texts), labels, n_classes, regularisation)
    inside = _k_fold(data)
    if len(inside.labels) == 0:
        return Evaluation(metrics={"examples": float(len(labels)), "held_out": 0.0})
    outside = _left_out(data)
    weight = choose_wording_weight(inside.logits, inside.novelties, inside.labels)
    temperature = fit_temperature(worded(inside.logits, inside.novelties, weight), inside.labels)
    top_in, predicted_in, distance_in, novelty_in = _top(inside, weight)
    top_out, predicted_out, distance_out, novelty_out = _top(outside, weight)
    right = np.concatenate([predicted_in == inside.labels, np.zeros(len(top_out), dtype=bool)])
    is_outside = np.concatenate([np.zeros(len(top_in), dtype=bool), np.ones(len(top_out), dtype=bool)])
    distance = np.concatenate([distance_in, distance_out])
    novelty = np.concatenate([novelty_in, novelty_out])
    in_scope = fit_in_scope(np.concatenate([top_in, top_out]), distance, novelty, right, is_outside)
    held_out = HeldOut(
        examples=np.concatenate([inside.examples, outside.examples]),
        labels=np.concatenate([inside.labels, np.full(len(top_out), OUTSIDE, dtype=np.int64)]),
        predicted=np.concatenate([predicted_in, predicted_out]),
        confidence=confidence_of(np.concatenate([top_in, top_out]), distance, novelty, in_scope),
    )
    metrics = held_out_metrics(held_out, n_classes, threshold) | {
        "threshold": threshold,
        "examples": float(len(labels)),
        "temperature": round(temperature, 4),
        "wording_weight": weight,
    }
    return Evaluation(
        temperature=temperature, wording_weight=weight, in_scope=in_scope, metrics=metrics, held_out=held_out
    )


def choose_wording_weight(logits: Floats, novelties: Floats, labels: Labels) -> float:
    """The `WORDING_WEIGHTS` entry whose held-out predictions are right most often (the smallest
    among equals)."""
    right = [int((worded(logits, novelties, w).argmax(axis=1) == labels).sum()) for w in WORDING_WEIGHTS]
    return WORDING_WEIGHTS[right.index(max(right))]


def held_out_metrics(held_out: HeldOut, n_classes: int, threshold: float) -> dict[str, float]:
    """`accuracy`: top intent right; `in_scope_accuracy`: right and not sent to fallback;
    `oos_recall`: left-out intents' examples sent to fallback; `quality`: what training compares."""
    inside = held_out.labels != OUTSIDE
    kept = held_out.confidence >= threshold
    right = held_out.predicted == held_out.labels
    predicted = np.where(kept, held_out.predicted, OUTSIDE)
    report = intent_report(held_out.labels[inside], predicted[inside], n_classes)
    metrics = {
        "accuracy": float(right[inside].mean()),
        "in_scope_accuracy": float((right & kept)[inside].mean()),
        "fallback_rate": float((~kept)[inside].mean()),
        "macro_f1": report.macro_f1,
        "held_out": float(inside.sum()),
    }
    if (~inside).any():
        metrics["oos_recall"] = float((~kept)[~inside].mean())
        metrics["left_out"] = float((~inside).sum())
    metrics["quality"] = (
        metrics["in_scope_accuracy"] + metrics.get("oos_recall", metrics["in_scope_accuracy"])
    ) / 2
    return metrics


def _top(raw: _Raw, weight: float) -> tuple[Floats, Labels, Floats, Floats]:
    """The top intent with the wording at `weight`: its probability (before temperature scaling,
    which the confidence does not use), the intent, and the distance and novelty for it."""
    if len(raw.labels) == 0:
        none = np.zeros(0, dtype=np.float32)
        return none, np.zeros(0, dtype=np.int64), none, none
    _, probability, top, novelty = top_intent(raw.logits, raw.novelties, weight)
    return probability, top, raw.distances[np.arange(len(top)), top], novelty


class _Data(msgspec.Struct, frozen=True):
    """The examples being cross-validated, and the regression's strength."""

    embeddings: Floats
    texts: list[str]
    labels: Labels
    n_classes: int
    regularisation: float


def _k_fold(data: _Data) -> _Raw:
    folds = assign_folds(data.labels)
    parts = [_predict(data, folds != fold, folds == fold) for fold in range(int(folds.max(initial=-1)) + 1)]
    return _concat(parts, data.n_classes)


def _left_out(data: _Data) -> _Raw:
    example_groups = assign_groups(data.n_classes)[data.labels]
    parts = [
        _predict(data, example_groups != group, example_groups == group)
        for group in range(int(example_groups.max(initial=-1)) + 1)
    ]
    return _concat(parts, data.n_classes)


def _predict(data: _Data, train: Mask, test: Mask) -> _Raw:
    embeddings, labels = data.embeddings[train], data.labels[train]
    weights, bias = fit_logistic(embeddings, labels, data.n_classes, regularisation=data.regularisation)
    logits = data.embeddings[test] @ weights + bias
    centroids = fit_centroids(embeddings, labels, data.n_classes)
    whitening = fit_whitening(embeddings, labels, centroids)
    distance = all_distances(data.embeddings[test], centroids, whitening)
    wording = Wording.fit([data.texts[i] for i in np.flatnonzero(train)], labels, data.n_classes)
    novelties = wording.novelties([data.texts[i] for i in np.flatnonzero(test)])
    return _Raw(np.flatnonzero(test), logits, data.labels[test], distance, novelties)


def _concat(parts: list[_Raw], n_classes: int) -> _Raw:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        none = np.zeros((0, n_classes), dtype=np.float32)
        return _Raw(empty, none, empty, none, none)
    return _Raw(
        np.concatenate([p.examples for p in parts]),
        np.vstack([p.logits for p in parts]),
        np.concatenate([p.labels for p in parts]),
        np.vstack([p.distances for p in parts]),
        np.vstack([p.novelties for p in parts]),
    )
