"""The real sentence model on a six-intent assistant: held-out paraphrases and out-of-scope (slow)."""

from __future__ import annotations

from typing import Any

import pytest

from parley_messages import Example, IntentExamples, NluDataset
from parley_nlu.encoder import Encoder
from parley_nlu.model import FALLBACK_INTENT, NluModel
from parley_nlu.trainer import train

pytestmark = pytest.mark.slow


def parse(model: NluModel, encoder: Encoder, text: str) -> Any:
    return model.parse(text, encoder.encode([text])[0])


def test_held_out_paraphrases_get_their_intent(
    assistant_model: NluModel, real_encoder: Encoder, assistant_data: Any
) -> None:
    cases = [(intent, text) for intent, texts in assistant_data.held_out.items() for text in texts]
    wrong = [(i, t, parse(assistant_model, real_encoder, t).intent) for i, t in cases]
    wrong = [w for w in wrong if w[2].name != w[0]]
    assert len(wrong) <= len(cases) // 10, wrong


def test_gibberish_and_out_of_scope_questions_go_to_fallback(
    assistant_model: NluModel, real_encoder: Encoder, assistant_data: Any
) -> None:
    intents = {t: parse(assistant_model, real_encoder, t).intent.name for t in assistant_data.out_of_scope}
    kept = {t: i for t, i in intents.items() if i != FALLBACK_INTENT}
    assert len(kept) <= len(intents) // 10, kept


def test_confidences_of_clear_utterances_are_high(assistant_model: NluModel, real_encoder: Encoder) -> None:
    result = parse(assistant_model, real_encoder, "where is my order")
    assert result.intent.name == "order_status" and result.intent.confidence > 0.8


def test_entities_come_from_the_dictionary_the_regex_and_the_annotations(
    assistant_model: NluModel, real_encoder: Encoder
) -> None:
    result = parse(assistant_model, real_encoder, "book sushi in nyc and send 20 euros")
    assert {(e.entity, e.value) for e in result.entities} == {
        ("cuisine", "japanese"),
        ("city", "New York"),
        ("amount", "20"),
    }


def test_training_metrics_are_reported(assistant_model: NluModel) -> None:
    metrics = assistant_model.meta.metrics
    assert metrics["accuracy"] >= 0.85 and metrics["held_out"] == 60


def test_distance_from_the_top_intent_lowers_the_fitted_confidence(assistant_model: NluModel) -> None:
    weights = assistant_model.meta.classifier.in_scope
    assert weights.distance < 0 < weights.log_probability


def test_a_tiny_bot_still_sends_what_it_does_not_know_to_fallback(real_encoder: Encoder) -> None:
    # Three intents, sixteen examples: too few held-out predictions to fit the confidence alone.
    examples = {
        "greet": ["hello", "hi", "hey there", "good morning", "hi bot"],
        "order_pizza": [
            "I want a pizza",
            "order a pizza",
            "can I get a pizza",
            "i'd like to order pizza",
            "I want a large pizza",
            "a small pizza please",
            "order a medium pizza",
        ],
        "cancel": ["cancel", "cancel that", "stop the order", "never mind"],
    }
    dataset = NluDataset(
        bot="tiny",
        intents=[
            IntentExamples(name=n, examples=[Example(text=t) for t in ts]) for n, ts in examples.items()
        ],
    )
    model = train(dataset, real_encoder, version="tiny-1")
    assert parse(model, real_encoder, "cancel that order").intent.name == "cancel"
    assert parse(model, real_encoder, "I'd like a pizza").intent.name == "order_pizza"
    for text in ("purple", "banana", "large", "what is the weather"):
        assert parse(model, real_encoder, text).intent.name == FALLBACK_INTENT, text
