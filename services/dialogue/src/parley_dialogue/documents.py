"""Bot documents as uploaded: JSON or YAML, native or ACF export, detected from the bytes."""

from __future__ import annotations

from typing import Any, cast

import msgspec
import yaml

from parley_dialogue.acf import from_acf, is_acf
from parley_dialogue.definition import BotDefinition
from parley_dialogue.validation import build_definition
from parley_runtime.errors import InvalidInputError

MAX_DOCUMENT_BYTES = 5_000_000
_BOM = b"\xef\xbb\xbf"


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors/aliases: an alias bomb would expand exponentially when converted."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # pyright: ignore[reportIncompatibleMethodOverride]
        if self.check_event(yaml.AliasEvent):  # pyright: ignore[reportUnknownMemberType]
            raise yaml.YAMLError("YAML aliases (*name) are not supported in bot definitions")
        return super().compose_node(parent, index)  # pyright: ignore[reportUnknownMemberType]


def parse_document(raw: bytes, content_type: str | None = None, *, name: str | None = None) -> BotDefinition:
    """A validated definition from an upload; `name` (from the URL path) wins over the document's."""
    doc = load_document(raw, content_type)
    if not isinstance(doc, dict):
        return build_definition(doc)
    fields = cast(dict[str, Any], doc)
    if is_acf(fields):
        return build_definition(from_acf(fields, name=name or "bot"))
    return build_definition(fields if name is None else {**fields, "name": name})


def load_document(raw: bytes, content_type: str | None = None) -> object:
    """Decode JSON or YAML (by content type, else by the first character)."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InvalidInputError(f"bot documents are limited to {MAX_DOCUMENT_BYTES} bytes")
    raw = raw.removeprefix(_BOM)
    kind = (content_type or "").lower()
    if "yaml" in kind or ("json" not in kind and raw.lstrip()[:1] not in (b"{", b"[")):
        return _load_yaml(raw)
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise InvalidInputError(f"not valid JSON: {exc}", details=[str(exc)]) from exc


def _load_yaml(raw: bytes) -> object:
    try:
        return yaml.load(raw, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise InvalidInputError(f"not valid YAML: {exc}", details=[str(exc)]) from exc
