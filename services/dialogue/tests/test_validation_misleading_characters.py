"""Text that would show otherwise than it reads: bidirectional embeddings, overrides and isolates,
deprecated format characters, interlinear annotations and stray tag characters are refused wherever
a definition holds text, naming the field; the joiners, direction marks and other characters that
scripts and emoji need are text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from parley_dialogue.app import create_app
from parley_dialogue.documents import parse_document
from parley_dialogue.validation import problems_of
from parley_runtime.errors import InvalidInputError

BIDI = "which reorders how the text after it shows"
ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"


def bot(**intent: Any) -> dict[str, Any]:
    return {"name": "b", "intents": [{"id": "a", "examples": ["hi"], **intent}]}


def messages(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["path"], p["message"]) for p in problems_of(doc)]


@pytest.mark.parametrize("code", [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
def test_every_bidirectional_embedding_override_and_isolate_is_refused(code):
    problems = messages(bot(replies=[f"Pay {chr(code)}01$ now"]))
    assert [(path, BIDI in message) for path, message in problems] == [("intents[0].replies[0]", True)]
    assert f"U+{code:04X} " in problems[0][1]
    assert "(at character 4)" in problems[0][1]


def test_the_message_names_the_character_and_what_the_author_may_use_instead():
    [(_, message)] = messages(bot(replies=["abc\u202edef"]))
    assert message == (
        "holds U+202E right-to-left override (at character 3), which reorders how the text after it"
        " shows: bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) are"
        " refused; the marks U+200E and U+200F set the direction of right-to-left text"
    )


def test_replies_prompts_buttons_messages_and_templates_are_checked():
    doc = {
        "name": "b",
        "description": "Shop\u2067",
        "settings": {"messages": {"corrected": "OK, {{ value }}\u202e instead of {{ previous }}."}},
        "intents": [
            {
                "id": "a",
                "examples": ["hi"],
                "parameters": [{"name": "size", "prompt": ["Which \u202dsize?"], "choices": ["large\u2066"]}],
                "replies": ["ok"],
                "buttons": [{"title": "Yes\u202e", "payload": "/a"}],
                "action": {"url": "https://a.example/x", "body": '{"a": "\u2069"}'},
            }
        ],
        "entities": [{"name": "size", "values": [{"value": "large", "synonyms": ["big\u202c"]}]}],
    }
    assert [path for path, _ in messages(doc)] == [
        "description",
        "settings.messages.corrected",
        "intents[0].parameters[0].prompt[0]",
        "intents[0].parameters[0].choices[0]",
        "intents[0].buttons[0].title",
        "intents[0].action.body",
        "entities[0].values[0].synonyms[0]",
    ]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("a\u206eb", "a deprecated format character"),
        ("a\ufff9b\ufffac\ufffb", "which hides or moves text"),
        ("hi\U000e0041\U000e0042", "an invisible tag character"),
        ("\U0001f3f4\U000e0067\U000e0062", "an invisible tag character"),  # a flag's tags never ended
        ("a\U000e0001", "an invisible tag character"),
    ],
)
def test_characters_that_hide_or_change_text_are_refused(text, says):
    [(path, message)] = messages(bot(replies=[text]))
    assert path == "intents[0].replies[0]"
    assert says in message


@pytest.mark.parametrize(
    "text",
    [
        "Family \U0001f469\u200d\U0001f469\u200d\U0001f467",  # zero-width joiner
        f"England {ENGLAND}",  # an emoji tag sequence
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # zero-width non-joiner (Persian)
        "\u05e9\u05dc\u05d5\u05dd!\u200f and \u200eabc \u061c",  # direction marks
        "\u0e2a\u0e27\u0e31\u0e2a\u200b\u0e14\u0e35",  # zero-width space (Thai)
        "hy\u00adphen\u2060ated",  # soft hyphen, word joiner
        "\u2764\ufe0f",  # a variation selector
    ],
)
def test_joiners_marks_and_what_scripts_and_emoji_need_are_text(text):
    assert problems_of(bot(replies=[text], buttons=[{"title": text, "payload": "/a"}])) == []


def test_a_control_character_is_named_before_a_misleading_one_and_once():
    [(path, message)] = messages(bot(replies=["a\u202eb\x07"]))
    assert path == "intents[0].replies[0]"
    assert "control character U+0007" in message


def test_a_name_refused_for_its_characters_is_not_named_twice():
    problems = problems_of({"name": "b", "intents": [{"id": "a\u202e", "examples": ["hi"]}]})
    assert [p["path"] for p in problems] == ["intents[0].id"]
    assert BIDI not in problems[0]["message"]


def test_an_acf_document_is_refused_as_its_native_form_is():
    acf = {"intents": [{"intentId": "a", "trainingData": [{"text": "hi"}], "speechResponse": "ok\u202e"}]}
    with pytest.raises(InvalidInputError) as refused:
        parse_document(json.dumps(acf).encode(), "application/json", name="b")
    assert [d["path"] for d in refused.value.details] == ["intents[0].replies[0]"]


async def test_a_refused_bot_is_a_400_naming_the_field_and_nothing_is_saved(service):
    doc = bot(replies=["ok"], buttons=[{"title": "Yes\u202eoN", "payload": "/a"}])
    async with AsyncTestClient(create_app(service)) as client:
        refused = await client.put(
            "/v1/bots/b", content=json.dumps(doc).encode(), headers={"content-type": "application/json"}
        )
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "invalid_input"
    assert [d["path"] for d in error["details"]] == ["intents[0].buttons[0].title"]
    assert await service.list_bots() == []
