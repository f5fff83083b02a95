"""Held-out evaluation on a dataset's own examples: k-fold, stratified by intent.

The same out-of-fold predictions give the metrics, the softmax temperature (calibration) and the
similarity floor of the in-scope gate, so every number the model is tuned with was seen held out.
"""

from __future__ import annotations

import msgspec
import numpy as np

from parley_nlu.classifier import (
    DEFAULT_SIMILARITY_FLOOR,
    GATE_WIDTH,
    Floats,
    Labels,
    fit_logistic,
    fit_similarity_floor,
    fit_temperature,
    gate,
    softmax,
)

MAX_FOLDS = 5


class Evaluation(msgspec.Struct, frozen=True, kw_only=True):
    temperature: float = 1.0
    similarity_floor: float = DEFAULT_SIMILARITY_FLOOR
    metrics: dict[str, float] = {}


class _OutOfFold(msgspec.Struct, frozen=True):
    logits: Floats
    labels: Labels
    nearest: Floats


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


def evaluate(
    embeddings: Floats, labels: Labels, n_classes: int, *, threshold: float, regularisation: float = 10.0
) -> Evaluation:
    """Cross-validate, then calibrate on the held-out predictions and measure the calibrated model."""
    oof = _out_of_fold(embeddings, labels, n_classes, regularisation)
    if len(oof.labels) == 0:
        return Evaluation(metrics={"examples": float(len(labels)), "held_out": 0.0})
    temperature = fit_temperature(oof.logits, oof.labels)
    floor = fit_similarity_floor(oof.nearest)
    return Evaluation(
        temperature=temperature,
        similarity_floor=floor,
        metrics=_metrics(oof, temperature, floor, threshold) | {"examples": float(len(labels))},
    )


def _out_of_fold(embeddings: Floats, labels: Labels, n_classes: int, regularisation: float) -> _OutOfFold:
    folds = assign_folds(labels)
    logits: list[Floats] = []
    nearest: list[Floats] = []
    held: list[Labels] = []
    for fold in range(int(folds.max(initial=-1)) + 1):
        train, test = folds != fold, folds == fold
        weights, bias = fit_logistic(
            embeddings[train], labels[train], n_classes, regularisation=regularisation
        )
        logits.append(embeddings[test] @ weights + bias)
        nearest.append((embeddings[test] @ embeddings[train].T).max(axis=1))
        held.append(labels[test])
    if not held:
        empty = np.zeros((0, n_classes), dtype=np.float32)
        return _OutOfFold(empty, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
    return _OutOfFold(np.vstack(logits), np.concatenate(held), np.concatenate(nearest))


def _metrics(oof: _OutOfFold, temperature: float, floor: float, threshold: float) -> dict[str, float]:
    """`accuracy`: top intent right; `in_scope_accuracy`: right and confident (not sent to fallback)."""
    probabilities = softmax(oof.logits / temperature)
    scores = probabilities * gate(oof.nearest, floor, GATE_WIDTH)[:, None]
    right = probabilities.argmax(axis=1) == oof.labels
    kept = scores.max(axis=1) >= threshold
    return {
        "accuracy": float(right.mean()),
        "in_scope_accuracy": float((right & kept).mean()),
        "fallback_rate": float((~kept).mean()),
        "held_out": float(len(oof.labels)),
        "temperature": temperature,
        "similarity_floor": floor,
    }
