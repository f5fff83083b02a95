"""Cross-validated entity F1 of both benchmark sets at several tagger `OUTSIDE_WEIGHT`s, and on
open values unseen in training with and without the intent.

    .venv/bin/python bench/tagger_weight.py [--weights 0.3 0.4 0.5 0.6 0.8 1.0] [--shuffles 6]

How `parley_nlu.tagger.OUTSIDE_WEIGHT` is chosen: on the annotated training examples of our set
(bench/data/entities.json) and of the public set (`public_intents.py`, first sampling) only, never
their held-out utterances. Each shuffle splits a set's examples into 5 folds; the whole extractor
(dictionary, patterns, built-ins and the tagger) is trained on 4 and scored on the fifth; matched,
expected and found entities are pooled over folds and shuffles. The tagger is told each held-out
example's own intent (serving tells it the classifier's top one).

Those folds share their open values (a bot's examples repeat a few), so they cannot tell whether
the tagger finds a value it never saw. The second table folds by value instead: each open value
(of an entity with neither values nor a pattern) falls in one fold, whose examples are held out and
whose values no training example contains; it compares the tagger told the intent with one whose
bot has a single intent (so the intent says nothing), at the default weight.
"""

from __future__ import annotations

import argparse
import json
import random
import zlib
from datetime import date
from typing import Any

import public_intents
from nlu_accuracy import DATA, entity_bot, entity_match

from parley_nlu import tagger
from parley_nlu.encoder import HashingEncoder
from parley_nlu.trainer import train

FOLDS = 5


def as_test_line(example: dict[str, Any]) -> dict[str, Any]:
    """An annotated training example in the layout of a test line."""
    text = example["text"]
    entities = [{**span, "value": text[span["start"] : span["end"]]} for span in example["spans"]]
    return {"text": text, "intent": example["intent"], "entities": entities}


Splits = list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]
"""(training examples, held-out examples) per fold."""


def shuffled_folds(examples: list[dict[str, Any]], shuffles: int) -> Splits:
    splits: Splits = []
    for seed in range(shuffles):
        order = list(examples)
        random.Random(seed).shuffle(order)
        for fold in range(FOLDS):
            splits.append((
                [e for i, e in enumerate(order) if i % FOLDS != fold],
                [e for i, e in enumerate(order) if i % FOLDS == fold],
            ))  # fmt: skip
    return splits


def value_folds(data: dict[str, Any], shuffles: int) -> Splits:
    listed = {d["name"] for d in data["entities"] if d.get("values") or d.get("pattern")}

    def values(example: dict[str, Any]) -> list[str]:
        text = example["text"]
        return [text[s["start"] : s["end"]].casefold() for s in example["spans"] if s["entity"] not in listed]

    splits: Splits = []
    for seed in range(shuffles):
        fold_of = {v: zlib.crc32(f"{seed}:{v}".encode()) % FOLDS for e in data["train"] for v in values(e)}
        for fold in range(FOLDS):
            splits.append((
                [e for e in data["train"] if all(fold_of[v] != fold for v in values(e))],
                [e for e in data["train"] if values(e) and fold_of[values(e)[0]] == fold],
            ))  # fmt: skip
    return splits


def scored(data: dict[str, Any], splits: Splits) -> tuple[float, float, float]:
    """Pooled recall, precision and F1 over the splits."""
    today = date.fromisoformat(data["today"])
    matched = expected = found = 0
    for trained, held in splits:
        held_out = [as_test_line(e) for e in held]
        model = train(entity_bot(data["entities"], trained), HashingEncoder(64), version="cv")
        intent_of = {line["text"]: line["intent"] for line in held_out}
        s = entity_match(
            held_out,
            lambda text: model.extractor.extract(text, today=today, intent=intent_of[text]),  # noqa: B023
        )
        matched, expected, found = matched + s.matched, expected + s.expected, found + s.found
    recall, precision = matched / max(expected, 1), matched / max(found, 1)
    return recall, precision, 2 * matched / max(expected + found, 1)


def one_intent(splits: Splits) -> Splits:
    """The same folds in a bot whose examples all belong to one intent."""
    return [([{**e, "intent": "any"} for e in t], [{**e, "intent": "any"} for e in h]) for t, h in splits]


def cell(name: str, figures: tuple[float, float, float]) -> str:
    recall, precision, f1 = figures
    return f"{name} F1 {f1:.3f} (recall {recall:.3f} precision {precision:.3f})"


def main(args: argparse.Namespace) -> None:
    sets = {
        "ours": json.loads((DATA / "entities.json").read_text()),
        "public": public_intents.sample().entities,
    }
    print(f"entity F1, {args.shuffles} shuffles x {FOLDS} folds of each set's annotated training examples")
    default = tagger.OUTSIDE_WEIGHT
    for weight in args.weights:
        tagger.OUTSIDE_WEIGHT = weight
        cells = [
            cell(name, scored(data, shuffled_folds(data["train"], args.shuffles)))
            for name, data in sets.items()
        ]
        mark = "  <- default" if weight == default else ""
        print(f"  OUTSIDE_WEIGHT {weight:.2f}: {'   '.join(cells)}{mark}", flush=True)
    tagger.OUTSIDE_WEIGHT = default
    print(
        f"open values unseen in training ({args.shuffles} x {FOLDS} folds by value), OUTSIDE_WEIGHT {default}"
    )
    for name, data in sets.items():
        splits = value_folds(data, args.shuffles)
        print(f"  {cell(name + ', told the intent:', scored(data, splits))}", flush=True)
        print(f"  {cell(name + ', one intent:     ', scored(data, one_intent(splits)))}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weights", type=float, nargs="+", default=[0.3, 0.4, 0.5, 0.6, 0.8, 1.0])
    parser.add_argument("--shuffles", type=int, default=6)
    main(parser.parse_args())
