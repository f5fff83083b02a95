"""The intent classifier on hashing-encoder embeddings: ranking, calibration, out of scope, edge cases."""

from __future__ import annotations

import numpy as np

from parley_messages import Example, IntentExamples, NluDataset
from parley_nlu.classifier import IntentClassifier, fit_classifier, fit_temperature, softmax
from parley_nlu.encoder import HashingEncoder
from parley_nlu.evaluation import assign_folds
from parley_nlu.model import FALLBACK_INTENT
from parley_nlu.trainer import train


def examples(*texts: str) -> list[Example]:
    return [Example(text=text) for text in texts]


def fitted(encoder: HashingEncoder, intents: dict[str, list[str]]) -> IntentClassifier:
    texts = [t for ts in intents.values() for t in ts]
    labels = np.repeat(np.arange(len(intents)), [len(ts) for ts in intents.values()])
    return fit_classifier(encoder.encode(texts), labels, list(intents))


def test_scores_rank_the_right_intent_first(encoder: HashingEncoder) -> None:
    classifier = fitted(encoder, {"greet": ["hello", "hi there"], "bye": ["goodbye", "bye bye"]})
    scores = classifier.scores(encoder.encode(["hello there"]))[0]
    assert classifier.intents[int(scores.argmax())] == "greet"


def test_scores_of_all_intents_sum_to_at_most_one(encoder: HashingEncoder) -> None:
    classifier = fitted(encoder, {"a": ["red apple"], "b": ["green pear"], "c": ["blue plum"]})
    scores = classifier.scores(encoder.encode(["red apple", "zzz qqq"]))
    assert scores.dtype == np.float32
    assert np.all(scores.sum(axis=1) <= 1.0 + 1e-6)


def test_an_utterance_unlike_every_example_scores_low(encoder: HashingEncoder) -> None:
    classifier = fitted(encoder, {"greet": ["hello", "hi there"], "bye": ["goodbye", "bye bye"]})
    assert classifier.scores(encoder.encode(["xylophone quantum zebra"]))[0].max() < 0.2


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
    assert np.array_equal(copy.scores(x), classifier.scores(x))
