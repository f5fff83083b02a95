"""Bot documents as uploaded: JSON or YAML, native or ACF export, detected from the bytes."""

from __future__ import annotations

from typing import Any, cast

from parley_dialogue.acf import from_acf, is_acf, is_acf_intents
from parley_dialogue.bot_yaml import load_yaml
from parley_dialogue.definition import BotDefinition
from parley_dialogue.validation import build_definition, refused
from parley_runtime.client_json import REPEATED, decode_json, repeated_keys
from parley_runtime.errors import InvalidInputError

MAX_DOCUMENT_BYTES = 5_000_000
ARRAY_IS_NOT_A_BOT = (
    'a bot definition is an object ({"name": ..., "intents": [...]}); an array is read only as an AI'
    " Chatbot Framework export of intents, whose items are intents with an intentId"
)
_BOM = b"\xef\xbb\xbf"


def parse_document(raw: bytes, content_type: str | None = None, *, name: str | None = None) -> BotDefinition:
    """A validated definition from an upload; `name` (from the URL path) wins over the document's."""
    doc = load_document(raw, content_type)
    if isinstance(doc, list):
        return _acf_intents_export(cast(list[Any], doc), name=name or "bot")
    if not isinstance(doc, dict):
        return build_definition(doc)
    fields = cast(dict[str, Any], doc)
    if is_acf(fields):
        return build_definition(from_acf(fields, name=name or "bot"))
    return build_definition(fields if name is None else {**fields, "name": name})


def _acf_intents_export(items: list[Any], *, name: str) -> BotDefinition:
    """An array is a bot only as ACF's older export of its intents; its problems are named by where
    they are in the array (`[3].intentId`)."""
    if not is_acf_intents(items):
        raise InvalidInputError(ARRAY_IS_NOT_A_BOT, details=[])
    try:
        return build_definition(from_acf({"intents": items}, name=name))
    except InvalidInputError as exc:
        details: Any = exc.details
        raise InvalidInputError(str(exc), details=[_in_array(problem) for problem in details]) from None


def _in_array(problem: dict[str, str]) -> dict[str, str]:
    path = problem["path"]
    return {**problem, "path": path.removeprefix("intents")} if path.startswith("intents[") else problem


def load_document(raw: bytes, content_type: str | None = None) -> object:
    """Decode JSON or YAML (by content type, else by the first character), nested at most
    `client_json.MAX_DEPTH` deep; anything else (bad bytes, syntax, nesting or values) is an
    `InvalidInputError`, and so is a key given twice in an object, refused as an invalid definition
    that names where."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InvalidInputError(f"bot documents are limited to {MAX_DOCUMENT_BYTES} bytes")
    raw = raw.removeprefix(_BOM)
    kind = (content_type or "").lower()
    if "yaml" in kind or ("json" not in kind and raw.lstrip()[:1] not in (b"{", b"[")):
        return load_yaml(raw)
    doc = decode_json(raw, unique_keys=False)
    repeated = repeated_keys(raw)
    if repeated:
        raise refused([{"path": path, "message": REPEATED} for path in repeated])
    return doc
