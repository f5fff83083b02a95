"""`python -m parley_nlu.evaluate` (and `parley nlu evaluate`): how well a bot's NLU works.

    python -m parley_nlu.evaluate DATASET.json [--test TEST.jsonl] [--output REPORT.json]

DATASET.json is an `NluDataset` (what the dialogue service hands the trainer). Without `--test`
the report is k-fold cross-validation on the dataset's own examples; with it, the model is trained
on the whole dataset and scored on the test file: one JSON object per line,
`{"text": ..., "intent": ... or null, "entities": [{"entity", "value", "start", "end"}]}`.
An out-of-scope utterance (one the bot should answer with fallback) has intent null or absent, or
"fallback", "out_of_scope" or "oos"; any other intent must be one the dataset has, each entity one
it knows (declared, annotated in its examples, or built in) and each span inside the text: a file
that breaks these rules is refused with every problem listed, rather than scored.
Prints first what the bot's users get at its fallback threshold (in-scope accuracy, the share of
in-scope utterances sent to fallback, out-of-scope recall), the same at other thresholds (to choose
it by), per-intent precision/recall/F1, the most confused pairs, entity scores, and the utterances
it got wrong, worst first (`--errors N`, default 10, or `all`); with `--output`, writes the same as
JSON there, with every utterance it got wrong. The sentence model is the NLU's own
(`NLU_ENCODER`, `NLU_MODEL_CACHE`) unless `--encoder` or `--model-cache` say otherwise. Exit status
0, or 2 on bad input.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Collection, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import cast

import msgspec

from parley_messages import BUILTIN_ENTITIES, NluDataset
from parley_nlu.assessment import OUT_OF_SCOPE_LABELS, TestLine, cross_validate, test_file
from parley_nlu.bootstrap import build_encoder
from parley_nlu.report import SHOWN_ERRORS, print_report
from parley_nlu.settings import NluSettings, load_nlu_settings
from parley_runtime.errors import InvalidInputError, SettingsError

PROG = "parley nlu evaluate"
"""The command, as its usage and its errors name it."""
_line_decoder = msgspec.json.Decoder(TestLine)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        dataset = load_dataset(Path(args.dataset))
    except (OSError, InvalidInputError) as exc:
        return _bad_input(exc)
    return run(args, dataset)


def run(args: argparse.Namespace, dataset: NluDataset, *, out_of_scope: Collection[str] = ()) -> int:
    """Evaluate `dataset` as `args` (from `parser()`) say; `out_of_scope`: test-file intents that mark
    an out-of-scope utterance besides the usual ones (a bot's own fallback intent)."""
    output = Path(args.output) if args.output else None
    try:
        if output is not None and not output.parent.is_dir():
            raise InvalidInputError(f"--output {output}: there is no directory {output.parent}")
        lines = load_test_lines(Path(args.test), dataset, out_of_scope=out_of_scope) if args.test else None
        settings = encoder_settings(args)
    except (OSError, InvalidInputError, SettingsError) as exc:
        return _bad_input(exc)
    encoder = build_encoder(settings)
    today = date.fromisoformat(args.today) if args.today else None
    try:
        if lines is None:
            assessment = cross_validate(dataset, encoder, today=today)
        else:
            assessment = test_file(dataset, lines, encoder, today=today)
    except (InvalidInputError, ValueError) as exc:
        return _bad_input(exc)
    print_report(assessment, sys.stdout, errors_shown=args.errors)
    if output is not None:
        try:
            output.write_bytes(msgspec.json.format(msgspec.json.encode(assessment)) + b"\n")
        except OSError as exc:
            return _bad_input(exc)
        print(f"\nwrote {output}")
    return 0


def encoder_settings(args: argparse.Namespace, environ: Mapping[str, str] = os.environ) -> NluSettings:
    """The NLU's settings of its sentence model (`NLU_ENCODER`, `NLU_MODEL_CACHE` and their
    defaults), with `--encoder` and `--model-cache` in their place when given."""
    chosen = {name: environ[name] for name in ("NLU_ENCODER", "NLU_MODEL_CACHE") if environ.get(name)}
    if args.encoder:
        chosen["NLU_ENCODER"] = args.encoder
    if args.model_cache:
        chosen["NLU_MODEL_CACHE"] = args.model_cache
    return load_nlu_settings(chosen)


def load_dataset(path: Path) -> NluDataset:
    try:
        return msgspec.json.decode(path.read_bytes(), type=NluDataset)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise InvalidInputError(f"{path}: not an NLU dataset: {exc}") from exc


def load_test_lines(path: Path, dataset: NluDataset, *, out_of_scope: Collection[str] = ()) -> list[TestLine]:
    """The test file's lines, checked against `dataset`; `InvalidInputError` lists every problem,
    each `{"path": "FILE:LINE", "message": ...}`."""
    lines: list[TestLine] = []
    problems: list[dict[str, str]] = []
    rules = _TestRules(dataset, out_of_scope)
    for number, raw in enumerate(path.read_bytes().splitlines(), 1):
        if not raw.strip():
            continue
        try:
            line = _line_decoder.decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            problems.append({"path": f"{path}:{number}", "message": f"not a test line: {exc}"})
            continue
        lines.append(line)
        problems += [{"path": f"{path}:{number}", "message": m} for m in rules.problems(line)]
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        raise InvalidInputError(f"{path}: not a valid test file ({count})", details=problems)
    if not lines:
        raise InvalidInputError(f"{path}: no test lines")
    return lines


class _TestRules:
    """What a test line may name: the dataset's intents or an out-of-scope mark, and the entities the
    model can find (declared, annotated in the examples, built in), within the text."""

    def __init__(self, dataset: NluDataset, out_of_scope: Collection[str]) -> None:
        self.intents = [intent.name for intent in dataset.intents]
        self.out_of_scope = {*OUT_OF_SCOPE_LABELS, *(name.casefold() for name in out_of_scope)}
        annotated = {s.entity for intent in dataset.intents for e in intent.examples for s in e.spans}
        self.entities = sorted({*(e.name for e in dataset.entities), *annotated, *BUILTIN_ENTITIES})

    def problems(self, line: TestLine) -> Iterator[str]:
        intent = line.intent
        if (
            intent is not None
            and intent not in self.intents
            and intent.strip().casefold() not in self.out_of_scope
        ):
            yield (
                f"intent {intent!r} is not one the model learns{_did_you_mean(intent, self.intents)}: "
                f"name one of {', '.join(self.intents)}, or null for an out-of-scope utterance"
            )
        for n, entity in enumerate(line.entities):
            where = f"entities[{n}]"
            if entity.entity not in self.entities:
                yield (
                    f"{where}: entity {entity.entity!r} is not one the model finds"
                    f"{_did_you_mean(entity.entity, self.entities)}: name one of {', '.join(self.entities)}"
                )
            if not 0 <= entity.start < entity.end <= len(line.text):
                yield (
                    f"{where}: characters {entity.start}..{entity.end} are not a span of the text "
                    f"({len(line.text)} characters): 0 <= start < end <= {len(line.text)}"
                )


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _bad_input(exc: Exception) -> int:
    """Say what is wrong as the other `parley` commands do (`parley nlu evaluate: ...`); exit 2."""
    reason = f"{exc.filename}: {exc.strerror}" if isinstance(exc, OSError) and exc.strerror else str(exc)
    print(f"{PROG}: {reason}", file=sys.stderr)
    details = exc.details if isinstance(exc, InvalidInputError) else None
    for problem in cast(list[dict[str, str]], details or []):  # the shape load_test_lines gives
        print(f"  {problem['path']}: {problem['message']}", file=sys.stderr)
    return 2


def parser(*, bots: bool = False) -> argparse.ArgumentParser:
    """The command's arguments; with `bots` (`parley nlu evaluate`) the file may be a bot definition."""
    command = argparse.ArgumentParser(
        prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    if bots:
        described = (
            "bot definition (YAML or JSON, native or an AI Chatbot Framework export), whose fallback"
            " intent then also marks out-of-scope test utterances; or NluDataset JSON"
        )
        command.add_argument("dataset", metavar="BOT|DATASET", help=described)
    else:
        command.add_argument("dataset", metavar="DATASET", help="NluDataset JSON file")
    command.add_argument("--test", help="test file (JSON lines); default: k-fold cross-validation")
    command.add_argument("--output", metavar="REPORT.json", help="also write the report there as JSON")
    defaults = NluSettings()
    command.add_argument(
        "--encoder",
        choices=["onnx-int8", "onnx", "torch", "hashing"],
        help=f"sentence model; default NLU_ENCODER, else {defaults.encoder}",
    )
    # `parley nlu evaluate` looks for the default in the checkout too, from elsewhere (parley.checkout).
    elsewhere = " here if there is one, else the checkout's" if bots else ""
    command.add_argument(
        "--model-cache",
        metavar="DIR",
        help=f"ONNX export cache; default NLU_MODEL_CACHE, else {defaults.model_cache}{elsewhere}"
        " (a relative path is from the current directory)",
    )
    command.add_argument("--today", help="reference date for relative dates, YYYY-MM-DD (default: today)")
    command.add_argument(
        "--errors",
        metavar="N|all",
        type=_error_count,
        default=SHOWN_ERRORS,
        help=f"misclassified utterances and entity misses printed, worst first (default {SHOWN_ERRORS});"
        " the JSON report has them all",
    )
    return command


def _error_count(value: str) -> int | None:
    """`--errors`: a count of 0 or more, or `all` (None: no limit)."""
    if value.strip().casefold() == "all":
        return None
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a count: give a whole number such as 20, or all")
    return int(value)


if __name__ == "__main__":
    sys.exit(main())
