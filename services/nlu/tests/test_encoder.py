"""Encoders: the hashing stand-in, and the real model on torch and ONNX Runtime (slow)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from parley_nlu.encoder import Encoder, HashingEncoder, OnnxEncoder, SentenceTransformerEncoder
from parley_nlu.export import ensure_onnx, onnx_path

SENTENCES = [
    "book a table for two at 7pm",
    "what's the weather like in Zürich tomorrow?",
    "hi",
    "Ça va très bien, merci",
    "I want to transfer 500 dollars to my savings account before the end of the month, please " * 3,
]


ADAPTERS = [
    pytest.param("hashing", id="hashing"),
    pytest.param("onnx-fp32", id="onnx-fp32", marks=pytest.mark.slow),
    pytest.param("onnx-int8", id="onnx-int8", marks=pytest.mark.slow),
    pytest.param("torch", id="torch", marks=pytest.mark.slow),
]


@pytest.fixture(scope="session")
def adapters(onnx_cache: Path) -> dict[str, Callable[[], Encoder]]:
    """Each adapter is built on first use, then shared by the whole session."""
    return {
        "hashing": functools.cache(HashingEncoder),
        "onnx-fp32": functools.cache(lambda: OnnxEncoder.load(ensure_onnx(onnx_cache, "fp32"))),
        "onnx-int8": functools.cache(lambda: OnnxEncoder.load(ensure_onnx(onnx_cache, "int8"))),
        "torch": functools.cache(SentenceTransformerEncoder.load),
    }


@pytest.fixture(params=ADAPTERS)
def any_encoder(request: pytest.FixtureRequest, adapters: dict[str, Callable[[], Encoder]]) -> Encoder:
    return adapters[request.param]()


def test_embeddings_are_unit_length_float32_rows(any_encoder: Encoder) -> None:
    vectors = any_encoder.encode(SENTENCES)
    assert vectors.dtype == np.float32 and vectors.shape == (len(SENTENCES), any_encoder.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_encoding_is_deterministic_and_order_free(any_encoder: Encoder) -> None:
    forward = any_encoder.encode(SENTENCES)
    backward = any_encoder.encode(SENTENCES[::-1])[::-1]
    assert (forward * backward).sum(axis=1).min() > 0.9999


def test_encoding_no_texts_gives_an_empty_matrix(any_encoder: Encoder) -> None:
    assert any_encoder.encode([]).shape == (0, any_encoder.dim)


def test_similar_sentences_are_closer_than_unrelated_ones(any_encoder: Encoder) -> None:
    a, b, c = any_encoder.encode(["book a table for two", "book a table for four", "the cat sleeps"])
    assert a @ b > a @ c


@pytest.mark.slow
def test_onnx_embeddings_match_sentence_transformers(real_encoder: Encoder) -> None:
    reference = SentenceTransformerEncoder.load().encode(SENTENCES)
    vectors = real_encoder.encode(SENTENCES)
    assert vectors.shape == (len(SENTENCES), 384) and vectors.dtype == np.float32
    assert (vectors * reference).sum(axis=1).min() > 0.999


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["onnx-fp32", "onnx-int8"])
def test_a_texts_vector_does_not_depend_on_its_batch(
    variant: str, adapters: dict[str, Callable[[], Encoder]]
) -> None:
    """Batched with others (padded, and at int8 with the others' activations), a text encodes as alone."""
    encoder = adapters[variant]()
    batched = encoder.encode(SENTENCES)
    alone = np.vstack([encoder.encode([s]) for s in SENTENCES])
    assert np.abs(batched - alone).max() < 1e-5


@pytest.mark.slow
def test_int8_embeddings_stay_close_to_fp32(onnx_cache: Path, real_encoder: Encoder) -> None:
    quantised = OnnxEncoder.load(ensure_onnx(onnx_cache, "int8"))
    assert (quantised.encode(SENTENCES) * real_encoder.encode(SENTENCES)).sum(axis=1).min() > 0.95


@pytest.mark.slow
def test_an_existing_export_is_reused(onnx_cache: Path, real_encoder: Encoder) -> None:
    path = onnx_path(onnx_cache)
    before = path.stat().st_mtime_ns
    assert ensure_onnx(onnx_cache) == path
    assert path.stat().st_mtime_ns == before
