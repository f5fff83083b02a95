"""Bot documents as uploaded: JSON or YAML, native or ACF export, detected from the bytes."""

from __future__ import annotations

import re
from typing import Any, cast

import yaml

from parley_dialogue.acf import from_acf, is_acf
from parley_dialogue.definition import BotDefinition
from parley_dialogue.validation import build_definition
from parley_runtime.client_json import MAX_DEPTH, decode_json
from parley_runtime.errors import InvalidInputError

MAX_DOCUMENT_BYTES = 5_000_000
_BOM = b"\xef\xbb\xbf"
_LONE_SURROGATE = re.compile("[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]")


class _BoundedLoader(yaml.SafeLoader):
    """YAML without anchors/aliases (an alias bomb would expand exponentially when converted), with
    sequences and mappings nested at most `MAX_DEPTH` deep, as in JSON: the composer recurses once
    per level, and 20,000 levels raised `RecursionError`."""

    def __init__(self, stream: bytes) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # pyright: ignore[reportIncompatibleMethodOverride]
        if self.check_event(yaml.AliasEvent):  # pyright: ignore[reportUnknownMemberType]
            raise yaml.YAMLError("YAML aliases (*name) are not supported in bot definitions")
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):  # pyright: ignore[reportUnknownMemberType]
            return super().compose_node(parent, index)  # pyright: ignore[reportUnknownMemberType]
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.YAMLError(f"YAML nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)  # pyright: ignore[reportUnknownMemberType]
        finally:
            self._depth -= 1

    def construct_scalar(self, node: Any) -> Any:  # pyright: ignore[reportIncompatibleMethodOverride]
        """A scalar, with `\\ud83d\\ude00`-style escaped surrogate pairs joined into their character
        (as JSON reads them), and refused when half of a pair is left alone: no Unicode text holds
        one, so it could be neither stored nor sent."""
        value = super().construct_scalar(node)
        if value.isascii():
            return value
        try:
            value.encode()
        except UnicodeEncodeError:
            lone = _LONE_SURROGATE.search(value)
            if lone is not None:
                half = f"\\u{ord(lone.group()):04x}"
                message = f"not valid Unicode: {half} is half of a UTF-16 surrogate pair"
                raise yaml.constructor.ConstructorError(None, None, message, node.start_mark) from None
            return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        return value


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
    """Decode JSON or YAML (by content type, else by the first character), nested at most `MAX_DEPTH`
    deep; anything else (bad bytes, syntax, nesting or values) is an `InvalidInputError`."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InvalidInputError(f"bot documents are limited to {MAX_DOCUMENT_BYTES} bytes")
    raw = raw.removeprefix(_BOM)
    kind = (content_type or "").lower()
    if "yaml" in kind or ("json" not in kind and raw.lstrip()[:1] not in (b"{", b"[")):
        return _load_yaml(raw)
    return decode_json(raw)


def _load_yaml(raw: bytes) -> object:
    try:
        return yaml.load(raw, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a tagged value such as a day 2026-02-30
        raise InvalidInputError(f"not valid YAML: {exc}", details=[str(exc)]) from exc
