"""Export the bundled sentence model to ONNX once, into the model cache (`python -m parley_nlu.export`).

The exported graph is the whole encoding — transformer, mean pooling over the attention mask of the
layers `POOLED_LAYERS` names, L2 normalisation and their blend (see `encoder.py`) — so serving needs
only ONNX Runtime and the fast tokenizer. Files
are written to a temporary name and renamed, so replicas sharing a cache never read half a file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import structlog

from parley_nlu.encoder import MODEL_NAME, POOLED_LAYERS, bundled_model_path, forbid_downloads

log = structlog.get_logger(__name__)

EXPORT_VERSION = "2"
"""Bump when the exported graph changes, so caches holding an older export are not reused."""

VARIANTS = ("fp32", "int8")
QUANTIZED_OPS = ("MatMul",)
"""What int8 quantises: the transformer's matrix products, not the token embedding table (`Gather`).
Quantising the table too cost 1.4 points of held-out accuracy on our benchmark (89.0% against
90.4%; fp32 90.6%) for a tenth of a millisecond per utterance and 36 MB less on disk.

Not done: fusing the graph's operators for BERT (`onnxruntime.transformers.optimizer` on an export
with eager attention: 6 Attention, 12 SkipLayerNormalization, 6 BiasGelu, then quantising MatMul
and Attention) cut one utterance's encoding from 2.5-2.7 to 2.1-2.5 ms of CPU, but batches of 64
fell from about 780 to 650 utterances/s (MatMul alone quantised after fusion: 3.0-3.6 ms, 500/s),
and under load the service encodes in batches."""


def onnx_path(cache_dir: Path, variant: str = "fp32", model_path: Path | None = None) -> Path:
    """Where the export of the bundled model lives in `cache_dir` (named by a fingerprint of its files)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown ONNX variant {variant!r}; expected one of {VARIANTS}")
    recipe = f"{variant}-{'-'.join(QUANTIZED_OPS).lower()}" if variant == "int8" else variant
    return cache_dir / MODEL_NAME / f"model-{fingerprint(model_path or bundled_model_path())}-{recipe}.onnx"


def fingerprint(model_path: Path) -> str:
    digest = hashlib.sha256(EXPORT_VERSION.encode())
    digest.update((model_path / "config.json").read_bytes())
    digest.update(str((model_path / "model.safetensors").stat().st_size).encode())
    return digest.hexdigest()[:12]


def ensure_onnx(cache_dir: Path, variant: str = "fp32", model_path: Path | None = None) -> Path:
    """The cached export, made first if it is missing."""
    target = onnx_path(cache_dir, variant, model_path)
    if target.exists():
        return target
    if variant == "int8":
        quantize(ensure_onnx(cache_dir, "fp32", model_path), target)
    else:
        export_fp32(model_path or bundled_model_path(), target)
    return target


def export_fp32(model_path: Path, target: Path) -> None:
    forbid_downloads()
    import torch  # noqa: PLC0415 - torch is needed only to export

    module = _pooled_module(model_path)
    ids = torch.ones((2, 8), dtype=torch.long)
    axes = {
        "input_ids": {0: "batch", 1: "tokens"},
        "attention_mask": {0: "batch", 1: "tokens"},
        "embedding": {0: "batch"},
    }
    log.info("onnx.export.started", model=MODEL_NAME, target=str(target))
    with _atomic_file(target) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's advice about indexing and opsets
        exporter: Any = torch.onnx
        exporter.export(
            module,
            (ids, ids),
            str(tmp),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    log.info("onnx.export.finished", target=str(target), size_mb=round(target.stat().st_size / 1e6, 1))


def quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantisation of `QUANTIZED_OPS`, per channel (cosine to fp32 0.994)."""
    import logging  # noqa: PLC0415

    from onnxruntime import quantization  # noqa: PLC0415  # pyright: ignore[reportMissingTypeStubs]

    quantiser: Any = quantization

    quant_log = logging.getLogger()
    level = quant_log.level
    quant_log.setLevel(logging.ERROR)  # the quantiser logs advice at WARNING on the root logger
    try:
        with _atomic_file(target) as tmp:
            quantiser.quantize_dynamic(
                str(source),
                str(tmp),
                per_channel=True,
                reduce_range=True,
                op_types_to_quantize=list(QUANTIZED_OPS),
                weight_type=quantiser.QuantType.QInt8,
            )
    finally:
        quant_log.setLevel(level)
    log.info("onnx.quantized", target=str(target), size_mb=round(target.stat().st_size / 1e6, 1))


def _pooled_module(model_path: Path) -> Any:
    import torch  # noqa: PLC0415
    from transformers import AutoModel  # noqa: PLC0415

    class BlendedMeanPooled(torch.nn.Module):
        def __init__(self, transformer: Any) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            states = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True
            ).hidden_states
            mask = attention_mask.unsqueeze(-1).to(states[-1].dtype)
            pooled = [
                torch.nn.functional.normalize(
                    (states[layer] * mask).sum(1) / mask.sum(1).clamp(min=1e-9), dim=-1
                )
                for layer in POOLED_LAYERS
            ]
            blend = torch.stack(pooled).sum(0)
            return torch.nn.functional.normalize(blend, dim=-1)

    auto: Any = AutoModel
    transformer = auto.from_pretrained(str(model_path), local_files_only=True)
    return BlendedMeanPooled(transformer).eval()


@contextmanager
def _atomic_file(target: Path) -> Generator[Path]:
    """A temporary path next to `target`, renamed onto it when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=".onnx")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def main() -> None:
    """Export (and quantise) the model into `NLU_MODEL_CACHE`; print the paths."""
    from parley_nlu.settings import load_nlu_settings  # noqa: PLC0415

    settings = load_nlu_settings()
    for variant in VARIANTS:
        print(ensure_onnx(Path(settings.model_cache), variant))


if __name__ == "__main__":
    main()
