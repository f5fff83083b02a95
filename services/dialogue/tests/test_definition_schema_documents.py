"""Every bot document in the repository that the loader accepts is valid by the definition's JSON
Schema, and so are its exports: the demo bot, the bots of the documentation, the AI Chatbot
Framework examples, and every bot the tests and the code write (a string, bytes or dictionary
literal with `intents`, such as the OpenAPI document's examples), native or ACF."""

from __future__ import annotations

import ast
import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator

from parley_dialogue.acf import from_acf, is_acf
from parley_dialogue.acf_export import to_acf
from parley_dialogue.definition import BotDefinition, to_document
from parley_dialogue.documents import load_document, parse_document
from parley_dialogue.service import DialogueService
from parley_dialogue.validation import build_definition
from parley_messages.definition_schema import bot_definition_schema
from parley_runtime.errors import InvalidInputError

REPO = Path(__file__).resolve().parents[3]
SCHEMA = bot_definition_schema()
NATIVE = Draft202012Validator(SCHEMA)
ACF_EXPORT = Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": "#/$defs/AcfExport"})
ACF_INTENTS = Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": "#/$defs/AcfIntents"})
DEMO = REPO / "src" / "parley" / "demo" / "pizzeria.yaml"
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), *sorted(REPO.glob("services/*/README.md"))]
PYTHON = [
    *sorted(REPO.glob("services/*/tests/**/*.py")),
    *sorted((REPO / "tests").glob("**/*.py")),
    *sorted(REPO.glob("services/*/src/**/*.py")),
    *sorted((REPO / "src").glob("**/*.py")),
]
ACF_EXAMPLES = sorted((Path(__file__).parent / "acf_examples").glob("*.json"))
_FENCED_YAML = re.compile(r"^```ya?ml\n(.*?)^```", re.DOTALL | re.MULTILINE)


def problems(doc: object) -> list[str]:
    """What the schema finds wrong with `doc`: as a native definition, an ACF export or ACF's array."""
    if isinstance(doc, list):
        validator = ACF_INTENTS
    elif is_acf(cast(dict[str, Any], doc)):
        validator = ACF_EXPORT
    else:
        validator = NATIVE
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(doc)]


def loaded(doc: object) -> BotDefinition | None:
    """The definition the loader makes of `doc` (named by its `name`, else "bot"), or None."""
    try:
        if isinstance(doc, list):
            return parse_document(json.dumps(doc).encode(), "application/json", name="bot")
        fields = cast(dict[str, Any], doc)
        if is_acf(fields):
            return build_definition(from_acf(fields, name="bot"))
        return build_definition({"name": "bot", **fields})
    except InvalidInputError:
        return None


def written_bots(path: Path) -> Iterator[tuple[str, object]]:
    """(where, document) for each literal in the Python file `path` that reads as a bot document:
    text or bytes holding `intents`, or a dictionary literal with `intents`."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        doc: object = None
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            raw = node.value.encode("utf-8", "surrogatepass") if isinstance(node.value, str) else node.value
            if b"intents" in raw:
                doc = _decoded(raw)
        elif isinstance(node, ast.Dict):
            try:
                doc = ast.literal_eval(node)
            except (ValueError, TypeError, SyntaxError, RecursionError):
                continue
        if (isinstance(doc, dict) and "intents" in doc) or (isinstance(doc, list) and doc):
            yield f"{path.relative_to(REPO)}:{node.lineno}", doc


def _decoded(raw: bytes) -> object:
    try:
        return load_document(raw)
    except InvalidInputError:
        return None


def documented_bots(path: Path) -> Iterator[tuple[str, object]]:
    """(where, document) for each fenced YAML block of the Markdown file `path` that has `intents:`."""
    text = path.read_text(encoding="utf-8")
    for found in _FENCED_YAML.finditer(text):
        if re.search(r"^intents:", found[1], re.MULTILINE):
            line = text.count("\n", 0, found.start()) + 1
            yield f"{path.relative_to(REPO)}:{line}", load_document(found[1].encode(), "application/yaml")


@functools.cache
def accepted_documents() -> dict[str, object]:
    """Every document of the repository the loader accepts, by where it is, each one once (read when
    a test asks: scanning the repository takes seconds, which collecting the tests need not pay)."""
    found = [("demo", load_document(DEMO.read_bytes(), "application/yaml"))]
    found += [(path.name, json.loads(path.read_bytes())) for path in ACF_EXAMPLES]
    found += [bot for path in DOCS for bot in documented_bots(path)]
    found += [bot for path in PYTHON for bot in written_bots(path)]
    unique: dict[str, tuple[str, object]] = {}
    for where, doc in found:
        unique.setdefault(json.dumps(doc, sort_keys=True, default=str), (where, doc))
    return {where: doc for where, doc in unique.values() if loaded(doc) is not None}


def test_the_documents_include_the_demo_the_docs_the_tests_and_the_openapi_examples() -> None:
    places = [where.split(":")[0] for where in accepted_documents()]
    assert {"demo", "services/dialogue/README.md", "order_status.json"} <= set(places)
    assert places.count("services/gateway/src/parley_gateway/routes/bot_schema.py") == 2
    assert sum(place.startswith("services/dialogue/tests/") for place in places) >= 20
    assert any(place.startswith("tests/e2e/") for place in places)


def test_every_document_the_loader_accepts_is_valid() -> None:
    invalid = {where: problems(doc) for where, doc in accepted_documents().items() if problems(doc)}
    assert invalid == {}


def test_their_exports_are_valid() -> None:
    invalid: dict[str, list[str]] = {}
    for where, doc in accepted_documents().items():
        definition = loaded(doc)
        assert definition is not None
        found = problems(to_document(definition)) + problems(to_acf(definition))
        if found:
            invalid[where] = found
    assert invalid == {}


def test_the_shorthands_authors_may_write_are_valid() -> None:
    doc = {
        "intents": [
            {
                "id": "order",
                "examples": ["a pizza", {"text": "a pizza please"}],
                "replies": "Coming up",
                "parameters": [{"name": "size", "prompt": "Which size?"}, {"name": "note", "entity": None}],
                "action": None,
            }
        ]
    }
    assert loaded(doc) is not None
    assert problems(doc) == []


async def test_what_the_service_exports_is_valid(service: DialogueService) -> None:
    await service.put_bot("pizzeria", DEMO.read_bytes(), "application/yaml")
    native = await service.get_bot("pizzeria")
    assert NATIVE.is_valid(native), problems(native)
    acf = await service.get_bot("pizzeria", "acf")
    assert ACF_EXPORT.is_valid(acf), problems(acf)
