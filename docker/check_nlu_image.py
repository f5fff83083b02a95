"""Check an NLU environment serves from the baked ONNX export without torch (run by the image build).

Fails when torch, sentence-transformers or transformers is importable, or when an encoder the
settings can name (`onnx-int8`, `onnx`) cannot be built from `NLU_MODEL_CACHE` as it is: a missing
or stale export would otherwise send the NLU down its torch fallback at start. The serving and
training entry points must import too. `tests/deploy` runs the same script with torch hidden.
"""

from __future__ import annotations

import importlib
import importlib.util
import os

FORBIDDEN = ("torch", "sentence_transformers", "transformers")
ENTRY_POINTS = ("parley_nlu.__main__", "parley_nlu.trainer", "parley_nlu.bootstrap")


def main() -> None:
    present = [name for name in FORBIDDEN if importlib.util.find_spec(name) is not None]
    if present:
        raise SystemExit(f"the NLU image must not contain {present}")
    for module in ENTRY_POINTS:
        importlib.import_module(module)

    from parley_nlu.bootstrap import build_encoder  # noqa: PLC0415 - after the checks above
    from parley_nlu.encoder import OnnxEncoder  # noqa: PLC0415
    from parley_nlu.settings import load_nlu_settings  # noqa: PLC0415

    for kind in ("onnx-int8", "onnx"):
        encoder = build_encoder(load_nlu_settings({**os.environ, "NLU_ENCODER": kind}))
        if not isinstance(encoder, OnnxEncoder):
            raise SystemExit(f"NLU_ENCODER={kind} did not load the baked ONNX export")
        vectors = encoder.encode(["one large margherita please"])
        if vectors.shape != (1, encoder.dim):
            raise SystemExit(f"NLU_ENCODER={kind} encoded to shape {vectors.shape}")
    print(f"check_nlu_image: serving from {os.environ.get('NLU_MODEL_CACHE')} without torch")


if __name__ == "__main__":
    main()
