"""Encoders: the hashing stand-in, and the real model on torch and ONNX Runtime (slow)."""

from __future__ import annotations

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


def test_hashing_embeddings_are_unit_length_float32_and_deterministic() -> None:
    vectors = HashingEncoder().encode(["hello world", "hello world", "other"])
    assert vectors.dtype == np.float32 and vectors.shape == (3, 256)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.array_equal(vectors[0], vectors[1])


def test_encoding_no_texts_gives_an_empty_matrix() -> None:
    assert HashingEncoder().encode([]).shape == (0, 256)


@pytest.mark.slow
def test_onnx_embeddings_match_sentence_transformers(real_encoder: Encoder) -> None:
    reference = SentenceTransformerEncoder.load().encode(SENTENCES)
    vectors = real_encoder.encode(SENTENCES)
    assert vectors.shape == (len(SENTENCES), 384) and vectors.dtype == np.float32
    assert (vectors * reference).sum(axis=1).min() > 0.999


@pytest.mark.slow
def test_onnx_embeddings_do_not_depend_on_batch_padding(real_encoder: Encoder) -> None:
    batched = real_encoder.encode(SENTENCES)
    alone = np.vstack([real_encoder.encode([s]) for s in SENTENCES])
    assert (batched * alone).sum(axis=1).min() > 0.9999


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
