"""After a push: how the intents of the model serving the bot differ from those the bot now has,
said with what that means for its users until it is trained again.

A save does not retrain: the served model goes on reading messages as the intents it was trained
on. An intent renamed or added in the file is one it never learnt (its messages get another intent
or the fallback), and an intent renamed or removed is one it still gives, which the bot answers
with its fallback. The intents the model learns are the dialogue's own rule (`trained_intents`),
applied to the file as pushed; the model's are those `GET /bots/{bot}/models` lists for it.
"""

from __future__ import annotations

from typing import Any, cast

from parley.api import Api, CommandError, bot_path
from parley_runtime.errors import InvalidInputError

MODELS_LISTED = "200"
"""The page of the bot's models the served one is looked for in (the API's most)."""


def differences(api: Api, bot: str, raw: bytes, content_type: str | None) -> list[str]:
    """Lines saying how the served model's intents differ from the bot's pushed as `raw`; none when
    they agree, the bot has no served model, or either side's intents are not known."""
    intents = _trained(raw, content_type, bot)
    model = _served(api, bot) if intents is not None else None
    if intents is None or model is None:
        return []
    known = set(cast(list[str], model.get("intent_names") or []))
    new, gone = sorted(intents - known), sorted(known - intents)
    lines: list[str] = []
    if new:
        lines.append(
            f"  the served model {model['version']} was not trained on {', '.join(new)}: until you train,"
            f" messages for {_them(new)} get another intent or the fallback"
        )
    if gone:
        lines.append(
            f"  the served model {model['version']} still gives {', '.join(gone)}, which the bot no longer"
            f" has: until you train, messages read as {_them(gone)} get the fallback"
        )
    return lines


def _them(intents: list[str]) -> str:
    return "it" if len(intents) == 1 else "them"


def _trained(raw: bytes, content_type: str | None, bot: str) -> set[str] | None:
    """The intents training the bot as pushed would learn; None if this Parley's dialogue cannot
    read the file (the server, perhaps newer, accepted it)."""
    # Imported here, as `parley.botfiles` imports the documents: they bring the template engine.
    from parley_dialogue.definition import trained_intents  # noqa: PLC0415
    from parley_dialogue.documents import parse_document  # noqa: PLC0415

    try:
        definition = parse_document(raw, content_type, name=bot)
    except InvalidInputError:
        return None
    return {intent.id for intent in trained_intents(definition)}


def _served(api: Api, bot: str) -> dict[str, Any] | None:
    """The model serving the bot, if it has one that recorded its intents."""
    try:
        listed = api.call("GET", bot_path(bot, "models"), params={"limit": MODELS_LISTED}).body
    except CommandError:  # what the save did is said; this afterthought is not worth a failure
        return None
    models = cast(list[dict[str, Any]], listed) if isinstance(listed, list) else []
    served = next((model for model in models if model.get("served")), None)
    return served if served is not None and served.get("intents") is not None else None
