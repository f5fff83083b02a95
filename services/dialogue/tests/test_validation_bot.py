"""Rules on a bot as a whole, checked at save: the NLU has something to learn (what the trainer
requires), and the settings name intents the engine can use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from parley_dialogue.adapters.mongo_bots import MongoBotStore
from parley_dialogue.app import create_app
from parley_dialogue.definition import BotDefinition, IntentDef, to_dataset
from parley_dialogue.documents import parse_document
from parley_dialogue.validation import build_definition, problems_of
from parley_runtime.errors import InvalidInputError

ACF_EXAMPLES = Path(__file__).parent / "acf_examples"
HELLO = {"id": "hello", "examples": ["hello"], "replies": ["Hi"]}
NOTHING_TO_LEARN = "no intent has example sentences for the NLU to learn: add examples to at least one intent"


def bot(*intents: dict, **settings: object) -> dict:
    return {"name": "b", "settings": settings, "intents": list(intents)}


def test_a_bot_without_intents_is_refused():
    assert problems_of({"name": "b"}) == [
        {
            "path": "intents",
            "message": "the bot has no intents: add at least one, with example sentences for the NLU"
            " to learn",
        }
    ]


def test_a_bot_whose_intents_have_no_examples_is_refused():
    doc = bot({"id": "menu", "replies": ["Pick one"]}, {"id": "fallback", "replies": ["Sorry?"]})
    assert problems_of(doc) == [{"path": "intents", "message": NOTHING_TO_LEARN}]


def test_examples_of_the_fallback_intent_alone_are_not_enough():
    doc = bot({"id": "oops", "examples": ["asdf"], "replies": ["Sorry?"]}, fallback_intent="oops")
    (problem,) = problems_of(doc)
    assert problem["message"] == (
        f"{NOTHING_TO_LEARN} (the fallback intent 'oops' is what no intent matches, and is not learnt)"
    )


def test_one_intent_with_examples_is_enough_beside_intents_only_triggers_reach():
    # One intent is a bot: the NLU answers `fallback` to what lies outside it.
    doc = bot(HELLO, {"id": "menu", "replies": ["Pick one"]}, {"id": "fallback", "replies": ["Sorry?"]})
    assert problems_of(doc) == []
    assert [i.name for i in to_dataset(build_definition(doc)).intents] == ["hello"]


@pytest.mark.parametrize("path", sorted(ACF_EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_every_acf_example_gives_the_trainer_intents(path):
    assert to_dataset(parse_document(path.read_bytes(), name=path.stem)).intents


async def test_an_empty_document_is_refused_and_leaves_the_working_bot_as_it_was(service):
    await service.put_bot("b", json.dumps(bot(HELLO)).encode(), "application/json")
    async with AsyncTestClient(create_app(service)) as client:
        refused = await client.put("/v1/bots/b", content=b"{}", headers={"content-type": "application/json"})
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "invalid_input"
    assert [d["path"] for d in error["details"]] == ["intents"]
    assert [i["id"] for i in (await service.get_bot("b"))["intents"]] == ["hello"]
    assert [(b.name, b.version) for b in await service.list_bots()] == [("b", 1)]


async def test_a_bot_stored_with_nothing_to_learn_is_refused_when_training_not_queued(service, mongo):
    # Stored before saving refused it: the store itself does not validate.
    quiet = BotDefinition(name="quiet", intents=[IntentDef(id="menu", replies=["Pick one"])])
    await MongoBotStore(mongo).save(quiet)
    with pytest.raises(InvalidInputError, match="bot 'quiet' cannot be trained: no intent has") as refused:
        await service.training_dataset("quiet")
    assert refused.value.details == [{"path": "intents", "message": NOTHING_TO_LEARN}]


SETTINGS = [
    ("welcome_intent", "init_conversation", "greets no one"),
    ("fallback_intent", "fallback", "answers a built-in sentence"),
    ("cancel_intent", "cancel", "has no cancel intent"),
]


@pytest.mark.parametrize(("setting", "default", "without"), SETTINGS)
def test_a_setting_naming_no_intent_of_the_bot_is_refused(setting, default, without):
    doc = bot(HELLO, {"id": "greet", "replies": ["Welcome"]}, **{setting: "greeet"})
    assert problems_of(doc) == [
        {
            "path": f"settings.{setting}",
            "message": "'greeet' is not an intent of this bot (did you mean 'greet'?): name one of its"
            f" intents, or leave the setting out (a bot without an intent named {default!r} {without})",
        }
    ]


def test_the_default_names_need_no_intent():
    # No greeting, the built-in fallback sentence, no cancel intent: what an unset setting means.
    doc = bot(HELLO, welcome_intent="init_conversation", fallback_intent="fallback", cancel_intent="cancel")
    assert problems_of(doc) == []


def test_settings_naming_the_bots_intents_are_accepted():
    intents = [
        HELLO,
        {"id": "hi", "replies": ["Welcome"]},
        {"id": "huh"},
        {"id": "stop", "examples": ["stop"]},
    ]
    doc = bot(*intents, welcome_intent="hi", fallback_intent="huh", cancel_intent="stop")
    assert problems_of(doc) == []


def test_a_welcome_intent_that_requires_a_parameter_is_refused():
    greet = {
        "id": "greet",
        "parameters": [{"name": "nickname", "required": False}, {"name": "name", "prompt": ["Your name?"]}],
        "replies": ["Hello {{ slots.name }}"],
    }
    assert problems_of(bot(HELLO, greet, welcome_intent="greet")) == [
        {
            "path": "intents[1].parameters[1].required",
            "message": "intent 'greet' is the bot's welcome intent, which greets a new conversation before"
            " the user has said anything, so it cannot ask for 'name': make the parameter optional"
            " (required: false) or choose another welcome_intent",
        }
    ]


@pytest.mark.parametrize(("setting", "default"), [(setting, default) for setting, default, _ in SETTINGS[1:]])
def test_a_fallback_or_cancel_intent_that_requires_a_parameter_is_refused(setting, default):
    special = {"id": default, "parameters": [{"name": "why"}], "replies": ["Ok"]}
    (problem,) = problems_of(bot(HELLO, special))
    assert problem["path"] == "intents[1].parameters[0].required"
    assert problem["message"].startswith(
        f"intent {default!r} is the bot's {setting.replace('_', ' ')}, which"
    )


def test_an_acf_document_whose_settings_name_no_intent_is_refused():
    doc = json.loads((ACF_EXAMPLES / "default_intents.json").read_bytes())
    doc["settings"] = {"welcome_intent": "hello"}
    with pytest.raises(InvalidInputError) as refused:
        parse_document(json.dumps(doc).encode(), name="d")
    assert [d["path"] for d in refused.value.details] == ["settings.welcome_intent"]
