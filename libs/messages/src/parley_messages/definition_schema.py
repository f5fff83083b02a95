"""The JSON Schema of a bot definition as its author writes it (`schemas/bot-definition.schema.json`).

Written by hand, not generated: msgspec's schema of the dialogue's `BotDefinition` describes the
stored, canonical form, while authors may write an example as a plain string, a reply or a prompt
as one string, and leave out the name the URL gives. The dialogue's tests hold the file to its
loader (every field, default and constraint; the documents it accepts and those it refuses), and
the gateway publishes it in its OpenAPI document and on its own for editors.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, cast

SCHEMA_FILE = "bot-definition.schema.json"


def bot_definition_schema() -> dict[str, Any]:
    """The schema (JSON Schema 2020-12), read from the package each call: a copy the caller owns.
    Its `$defs` hold the native definition's parts and the AI Chatbot Framework export's
    (`AcfExport`, `AcfIntents`), which the import also reads."""
    text = resources.files("parley_messages").joinpath("schemas", SCHEMA_FILE).read_text(encoding="utf-8")
    return cast(dict[str, Any], json.loads(text))
