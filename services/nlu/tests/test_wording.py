"""The novelty of an utterance's wording for an intent."""

from __future__ import annotations

import numpy as np
import pytest

from parley_nlu.wording import Wording


def fitted() -> Wording:
    return Wording.fit(["turn on the lights", "switch the lamp on", "turn off the fan"], [0, 0, 1], 2)


def test_novelty_is_the_share_of_words_no_example_of_the_intent_uses() -> None:
    """One row per text, one column per intent."""
    novelties = fitted().novelties(["turn off the lights", "Turn ON the Lamp!"])
    assert np.allclose(novelties, [[1 / 4, 1 / 4], [0.0, 2 / 4]])
    assert novelties.dtype == np.float32


def test_a_text_without_words_is_not_novel() -> None:
    assert fitted().novelties(["?!", ""]).tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_a_word_of_other_intents_only_is_new_to_this_one() -> None:
    assert fitted().novelties(["fan"]).tolist() == [[1.0, 0.0]]
    assert fitted().novelties(["hello"]).tolist() == [[1.0, 1.0]]  # no intent's examples use it


def test_params_round_trip_to_the_same_novelty() -> None:
    wording = fitted()
    params = wording.to_params()
    assert params["the"] == [0, 1] and params["fan"] == [1]
    copy = Wording.from_params(params, 2)
    texts = ["turn off the lamp", "switch on the fan", "hello"]
    assert np.array_equal(copy.novelties(texts), wording.novelties(texts))


def test_intents_beyond_the_bots_are_refused() -> None:
    with pytest.raises(ValueError, match="beyond"):
        Wording({"on": 0b100}, 2)


def test_a_bot_with_more_intents_than_a_byte_has_bits() -> None:
    wording = Wording.fit([f"word{k} shared" for k in range(11)], list(range(11)), 11)
    novelties = wording.novelties(["word10 shared"])
    assert novelties.shape == (1, 11)
    assert novelties[0, 10] == 0.0 and np.allclose(novelties[0, :10], 0.5)
    assert wording.novelties(["word9 shared"])[0, 9] == 0.0
