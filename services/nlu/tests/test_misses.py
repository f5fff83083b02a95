"""The utterances an assessment got wrong, worst first."""

from __future__ import annotations

import numpy as np

from parley_nlu.metrics import entity_key
from parley_nlu.misses import EntitySpan, entity_errors, intent_errors

INTENTS = ["book", "cancel", "hours"]


def test_wrong_intents_come_first_most_confident_first_then_fallbacks_least_confident_first() -> None:
    texts = ["book it", "stop", "when open", "weather", "maybe book", "hmm book", "open when"]
    truth = np.array([0, 1, 2, -1, 0, 0, 2])
    top = np.array([0, 0, 2, 2, 0, 1, 2])
    confidence = np.array([0.9, 0.6, 0.3, 0.8, 0.45, 0.1, 0.7])
    errors = intent_errors(texts, INTENTS, (truth, top, confidence), 0.5)
    assert [(e.text, e.expected, e.predicted, e.top_intent, e.confidence) for e in errors] == [
        ("weather", None, "hours", "hours", 0.8),
        ("stop", "cancel", "book", "book", 0.6),
        ("hmm book", "book", "fallback", "cancel", 0.1),
        ("when open", "hours", "fallback", "hours", 0.3),
        ("maybe book", "book", "fallback", "book", 0.45),
    ]


def test_an_out_of_scope_utterance_sent_to_fallback_is_no_error() -> None:
    errors = intent_errors(["weather"], INTENTS, (np.array([-1]), np.array([2]), np.array([0.2])), 0.5)
    assert errors == []


def test_entity_errors_name_the_missed_and_spurious_spans_with_their_words() -> None:
    texts = ["weather in Rome", "weather in Paris and NYC", "weather in Paris"]
    gold = [
        [entity_key("city", "Rome", 11, 15)],
        [entity_key("city", "Paris", 11, 16)],
        [entity_key("city", "Paris", 11, 16)],
    ]
    found = [
        [],
        [entity_key("city", "Paris", 11, 16), entity_key("city", "New York", 21, 24)],
        [entity_key("city", "Paris", 11, 16)],
    ]
    errors = entity_errors(texts, gold, found)
    assert [(e.text, e.missed, e.spurious) for e in errors] == [
        ("weather in Rome", [EntitySpan(entity="city", value="rome", start=11, end=15, text="Rome")], []),
        (
            "weather in Paris and NYC",
            [],
            [EntitySpan(entity="city", value="new york", start=21, end=24, text="NYC")],
        ),
    ]
