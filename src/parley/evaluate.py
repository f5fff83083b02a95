"""`parley nlu evaluate`: the NLU evaluation, on a bot definition as well as on an NLU dataset.

A bot definition (native or AI Chatbot Framework export, JSON or YAML) is turned into the dataset
the trainer would get, and a test file may then also mark out-of-scope utterances with the bot's
own fallback intent; `parley_nlu.evaluate` does the rest. With neither `--model-cache` nor
`NLU_MODEL_CACHE`, the sentence model's export is `var/models` here if there is one, else the
checkout's, which `parley run` made (`parley.checkout`).

The bot is named as `parley.botfiles.bot_name` reads its file. A JSON file that is neither is
reported as what it most looks like: a dataset (it names its `bot`, or its intents have a `name`
but no `id`) by the dataset's error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

import msgspec

from parley.botfiles import bot_name, content_type
from parley.checkout import located
from parley_dialogue.definition import to_dataset
from parley_dialogue.documents import parse_document
from parley_messages import NluDataset
from parley_nlu.evaluate import parser, run
from parley_nlu.settings import NluSettings
from parley_runtime.errors import InvalidInputError
from parley_runtime.settings import env_names

_dataset_decoder = msgspec.json.Decoder(NluDataset)
_MODEL_CACHE = env_names(NluSettings)["model_cache"]


def evaluate(argv: list[str]) -> int:
    """Run the evaluation; the file may be a bot definition or a dataset. A bad bot definition or a
    bad dataset raises `InvalidInputError`; a bad test file is reported by `run` (exit status 2)."""
    args = parser(bots=True).parse_args(argv)
    if not args.model_cache and not os.environ.get(_MODEL_CACHE):  # as `parley run` in the checkout
        args.model_cache = str(located(NluSettings().model_cache))
    source = Path(args.dataset)
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"{source}: {exc.strerror}") from exc
    dataset = _as_dataset(raw, source)
    if dataset is not None:
        return run(args, dataset)
    definition = parse_document(raw, content_type(source), name=bot_name(raw, source))
    return run(args, to_dataset(definition), out_of_scope=[definition.settings.fallback_intent])


def _as_dataset(raw: bytes, source: Path) -> NluDataset | None:
    """The file's dataset; None when it is not one, or `InvalidInputError` when it looks like one."""
    try:
        return _dataset_decoder.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        if _looks_like_dataset(raw):
            raise InvalidInputError(f"{source}: not a valid NLU dataset: {exc}") from exc
        return None


def _looks_like_dataset(raw: bytes) -> bool:
    """JSON naming its `bot` (no bot definition has that field), or whose intents have a `name` and
    neither a native `id` nor an ACF `intentId`."""
    try:
        doc = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return False
    if not isinstance(doc, dict):
        return False
    fields = cast(dict[str, Any], doc)
    intents = fields.get("intents")
    if "bot" in fields:
        return True
    if not isinstance(intents, list) or not intents:
        return False
    items = cast(list[Any], intents)
    return all(isinstance(i, dict) and "name" in i and not {"id", "intentId"} & i.keys() for i in items)
