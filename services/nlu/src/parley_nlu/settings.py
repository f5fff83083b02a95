"""NLU settings, read once from the environment in `main()`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated, Literal

import msgspec

from parley_runtime.settings import env, load_settings

EncoderKind = Literal["onnx", "onnx-int8", "torch", "hashing"]


class NluSettings(msgspec.Struct, frozen=True, kw_only=True):
    host: Annotated[str, env("NLU_HOST")] = "127.0.0.1"
    """Interface the NLU API listens on (`0.0.0.0` in a container)."""
    port: Annotated[int, msgspec.Meta(ge=0, le=65535), env("NLU_PORT")] = 8002
    """Port the NLU API listens on."""
    encoder: Annotated[EncoderKind, env("NLU_ENCODER")] = "onnx-int8"
    """`onnx-int8` (the default: ONNX export quantised to int8, ~1.8x faster than fp32, cosine ≈ 0.99),
    `onnx` (the exact fp32 export), `torch` (sentence-transformers), or `hashing` (a tiny
    deterministic stand-in for tests and demos: no semantics)."""
    model_cache: Annotated[str, env("NLU_MODEL_CACHE")] = "var/models"
    """Directory holding the ONNX export of the sentence model (made on first use if missing)."""
    threads: Annotated[int, msgspec.Meta(ge=0), env("NLU_THREADS")] = 0
    """Threads one encoding may use (ONNX Runtime intra-op pool, or torch's); 0: every core this
    process may run on. Idle pool threads sleep rather than spin, so they leave those cores to the
    event loop between batches (embedded mode on 2 cores, 50 chats: p50 15 ms instead of 22)."""
    encode_workers: Annotated[int, msgspec.Meta(ge=1), env("NLU_ENCODE_WORKERS")] = 1
    """Encodings that may run at once, each on its own thread; requests queue and batch behind them."""
    max_batch: Annotated[int, msgspec.Meta(ge=1), env("NLU_MAX_BATCH")] = 8
    """Most utterances encoded together when requests queue up (micro-batching). Past 8 an utterance
    costs no less (1.57 ms at 8 and at 32 on our machine), while everyone in a batch waits for all
    of it: a burst of 30 chats answered p50 35 ms with batches of 32, 22 ms with 8."""
    max_models: Annotated[int, msgspec.Meta(ge=1), env("NLU_MAX_MODELS")] = 500
    """Models kept loaded at once; the least recently used is dropped and reloaded on its next parse."""
    training_concurrency: Annotated[int, msgspec.Meta(ge=1), env("NLU_TRAINING_CONCURRENCY")] = 1
    """Training jobs one trainer process runs at once."""

    def encoder_threads(self) -> int:
        """`threads`, with 0 resolved to the cores this process may run on (all cores where the
        platform cannot tell, as on macOS)."""
        if self.threads:
            return self.threads
        affinity = getattr(os, "sched_getaffinity", None)
        return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def load_nlu_settings(environ: Mapping[str, str] | None = None) -> NluSettings:
    return load_settings(NluSettings, environ)
