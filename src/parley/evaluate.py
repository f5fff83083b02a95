"""`parley nlu evaluate`: the NLU evaluation, on a bot definition as well as on an NLU dataset.

A bot definition (native or AI Chatbot Framework export, JSON or YAML) is turned into the dataset
the trainer would get, and a test file may then also mark out-of-scope utterances with the bot's
own fallback intent; `parley_nlu.evaluate` does the rest.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from parley_dialogue.definition import to_dataset
from parley_dialogue.documents import parse_document
from parley_messages import NluDataset
from parley_nlu.evaluate import parser, run
from parley_runtime.errors import InvalidInputError

_dataset_decoder = msgspec.json.Decoder(NluDataset)


def evaluate(argv: list[str]) -> int:
    """Run the evaluation; the file may be a bot definition or a dataset. A bad bot definition
    raises `InvalidInputError`; a bad dataset or test file is reported by `run` (exit status 2)."""
    args = parser(bots=True).parse_args(argv)
    source = Path(args.dataset)
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"{source}: {exc.strerror}") from exc
    dataset = _as_dataset(raw)
    if dataset is not None:
        return run(args, dataset)
    definition = parse_document(raw, _content_type(source), name=source.stem)
    return run(args, to_dataset(definition), out_of_scope=[definition.settings.fallback_intent])


def _as_dataset(raw: bytes) -> NluDataset | None:
    try:
        return _dataset_decoder.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def _content_type(path: Path) -> str | None:
    """By the file's suffix; without a known one `parse_document` goes by the first character."""
    return {".yaml": "application/yaml", ".yml": "application/yaml", ".json": "application/json"}.get(
        path.suffix.lower()
    )
