"""NLU parse latency and throughput: Parley's service path vs plain sentence-transformers + scikit-learn.

    .venv/bin/python bench/nlu_parse.py [--requests 400] [--concurrency 32] [--rounds 3]

Parley's path is the whole `NluService.parse` (validation, model lookup, micro-batched ONNX encoding
off the event loop, classifier, entities) on the in-process infrastructure. The baseline is what a
first version would do: `SentenceTransformer.encode([text])` then `LogisticRegression.predict_proba`,
one request at a time per thread. Both are trained on the same dataset in the same run. Each figure
is the median of `--rounds` rounds. Not a test: it prints numbers and never fails on timing.

`--stages` also splits Parley's parse of one utterance into the encoder alone, the model's parse of
its embedding (classifier, entities) and the rest (validation, model lookup, the hop to an encoding
thread and back), each the median of calls taken in turn, so that a noisy machine slows all alike.
The model's parts are timed on their own, in warm caches; in the service they follow the encoder,
whose weights push them out of the caches, so "the rest" holds that too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
from sklearn.linear_model import LogisticRegression

from parley_messages import NluDataset, ParseRequest
from parley_nlu.bootstrap import build_nlu_service
from parley_nlu.encoder import Encoder, OnnxEncoder, bundled_model_path, forbid_downloads
from parley_nlu.export import ensure_onnx
from parley_nlu.model import NluModel
from parley_nlu.ports import ModelRecord
from parley_nlu.settings import load_nlu_settings
from parley_nlu.stores import MongoModelRegistry
from parley_nlu.trainer import artifact_key, train
from parley_runtime.infra import Infra, InfraSettings, connect_infra

DATA = Path(__file__).parent.parent / "services/nlu/tests/data/assistant.json"
UTTERANCE = "could you book me a table for three at 7 in paris"


def load_data() -> tuple[NluDataset, list[str]]:
    raw = json.loads(DATA.read_text())
    probes = [t for ts in raw["held_out"].values() for t in ts] + raw["out_of_scope"]
    return msgspec.convert(raw["dataset"], NluDataset), probes


def percentiles(samples: list[float]) -> tuple[float, float]:
    ms = np.array(samples) * 1e3
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


async def latency(call: Callable[[str], Awaitable[Any]], n: int) -> tuple[float, float, float]:
    """p50 and p99 wall milliseconds of one parse at a time, and CPU milliseconds per parse.

    CPU time (all threads of this process) is steadier than wall time on a shared machine.
    """
    for _ in range(20):
        await call(UTTERANCE)
    samples = []
    cpu_started = time.process_time()
    for _ in range(n):
        started = time.perf_counter()
        await call(UTTERANCE)
        samples.append(time.perf_counter() - started)
    cpu_ms = (time.process_time() - cpu_started) / n * 1e3
    return (*percentiles(samples), cpu_ms)


async def throughput(
    call: Callable[[str], Awaitable[Any]], texts: list[str], n: int, concurrency: int
) -> float:
    queue = [texts[i % len(texts)] for i in range(n)]

    async def client() -> None:
        while queue:
            await call(queue.pop())

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return n / (time.perf_counter() - started)


class Baseline:
    """sentence-transformers + scikit-learn, as a first version would serve them."""

    def __init__(self, dataset: NluDataset) -> None:
        forbid_downloads()
        from sentence_transformers import SentenceTransformer  # noqa: PLC0415 - after forbid_downloads

        model = SentenceTransformer(str(bundled_model_path()), device="cpu", local_files_only=True)
        self.encoder = model
        texts = [e.text for i in dataset.intents for e in i.examples]
        labels = [i.name for i in dataset.intents for _ in i.examples]
        self.classifier = LogisticRegression(C=10, max_iter=1000).fit(self._encode(texts), labels)

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode(texts, show_progress_bar=False)

    def parse(self, text: str) -> tuple[str, float]:
        probabilities = self.classifier.predict_proba(self._encode([text]))[0]
        best = int(probabilities.argmax())
        return str(self.classifier.classes_[best]), float(probabilities[best])

    async def call(self, text: str) -> tuple[str, float]:
        return await asyncio.to_thread(self.parse, text)


async def parley_call(
    infra: Infra, dataset: NluDataset, encoder: Encoder, **knobs: str
) -> tuple[Any, Callable[[str], Awaitable[Any]], NluModel]:
    model = train(dataset, encoder, version="bench")
    key = artifact_key(dataset.bot, model.version)
    await infra.blobs.put(key, model.to_bytes())
    await MongoModelRegistry(infra.db).add(
        ModelRecord(bot=dataset.bot, version=model.version, artifact_key=key)
    )
    service = await build_nlu_service(infra, load_nlu_settings(knobs), encoder=encoder)

    async def call(text: str) -> Any:
        return await service.parse(ParseRequest(bot=dataset.bot, text=text))

    return service, call, model


async def measure(
    name: str, call: Callable[[str], Awaitable[Any]], args: argparse.Namespace, probes: list[str]
) -> dict[str, float]:
    rounds = []
    for _ in range(args.rounds):
        p50, p99, cpu = await latency(call, args.requests)
        rps = await throughput(call, probes, args.requests, args.concurrency)
        rounds.append((p50, p99, cpu, rps))
    keys = ["p50_ms", "p99_ms", "cpu_ms", "rps"]
    row = {k: statistics.median(r[i] for r in rounds) for i, k in enumerate(keys)}
    print(
        f"{name:<34} p50 {row['p50_ms']:6.2f} ms  p99 {row['p99_ms']:6.2f} ms  "
        f"cpu {row['cpu_ms']:6.2f} ms/parse  {row['rps']:7.1f} parses/s",
        flush=True,
    )
    return row


async def stages(
    name: str, call: Callable[[str], Awaitable[Any]], model: NluModel, encoder: Encoder, n: int
) -> None:
    """Median microseconds of each part of one parse of `UTTERANCE`, the parts called in turn."""
    today = datetime.now(UTC).date()
    embedding = encoder.encode([UTTERANCE])[0]
    top = model.parse(UTTERANCE, embedding, today=today).ranking[0].name
    parts: dict[str, Callable[[], Any]] = {
        "encoder": lambda: encoder.encode([UTTERANCE]),
        "classifier": lambda: model.classifier.scores(embedding, [UTTERANCE]),
        "entities": lambda: model.extractor.extract(UTTERANCE, today=today, intent=top),
        "model parse": lambda: model.parse(UTTERANCE, embedding, today=today),
    }
    samples: dict[str, list[float]] = {part: [] for part in [*parts, "service"]}
    for _ in range(n):
        for part, run in parts.items():
            started = time.perf_counter()
            run()
            samples[part].append(time.perf_counter() - started)
        started = time.perf_counter()
        await call(UTTERANCE)
        samples["service"].append(time.perf_counter() - started)
    us = {part: statistics.median(values) * 1e6 for part, values in samples.items()}
    outside = us["service"] - us["encoder"]
    rest = outside - us["model parse"]
    print(
        f"  {name} stages (median us): service parse {us['service']:.0f} = encoder {us['encoder']:.0f}"
        f" + outside it {outside:.0f} (model parse {us['model parse']:.0f}: classifier"
        f" {us['classifier']:.0f}, entities {us['entities']:.0f}; the rest {rest:.0f})",
        flush=True,
    )


async def main(args: argparse.Namespace) -> None:
    dataset, probes = load_data()
    cache = Path(args.model_cache)
    with tempfile.TemporaryDirectory() as tmp:
        infra = await connect_infra(InfraSettings(data_dir=tmp))
        try:
            rows = {
                "baseline": await measure(
                    "baseline (ST torch + sklearn)", Baseline(dataset).call, args, probes
                )
            }
            for variant in ("fp32", "int8"):
                encoder = OnnxEncoder.load(ensure_onnx(cache, variant), threads=args.threads)
                knobs = {"NLU_ENCODE_WORKERS": str(args.workers), "NLU_MAX_BATCH": str(args.max_batch)}
                service, call, model = await parley_call(infra, dataset, encoder, **knobs)
                rows[variant] = await measure(f"parley NluService onnx-{variant}", call, args, probes)
                if args.stages:
                    await stages(f"onnx-{variant}", call, model, encoder, args.requests)
                await service.close()
        finally:
            await infra.aclose()
    base = rows["baseline"]
    for variant in ("fp32", "int8"):
        row = rows[variant]
        print(
            f"ratio onnx-{variant} vs baseline: p50 {base['p50_ms'] / row['p50_ms']:.1f}x faster, "
            f"cpu {base['cpu_ms'] / row['cpu_ms']:.1f}x less, throughput {row['rps'] / base['rps']:.1f}x"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=400, help="parses per latency and per throughput run")
    parser.add_argument(
        "--concurrency", type=int, default=32, help="concurrent clients in the throughput run"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds; each figure is their median")
    parser.add_argument("--threads", type=int, default=1, help="ONNX Runtime intra-op threads (NLU_THREADS)")
    parser.add_argument("--workers", type=int, default=2, help="encoding threads (NLU_ENCODE_WORKERS)")
    parser.add_argument("--max-batch", type=int, default=32, help="micro-batch size (NLU_MAX_BATCH)")
    parser.add_argument("--model-cache", default="var/models", help="ONNX export cache (NLU_MODEL_CACHE)")
    parser.add_argument(
        "--stages", action="store_true", help="also split one parse into encoder, model and the rest"
    )
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
