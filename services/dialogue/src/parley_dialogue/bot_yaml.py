"""Bot documents written in YAML: read safely, within bounds, and refused when a mapping gives a key
twice (the last copy replaced the others without a word, so a file with two `intents:` blocks
saved only the second).

Plain scalars are typed by YAML 1.2's core schema, not PyYAML's YAML 1.1 one: only `true` and
`false` are booleans, numbers are decimal, `0o` octal or `0x` hexadecimal, and everything else is a
string. YAML 1.1 read an `affirm` intent's `yes`, `on` and `ok`-like examples, an intent `id: no`,
a time `12:30` (as 750) and a day `2026-01-01` (as a date) as other things than the text written.
An explicit tag (`!!bool yes`) still asks for that type.
"""

from __future__ import annotations

import re
from typing import Any, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from parley_dialogue.validation import Problem, refused
from parley_runtime.client_json import MAX_DEPTH
from parley_runtime.errors import InvalidInputError

_LONE_SURROGATE = re.compile("[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]")
_MERGE = "tag:yaml.org,2002:merge"
_CORE_SCHEMA = (  # the order matters: `1` is an int before it is a float
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    ("float", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?", "-+.0123456789"),
    ("float", r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)", "-+."),
    ("null", r"~|null|Null|NULL|", "~nN"),
)
"""YAML 1.2's core schema (10.3.2): the tag of a plain scalar that matches, by its first character."""
_DECIMAL = re.compile(r"[-+]?[0-9]+")


def _core_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, first in _CORE_SCHEMA:
        for char in [*first, ""] if tag == "null" else first:  # "": the empty scalar is null
            resolvers.setdefault(char, []).append(
                (f"tag:yaml.org,2002:{tag}", re.compile(f"^(?:{pattern})$"))
            )
    return resolvers


def load_yaml(raw: bytes) -> object:
    """The YAML text `raw` decoded; `InvalidInputError` when it is not YAML this loader reads, and
    an invalid definition naming the path of every key a mapping gives more than once."""
    try:
        loader = _BoundedLoader(raw)  # reads the first bytes: a ReaderError if they do not decode
    except yaml.YAMLError as exc:
        raise _not_yaml(exc) from exc
    try:
        doc = loader.get_single_data()
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a tagged value such as a day 2026-02-30
        raise _not_yaml(exc) from exc
    finally:
        loader.dispose()  # pyright: ignore[reportUnknownMemberType]
    if loader.repeated:
        raise refused(loader.repeated)
    return doc


def _construct_int(loader: yaml.SafeLoader, node: Any) -> int:
    """A decimal number, `010` included, is read in base 10 as YAML 1.2 reads it (1.1: octal); other
    forms (`0x1F`, and those an explicit `!!int` may give) as PyYAML reads them."""
    value = str(loader.construct_scalar(node))  # pyright: ignore[reportUnknownMemberType]
    if _DECIMAL.fullmatch(value):
        return int(value, 10)
    return loader.construct_yaml_int(node)  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]


def _not_yaml(exc: Exception) -> InvalidInputError:
    return InvalidInputError(f"not valid YAML: {exc}", details=[str(exc)])


class _BoundedLoader(yaml.SafeLoader):
    """YAML without anchors/aliases (an alias bomb would expand exponentially when converted), with
    sequences and mappings nested at most `MAX_DEPTH` deep, as in JSON: the composer recurses once
    per level, and 20,000 levels raised `RecursionError`. Each mapping's keys are compared as it is
    composed, where its path is known; what repeats is listed in `repeated`."""

    yaml_implicit_resolvers = _core_resolvers()  # pyright: ignore[reportIncompatibleVariableOverride]
    yaml_constructors = {**yaml.SafeLoader.yaml_constructors, "tag:yaml.org,2002:int": _construct_int}  # pyright: ignore[reportUnknownMemberType]

    def __init__(self, stream: bytes) -> None:
        super().__init__(stream)
        self._path: list[str] = []
        self.repeated: list[Problem] = []

    def compose_node(self, parent: Any, index: Any) -> Any:  # pyright: ignore[reportIncompatibleMethodOverride]
        if self.check_event(yaml.AliasEvent):  # pyright: ignore[reportUnknownMemberType]
            raise yaml.YAMLError("YAML aliases (*name) are not supported in bot definitions")
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):  # pyright: ignore[reportUnknownMemberType]
            return super().compose_node(parent, index)  # pyright: ignore[reportUnknownMemberType]
        self._path.append(_segment(parent, index))
        try:
            if len(self._path) > MAX_DEPTH:
                raise yaml.YAMLError(f"YAML nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)  # pyright: ignore[reportUnknownMemberType]
        finally:
            self._path.pop()

    def compose_mapping_node(self, anchor: Any) -> Any:  # pyright: ignore[reportIncompatibleMethodOverride]
        node: MappingNode = super().compose_mapping_node(anchor)  # pyright: ignore[reportUnknownMemberType]
        lines: dict[object, list[int]] = {}
        pairs: list[tuple[Node, Node]] = node.value  # pyright: ignore[reportUnknownMemberType]
        for key_node, _ in pairs:
            if isinstance(key_node, ScalarNode) and key_node.tag != _MERGE:
                key = cast(object, self.construct_object(key_node))  # pyright: ignore[reportUnknownMemberType]
                lines.setdefault(key, []).append(key_node.start_mark.line + 1)  # pyright: ignore[reportUnknownMemberType]
        path = "".join(self._path).removeprefix(".")
        for repeated, found in lines.items():
            if len(found) > 1:
                where = ", ".join(map(str, found[:-1])) + f" and {found[-1]}"
                message = f"is given more than once (lines {where}): a mapping gives each key once"
                self.repeated.append({"path": _joined(path, str(repeated)), "message": message})
        return node

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


def _segment(parent: Node | None, index: object) -> str:
    """How a node composed under `parent` at `index` extends its parent's path: `[2]` in a
    sequence, `.key` under a mapping (`.?` for a key that is itself a collection)."""
    if isinstance(parent, SequenceNode):
        return f"[{index}]"
    if isinstance(parent, MappingNode):
        return f".{index.value}" if isinstance(index, ScalarNode) else ".?"
    return ""


def _joined(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
