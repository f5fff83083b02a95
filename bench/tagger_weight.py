"""Cross-validated entity F1 of both benchmark sets at several tagger `OUTSIDE_WEIGHT`s.

    .venv/bin/python bench/tagger_weight.py [--weights 0.3 0.4 0.5 0.6 0.8 1.0] [--shuffles 6]

How `parley_nlu.tagger.OUTSIDE_WEIGHT` is chosen: on the annotated training examples of our set
(bench/data/entities.json) and of the public set (`public_intents.py`, first sampling) only, never
their held-out utterances. Each shuffle splits a set's examples into 5 folds; the whole extractor
(dictionary, patterns, built-ins and the tagger) is trained on 4 and scored on the fifth; matched,
expected and found entities are pooled over folds and shuffles.
"""

from __future__ import annotations

import argparse
import json
import random
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
    return {"text": text, "entities": entities}


def cross_validated(data: dict[str, Any], shuffles: int) -> tuple[float, float, float]:
    """Pooled recall, precision and F1 over `shuffles` x `FOLDS` folds."""
    today = date.fromisoformat(data["today"])
    matched = expected = found = 0
    for seed in range(shuffles):
        examples = list(data["train"])
        random.Random(seed).shuffle(examples)
        for fold in range(FOLDS):
            trained = [e for i, e in enumerate(examples) if i % FOLDS != fold]
            held_out = [as_test_line(e) for i, e in enumerate(examples) if i % FOLDS == fold]
            model = train(entity_bot(data["entities"], trained), HashingEncoder(64), version="cv")
            s = entity_match(held_out, lambda text: model.extractor.extract(text, today=today))  # noqa: B023
            matched, expected, found = matched + s.matched, expected + s.expected, found + s.found
    recall, precision = matched / max(expected, 1), matched / max(found, 1)
    return recall, precision, 2 * matched / max(expected + found, 1)


def main(args: argparse.Namespace) -> None:
    sets = {
        "ours": json.loads((DATA / "entities.json").read_text()),
        "public": public_intents.sample().entities,
    }
    print(f"entity F1, {args.shuffles} shuffles x {FOLDS} folds of each set's annotated training examples")
    default = tagger.OUTSIDE_WEIGHT
    for weight in args.weights:
        tagger.OUTSIDE_WEIGHT = weight
        cells = []
        for name, data in sets.items():
            recall, precision, f1 = cross_validated(data, args.shuffles)
            cells.append(f"{name} F1 {f1:.3f} (recall {recall:.3f} precision {precision:.3f})")
        mark = "  <- default" if weight == default else ""
        print(f"  OUTSIDE_WEIGHT {weight:.2f}: {'   '.join(cells)}{mark}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weights", type=float, nargs="+", default=[0.3, 0.4, 0.5, 0.6, 0.8, 1.0])
    parser.add_argument("--shuffles", type=int, default=6)
    main(parser.parse_args())
