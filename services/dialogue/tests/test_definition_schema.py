"""The bot definition's JSON Schema (`parley_messages/schemas/bot-definition.schema.json`) says what
the loader reads: every field of its structs, with their defaults and constraints, and of the
refused documents, those JSON Schema can tell (`test_definition_schema_documents.py` holds it to
every document the loader accepts)."""

from __future__ import annotations

import copy
import json
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

import msgspec
import pytest
from jsonschema import Draft202012Validator

from parley_dialogue.acf import ACF_INTENT_FIELDS, EXTENSIONS
from parley_dialogue.definition import (
    MAX_ACTION_TIMEOUT_SECONDS,
    ActionDef,
    BotDefinition,
    EntityDefinition,
    ExampleDef,
    IntentDef,
    Messages,
    ParameterDef,
    Settings,
    SpanDef,
)
from parley_dialogue.patterns import MAX_PATTERN_CHARS
from parley_dialogue.validation import MAX_INTENTS, problems_of
from parley_messages import MAX_TEXT_CHARS, BotName, Button, EntityValueDef
from parley_messages.definition_schema import bot_definition_schema

SCHEMA = bot_definition_schema()
DEFS: dict[str, Any] = SCHEMA["$defs"]
NATIVE = Draft202012Validator(SCHEMA)
ROOT = "(root)"
PARTS: dict[str, type[msgspec.Struct]] = {
    ROOT: BotDefinition,
    "Settings": Settings,
    "Messages": Messages,
    "Intent": IntentDef,
    "Example": ExampleDef,
    "Span": SpanDef,
    "Parameter": ParameterDef,
    "Action": ActionDef,
    "Entity": EntityDefinition,
    "EntityValue": EntityValueDef,
    "Button": Button,
}
"""Each object of the schema and the struct the loader decodes it with."""
CONSTRAINTS = frozenset(
    [
        *("type", "enum", "pattern", "minLength", "maxLength", "minItems", "maxItems"),
        *("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"),
    ]
)


def part(name: str) -> dict[str, Any]:
    return SCHEMA if name == ROOT else DEFS[name]


def structs_of(kind: Any) -> set[type[msgspec.Struct]]:
    """`kind` and every struct its fields hold, however deep (in lists, unions, dictionaries)."""
    if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
        found = {kind}
        for hint in get_type_hints(kind, include_extras=True).values():
            found |= structs_of(hint)
        return found
    if get_origin(kind) in (list, dict, Union, UnionType) or hasattr(kind, "__metadata__"):
        return {struct for arg in get_args(kind) for struct in structs_of(arg)}
    return set()


def constraints(schema: object) -> set[tuple[str, str]]:
    """Every constraint `schema` puts on a value, through its unions and items and the scalar parts
    it refers to (`Name`, `Text`); a struct's part is compared on its own."""
    found: set[tuple[str, str]] = set()
    if isinstance(schema, list):
        for item in schema:
            found |= constraints(item)
    if not isinstance(schema, dict):
        return found
    target = DEFS.get(str(schema.get("$ref")).removeprefix("#/$defs/"))
    if target is not None and target.get("type") != "object":  # msgspec's refs: its structs' names
        found |= constraints(target)
    for key, value in schema.items():
        if key in CONSTRAINTS:
            found.add((key, json.dumps(sorted(value) if key == "enum" else value)))
        elif key in ("anyOf", "allOf", "items", "additionalProperties"):
            found |= constraints(value)
    return found


def loader_properties(struct: type[msgspec.Struct]) -> dict[str, Any]:
    """msgspec's schema of each field of `struct`: the canonical form's types and constraints."""
    (_,), components = msgspec.json.schema_components([struct])
    properties: dict[str, Any] = components[struct.__name__]["properties"]
    if struct is BotDefinition:
        properties["name"] = msgspec.json.schema(BotName)  # the API's rule for bot names (decision 58)
    return properties


def test_the_schema_is_json_schema_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)


def test_every_struct_of_the_definition_has_its_part_of_the_schema() -> None:
    assert structs_of(BotDefinition) == set(PARTS.values())


@pytest.mark.parametrize("name", PARTS)
def test_each_part_has_exactly_its_structs_fields(name: str) -> None:
    fields = {field.encode_name for field in msgspec.structs.fields(PARTS[name])}
    assert set(part(name)["properties"]) == fields
    assert part(name)["additionalProperties"] is False  # the loader refuses unknown fields


@pytest.mark.parametrize("name", PARTS)
def test_each_part_requires_what_its_struct_requires(name: str) -> None:
    required = {field.encode_name for field in msgspec.structs.fields(PARTS[name]) if field.required}
    if name == ROOT:
        required -= {"name"}  # the URL names the bot; the CLI, the file
    assert set(part(name).get("required", [])) == required


@pytest.mark.parametrize("name", PARTS)
def test_each_field_is_held_at_least_to_its_structs_constraints(name: str) -> None:
    ours = part(name)["properties"]
    for field, schema in loader_properties(PARTS[name]).items():
        assert constraints(schema) <= constraints(ours[field]), field


@pytest.mark.parametrize("name", PARTS)
def test_each_default_is_the_structs(name: str) -> None:
    ours = part(name)["properties"]
    for field, schema in loader_properties(PARTS[name]).items():
        default = schema.get("default")
        if default not in (None, {}):  # null: the type says it; {}: a part's own defaults say it
            assert ours[field].get("default") == default, field


@pytest.mark.parametrize(
    ("kind", "where"),
    [
        ("intent", ("AcfIntent",)),
        ("span", ("AcfExample", "entities", "items")),
        ("parameter", ("AcfParameter",)),
        ("action", ("AcfApiDetails",)),
        ("entity", ("AcfEntity",)),
    ],
)
def test_each_acf_items_parley_object_has_the_fields_the_import_takes_back(
    kind: str, where: tuple[str, ...]
) -> None:
    item = DEFS[where[0]]
    for key in where[1:]:
        item = item["properties"][key] if key != "items" else item["items"]
    assert set(item["properties"]["parley"]["properties"]) == set(EXTENSIONS[kind])


def test_the_schemas_limits_are_the_loaders() -> None:
    assert SCHEMA["properties"]["intents"]["maxItems"] == MAX_INTENTS
    assert DEFS["ExampleText"]["maxLength"] == MAX_TEXT_CHARS
    assert DEFS["Pattern"]["maxLength"] == MAX_PATTERN_CHARS
    assert DEFS["Action"]["properties"]["timeout"]["maximum"] == MAX_ACTION_TIMEOUT_SECONDS


def test_an_acf_intent_has_every_field_that_tells_an_acf_export() -> None:
    assert set(DEFS["AcfIntent"]["properties"]) >= ACF_INTENT_FIELDS


INTENT: dict[str, Any] = {
    "id": "order",
    "examples": [
        "I want a pizza",
        {"text": "a large one", "entities": [{"entity": "size", "start": 2, "end": 7}]},
    ],
    "parameters": [{"name": "size", "entity": "size", "prompt": "What size?"}],
    "replies": "Coming up",
    "buttons": [{"title": "Again", "payload": "/order"}],
    "action": {"url": "https://api.example.com/orders"},
}
BOT: dict[str, Any] = {
    "name": "shop",
    "entities": [{"name": "size", "values": [{"value": "large", "synonyms": ["big"]}]}],
    "intents": [INTENT],
}
GONE = object()
"""A `changed` value that removes the field."""


def changed(path: str, value: object) -> object:
    """`BOT` with the field at the dotted `path` (list indexes as numbers) set to `value`."""
    if not path:
        return value
    doc = copy.deepcopy(BOT)
    *parents, last = path.split(".")
    holder: Any = doc
    for key in parents:
        holder = holder[int(key)] if key.isdigit() else holder.setdefault(key, {})
    if value is GONE:
        del holder[last]
    elif last.isdigit():
        holder[int(last) : int(last) + 1] = [value]  # replaced, or added after the last
    else:
        holder[last] = value
    return doc


def test_the_bot_the_refusals_start_from_is_valid() -> None:
    assert problems_of(BOT) == []
    assert NATIVE.is_valid(BOT)


SPAN = "intents.0.examples.1.entities.0"
PARAMETER = "intents.0.parameters.0"
ACTION = "intents.0.action"
REFUSED = {
    "not an object": ("", "hello"),
    "a right-to-left override in a reply": ("intents.0.replies", "Pay \u202e01$"),
    "a right-to-left isolate in a title": ("intents.0.buttons", [{"title": "\u2067x", "payload": "/order"}]),
    "a misspelt field": ("intent", []),
    "a name with a space": ("name", "my bot"),
    "an intent id ending in a line break": ("intents.0.id", "order\n"),
    "an intent without an id": ("intents.0.id", GONE),
    "a threshold above 1": ("settings", {"fallback_threshold": 1.5}),
    "a threshold written as text": ("settings", {"fallback_threshold": "0.5"}),
    "an unknown interruption": ("settings", {"interruption": "pause"}),
    "an unknown chat access": ("settings", {"chat_access": "private"}),
    "a misspelt setting": ("settings", {"fallback_treshold": 0.4}),
    "a misspelt message": ("settings", {"messages": {"not_understod": "?"}}),
    "a blank message": ("settings", {"messages": {"corrected": "  "}}),
    "an empty failure message": ("settings", {"messages": {"action_failed": ""}}),
    "an example that is a number": ("intents.0.examples.0", 12),
    "a blank example": ("intents.0.examples.0", "   "),
    "an example over 2,000 characters": ("intents.0.examples.0", "a" * 2001),
    "a span without its end": (f"{SPAN}.end", GONE),
    "a span before the text": (f"{SPAN}.start", -1),
    "a span's misspelt field": (f"{SPAN}.label", "size"),
    "a parameter without a name": (f"{PARAMETER}.name", GONE),
    "a prompt that is a number": (f"{PARAMETER}.prompt", 5),
    "an empty prompt": (f"{PARAMETER}.prompt", ""),
    "required written as text": (f"{PARAMETER}.required", "yes"),
    "a parameter's misspelt field": (f"{PARAMETER}.type", "size"),
    "a blank choice": (f"{PARAMETER}.choices", [" "]),
    "replies that are a number": ("intents.0.replies", 5),
    "an empty reply": ("intents.0.replies", [""]),
    "a button without its payload": ("intents.0.buttons.0.payload", GONE),
    "a button's misspelt field": ("intents.0.buttons.0.tilte", "Again"),
    "a blank button title": ("intents.0.buttons.0.title", " "),
    "an action without a url": (f"{ACTION}.url", GONE),
    "a url that is not http": (f"{ACTION}.url", "ftp://example.com/orders"),
    "an empty url": (f"{ACTION}.url", ""),
    "an unknown method": (f"{ACTION}.method", "FETCH"),
    "a timeout of 0": (f"{ACTION}.timeout", 0),
    "a timeout over 10 s": (f"{ACTION}.timeout", 11),
    "an unknown slot placement": (f"{ACTION}.send_slots", "body"),
    "an unknown mode": (f"{ACTION}.mode", "later"),
    "a signing secret that is no name": (f"{ACTION}.sign", "shop-signing"),
    "a header name with a space": (f"{ACTION}.headers", {"X Shop": "1"}),
    "an entity without a name": ("entities.0.name", GONE),
    "an entity value without its value": ("entities.0.values.0", {"synonyms": ["big"]}),
    "a misspelt synonyms field": ("entities.0.values.0", {"value": "large", "synonym": ["big"]}),
    "an empty value": ("entities.0.values.0.value", ""),
    "a blank synonym": ("entities.0.values.0.synonyms", [" "]),
    "a control character in a reply": ("intents.0.replies", "ding\x07"),
    "a control character in the description": ("description", "a\x1b[31m"),
    "more than 1,000 intents": ("intents", [{"id": f"i{n}", "examples": ["hi"]} for n in range(1001)]),
    "a pattern over 300 characters": (f"{PARAMETER}.pattern", "a" * 301),
}
"""Documents the loader refuses for what JSON Schema can say."""

BEYOND_THE_SCHEMA = {
    "an intent id given twice": ("intents", [INTENT, INTENT]),
    "a span of an undeclared entity": (f"{SPAN}.entity", "colour"),
    "a span past its text": (f"{SPAN}.end", 40),
    "a span ending before it starts": (f"{SPAN}.start", 9),
    "a span padded with a space": (f"{SPAN}.start", 1),
    "a parameter of an undeclared entity": (f"{PARAMETER}.entity", "colour"),
    "a choice that is a synonym": (f"{PARAMETER}.choices", ["big"]),
    "a setting naming no intent": ("settings", {"welcome_intent": "hello"}),
    "a welcome that asks for a parameter": ("settings", {"welcome_intent": "order"}),
    "nothing for the NLU to learn": ("intents.0.examples", []),
    "a template that does not compile": ("intents.0.replies", "{{ oops"),
    "a reply of separators only": ("intents.0.replies", "### ###"),
    "a pattern that needs backtracking": (f"{PARAMETER}.pattern", "(?=a)b"),
    "a button triggering no intent": ("intents.0.buttons.0.payload", "/menu"),
    "a templated webhook host": (f"{ACTION}.url", "https://{{ context.host }}/orders"),
    "a webhook path with a dot segment": (f"{ACTION}.url", "https://api.example.com/../admin"),
    "a header value HTTP cannot carry": (f"{ACTION}.headers", {"X-Shop": "Café"}),
    "a header set from the body": (f"{ACTION}.headers", {"Content-Length": "5"}),
    "a secret named in a reply": ("intents.0.replies", "{{ secrets.SHOP_TOKEN }}"),
    "a secret named beside a template": (f"{ACTION}.headers", {"X-Key": "{{ secrets.K }}{{ slots.x }}"}),
    "the signature header written": (f"{ACTION}.headers", {"X-Parley-Signature": "{{ secrets.K }}"}),
    "one word naming two values": ("entities.0.values.1", {"value": "huge", "synonyms": ["big"]}),
    "a built-in entity declared bare": ("entities.1", {"name": "date"}),
    "half a surrogate pair": ("description", "\ud800"),
    "a stray tag character": ("description", "hi\U000e0041"),
}
"""Documents the loader refuses for what JSON Schema cannot say (or not portably: editors' regular
expressions read UTF-16, where any emoji is a surrogate pair): names that refer to other parts,
offsets into text, templates and patterns, webhook rules, and the words of entities."""


def test_refusals_and_gaps_are_told_apart() -> None:
    assert not REFUSED.keys() & BEYOND_THE_SCHEMA.keys()


@pytest.mark.parametrize(("path", "value"), REFUSED.values(), ids=REFUSED.keys())
def test_what_the_loader_refuses_the_schema_refuses(path: str, value: object) -> None:
    doc = changed(path, value)
    assert not isinstance(doc, dict) or problems_of(doc)
    assert not NATIVE.is_valid(doc)


@pytest.mark.parametrize(("path", "value"), BEYOND_THE_SCHEMA.values(), ids=BEYOND_THE_SCHEMA.keys())
def test_what_only_the_loader_refuses(path: str, value: object) -> None:
    """The schema's known gaps: if it learns to refuse one, move it to `REFUSED`."""
    doc = changed(path, value)
    assert isinstance(doc, dict)
    assert problems_of(doc)
    assert NATIVE.is_valid(doc)
