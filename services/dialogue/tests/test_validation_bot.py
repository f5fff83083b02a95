"""Rules on a bot as a whole, checked at save: the NLU has something to learn (what the trainer
requires)."""

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
