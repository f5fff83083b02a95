"""The AI Chatbot Framework (ACF) export format, imported into the native definition
(`acf_export` writes it).

ACF declares entity types in `entities[]` and, implicitly, through parameter `type`s and span
names; the import declares every one of them. ACF's annotated spans are trusted by `begin`/`end`
(its trainer tagged tokens from them), so a `value` that disagrees with the text is dropped, a
span outside its text, overlapping another or over spaces only is skipped rather than failing the
whole import, and a span's spaces at its ends are trimmed (they were tagged nothing); the spans
kept stay in the order written. An empty reply or prompt (ACF's `""` for none) becomes no variant
rather than one validation refuses.

What ACF cannot say travels beside what it can, in a `parley` object of the item it belongs to,
which ACF ignores: the import takes back from it the item's fields named in `EXTENSIONS`, and only
those, over what the ACF fields gave.
"""

from __future__ import annotations

import re
from typing import Any, TypeGuard, cast

from parley_dialogue.definition import words_of
from parley_dialogue.replies import says_nothing
from parley_messages import BUILTIN_ENTITIES
from parley_runtime.errors import InvalidInputError

EXTENSIONS = {
    "intent": ("name", "replies", "buttons"),
    "span": ("value", "text"),
    "parameter": ("entity", "prompt", "multiple", "choices", "pattern", "hours"),
    "action": ("json", "body", "send_slots", "timeout", "mode", "sign"),
    "entity": ("pattern",),
}
"""The native fields each kind of ACF item may carry in its `parley` object: a span's normalised
`value` (ACF's is its text), every reply variant (ACF has one template), and what else ACF's fields
cannot say or say otherwise."""
ACF_INTENT_FIELDS = frozenset(
    [
        "intentId",
        "speechResponse",
        "trainingData",
        "apiTrigger",
        "apiDetails",
        "userDefined",
        "labeledSentences",
    ]
)
"""Fields of an ACF intent that a native intent does not have."""
FREE_TEXT_TYPE = "free_text"
_NOT_A_NAME = re.compile(r"[^A-Za-z0-9_.\-]+")


def is_acf(doc: dict[str, Any]) -> bool:
    """ACF exports have intents with ACF's fields (`intentId`, `trainingData`, ...) or
    `entity_values` entities: an intent missing its `intentId` is still ACF's, and is refused
    for that rather than for the native fields it lacks."""
    acf_intent = any(ACF_INTENT_FIELDS & i.keys() for i in _dicts(doc.get("intents")))
    acf_entity = any("entity_values" in e for e in _dicts(doc.get("entities")))
    return acf_intent or acf_entity


def is_acf_intents(items: list[Any]) -> bool:
    """Whether `items` is the array of intents that ACF's Flask-era export wrote (`GET
    /intents/export`, `Intent.objects.to_json()`): objects, one of them at least with ACF's intent
    fields. The import reads it as `{"intents": items}`; its entities are those the intents imply."""
    return all(isinstance(i, dict) for i in items) and any(
        ACF_INTENT_FIELDS & i.keys() for i in _dicts(items)
    )


def from_acf(doc: dict[str, Any], *, name: str) -> dict[str, Any]:
    """The native document for an ACF export (validated afterwards like any native document);
    `InvalidInputError` naming every intent without the `intentId` its native id comes from."""
    missing = [
        {"path": f"intents[{n}].intentId", "message": "is missing: every ACF intent has an intentId, its id"}
        for n, intent in enumerate(_list(doc.get("intents")))
        if isinstance(intent, dict) and not cast(dict[str, Any], intent).get("intentId")
    ]
    if missing:
        count = f"{len(missing)} problem{'' if len(missing) == 1 else 's'}"
        raise InvalidInputError(f"invalid ACF export ({count})", details=missing)
    acf_entities = _dicts(doc.get("entities"))
    declared = {_slug(str(e.get("name", ""))) for e in acf_entities}
    intents = [native_intent(i, declared) for i in _dicts(doc.get("intents"))]
    entities = [native_entity(e) for e in acf_entities]
    for implied in _implied_entities(intents):
        if implied not in declared:
            declared.add(implied)
            entities.append({"name": implied})
    description = str(doc.get("description") or "")
    native: dict[str, Any] = {
        "name": name,
        "description": description,
        "intents": intents,
        "entities": entities,
    }
    if "settings" in doc:  # not ACF's, but a native setting such as chat_access must not vanish
        native["settings"] = doc["settings"]
    return native


def native_intent(intent: dict[str, Any], declared: set[str]) -> dict[str, Any]:
    """The native intent for an ACF one, whose parameters may have the entity types `declared`."""
    parameters = [native_parameter(p, declared) for p in _dicts(intent.get("parameters"))]
    renamed = {
        str(p.get("name", "")): param["name"]
        for p, param in zip(_dicts(intent.get("parameters")), parameters, strict=True)
    }
    reply = intent.get("speechResponse")
    out: dict[str, Any] = {
        "id": _slug(str(intent["intentId"])),
        "name": str(intent.get("name") or ""),
        "examples": [
            _example(e) for e in _dicts(intent.get("trainingData")) if isinstance(e.get("text"), str)
        ],
        "parameters": parameters,
        "replies": [_with_names(reply, renamed)] if _says_something(reply) else [],
    }
    if intent.get("apiTrigger"):  # without apiDetails, the empty URL is refused by validation
        details = _dicts([intent.get("apiDetails")])
        out["action"] = native_action(details[0] if details else {}, renamed)
    return out | _extension(intent, "intent")


def _with_names(template: str, renamed: dict[str, str]) -> str:
    """A template whose `parameters["party size"]` (or `slots[...]`) name the parameters as the
    import renamed them (`party_size`): names are letters, digits and `_.-` only."""
    for acf_name, name in renamed.items():
        if acf_name != name:
            reference = rf"\b(parameters|slots)\[\s*(['\"]){re.escape(acf_name)}\2\s*\]"
            template = re.sub(reference, rf'\1["{name}"]', template)
    return template


def _example(item: dict[str, Any]) -> dict[str, Any]:
    text = str(item["text"])
    kept: list[tuple[int, dict[str, Any]]] = []  # (where the span was written, the span)
    previous_end = -1
    for n, entity in sorted(enumerate(_dicts(item.get("entities"))), key=lambda written: _begin(written[1])):
        begin, end = entity.get("begin"), entity.get("end")
        if not (isinstance(begin, int) and isinstance(end, int) and 0 <= begin < end <= len(text)):
            continue
        begin, end = words_of(text, begin, end)  # ACF's trainer tagged the tokens, not the spaces
        if begin == end or begin < previous_end:
            continue
        previous_end = end
        span = {"entity": _slug(str(entity.get("name", ""))), "start": begin, "end": end}
        kept.append((n, span | _extension(entity, "span")))
    spans = [span for _, span in sorted(kept, key=lambda written: written[0])]
    return {"text": text, "entities": spans} if spans else {"text": text}


def _begin(entity: dict[str, Any]) -> int:
    begin = entity.get("begin")
    return begin if isinstance(begin, int) else -1


def native_parameter(param: dict[str, Any], declared: set[str]) -> dict[str, Any]:
    kind = _slug(str(param.get("type") or ""))
    free_text = not kind or (kind == FREE_TEXT_TYPE and kind not in declared)
    prompt = param.get("prompt")
    return {
        "name": _slug(str(param.get("name", ""))),
        "entity": None if free_text else kind,
        "required": bool(param.get("required", False)),
        "prompt": [prompt] if _says_something(prompt) else [],
    } | _extension(param, "parameter")


def native_action(details: dict[str, Any], renamed: dict[str, str]) -> dict[str, Any]:
    """The native action for ACF's `apiDetails`, its templates naming the parameters as `renamed`."""
    method = str(details.get("requestType") or "GET").upper()
    is_json = bool(details.get("isJson"))
    body = details.get("jsonData")
    headers = {
        str(h.get("headerKey")): _with_names(str(h.get("headerValue", "")), renamed)
        for h in _dicts(details.get("headers"))
        if h.get("headerKey")
    }
    return {
        "url": _with_names(str(details.get("url") or ""), renamed),
        "method": method if method in ("GET", "POST", "PUT", "PATCH", "DELETE") else "GET",
        "headers": headers,
        "body": _with_names(body, renamed) if is_json and isinstance(body, str) and body.strip() else None,
        "json": is_json,
        "send_slots": False if is_json else "query",
    } | _extension(details, "action")


def native_entity(entity: dict[str, Any]) -> dict[str, Any]:
    values = [
        {"value": str(v["value"]), "synonyms": [str(s) for s in _list(v.get("synonyms"))]}
        for v in _dicts(entity.get("entity_values"))
        if v.get("value") is not None
    ]
    return {"name": _slug(str(entity.get("name", ""))), "values": values} | _extension(entity, "entity")


def _extension(item: dict[str, Any], kind: str) -> dict[str, Any]:
    """The native fields `item`'s `parley` object gives back (see `EXTENSIONS`); validation checks them."""
    found = item.get("parley")
    if not isinstance(found, dict):
        return {}
    fields = cast(dict[str, Any], found)
    return {key: fields[key] for key in EXTENSIONS[kind] if key in fields}


def _implied_entities(intents: list[dict[str, Any]]) -> list[str]:
    """The entities the intents' parameters and annotations use. A built-in one only a parameter
    uses is not among them, since it needs no declaration (decision 49); one the examples annotate
    is, and is learnt from them as in ACF."""
    annotated = [
        s["entity"] for intent in intents for ex in intent["examples"] for s in ex.get("entities", [])
    ]
    typed = [p["entity"] for intent in intents for p in intent["parameters"] if p["entity"]]
    return [
        name
        for name in dict.fromkeys([*typed, *annotated])
        if name in annotated or name not in BUILTIN_ENTITIES
    ]


def _says_something(template: object) -> TypeGuard[str]:
    """ACF keeps one reply and one prompt, `""` when there is none (as our export writes them);
    the native form lists none, and refuses a variant that says nothing."""
    return isinstance(template, str) and not says_nothing(template)


def _list(value: object) -> list[Any]:
    return cast(list[Any], value) if isinstance(value, list) else []


def _dicts(value: object) -> list[dict[str, Any]]:
    return [cast(dict[str, Any], item) for item in _list(value) if isinstance(item, dict)]


def _slug(name: str) -> str:
    return _NOT_A_NAME.sub("_", name.strip())
