"""Training: a dataset in, a model out; `python -m parley_nlu.trainer` runs the training worker
(its queue handler is `handlers.handle_train`)."""

from __future__ import annotations

import threading
import time

import numpy as np

from parley_messages import MAX_TEXT_CHARS, NluDataset, new_id, utc_now
from parley_nlu.classifier import ClassifierParams, Labels, fit_classifier
from parley_nlu.encoder import Encoder
from parley_nlu.entities import known_words, learn_entities
from parley_nlu.evaluation import evaluate
from parley_nlu.model import ModelMeta, NluModel
from parley_nlu.tagger import SpanTagger, fit_tagger
from parley_runtime.errors import InvalidInputError

MAX_EXAMPLES = 50_000


class TrainingAbandonedError(Exception):
    """Raised in a training thread whose caller has stopped waiting for it (see `train`'s `stop`)."""


def train(
    dataset: NluDataset,
    encoder: Encoder,
    *,
    version: str | None = None,
    stop: threading.Event | None = None,
) -> NluModel:
    """Fit a model on every example; its `meta.metrics` come from k-fold held-out predictions.

    Once `stop` is set, the next step does not start (`TrainingAbandonedError`): a thread cannot be
    cancelled, and one left running would compete with the retry of its job for the CPU."""
    started = time.perf_counter()
    check_dataset(dataset)
    intents, texts, labels = dataset_arrays(dataset)
    embeddings = encoder.encode(texts)
    _check_not_stopped(stop)
    evaluation = evaluate(embeddings, texts, labels, len(intents), threshold=dataset.fallback_threshold)
    _check_not_stopped(stop)
    classifier = fit_classifier(
        embeddings,
        texts,
        labels,
        intents,
        temperature=evaluation.temperature,
        in_scope=evaluation.in_scope,
        wording_weight=evaluation.wording_weight,
    )
    _check_not_stopped(stop)
    examples = [example for intent in dataset.intents for example in intent.examples]
    tagger = fit_tagger(
        examples, intents=[intents[int(label)] for label in labels], definitions=dataset.entities
    )
    seconds = time.perf_counter() - started
    metrics = evaluation.metrics | {"intents": float(len(intents)), "train_seconds": seconds}
    meta = _meta(dataset, encoder, classifier.params, tagger, metrics, version=version or new_id()[:16])
    return NluModel(meta, classifier, tagger)


def _check_not_stopped(stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise TrainingAbandonedError("training was abandoned by its caller")


def dataset_arrays(dataset: NluDataset) -> tuple[list[str], list[str], Labels]:
    """Intent names, every example's text, and each example's intent index."""
    intents = [intent.name for intent in dataset.intents]
    texts = [example.text for intent in dataset.intents for example in intent.examples]
    labels = np.repeat(np.arange(len(intents)), [len(intent.examples) for intent in dataset.intents])
    return intents, texts, labels.astype(np.int64)


def _meta(
    dataset: NluDataset,
    encoder: Encoder,
    params: ClassifierParams,
    tagger: SpanTagger | None,
    metrics: dict[str, float],
    *,
    version: str,
) -> ModelMeta:
    return ModelMeta(
        bot=dataset.bot,
        version=version,
        encoder=encoder.name,
        dim=encoder.dim,
        threshold=dataset.fallback_threshold,
        created_at=utc_now(),
        classifier=params,
        entities=learn_entities(dataset.entities, dataset.intents),
        tagger=None if tagger is None else tagger.params,
        known_words=known_words(dataset.intents),
        metrics={k: round(v, 4) for k, v in metrics.items()},
    )


def check_dataset(dataset: NluDataset) -> None:
    """`InvalidInputError` naming the first reason `dataset` cannot be trained on."""
    if not dataset.intents:
        raise InvalidInputError("the dataset has no intents; add at least one intent with examples")
    names = [intent.name for intent in dataset.intents]
    if len(set(names)) != len(names) or not all(name.strip() for name in names):
        raise InvalidInputError("intent names must be non-empty and unique")
    if not 0.0 <= dataset.fallback_threshold <= 1.0:
        raise InvalidInputError("fallback_threshold must be between 0 and 1")
    if sum(len(intent.examples) for intent in dataset.intents) > MAX_EXAMPLES:
        raise InvalidInputError(f"the dataset has more than {MAX_EXAMPLES} examples")
    for intent in dataset.intents:
        _check_examples(intent.name, [example.text for example in intent.examples])
        for example in intent.examples:
            for span in example.spans:
                if not 0 <= span.start < span.end <= len(example.text):
                    raise InvalidInputError(
                        f"intent {intent.name!r}: span {span.start}..{span.end} is outside {example.text!r}"
                    )


def _check_examples(intent: str, texts: list[str]) -> None:
    if not texts:
        raise InvalidInputError(f"intent {intent!r} has no examples")
    if not all(text.strip() and len(text) <= MAX_TEXT_CHARS for text in texts):
        raise InvalidInputError(
            f"intent {intent!r} has an empty example or one over {MAX_TEXT_CHARS} characters"
        )


def artifact_key(bot: str, version: str) -> str:
    return f"models/{bot}/{version}/model.npz"


def main() -> None:
    """Run the training worker on the training queue until SIGTERM."""
    from functools import partial  # noqa: PLC0415

    from parley_nlu.bootstrap import build_trainer_worker  # noqa: PLC0415
    from parley_nlu.settings import NluSettings, load_nlu_settings  # noqa: PLC0415
    from parley_runtime.infra import InfraSettings  # noqa: PLC0415
    from parley_runtime.process import run_worker_process  # noqa: PLC0415
    from parley_runtime.settings import check_settings  # noqa: PLC0415
    from parley_runtime.worker_settings import WorkerSettings  # noqa: PLC0415

    check_settings(InfraSettings, NluSettings, WorkerSettings)
    run_worker_process(partial(build_trainer_worker, settings=load_nlu_settings()))


if __name__ == "__main__":
    from parley_runtime.process import run_process

    run_process(main)
