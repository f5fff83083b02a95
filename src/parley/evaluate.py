"""`parley nlu evaluate`: the NLU evaluation, on a bot definition as well as on an NLU dataset.

A bot definition (native or AI Chatbot Framework export, JSON or YAML) is turned into the dataset
the trainer would get; then `python -m parley_nlu.evaluate` does the work.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import msgspec

from parley_dialogue.definition import to_dataset
from parley_dialogue.documents import parse_document
from parley_messages import NluDataset
from parley_nlu.evaluate import main as evaluate_dataset


def evaluate(argv: list[str]) -> int:
    """Run the evaluation; the first positional argument may be a bot definition file."""
    position = next((i for i, arg in enumerate(argv) if not arg.startswith("-")), None)
    if position is None or not Path(argv[position]).is_file() or _is_dataset(Path(argv[position])):
        return evaluate_dataset(argv)  # it reports a missing file or bad arguments itself
    source = Path(argv[position])
    dataset = to_dataset(parse_document(source.read_bytes(), _content_type(source), name=source.stem))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dataset.json"
        path.write_bytes(msgspec.json.encode(dataset))
        return evaluate_dataset([*argv[:position], str(path), *argv[position + 1 :]])


def _is_dataset(path: Path) -> bool:
    try:
        msgspec.json.decode(path.read_bytes(), type=NluDataset)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return False
    return True


def _content_type(path: Path) -> str:
    return "application/yaml" if path.suffix in (".yaml", ".yml") else "application/json"
