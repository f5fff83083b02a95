"""NLU cost per bot: training time, model load time, memory per extra loaded bot; beside a baseline.

    .venv/bin/python bench/nlu_scale.py [--rounds 3]

The bot has 50 intents of 20 examples (1,000 examples): the 40 intents of bench/data with 20 of
their utterances each, plus 10 intents made of out-of-scope utterances. Each figure is the median
of `--rounds` rounds, measured in one run beside the plain pipeline (sentence-transformers encode +
scikit-learn `LogisticRegression` fit, pickled with joblib). Training includes encoding every example
and Parley's cross-validation and calibration. Memory per bot is the growth of traced allocations
(numpy and Python objects) per extra loaded model. Not a test: it never fails on timing.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import pickle
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
from sklearn.linear_model import LogisticRegression

from parley_messages import NluDataset
from parley_nlu.encoder import OnnxEncoder, bundled_model_path, forbid_downloads
from parley_nlu.export import ensure_onnx
from parley_nlu.model import NluModel
from parley_nlu.trainer import train

DATA = Path(__file__).parent / "data" / "intents.json"
INTENTS, EXAMPLES = 50, 20


def big_bot() -> NluDataset:
    raw = json.loads(DATA.read_text())
    intents = [{"name": i["name"], "texts": (i["train"] + i["test"])[:EXAMPLES]} for i in raw["intents"]]
    oos = raw["out_of_scope"]
    for k in range(INTENTS - len(intents)):
        intents.append({"name": f"other_{k}", "texts": oos[k * EXAMPLES : (k + 1) * EXAMPLES]})
    return msgspec.convert(
        {
            "bot": "big",
            "intents": [{"name": i["name"], "examples": [{"text": t} for t in i["texts"]]} for i in intents],
        },
        NluDataset,
    )


def median_seconds(action: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    samples, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def traced_bytes_per_copy(load: Callable[[], Any], copies: int = 20) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = [load() for _ in range(copies)]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    return (after - before) / copies


def main(args: argparse.Namespace) -> None:
    bot = big_bot()
    texts = [e.text for i in bot.intents for e in i.examples]
    labels = [i.name for i in bot.intents for _ in i.examples]
    forbid_downloads()
    from sentence_transformers import SentenceTransformer  # noqa: PLC0415 - after forbid_downloads

    reference = SentenceTransformer(str(bundled_model_path()), device="cpu", local_files_only=True)
    encoder = OnnxEncoder.load(ensure_onnx(Path(args.model_cache), "int8"))

    def baseline_train() -> Any:
        embeddings = reference.encode(texts, batch_size=64, show_progress_bar=False)
        return LogisticRegression(max_iter=1000).fit(embeddings, labels)

    print(
        f"bot: {len(bot.intents)} intents, {len(texts)} examples; median of {args.rounds} rounds", flush=True
    )
    base_train, classifier = median_seconds(baseline_train, args.rounds)
    ours_train, model = median_seconds(lambda: train(bot, encoder, version="bench"), args.rounds)
    print(
        f"train    baseline (ST encode + LogisticRegression) {base_train:6.2f} s   parley {ours_train:6.2f} s"
    )

    buffer = io.BytesIO()
    pickle.dump(classifier, buffer)
    pickled, artifact = buffer.getvalue(), model.to_bytes()
    base_load, _ = median_seconds(lambda: pickle.loads(pickled), max(args.rounds, 5))
    ours_load, _ = median_seconds(lambda: NluModel.from_bytes(artifact), max(args.rounds, 5))
    print(
        f"load     baseline (unpickle) {base_load * 1e3:8.1f} ms            parley {ours_load * 1e3:8.1f} ms"
    )

    base_mem = traced_bytes_per_copy(lambda: pickle.loads(pickled))
    ours_mem = traced_bytes_per_copy(lambda: NluModel.from_bytes(artifact))
    print(f"memory   baseline {base_mem / 1e6:6.2f} MB per extra bot   parley {ours_mem / 1e6:6.2f} MB")
    print(f"artifact parley {len(artifact) / 1e6:.2f} MB (npz + JSON); metrics {model.meta.metrics}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds; each figure is their median")
    parser.add_argument("--model-cache", default="var/models", help="ONNX export cache (NLU_MODEL_CACHE)")
    return parser.parse_args()


if __name__ == "__main__":
    main(parse_args())
