"""The distance of an utterance to an intent's examples: shrunk Mahalanobis, in Euclidean units."""

from __future__ import annotations

import numpy as np

from parley_nlu.distance import all_distances, distances, fit_centroids, fit_whitening


def whitened(embeddings: np.ndarray, labels: np.ndarray, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    centroids = fit_centroids(embeddings.astype(np.float32), labels, n_classes)
    return centroids, fit_whitening(embeddings.astype(np.float32), labels, centroids)


def test_intents_of_one_example_are_measured_by_euclidean_distance() -> None:
    examples = np.eye(4, dtype=np.float32)[:2]
    centroids, whitening = whitened(examples, np.array([0, 1]), 2)
    assert np.array_equal(whitening, np.eye(4, dtype=np.float32))
    x = np.array([[0.6, 0.8, 0.0, 0.0]], dtype=np.float32)
    assert distances(x, np.array([0]), centroids, whitening)[0] == np.float32(
        np.linalg.norm(x[0] - examples[0])
    )


def test_a_spread_equal_in_every_direction_keeps_euclidean_distance() -> None:
    centre = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    examples = np.vstack(
        [centre + step for step in (np.eye(3) * 0.1)] + [centre - step for step in np.eye(3) * 0.1]
    )
    _, whitening = whitened(examples, np.zeros(6, dtype=np.int64), 1)
    assert np.allclose(whitening, np.eye(3), atol=1e-5)


def test_a_direction_the_examples_of_an_intent_vary_in_counts_less() -> None:
    offsets = np.linspace(-0.5, 0.5, 9)
    examples = np.column_stack([offsets, np.zeros(9), np.zeros(9)])
    centroids, whitening = whitened(examples, np.zeros(9, dtype=np.int64), 1)
    along, across = np.array([[0.3, 0.0, 0.0]]), np.array([[0.0, 0.3, 0.0]])
    assert distances(along, np.array([0]), centroids, whitening)[0] < 0.3
    assert distances(across, np.array([0]), centroids, whitening)[0] > 0.3


def test_each_row_is_measured_to_its_own_intent() -> None:
    examples = np.eye(3, dtype=np.float32)
    centroids, whitening = whitened(examples, np.array([0, 1, 2]), 3)
    found = distances(examples, np.array([0, 1, 2]), centroids, whitening)
    crossed = distances(examples, np.array([1, 2, 0]), centroids, whitening)
    assert np.allclose(found, 0.0) and np.allclose(crossed, np.sqrt(2))


def test_the_distances_to_all_centroids_are_those_to_each() -> None:
    rng = np.random.default_rng(3)
    examples = rng.normal(size=(30, 8)).astype(np.float32)
    labels = np.arange(30) % 3
    centroids = fit_centroids(examples, labels, 3)
    whitening = fit_whitening(examples, labels, centroids)
    every = all_distances(examples[:5], centroids, whitening)
    for intent in range(3):
        each = distances(examples[:5], np.full(5, intent), centroids, whitening)
        assert np.allclose(every[:, intent], each, atol=1e-4)
