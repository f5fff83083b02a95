"""The intent classifier on hashing-encoder embeddings: ranking, calibration, out of scope, edge cases."""

from __future__ import annotations

import numpy as np

from parley_messages import Example, IntentExamples, NluDataset
from parley_nlu.classifier import (
    ClassifierParams,
    InScopeWeights,
    IntentClassifier,
    confidence_of,
    fit_classifier,
    fit_in_scope,
    fit_temperature,
    softmax,
)
from parley_nlu.encoder import HashingEncoder
from parley_nlu.evaluation import assign_folds, choose_wording_weight
from parley_nlu.model import FALLBACK_INTENT
from parley_nlu.trainer import train


def examples(*texts: str) -> list[Example]:
    return [Example(text=text) for text in texts]


def fitted(encoder: HashingEncoder, intents: dict[str, list[str]]) -> IntentClassifier:
    texts = [t for ts in intents.values() for t in ts]
    labels = np.repeat(np.arange(len(intents)), [len(ts) for ts in intents.values()])
    return fit_classifier(encoder.encode(texts), texts, labels, list(intents))


def test_scores_rank_the_right_intent_first(encoder: HashingEncoder) -> None:
    classifier = fitted(encoder, {"greet": ["hello", "hi there"], "bye": ["goodbye", "bye bye"]})
    scores = classifier.scores(encoder.encode(["hello there"]), ["hello there"])[0]
    assert classifier.intents[int(scores.argmax())] == "greet"


def test_scores_of_all_intents_sum_to_at_most_one(encoder: HashingEncoder) -> None:
    classifier = fitted(encoder, {"a": ["red apple"], "b": ["green pear"], "c": ["blue plum"]})
    texts = ["red apple", "zzz qqq"]
    scores = classifier.scores(encoder.encode(texts), texts)
    assert scores.dtype == np.float32
    assert np.all(scores.sum(axis=1) <= 1.0 + 1e-6)


def test_an_utterance_unlike_every_example_scores_low(encoder: HashingEncoder) -> None:
    classifier = fitted(encoder, {"greet": ["hello", "hi there"], "bye": ["goodbye", "bye bye"]})
    text = "xylophone quantum zebra"
    assert classifier.scores(encoder.encode([text]), [text])[0].max() < 0.2


def test_a_single_intent_dataset_trains_and_still_has_a_fallback(encoder: HashingEncoder) -> None:
    dataset = NluDataset(
        bot="one", intents=[IntentExamples(name="greet", examples=examples("hello", "hi there"))]
    )
    model = train(dataset, encoder)
    assert model.parse("hello", encoder.encode(["hello"])[0]).intent.name == "greet"
    assert model.parse("qwerty", encoder.encode(["qwerty"])[0]).intent.name == FALLBACK_INTENT


def test_intents_with_one_example_each_train(encoder: HashingEncoder) -> None:
    dataset = NluDataset(
        bot="tiny",
        intents=[
            IntentExamples(name="greet", examples=examples("hello")),
            IntentExamples(name="bye", examples=examples("goodbye")),
        ],
    )
    model = train(dataset, encoder)
    assert model.parse("goodbye", encoder.encode(["goodbye"])[0]).intent.name == "bye"
    assert model.meta.metrics["held_out"] == 0


def test_an_intent_with_one_example_is_never_held_out() -> None:
    folds = assign_folds(np.array([0, 1, 1, 1, 1, 2]))
    assert folds[0] == -1
    assert folds[5] == -1
    assert sorted(folds[1:5].tolist()) == [0, 1, 2, 3]


def test_the_fitted_temperature_minimises_held_out_loss() -> None:
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 3, size=300)
    logits = rng.normal(size=(300, 3))
    logits[np.arange(300), labels] += 1.0
    overconfident = logits * 8
    temperature = fit_temperature(overconfident, labels)
    assert 4 < temperature < 16
    assert np.allclose(softmax(overconfident / temperature).sum(axis=1), 1.0, atol=1e-5)


def test_arrays_round_trip_to_the_same_scores(encoder: HashingEncoder) -> None:
    classifier = fitted(encoder, {"greet": ["hello"], "bye": ["goodbye"]})
    copy = IntentClassifier.from_arrays(classifier.params, classifier.arrays())
    x = encoder.encode(["hello you"])
    assert np.array_equal(copy.scores(x, ["hello you"]), classifier.scores(x, ["hello you"]))


def test_the_confidence_falls_as_the_utterance_moves_away_from_the_top_intent() -> None:
    confidence = confidence_of(np.full(3, 0.9), np.array([0.3, 0.8, 1.3]), np.zeros(3), InScopeWeights())
    assert confidence[0] > 0.5 > confidence[2]
    assert np.all(np.diff(confidence) < 0)


def test_confidence_weights_learn_that_distant_utterances_are_out_of_scope() -> None:
    rng = np.random.default_rng(0)
    top = rng.uniform(0.5, 1.0, size=200)
    outside = np.arange(200) >= 100
    distance = np.where(outside, 1.1, 0.5) + rng.normal(0, 0.1, size=200)
    novelty = rng.uniform(0, 1, size=200)
    weights = fit_in_scope(top, distance, novelty, ~outside, outside)
    assert weights.distance < 0
    confidence = confidence_of(top, distance, novelty, weights)
    assert (confidence[~outside] >= 0.5).mean() > 0.9 and (confidence[outside] < 0.5).mean() > 0.9


def test_confidence_weights_learn_that_new_wording_is_out_of_scope() -> None:
    rng = np.random.default_rng(0)
    top = rng.uniform(0.5, 1.0, size=400)
    distance = rng.normal(0.7, 0.1, size=400)
    outside = np.arange(400) >= 200
    novelty = np.where(outside, 0.6, 0.1) + rng.normal(0, 0.1, size=400)
    weights = fit_in_scope(top, distance, novelty, ~outside, outside)
    assert weights.novelty < 0
    confidence = confidence_of(top, distance, novelty, weights)
    assert (confidence[~outside] >= 0.5).mean() > 0.9 and (confidence[outside] < 0.5).mean() > 0.9


def test_the_distance_is_to_the_examples_of_the_intent_asked_about(encoder: HashingEncoder) -> None:
    classifier = fitted(encoder, {"greet": ["hello", "hello there"], "bye": ["goodbye", "bye bye"]})
    x = encoder.encode(["hello", "hello"])
    own, other = classifier.distances(x, np.array([0, 1]))
    assert own < other


def test_the_classifier_keeps_no_examples_so_its_size_does_not_grow_with_them(
    encoder: HashingEncoder,
) -> None:
    few = fitted(encoder, {"a": ["red apple", "red cherry"], "b": ["green pear", "green lime"]})
    many = fitted(
        encoder, {"a": [f"red fruit {i}" for i in range(50)], "b": [f"green fruit {i}" for i in range(50)]}
    )
    assert {k: v.shape for k, v in few.arrays().items()} == {k: v.shape for k, v in many.arrays().items()}


def test_with_a_wording_weight_the_intent_whose_examples_use_the_words_ranks_first() -> None:
    def classifier(wording_weight: float) -> IntentClassifier:
        params = ClassifierParams(
            intents=["greet", "bye"], wording={"hello": [0], "bye": [1]}, wording_weight=wording_weight
        )
        zeros = np.zeros((4, 2), dtype=np.float32)
        arrays = {"weights": zeros, "bias": np.zeros(2), "centroids": zeros.T, "whitening": np.eye(4)}
        return IntentClassifier.from_arrays(params, arrays)

    x = np.zeros((1, 4), dtype=np.float32)
    assert classifier(2.0).scores(x, ["bye"]).argmax() == 1
    assert classifier(2.0).scores(x, ["hello"]).argmax() == 0
    assert classifier(0.0).scores(x, ["bye"]).argmax() == 0  # a tie, without the wording


def test_the_wording_weight_is_the_smallest_with_the_best_k_fold_accuracy() -> None:
    labels = np.array([1, 1, 0])
    logits = np.array([[0.5, 0.0], [0.5, 0.0], [0.5, 0.0]], dtype=np.float32)  # always intent 0
    telling = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    unrelated = np.zeros((3, 2), dtype=np.float32)  # every word used by every intent
    assert choose_wording_weight(logits, telling, labels) == 1.0
    assert choose_wording_weight(logits, unrelated, labels) == 0.0
