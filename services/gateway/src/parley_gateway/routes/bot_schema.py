"""The bot definition's JSON Schema (`parley_messages.definition_schema`): in the OpenAPI document,
for the routes that take and give a definition, and on its own at `SCHEMA_PATH` for editors
(`# yaml-language-server: $schema=http://127.0.0.1:8000/docs/bot-definition.schema.json`).

The schema's `$defs` become components named `BotDefinition.<def>`, its root `BotDefinition`; the
routes refer to them by name, and the file is read when Litestar builds the document (on its first
request), so building an app costs nothing more.
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from litestar import Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import Components, Example, OpenAPIMediaType, OpenAPIType, Reference, Schema

from parley_messages.definition_schema import bot_definition_schema

SCHEMA_PATH = "/docs/bot-definition.schema.json"
ROOT = "BotDefinition"
_COMPONENTS = "#/components/schemas/"
_DEFS = "#/$defs/"

NATIVE = Reference(ref=f"{_COMPONENTS}{ROOT}")
ACF_EXPORT = Reference(ref=f"{_COMPONENTS}{ROOT}.AcfExport")
ACF_INTENTS = Reference(ref=f"{_COMPONENTS}{ROOT}.AcfIntents")

UPLOADED = Schema(
    any_of=[NATIVE, ACF_EXPORT, ACF_INTENTS],
    description=(
        "A bot definition: Parley's native format (`BotDefinition`, as authors write it; the URL's name "
        "wins over its `name`), an AI Chatbot Framework export (`BotDefinition.AcfExport`, told by its "
        "intents' `intentId`) or ACF's older bare array of intents (`BotDefinition.AcfIntents`). Saving "
        f"checks more than the schema can say; the schema alone is at {SCHEMA_PATH}"
    ),
)
"""What a save or an import takes, as JSON or YAML."""
EXPORTED = Schema(
    any_of=[NATIVE, ACF_EXPORT],
    description="The definition in Parley's native format, or with `format=acf` as an ACF export",
)
"""What the export answers."""
NATIVE_EXAMPLE: dict[str, Any] = {
    "name": "pizza",
    "entities": [{"name": "size", "values": [{"value": "large", "synonyms": ["big"]}, {"value": "small"}]}],
    "intents": [
        {"id": "greet", "examples": ["hi", "hello there"], "replies": "Hello! ### What would you like?"},
        {
            "id": "order",
            "examples": [
                "I want a pizza",
                {"text": "a large pizza please", "entities": [{"entity": "size", "start": 2, "end": 7}]},
            ],
            "parameters": [{"name": "size", "entity": "size", "prompt": "Which size?"}],
            "replies": ["One {{ parameters.size }} pizza, coming up."],
        },
    ],
}
"""A small bot in the native format, with its shorthands (the dialogue's tests load it)."""
ACF_EXAMPLE: dict[str, Any] = {
    "intents": [
        {
            "intentId": "greet",
            "name": "Greet",
            "speechResponse": "Hello!",
            "trainingData": [{"text": "hi", "entities": []}, {"text": "hello there", "entities": []}],
        }
    ]
}
"""A small AI Chatbot Framework export."""
_EXAMPLES: dict[str, Example | Reference] = {
    "native": Example(summary="Parley's native format", value=NATIVE_EXAMPLE),
    "acf": Example(summary="An AI Chatbot Framework export", value=ACF_EXAMPLE),
}
DOCUMENTS = {
    "application/json": OpenAPIMediaType(schema=UPLOADED, examples=_EXAMPLES),
    "application/yaml": OpenAPIMediaType(schema=UPLOADED, examples=_EXAMPLES),
}
EXPORTS = OpenAPIMediaType(schema=EXPORTED, examples={"native": _EXAMPLES["native"]})


def _keyword(field: dataclasses.Field[Any]) -> str:
    """The JSON Schema keyword a `Schema` field writes, as Litestar names it (`max_length`: `maxLength`)."""
    alias = field.metadata.get("alias")
    if alias is not None:
        return str(alias)
    head, *rest = field.name.split("_")
    return head + "".join(part.title() for part in rest)


_KEYWORDS = {_keyword(field): field.name for field in dataclasses.fields(Schema)}
_ONE_SCHEMA = frozenset(
    ["items", "additional_properties", "property_names", "contains", "schema_not", "content_schema"]
)
_SCHEMA_LISTS = frozenset(["all_of", "any_of", "one_of", "prefix_items"])
_SCHEMA_MAPS = frozenset(["properties", "pattern_properties", "dependent_schemas"])


@dataclasses.dataclass
class DefinitionComponents(Components):
    """The OpenAPI config's components, to which the definition's schemas are added. When Litestar
    builds the document (on first use) it replaces the components' schemas with those of the types
    its routes name; the definition's, which routes refer to by name, join them then."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "schemas" and value is not None:
            value = {**value, **definition_components()}
        super().__setattr__(name, value)


def definition_components() -> dict[str, Schema]:
    """The schema's root and each of its `$defs` as OpenAPI components, refs pointing at them."""
    schema = bot_definition_schema()
    defs: dict[str, Any] = schema.pop("$defs")
    schema.pop("$schema")
    return {ROOT: _schema(schema)} | {f"{ROOT}.{name}": _schema(part) for name, part in defs.items()}


def as_openapi(schema: dict[str, Any]) -> Schema | Reference:
    """A JSON Schema object as Litestar's spec objects, which write it back unchanged (a keyword
    `Schema` has no field for is a `KeyError`)."""
    if "$ref" in schema:
        if set(schema) - {"$ref", "description"}:
            raise ValueError(f"a $ref with other keywords is written in allOf: {schema}")
        ref = str(schema["$ref"]).replace(_DEFS, f"{_COMPONENTS}{ROOT}.")
        return Reference(ref=ref, description=schema.get("description"))
    return _schema(schema)


def _schema(schema: dict[str, Any]) -> Schema:
    return Schema(**{_KEYWORDS[key]: _value(_KEYWORDS[key], value) for key, value in schema.items()})


def _value(field: str, value: Any) -> Any:
    if field == "type":
        return OpenAPIType(value)
    if field in _ONE_SCHEMA and isinstance(value, dict):
        return as_openapi(cast(dict[str, Any], value))
    if field in _SCHEMA_LISTS:
        return [as_openapi(part) for part in cast(list[dict[str, Any]], value)]
    if field in _SCHEMA_MAPS:
        return {key: as_openapi(part) for key, part in cast(dict[str, dict[str, Any]], value).items()}
    return value


def schema_route() -> HTTPRouteHandler:
    """`GET SCHEMA_PATH`: the schema as a file, for editors and validators (no key needed)."""
    schema = bot_definition_schema()

    @get(SCHEMA_PATH, tags=["bots"], sync_to_thread=False, summary="The bot definition's JSON Schema")
    def definition_schema() -> Response[dict[str, Any]]:
        """The JSON Schema (2020-12) of a native bot definition, for editors:
        `# yaml-language-server: $schema=<this URL>` at the top of a bot's YAML file. Its `$defs`
        also describe the AI Chatbot Framework export the import reads (`AcfExport`)."""
        return Response(schema)

    return definition_schema
