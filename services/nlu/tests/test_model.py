"""The model artifact (npz + JSON, never pickle) and what `parse` returns."""

from __future__ import annotations

import io
from collections.abc import Callable

import msgspec
import numpy as np
import pytest

from parley_messages import NluDataset
from parley_nlu.encoder import HashingEncoder
from parley_nlu.model import FALLBACK_INTENT, FORMAT_VERSION, RANKING_SIZE, ModelArtifactError, NluModel

Train = Callable[..., NluModel]


def test_a_model_parses_the_same_after_a_round_trip_through_bytes(
    encoder: HashingEncoder, shop_dataset: NluDataset, train_model: Train
) -> None:
    model = train_model(shop_dataset)
    copy = NluModel.from_bytes(model.to_bytes())
    text = "a large pizza to NYC"
    embedding = encoder.encode([text])[0]
    assert copy.parse(text, embedding) == model.parse(text, embedding)
    assert (copy.bot, copy.version, copy.intents, copy.threshold) == ("shop", "v1", model.intents, 0.5)
    assert copy.created_at == model.created_at


def test_parse_returns_intent_ranking_entities_and_version(
    encoder: HashingEncoder, shop_dataset: NluDataset, train_model: Train
) -> None:
    text = "order a large pizza in paname"
    result = train_model(shop_dataset).parse(text, encoder.encode([text])[0])
    assert result.intent.name == "order_pizza"
    assert [r.confidence for r in result.ranking] == sorted(
        (r.confidence for r in result.ranking), reverse=True
    )
    assert len(result.ranking) == min(RANKING_SIZE, 3)
    assert {(e.entity, e.value) for e in result.entities} == {("size", "large"), ("city", "Paris")}
    assert result.model_version == "v1"


def test_an_unconfident_parse_is_the_fallback_intent(
    encoder: HashingEncoder, shop_dataset: NluDataset, train_model: Train
) -> None:
    result = train_model(shop_dataset).parse("xylophone", encoder.encode(["xylophone"])[0])
    assert result.intent.name == FALLBACK_INTENT
    assert result.intent.confidence == pytest.approx(1 - result.ranking[0].confidence)


def test_an_artifact_that_is_not_a_model_is_refused() -> None:
    with pytest.raises(ModelArtifactError):
        NluModel.from_bytes(b"definitely not an npz")


def test_an_artifact_holding_pickled_objects_is_refused(shop_dataset: NluDataset, train_model: Train) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array([{"evil": "object"}], dtype=object))
    with pytest.raises(ModelArtifactError):
        NluModel.from_bytes(buffer.getvalue())


def test_an_artifact_of_another_format_is_refused_with_advice_to_retrain(
    shop_dataset: NluDataset, train_model: Train
) -> None:
    model = train_model(shop_dataset)
    old = NluModel(msgspec.structs.replace(model.meta, format=FORMAT_VERSION - 1), model.classifier)
    with pytest.raises(ModelArtifactError, match="retrain"):
        NluModel.from_bytes(old.to_bytes())


def test_the_arrays_are_float32(shop_dataset: NluDataset, train_model: Train) -> None:
    arrays = train_model(shop_dataset).classifier.arrays()
    assert {a.dtype for a in arrays.values()} == {np.dtype(np.float32)}
