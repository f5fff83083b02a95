"""How well a bot's NLU works: k-fold cross-validation on its own examples, or a separate test set.

Both produce one `Assessment`: intent accuracy at the bot's fallback threshold (and the share of
in-scope utterances it sends to fallback) and without it, per-intent precision, recall and F1, the
most confused pairs, out-of-scope recall (from test utterances of no intent, or in cross-validation
from intents left out of training), how both would change with other fallback thresholds, entity
precision/recall/F1, and every utterance it got wrong (`misses`). Entities are scored only for the
types the truth annotates, so built-in entities a bot does not use cannot count against it. In
cross-validation the left-out intents' examples are not listed as errors: they belong to intents
the bot has, and stand for out-of-scope input only to measure its recall.
"""

from __future__ import annotations

from datetime import date

import msgspec
import numpy as np

from parley_messages import Example, IntentExamples, NluDataset
from parley_nlu.encoder import Encoder
from parley_nlu.entities import EntityExtractor, known_words, learn_entities
from parley_nlu.evaluation import OUTSIDE, assign_folds, evaluate
from parley_nlu.metrics import EntityKey, EntityScores, entity_key, entity_scores, intent_report
from parley_nlu.misses import EntityError, IntentError, entity_errors, intent_errors
from parley_nlu.model import FALLBACK_INTENT
from parley_nlu.tagger import fit_tagger
from parley_nlu.trainer import check_dataset, dataset_arrays, train

OUT_OF_SCOPE_LABELS = frozenset({"", FALLBACK_INTENT, "out_of_scope", "oos"})
"""Test-file intents that mean "no intent": the utterance should go to fallback."""
CONFUSIONS_SHOWN = 10
SWEPT_THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


class TestEntity(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    value: object
    start: int
    end: int


class TestLine(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a test file: `intent` null (or "fallback", "out_of_scope") when it has none. Here
    an intent the dataset does not have counts as none too; `parley nlu evaluate` refuses such lines
    before they get here (see `evaluate.load_test_lines`)."""

    text: str
    intent: str | None = None
    entities: list[TestEntity] = []


class IntentRow(msgspec.Struct, frozen=True, kw_only=True):
    intent: str
    precision: float
    """0 when nothing was `predicted` as the intent (then it has no precision)."""
    recall: float
    """0 when the intent has no `support` (then it has no recall)."""
    f1: float
    support: int
    predicted: int = 0
    """Utterances predicted as the intent (not sent to fallback)."""


class ConfusedPair(msgspec.Struct, frozen=True, kw_only=True):
    truth: str
    predicted: str
    count: int


class ThresholdRow(msgspec.Struct, frozen=True, kw_only=True):
    """What the same predictions would score with another `fallback_threshold`."""

    threshold: float
    in_scope_accuracy: float
    oos_recall: float | None
    fallback_rate: float
    """Share of in-scope utterances sent to fallback."""


class Assessment(msgspec.Struct, frozen=True, kw_only=True):
    mode: str
    bot: str
    threshold: float
    accuracy: float
    """Top intent right, were there no fallback."""
    in_scope_accuracy: float
    """Right and not sent to fallback: what the bot's users get."""
    oos_recall: float | None
    macro_f1: float
    in_scope: int
    out_of_scope: int
    per_intent: list[IntentRow]
    confused_pairs: list[ConfusedPair]
    entities: EntityScores
    per_entity: dict[str, EntityScores]
    thresholds: list[ThresholdRow] = []
    fallback_rate: float = 0.0
    """Share of in-scope utterances sent to fallback (the rest of the misses got a wrong intent)."""
    intent_errors: list[IntentError] = []
    entity_errors: list[EntityError] = []


class _Entities(msgspec.Struct, frozen=True):
    """Per scored utterance: its text, the entities its truth annotates, and those found."""

    texts: list[str]
    gold: list[list[EntityKey]]
    found: list[list[EntityKey]]


def cross_validate(dataset: NluDataset, encoder: Encoder, *, today: date | None = None) -> Assessment:
    """k-fold on the dataset's own examples; out-of-scope recall from intents left out of training."""
    check_dataset(dataset)
    intents, texts, labels = dataset_arrays(dataset)
    evaluation = evaluate(
        encoder.encode(texts), texts, labels, len(intents), threshold=dataset.fallback_threshold
    )
    held = evaluation.held_out
    if held is None:
        raise ValueError("too few examples to hold any out: give intents at least two examples")
    examples = [e for intent in dataset.intents for e in intent.examples]
    k_fold = held.labels != OUTSIDE
    tops: list[str | None] = [None] * len(examples)
    for example, top in zip(held.examples[k_fold], held.predicted[k_fold], strict=True):
        tops[int(example)] = intents[int(top)]
    entities = _fold_entities(dataset, examples, assign_folds(labels), tops, today)
    errors = intent_errors(
        [texts[int(i)] for i in held.examples[k_fold]],
        intents,
        (held.labels[k_fold], held.predicted[k_fold], held.confidence[k_fold]),
        dataset.fallback_threshold,
    )
    arrays = (held.labels, held.predicted, held.confidence)
    return _assessment("cross-validation", dataset, intents, arrays, entities=entities, errors=errors)


def test_file(
    dataset: NluDataset, lines: list[TestLine], encoder: Encoder, *, today: date | None = None
) -> Assessment:
    """Train on the whole dataset, then predict every test line."""
    model = train(dataset, encoder, version="assessment")
    mended = [model.intent_text(line.text) for line in lines]
    embeddings = encoder.encode(mended)  # as the service parses
    index = {name: i for i, name in enumerate(model.intents)}
    truth: list[int] = []
    top: list[int] = []
    confidence: list[float] = []
    found: list[list[EntityKey]] = []
    for line, read, embedding in zip(lines, mended, embeddings, strict=True):
        result = model.parse(line.text, embedding, mended=read, today=today)
        truth.append(OUTSIDE if _out_of_scope(line) else index.get(line.intent or "", OUTSIDE))
        top.append(index[result.ranking[0].name])
        confidence.append(result.ranking[0].confidence)
        found.append([entity_key(e.entity, e.value, e.start, e.end) for e in result.entities])
    gold = [[entity_key(e.entity, e.value, e.start, e.end) for e in line.entities] for line in lines]
    texts = [line.text for line in lines]
    arrays = (np.array(truth), np.array(top), np.array(confidence))
    errors = intent_errors(texts, model.intents, arrays, dataset.fallback_threshold)
    entities = _Entities(texts, gold, found)
    return _assessment("test-file", dataset, model.intents, arrays, entities=entities, errors=errors)


def _out_of_scope(line: TestLine) -> bool:
    return (line.intent or "").strip().casefold() in OUT_OF_SCOPE_LABELS


def _fold_entities(
    dataset: NluDataset,
    examples: list[Example],
    folds: np.ndarray,
    tops: list[str | None],
    today: date | None,
) -> _Entities:
    """Each held-out example's annotated entities, and what an extractor built without it finds,
    told the intent (`tops`) a classifier that never saw it predicted, as serving would be."""
    texts: list[str] = []
    gold: list[list[EntityKey]] = []
    found: list[list[EntityKey]] = []
    owners = [intent.name for intent in dataset.intents for _ in intent.examples]
    for fold in range(int(folds.max(initial=-1)) + 1):
        kept = [i for i in range(len(examples)) if folds[i] != fold]
        extractor = _extractor(dataset, [(owners[i], examples[i]) for i in kept])
        for i in np.flatnonzero(folds == fold):
            example = examples[int(i)]
            texts.append(example.text)
            gold.append([_span_key(example, s.entity, s.value, s.start, s.end) for s in example.spans])
            entities = extractor.extract(example.text, today=today, intent=tops[int(i)])
            found.append([entity_key(e.entity, e.value, e.start, e.end) for e in entities])
    return _Entities(texts, gold, found)


def _span_key(example: Example, entity: str, value: str | None, start: int, end: int) -> EntityKey:
    return entity_key(entity, value or example.text[start:end].strip(), start, end)


def _extractor(dataset: NluDataset, examples: list[tuple[str, Example]]) -> EntityExtractor:
    by_intent: dict[str, list[Example]] = {}
    for owner, example in examples:
        by_intent.setdefault(owner, []).append(example)
    intents = [IntentExamples(name=name, examples=exs) for name, exs in by_intent.items()]
    return EntityExtractor(
        learn_entities(dataset.entities, intents),
        tagger=fit_tagger(
            [example for _, example in examples],
            intents=[owner for owner, _ in examples],
            definitions=dataset.entities,  # as `train` fits it: the figures are of the model it publishes
        ),
        known_words=known_words(intents),
    )


def _assessment(
    mode: str,
    dataset: NluDataset,
    intents: list[str],
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    entities: _Entities,
    errors: list[IntentError],
) -> Assessment:
    """`arrays`: truth (-1 out of scope), top intent, and the confidence in it."""
    truth, top, confidence = arrays
    predicted = np.where(confidence >= dataset.fallback_threshold, top, OUTSIDE)
    inside = truth >= 0
    report = intent_report(truth[inside], predicted[inside], len(intents))
    gold = entities.gold
    scored = {key[0] for keys in gold for key in keys}
    found = [[k for k in keys if k[0] in scored] for keys in entities.found]
    return Assessment(
        mode=mode,
        bot=dataset.bot,
        threshold=dataset.fallback_threshold,
        accuracy=float((top == truth)[inside].mean()) if inside.any() else 0.0,
        in_scope_accuracy=float((predicted == truth)[inside].mean()) if inside.any() else 0.0,
        oos_recall=float((predicted == OUTSIDE)[~inside].mean()) if (~inside).any() else None,
        fallback_rate=float((predicted == OUTSIDE)[inside].mean()) if inside.any() else 0.0,
        macro_f1=report.macro_f1,
        in_scope=int(inside.sum()),
        out_of_scope=int((~inside).sum()),
        per_intent=[
            IntentRow(
                intent=name,
                precision=s.precision,
                recall=s.recall,
                f1=s.f1,
                support=s.support,
                predicted=s.predicted,
            )
            for name, s in zip(intents, report.per_intent, strict=True)
        ],
        confused_pairs=[
            ConfusedPair(truth=intents[c.truth], predicted=intents[c.predicted], count=c.count)
            for c in report.confusions[:CONFUSIONS_SHOWN]
        ],
        entities=entity_scores(gold, found),
        per_entity={
            name: entity_scores(
                [[k for k in keys if k[0] == name] for keys in gold],
                [[k for k in keys if k[0] == name] for keys in found],
            )
            for name in sorted(scored)
        },
        thresholds=[_at_threshold(t, truth, top, confidence) for t in SWEPT_THRESHOLDS],
        intent_errors=errors,
        entity_errors=entity_errors(entities.texts, gold, found),
    )


def _at_threshold(
    threshold: float, truth: np.ndarray, top: np.ndarray, confidence: np.ndarray
) -> ThresholdRow:
    inside = truth >= 0
    kept = confidence >= threshold
    return ThresholdRow(
        threshold=threshold,
        in_scope_accuracy=float(((top == truth) & kept)[inside].mean()) if inside.any() else 0.0,
        oos_recall=float((~kept)[~inside].mean()) if (~inside).any() else None,
        fallback_rate=float((~kept)[inside].mean()) if inside.any() else 0.0,
    )
