"""Intent classification on sentence embeddings: pure numpy at inference, scikit-learn only to fit.

The score of intent k for an utterance x is

    P(in scope | x) * P(k | x, in scope)

- P(k | x, in scope) is a multinomial logistic regression on the unit-length embedding, with a
  temperature fitted on held-out predictions so that its confidences are calibrated;
- P(in scope | x) is a smooth gate on the cosine similarity of x to its nearest training example:
  a softmax always sums to 1, even for gibberish, so it alone cannot say "none of these".

The scores of all intents therefore sum to P(in scope); what is left is the out-of-scope mass.
"""

from __future__ import annotations

from typing import Any

import msgspec
import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float32]
Labels = npt.NDArray[np.int64]

DEFAULT_SIMILARITY_FLOOR = 0.35
"""Cosine to the nearest example below which an utterance is more likely out of scope than in."""
GATE_WIDTH = 0.05
"""How soft the in-scope gate is: similarity floor ± 2 widths spans gate values 0.12 .. 0.88."""


class ClassifierParams(msgspec.Struct, frozen=True, kw_only=True):
    """The scalar part of a classifier, stored as JSON next to its arrays."""

    intents: list[str]
    temperature: float = 1.0
    similarity_floor: float = DEFAULT_SIMILARITY_FLOOR
    gate_width: float = GATE_WIDTH


class IntentClassifier:
    """A fitted classifier; immutable, thread-safe, 4 bytes per dimension per intent and example."""

    def __init__(self, params: ClassifierParams, *, weights: Floats, bias: Floats, examples: Floats) -> None:
        if weights.shape != (examples.shape[1], len(params.intents)) or bias.shape != (len(params.intents),):
            raise ValueError("classifier arrays do not match its intents and dimension")
        self.params = params
        self._weights = weights
        self._bias = bias
        self._examples = examples

    @property
    def intents(self) -> list[str]:
        return self.params.intents

    @property
    def dim(self) -> int:
        return int(self._weights.shape[0])

    def scores(self, embeddings: Floats) -> Floats:
        """One row per embedding: the in-scope-weighted probability of every intent."""
        embeddings = np.atleast_2d(embeddings)
        return self.probabilities(embeddings) * self.in_scope(embeddings)[:, None]

    def probabilities(self, embeddings: Floats) -> Floats:
        """P(intent | x, in scope): the calibrated softmax of the logistic regression."""
        logits = (np.atleast_2d(embeddings) @ self._weights + self._bias) / self.params.temperature
        return softmax(logits)

    def in_scope(self, embeddings: Floats) -> Floats:
        """P(in scope | x), from the cosine similarity to the nearest training example."""
        nearest = (np.atleast_2d(embeddings) @ self._examples.T).max(axis=1)
        return gate(nearest, self.params.similarity_floor, self.params.gate_width)

    def arrays(self) -> dict[str, Floats]:
        return {"weights": self._weights, "bias": self._bias, "examples": self._examples}

    @classmethod
    def from_arrays(cls, params: ClassifierParams, arrays: dict[str, Any]) -> IntentClassifier:
        return cls(
            params,
            weights=np.asarray(arrays["weights"], dtype=np.float32),
            bias=np.asarray(arrays["bias"], dtype=np.float32),
            examples=np.asarray(arrays["examples"], dtype=np.float32),
        )


def softmax(logits: npt.NDArray[Any]) -> Floats:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)


def gate(similarity: npt.NDArray[Any], floor: float, width: float) -> Floats:
    return (1.0 / (1.0 + np.exp(-(similarity - floor) / width))).astype(np.float32)


def fit_classifier(
    embeddings: Floats,
    labels: Labels,
    intents: list[str],
    *,
    temperature: float = 1.0,
    similarity_floor: float = DEFAULT_SIMILARITY_FLOOR,
    regularisation: float = 10.0,
) -> IntentClassifier:
    """Fit the logistic regression on every example; `temperature` and the floor come from held-out data."""
    weights, bias = fit_logistic(embeddings, labels, len(intents), regularisation=regularisation)
    params = ClassifierParams(intents=intents, temperature=temperature, similarity_floor=similarity_floor)
    return IntentClassifier(params, weights=weights, bias=bias, examples=embeddings.astype(np.float32))


def fit_logistic(
    embeddings: Floats, labels: Labels, n_classes: int, *, regularisation: float = 10.0
) -> tuple[Floats, Floats]:
    """Multinomial logistic regression weights (dim by classes) and bias; trivial for a single class."""
    dim = embeddings.shape[1]
    present = np.unique(labels)
    if present.size < 2:
        weights = np.zeros((dim, n_classes), dtype=np.float32)
        bias = np.full(n_classes, -1e4, dtype=np.float32)
        bias[present] = 0.0
        return weights, bias
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415 - only training needs scikit-learn  # pyright: ignore[reportMissingTypeStubs]
    from threadpoolctl import threadpool_limits  # noqa: PLC0415  # pyright: ignore[reportMissingTypeStubs]

    model: Any = LogisticRegression(C=regularisation, class_weight="balanced", max_iter=1000)
    with threadpool_limits(1):  # small problems: BLAS threads only contend, 3x slower on 2 busy cores
        model.fit(embeddings, labels)
    return _expand(model.coef_, model.intercept_, present, dim, n_classes)


def _expand(
    coef: npt.NDArray[Any], intercept: npt.NDArray[Any], present: Labels, dim: int, n_classes: int
) -> tuple[Floats, Floats]:
    """Place the fitted classes' weights among all classes; absent classes can never win."""
    if coef.shape[0] == 1:  # scikit-learn fits one logit for two classes
        coef = np.vstack([-coef / 2, coef / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    weights = np.zeros((dim, n_classes), dtype=np.float32)
    bias = np.full(n_classes, -1e4, dtype=np.float32)
    weights[:, present] = coef.T
    bias[present] = intercept
    return weights, bias


def fit_temperature(logits: npt.NDArray[Any], labels: Labels) -> float:
    """The temperature minimising the negative log-likelihood of held-out predictions (grid search)."""
    if len(labels) == 0:
        return 1.0
    grid = np.geomspace(0.05, 5.0, 60)
    losses = [_nll(softmax(logits / t), labels) for t in grid]
    return float(grid[int(np.argmin(np.array(losses)))])


def _nll(probabilities: Floats, labels: Labels) -> float:
    picked = probabilities[np.arange(len(labels)), labels]
    return float(-np.log(np.maximum(picked, 1e-12)).mean())


def fit_similarity_floor(nearest_in_scope: npt.NDArray[Any], *, low: float = 0.3, high: float = 0.5) -> float:
    """A floor under nearly all held-out in-scope nearest-example similarities, within [low, high].

    The bounds suit all-MiniLM-L6-v2, whose unrelated sentences rarely reach a cosine of 0.3 and
    whose paraphrases rarely fall below 0.45.
    """
    if len(nearest_in_scope) == 0:
        return DEFAULT_SIMILARITY_FLOOR
    floor = float(np.quantile(nearest_in_scope, 0.05)) - 2 * GATE_WIDTH
    return float(np.clip(floor, low, high))
