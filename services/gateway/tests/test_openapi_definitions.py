"""The OpenAPI document describes the bot definition that `PUT /bots/{bot}` and the import take and
the export gives (the schema of `parley_messages.definition_schema`, its parts as components), and
the schema is served on its own for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from litestar import Litestar
from litestar.testing import AsyncTestClient

from parley_gateway.routes.bot_schema import SCHEMA_PATH
from parley_messages.definition_schema import bot_definition_schema

Client = AsyncTestClient[Litestar]
BOT = "/api/v1/bots/{bot}"
DEMO = Path(__file__).resolve().parents[3] / "src" / "parley" / "demo" / "pizzeria.yaml"
COMPONENTS = "#/components/schemas/BotDefinition"


async def openapi(client: Client) -> dict[str, Any]:
    return (await client.get("/docs/openapi.json")).json()


def refs(node: object) -> set[str]:
    """Every `$ref` in `node`, however deep."""
    if isinstance(node, dict):
        found = {str(node["$ref"])} if "$ref" in node else set()
        return found.union(*(refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(item) for item in node))
    return set()


def validator(spec: dict[str, Any], component: str) -> Draft202012Validator:
    """A validator of the component `component` of the OpenAPI document `spec`, as clients read it."""
    return Draft202012Validator(
        {"$ref": f"#/components/schemas/{component}", "components": spec["components"]}
    )


def body_schema(operation: dict[str, Any], media_type: str) -> dict[str, Any]:
    return operation["requestBody"]["content"][media_type]["schema"]


async def test_saving_and_importing_take_a_definition_as_json_or_yaml(client: Client) -> None:
    paths = (await openapi(client))["paths"]
    for operation in (paths[BOT]["put"], paths[f"{BOT}/import"]["post"]):
        for media_type in ("application/json", "application/yaml"):
            assert refs(body_schema(operation, media_type)) == {
                COMPONENTS,
                f"{COMPONENTS}.AcfExport",
                f"{COMPONENTS}.AcfIntents",
            }


async def test_the_export_answers_a_definition(client: Client) -> None:
    answer = (await openapi(client))["paths"][BOT]["get"]["responses"]["200"]
    assert refs(answer["content"]["application/json"]["schema"]) == {COMPONENTS, f"{COMPONENTS}.AcfExport"}


async def test_every_reference_in_the_document_names_a_component(client: Client) -> None:
    spec = await openapi(client)
    named = {f"#/components/schemas/{name}" for name in spec["components"]["schemas"]}
    assert refs(spec) <= named


async def test_the_components_are_the_schemas_parts_unchanged(client: Client) -> None:
    components = (await openapi(client))["components"]["schemas"]
    schema = json.loads(
        json.dumps(bot_definition_schema()).replace('"#/$defs/', f'"{COMPONENTS}.')
    )  # the parts refer to each other as components
    defs = schema.pop("$defs")
    del schema["$schema"]
    assert components["BotDefinition"] == schema
    for name, part in defs.items():
        assert components[f"BotDefinition.{name}"] == part, name


async def test_the_demo_bot_is_valid_by_the_document(client: Client) -> None:
    spec = await openapi(client)
    demo = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    assert list(validator(spec, "BotDefinition").iter_errors(demo)) == []
    assert not validator(spec, "BotDefinition").is_valid({**demo, "intent": []})


async def test_an_acf_export_is_valid_by_the_document(client: Client) -> None:
    spec = await openapi(client)
    export = {
        "intents": [
            {
                "intentId": "greet",
                "name": "Greet",
                "speechResponse": "Hi",
                "trainingData": [{"text": "hello", "entities": []}],
                "apiTrigger": False,
                "apiDetails": None,
            }
        ],
        "entities": [{"name": "size", "entity_values": [{"value": "large", "synonyms": ["big"]}]}],
    }
    assert list(validator(spec, "BotDefinition.AcfExport").iter_errors(export)) == []
    assert list(validator(spec, "BotDefinition.AcfIntents").iter_errors(export["intents"])) == []
    assert not validator(spec, "BotDefinition.AcfExport").is_valid({"intents": [{"name": "no id"}]})


async def test_the_documents_examples_are_valid(client: Client) -> None:
    spec = await openapi(client)
    put = spec["paths"][BOT]["put"]["requestBody"]["content"]["application/json"]["examples"]
    exported = spec["paths"][BOT]["get"]["responses"]["200"]["content"]["application/json"]["examples"]
    assert set(put) == {"native", "acf"}
    assert validator(spec, "BotDefinition").is_valid(put["native"]["value"])
    assert validator(spec, "BotDefinition.AcfExport").is_valid(put["acf"]["value"])
    assert validator(spec, "BotDefinition").is_valid(exported["native"]["value"])


async def test_the_schema_is_served_on_its_own_without_a_key(client: Client) -> None:
    response = await client.get(SCHEMA_PATH)
    assert response.status_code == 200
    assert response.json() == bot_definition_schema()
    Draft202012Validator.check_schema(response.json())
