"""A native definition exported in the AI Chatbot Framework (ACF) format, which `acf` imports.

Each item is written as ACF says it, and what its ACF fields alone would not give back travels in
its `parley` object, which ACF ignores: the export imports the item it wrote (`acf.native_*`) and
carries each field of `acf.EXTENSIONS` that came back otherwise. So a span's normalised `value`
(ACF's `value` is the annotated text), every reply variant (ACF's `speechResponse` is one template,
written as a random pick between them), an intent without a name (ACF's needs one: its id), a
webhook that sends no body, and the rest of what ACF cannot say, come back as they were: Parley's
own ACF export imports to the same bot. An item ACF can say whole has no `parley` object.
"""

from __future__ import annotations

from typing import Any

import msgspec

from parley_dialogue.acf import (
    EXTENSIONS,
    FREE_TEXT_TYPE,
    native_action,
    native_entity,
    native_intent,
    native_parameter,
)
from parley_dialogue.definition import (
    ActionDef,
    BotDefinition,
    EntityDefinition,
    ExampleDef,
    IntentDef,
    ParameterDef,
)

SPECIAL_INTENTS = frozenset({"fallback", "cancel", "init_conversation"})


def to_acf(bot: BotDefinition) -> dict[str, Any]:
    """Export to ACF. What ACF does not have travels beside it and the import reads it back: the
    description, the settings unless they are the defaults (a key-protected bot stays
    key-protected through an ACF round trip) and each item's other fields in its `parley` object."""
    declared = {e.name for e in bot.entities}
    settings = msgspec.to_builtins(bot.settings)
    return {
        "description": bot.description,
        **({"settings": settings} if settings else {}),
        "intents": [_acf_intent(i, declared) for i in bot.intents],
        "entities": [_acf_entity(e) for e in bot.entities],
    }


def _acf_intent(intent: IntentDef, declared: set[str]) -> dict[str, Any]:
    item = {
        "name": intent.name or intent.id,
        "userDefined": intent.id not in SPECIAL_INTENTS,
        "intentId": intent.id,
        "apiTrigger": intent.action is not None,
        "apiDetails": None if intent.action is None else _acf_action(intent.action),
        "speechResponse": _one_template(intent.replies),
        "parameters": [_acf_parameter(p, declared) for p in intent.parameters],
        "labeledSentences": [],
        "trainingData": [_acf_example(ex) for ex in intent.examples],
    }
    return item | _carried(intent, native_intent(item, declared), "intent")


def _acf_example(example: ExampleDef) -> dict[str, Any]:
    spans: list[dict[str, Any]] = []
    for s in example.entities:
        span = {"value": example.text[s.start : s.end], "begin": s.start, "end": s.end, "name": s.entity}
        spans.append(span | _carried(s, {"entity": s.entity, "start": s.start, "end": s.end}, "span"))
    return {"text": example.text, "entities": spans}


def _acf_parameter(param: ParameterDef, declared: set[str]) -> dict[str, Any]:
    item = {
        "name": param.name,
        "required": param.required,
        "type": param.entity or FREE_TEXT_TYPE,
        "prompt": param.prompt[0] if param.prompt else "",
    }
    return item | _carried(param, native_parameter(item, declared), "parameter")


def _acf_action(action: ActionDef) -> dict[str, Any]:
    details = {
        "url": action.url,
        "requestType": action.method,
        "headers": [{"headerKey": k, "headerValue": v} for k, v in action.headers.items()],
        "isJson": action.json and action.body is not None,
        "jsonData": action.body or "",
    }
    return details | _carried(action, native_action(details, {}), "action")


def _acf_entity(entity: EntityDefinition) -> dict[str, Any]:
    item = {
        "name": entity.name,
        "entity_values": [{"value": v.value, "synonyms": list(v.synonyms)} for v in entity.values],
    }
    return item | _carried(entity, native_entity(item), "entity")


def _carried(item: msgspec.Struct, imported: dict[str, Any], kind: str) -> dict[str, Any]:
    """`{"parley": {...}}` with `item`'s fields of `EXTENSIONS[kind]` that `imported` (what its ACF
    form imports to) does not give back, or nothing when it gives back all of them."""
    again = msgspec.convert(imported, type(item))
    changed = {
        key: msgspec.to_builtins(getattr(item, key))
        for key in EXTENSIONS[kind]
        if getattr(item, key) != getattr(again, key)
    }
    return {"parley": changed} if changed else {}


def _one_template(variants: list[str]) -> str:
    """ACF has one reply template; several variants become a random pick inside it."""
    if len(variants) <= 1:
        return variants[0] if variants else ""
    branches = "".join(
        f"{{% {'if' if n == 0 else 'elif'} parley_variant == {n} %}}{v}" for n, v in enumerate(variants)
    )
    return f"{{% set parley_variant = range({len(variants)}) | random %}}{branches}{{% endif %}}"
