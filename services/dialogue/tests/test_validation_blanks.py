"""Parts that would make the bot say nothing or show a blank button are refused at save, as the
console refuses them (web/src/console/validation.ts): the REST API and imports bypass the console."""

from __future__ import annotations

import json

import pytest
from litestar.testing import AsyncTestClient

from parley_dialogue.app import create_app
from parley_dialogue.validation import build_definition, problems_of
from parley_runtime.errors import InvalidInputError


def bot(*intents: dict) -> dict:
    return {"name": "b", "intents": [{"id": "hello", "examples": ["hello"], "replies": ["Hi"]}, *intents]}


def test_an_empty_or_blank_reply_variant_is_refused_where_it_is():
    doc = bot({"id": "order", "replies": ["Sure", "", " \n\t"]})
    message = "is empty: intent 'order' would answer nothing with it; write the reply or remove it"
    assert problems_of(doc) == [
        {"path": "intents[1].replies[1]", "message": message},
        {"path": "intents[1].replies[2]", "message": message},
    ]


def test_a_reply_written_as_one_empty_string_is_refused():
    assert [p["path"] for p in problems_of(bot({"id": "order", "replies": ""}))] == ["intents[1].replies[0]"]


def test_what_the_console_trims_counts_as_blank():
    doc = bot({"id": "order", "replies": ["\ufeff", "\u00a0\u3000"]})
    assert [p["path"] for p in problems_of(doc)] == ["intents[1].replies[0]", "intents[1].replies[1]"]


def test_a_reply_of_nothing_but_separators_is_refused():
    assert problems_of(bot({"id": "order", "replies": [" ### ###"]})) == [
        {
            "path": "intents[1].replies[0]",
            "message": "has nothing but '###' separators: intent 'order' would answer nothing with it;"
            " write the reply or remove it",
        }
    ]


def test_an_empty_prompt_variant_names_its_intent_and_parameter():
    parameters = [{"name": "city"}, {"name": "size", "prompt": ["What size?", "  "]}]
    assert problems_of(bot({"id": "order", "parameters": parameters, "replies": ["Ok"]})) == [
        {
            "path": "intents[1].parameters[1].prompt[1]",
            "message": "is empty: intent 'order' would ask for 'size' with nothing;"
            " write the prompt or remove it",
        }
    ]


def test_a_prompt_written_as_one_empty_string_is_refused():
    doc = bot({"id": "order", "parameters": [{"name": "size", "prompt": ""}], "replies": ["Ok"]})
    assert [p["path"] for p in problems_of(doc)] == ["intents[1].parameters[0].prompt[0]"]


def test_a_button_without_a_title_or_a_payload_is_refused():
    buttons = [
        {"title": "Yes", "payload": "/hello"},
        {"title": " ", "payload": "/hello"},
        {"title": "No", "payload": ""},
    ]
    assert problems_of(bot({"id": "ask", "replies": ["Sure?"], "buttons": buttons})) == [
        {
            "path": "intents[1].buttons[1].title",
            "message": "is empty: intent 'ask' would show a blank button",
        },
        {
            "path": "intents[1].buttons[2].payload",
            "message": "is empty: a button of intent 'ask' would send nothing",
        },
    ]


def test_a_blank_choice_is_refused_as_the_blank_button_it_would_show():
    param = {"name": "size", "choices": ["small", " "], "prompt": ["Which size?"]}
    assert problems_of(bot({"id": "order", "parameters": [param], "replies": ["Ok"]})) == [
        {
            "path": "intents[1].parameters[0].choices[1]",
            "message": "is empty: intent 'order' would show a blank button",
        }
    ]


def test_a_button_missing_both_reports_both():
    doc = bot({"id": "ask", "buttons": [{"title": "", "payload": "\ufeff"}]})
    paths = ["intents[1].buttons[0].title", "intents[1].buttons[0].payload"]
    assert [p["path"] for p in problems_of(doc)] == paths


def test_blank_parts_are_listed_with_the_other_problems_at_once():
    doc = bot(
        {"id": "ask", "replies": [""], "buttons": [{"title": "Go", "payload": "/nowhere"}]},
        {"id": "ask", "parameters": [{"name": "x", "prompt": [""]}]},
    )
    with pytest.raises(InvalidInputError) as caught:
        build_definition(doc)
    assert [p["path"] for p in caught.value.details] == [
        "intents",
        "intents[1].replies[0]",
        "intents[1].buttons[0].payload",
        "intents[2].parameters[0].prompt[0]",
    ]


def test_no_replies_no_prompts_and_a_button_under_no_text_are_still_valid():
    doc = bot(
        {"id": "quiet"},
        {"id": "ask", "parameters": [{"name": "size"}], "buttons": [{"title": "Again", "payload": "/ask"}]},
    )
    assert problems_of(doc) == []


async def test_a_refused_definition_leaves_the_stored_bot_as_it_was(service):
    await service.put_bot("b", json.dumps(bot()).encode(), "application/json")
    blank = json.dumps(bot({"id": "order", "replies": [" "]})).encode()
    async with AsyncTestClient(create_app(service)) as client:
        refused = await client.put("/v1/bots/b", content=blank, headers={"content-type": "application/json"})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_input"
    assert [d["path"] for d in refused.json()["error"]["details"]] == ["intents[1].replies[0]"]
    stored = await service.get_bot("b")
    assert [i["id"] for i in stored["intents"]] == ["hello"]
    assert [(b.name, b.version) for b in await service.list_bots()] == [("b", 1)]
