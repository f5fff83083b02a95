"""The ACF example exports import unchanged, play as ACF intends, and round-trip."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from parley_dialogue.acf import from_acf, is_acf
from parley_dialogue.acf_export import to_acf
from parley_dialogue.actions import build_request
from parley_dialogue.conversation import PendingAction
from parley_dialogue.documents import parse_document
from parley_dialogue.templates import render
from parley_dialogue.validation import build_definition
from parley_runtime.errors import InvalidInputError

EXAMPLES = ["default_intents", "order_status", "restaurant_search"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_export_imports_unchanged(acf, name):
    raw = acf(name)
    bot = parse_document(raw, "application/json", name=name)
    assert {"fallback", "cancel", "init_conversation"} <= {i.id for i in bot.intents}
    assert acf(name) == raw


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_is_detected_as_acf(acf, name):
    assert is_acf(json.loads(acf(name)))


@pytest.mark.parametrize("name", EXAMPLES)
def test_import_export_import_is_stable(acf, name):
    first = parse_document(acf(name), name=name)
    again = parse_document(json.dumps(to_acf(first)).encode(), name=name)
    assert again == first


@pytest.mark.parametrize("name", EXAMPLES)
def test_export_keeps_what_acf_reads(acf, name):
    original = json.loads(acf(name))
    exported = to_acf(parse_document(acf(name), name=name))
    for before, after in zip(original["intents"], exported["intents"], strict=True):
        assert after["intentId"] == before["intentId"]
        assert after["name"] == before["name"]
        assert after["speechResponse"] == before["speechResponse"]
        assert after["apiTrigger"] == before["apiTrigger"]
        assert [t["text"] for t in after["trainingData"]] == [
            t["text"] for t in before.get("trainingData", [])
        ]
        assert [p["prompt"] for p in after["parameters"]] == [
            p["prompt"] for p in before.get("parameters", [])
        ]


def test_the_order_status_webhook_becomes_a_get_action(acf):
    bot = parse_document(acf("order_status"), name="orders")
    intent = bot.intent("check_order_status")
    assert intent is not None and intent.action is not None
    assert intent.action.method == "GET"
    assert intent.action.url.endswith("order_id={{ parameters['order_number'] }}")
    assert intent.action.send_slots == "query"
    assert intent.parameters[0].entity == "order_number"


def test_an_acf_post_without_json_sends_the_slots_in_the_query_as_acf_does():
    details = {"url": "https://api.example.com/orders", "requestType": "POST", "isJson": False}
    doc = {
        "intents": [
            {
                "intentId": "order",
                "trainingData": [{"text": "order"}],
                "speechResponse": "ok",
                "apiTrigger": True,
                "apiDetails": details,
            }
        ]
    }
    action = parse_document(json.dumps(doc).encode(), name="shop").intents[0].action
    assert action is not None
    request = build_request(action, PendingAction(intent="order", slots={"size": "large"}, context={}))
    assert (request.method, request.params, request.form) == ("POST", {"size": "large"}, {})


def test_annotated_spans_become_dataset_spans(acf):
    bot = parse_document(acf("restaurant_search"), name="food")
    search = bot.intent("restaurant_search")
    assert search is not None
    first = search.examples[0]
    assert [(s.entity, first.text[s.start : s.end]) for s in first.entities] == [
        ("location", "banglore"),
        ("cuisine", "Chinese"),
    ]


def test_a_span_value_that_disagrees_with_its_text_trusts_begin_and_end():
    doc = {
        "intents": [
            {
                "intentId": "find",
                "speechResponse": "ok",
                "trainingData": [
                    {
                        "text": "I'm looking for south indian places",
                        "entities": [
                            {"begin": 16, "end": 28, "name": "cuisine", "value": "for south indian"}
                        ],
                    }
                ],
            }
        ]
    }
    bot = build_definition(from_acf(doc, name="x"))
    span = bot.intents[0].examples[0].entities[0]
    assert (span.start, span.end, span.value) == (16, 28, None)


def test_spans_outside_their_text_or_overlapping_are_skipped_not_fatal():
    doc = {
        "intents": [
            {
                "intentId": "find",
                "trainingData": [
                    {
                        "text": "in paris",
                        "entities": [
                            {"begin": 3, "end": 8, "name": "city", "value": "paris"},
                            {"begin": 5, "end": 8, "name": "city", "value": "ris"},
                            {"begin": 40, "end": 50, "name": "city", "value": "x"},
                        ],
                    }
                ],
            }
        ]
    }
    bot = build_definition(from_acf(doc, name="x"))
    assert len(bot.intents[0].examples[0].entities) == 1


def test_blank_spans_are_skipped_and_padded_ones_trimmed_to_their_words():
    """ACF's trainer tagged the tokens a span covers, so a span over spaces taught it nothing and
    the spaces around a padded span's words are not part of the entity."""
    text = "book a table for 4 people in paris"
    spans = [(16, 17), (17, 17), (18, 25), (28, 34)]
    doc = {
        "intents": [
            {
                "intentId": "book",
                "trainingData": [
                    {"text": text, "entities": [{"begin": b, "end": e, "name": "n"} for b, e in spans]}
                ],
            }
        ]
    }
    bot = build_definition(from_acf(doc, name="x"))
    assert [text[s.start : s.end] for s in bot.intents[0].examples[0].entities] == ["people", "paris"]


@pytest.mark.parametrize(
    "intent",
    [
        {"name": "Book", "trainingData": [{"text": "book a table"}]},
        {"name": "Book", "speechResponse": "Booked", "trainingData": [{"text": "book a table"}]},
        {"trainingData": [{"text": "book a table"}], "apiTrigger": False},
    ],
)
def test_an_acf_intent_without_intent_id_is_refused_naming_it(intent):
    doc = {"intents": [{"intentId": "hello", "trainingData": [{"text": "hi"}]}, intent]}
    with pytest.raises(InvalidInputError) as refused:
        parse_document(json.dumps(doc).encode(), name="b")
    assert refused.value.details == [
        {"path": "intents[1].intentId", "message": "is missing: every ACF intent has an intentId, its id"}
    ]


def test_an_acf_document_is_known_by_its_intents_training_data():
    doc = {"intents": [{"name": "Book", "trainingData": [{"text": "book a table"}]}]}
    assert is_acf(doc)
    with pytest.raises(InvalidInputError) as refused:
        parse_document(json.dumps(doc).encode(), name="b")
    assert refused.value.details == [
        {"path": "intents[0].intentId", "message": "is missing: every ACF intent has an intentId, its id"}
    ]


def test_parameter_types_and_span_names_declare_entities():
    doc = {
        "intents": [
            {
                "intentId": "a",
                "parameters": [{"name": "p", "type": "colour", "prompt": "?"}],
                "trainingData": [{"text": "big", "entities": [{"begin": 0, "end": 3, "name": "size"}]}],
            }
        ]
    }
    bot = build_definition(from_acf(doc, name="x"))
    assert [e.name for e in bot.entities] == ["colour", "size"]


def test_the_fallback_reply_picks_one_of_its_variants(acf):
    bot = parse_document(acf("default_intents"), name="d")
    fallback = bot.intent("fallback")
    assert fallback is not None
    text = render(fallback.replies[0], {})
    assert text.split("###")[0].strip(" \ufeff\n") in {
        "Sorry",
        "Hmm",
        "Can you please re-phrase your query ?",
    }


def test_several_reply_variants_export_as_one_acf_template():
    bot = build_definition(
        {"name": "x", "intents": [{"id": "a", "examples": ["a"], "replies": ["one", "two"]}]}
    )
    template = to_acf(bot)["intents"][0]["speechResponse"]
    assert {render(template, {}) for _ in range(40)} == {"one", "two"}


def test_a_parameter_name_the_import_renames_is_renamed_in_the_templates_too():
    details = {
        "url": "https://api.example.com/book?n={{ parameters['party size'] }}",
        "requestType": "POST",
        "isJson": True,
        "jsonData": '{"guests": "{{ parameters["party size"] }}"}',
    }
    intent = {
        "intentId": "book",
        "trainingData": [{"text": "book a table"}],
        "speechResponse": 'Booked for {{ parameters["party size"] }} people',
        "parameters": [{"name": "party size", "required": True, "prompt": "How many?"}],
        "apiTrigger": True,
        "apiDetails": details,
    }
    bot = build_definition(from_acf({"intents": [intent]}, name="x"))
    book = bot.intents[0]
    assert book.parameters[0].name == "party_size"
    assert render(book.replies[0], {"parameters": {"party_size": "4"}}) == "Booked for 4 people"
    assert book.action is not None
    request = build_request(book.action, PendingAction(intent="book", slots={"party_size": "4"}, context={}))
    assert request.url.endswith("?n=4")
    assert json.loads(request.body or b"") == {"guests": "4"}


def test_native_settings_in_an_acf_document_are_kept():
    doc = {
        "settings": {"chat_access": "key"},
        "intents": [{"intentId": "a", "trainingData": [{"text": "a"}]}],
    }
    assert build_definition(from_acf(doc, name="x")).settings.chat_access == "key"


def test_settings_survive_an_acf_round_trip():
    bot = build_definition(
        {
            "name": "x",
            "settings": {"chat_access": "key", "fallback_threshold": 0.3},
            "intents": [{"id": "a", "examples": ["a"], "replies": ["a"]}],
        }
    )
    assert build_definition(from_acf(to_acf(bot), name="x")).settings == bot.settings


def test_built_in_entities_a_parameter_uses_are_not_declared_on_import():
    bot = build_definition(
        {
            "name": "x",
            "intents": [
                {
                    "id": "book",
                    "examples": ["book a table"],
                    "parameters": [{"name": "day", "entity": "date", "prompt": ["When?"]}],
                }
            ],
        }
    )
    again = build_definition(from_acf(to_acf(bot), name="x"))
    assert again.entities == []
    assert again.intents[0].parameters[0].entity == "date"


def test_a_built_in_entity_the_examples_annotate_is_declared_and_learnt_as_in_acf():
    doc = {
        "intents": [
            {
                "intentId": "book",
                "parameters": [{"name": "day", "type": "date", "prompt": "When?"}],
                "trainingData": [
                    {"text": "book friday", "entities": [{"begin": 5, "end": 11, "name": "date"}]}
                ],
            }
        ]
    }
    assert [e.name for e in build_definition(from_acf(doc, name="x")).entities] == ["date"]


def test_the_description_survives_an_acf_round_trip():
    bot = build_definition(
        {"name": "x", "description": "Orders", "intents": [{"id": "a", "examples": ["a"]}]}
    )
    assert build_definition(from_acf(to_acf(bot), name="x")).description == "Orders"


def test_an_empty_acf_reply_or_prompt_imports_as_none_instead_of_being_refused():
    intent = {
        "intentId": "order",
        "trainingData": [{"text": "order"}],
        "speechResponse": " ",
        "parameters": [{"name": "size", "required": True, "prompt": ""}, {"name": "city", "prompt": "\n"}],
    }
    order = parse_document(json.dumps({"intents": [intent]}).encode(), name="x").intents[0]
    assert order.replies == []
    assert [p.prompt for p in order.parameters] == [[], []]


def test_an_intent_without_replies_or_prompts_survives_an_acf_round_trip():
    quiet = {"id": "quiet", "name": "Quiet", "parameters": [{"name": "size"}], "examples": ["hush"]}
    bot = build_definition({"name": "x", "intents": [quiet]})
    assert to_acf(bot)["intents"][0]["speechResponse"] == ""
    assert parse_document(json.dumps(to_acf(bot)).encode(), name="x") == bot


def test_an_api_trigger_without_details_is_refused_not_dropped():
    doc = {"intents": [{"intentId": "a", "trainingData": [{"text": "a"}], "apiTrigger": True}]}
    with pytest.raises(InvalidInputError) as refused:
        parse_document(json.dumps(doc).encode(), name="x")
    assert [d["path"] for d in refused.value.details] == ["intents[0].action.url"]


def test_native_only_fields_survive_an_acf_round_trip():
    bot = build_definition(
        {
            "name": "x",
            "entities": [
                {"name": "size", "values": [{"value": "small"}, {"value": "large"}]},
                {"name": "order_id", "pattern": "ORD[0-9]{6}"},
            ],
            "intents": [
                {
                    "id": "order",
                    "examples": ["a small coffee"],
                    "parameters": [
                        {"name": "size", "entity": "size", "prompt": ["Which size?", "Small or large?"]},
                        {"name": "extras", "choices": ["milk", "sugar"], "multiple": True, "required": False},
                        {"name": "code", "pattern": "[A-Z]{3}", "required": False},
                    ],
                    "replies": ["Done."],
                    "buttons": [{"title": "Cancel", "payload": "/cancel"}],
                    "action": {
                        "url": "https://shop.example.com/orders",
                        "mode": "notify",
                        "timeout": 2.5,
                        "json": False,
                        "send_slots": "form",
                    },
                },
                {"id": "cancel", "name": "Cancel", "examples": ["cancel"], "replies": ["Cancelled."]},
            ],
        }
    )
    exported = to_acf(bot)
    assert "parley" not in exported["intents"][1]  # nothing native-only: plain ACF
    again = build_definition(from_acf(json.loads(json.dumps(exported)), name="x"))
    assert again.entities == bot.entities
    assert [i.parameters for i in again.intents] == [i.parameters for i in bot.intents]
    assert [i.buttons for i in again.intents] == [i.buttons for i in bot.intents]
    assert again.intents[0].action == bot.intents[0].action


def test_an_acf_item_takes_back_only_its_own_native_fields():
    doc = {
        "intents": [
            {
                "intentId": "a",
                "trainingData": [{"text": "a"}],
                "parley": {"buttons": [{"title": "B", "payload": "/a"}], "id": "hijacked", "examples": []},
            }
        ]
    }
    (intent,) = build_definition(from_acf(doc, name="x")).intents
    assert (intent.id, [e.text for e in intent.examples], intent.buttons[0].title) == ("a", ["a"], "B")


def test_a_parameter_with_one_prompt_exports_as_plain_acf():
    bot = build_definition(
        {
            "name": "x",
            "intents": [{"id": "a", "examples": ["a"], "parameters": [{"name": "p", "prompt": ["P?"]}]}],
        }
    )
    assert to_acf(bot)["intents"][0]["parameters"] == [
        {"name": "p", "required": True, "type": "free_text", "prompt": "P?"}
    ]


ROUND_TRIPS = {
    "span values": {
        "entities": [{"name": "size", "values": [{"value": "large"}, {"value": "small"}]}],
        "intents": [
            {
                "id": "order",
                "examples": [
                    {
                        "text": "a biggie pizza",
                        "entities": [{"entity": "size", "start": 2, "end": 8, "value": "large"}],
                    },
                    {
                        "text": "a large pizza",
                        "entities": [{"entity": "size", "start": 2, "end": 7, "text": "large"}],
                    },
                    "i want pizza",
                ],
            }
        ],
    },
    "reply variants and unnamed intents": {
        "intents": [
            {
                "id": "greet",
                "name": "Greet",
                "examples": ["hi"],
                "replies": ["Hi {{ context.username }}", "Hello!"],
            },
            {"id": "fallback", "replies": ["Sorry?", "Pardon?", "Say again?"]},
            {"id": "cancel", "name": "", "examples": ["cancel"], "replies": ["OK"]},
        ],
    },
    "spans written out of order": {
        "entities": [{"name": "city"}, {"name": "cuisine"}],
        "intents": [
            {
                "id": "find",
                "examples": [
                    {
                        "text": "chinese food in paris",
                        "entities": [
                            {"entity": "city", "start": 16, "end": 21},
                            {"entity": "cuisine", "start": 0, "end": 7},
                        ],
                    }
                ],
            }
        ],
    },
    "webhooks that send no body, or a body that is not JSON": {
        "intents": [
            {"id": "ping", "examples": ["ping"], "action": {"url": "https://a.example/ping"}},
            {
                "id": "note",
                "examples": ["note"],
                "action": {"url": "https://a.example/n", "json": False, "body": "x"},
            },
            {"id": "get", "examples": ["get"], "action": {"url": "https://a.example/g", "method": "GET"}},
        ],
    },
    "a free-text parameter beside an entity named free_text": {
        "entities": [{"name": "free_text", "values": [{"value": "a"}]}],
        "intents": [
            {
                "id": "ask",
                "examples": ["ask"],
                "parameters": [{"name": "note", "prompt": "?"}, {"name": "kind", "entity": "free_text"}],
            }
        ],
    },
    "default settings given": {
        "settings": {"fallback_threshold": 0.5, "chat_access": "public"},
        "intents": [{"id": "a", "examples": ["a"]}],
    },
}


@pytest.mark.parametrize("doc", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_parleys_own_acf_export_imports_to_the_same_bot(doc):
    bot = build_definition({"name": "x", **doc})
    again = parse_document(json.dumps(to_acf(bot)).encode(), "application/json", name="x")
    assert again == bot


def test_a_spans_value_rides_beside_the_annotated_text_that_acf_reads():
    bot = build_definition({"name": "x", **ROUND_TRIPS["span values"]})
    biggie = to_acf(bot)["intents"][0]["trainingData"][0]["entities"][0]
    assert biggie == {"value": "biggie", "begin": 2, "end": 8, "name": "size", "parley": {"value": "large"}}


def test_reply_variants_ride_beside_the_one_template_that_acf_plays():
    bot = build_definition({"name": "x", **ROUND_TRIPS["reply variants and unnamed intents"]})
    greet = to_acf(bot)["intents"][0]
    assert greet["parley"] == {"replies": ["Hi {{ context.username }}", "Hello!"]}
    assert {render(greet["speechResponse"], {"context": {"username": "Ann"}}) for _ in range(40)} == {
        "Hi Ann",
        "Hello!",
    }


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_export_of_an_acf_example_is_plain_acf(acf, name):
    exported = json.dumps(to_acf(parse_document(acf(name), name=name)))
    assert '"parley"' not in exported
    assert '"settings"' not in exported


def test_spans_keep_the_order_they_were_written_in(acf):
    bot = parse_document(acf("restaurant_search"), name="food")
    search = bot.intent("restaurant_search")
    assert search is not None
    olaola = next(e for e in search.examples if "olaola" in e.text)
    assert [s.entity for s in olaola.entities] == ["location", "cuisine"]


def _older_export(doc: dict) -> list[dict]:
    """ACF's Flask-era `GET /intents/export`: the intents alone, as MongoEngine wrote them."""
    return [
        {**intent, "_id": {"$oid": f"5a8e9c00000000000000000{n}"}} for n, intent in enumerate(doc["intents"])
    ]


@pytest.mark.parametrize("name", ["order_status", "restaurant_search"])
def test_an_older_acf_export_of_intents_alone_imports_as_its_intents(acf, name):
    older = json.dumps(_older_export(json.loads(acf(name)))).encode()
    bot, current = parse_document(older, "application/json", name=name), parse_document(acf(name), name=name)
    assert bot.intents == current.intents
    # The entities it has no list of are those its intents imply, in the order they imply them.
    assert sorted(bot.entities, key=lambda e: e.name) == sorted(current.entities, key=lambda e: e.name)


def test_the_problems_of_an_older_acf_export_are_named_where_they_are_in_its_array(acf):
    older = _older_export(json.loads(acf("order_status")))
    del older[2]["intentId"]
    with pytest.raises(InvalidInputError) as refused:
        parse_document(json.dumps(older).encode(), name="orders")
    assert refused.value.details == [
        {"path": "[2].intentId", "message": "is missing: every ACF intent has an intentId, its id"}
    ]


@pytest.mark.parametrize(
    "raw", [b"[]", b"[1, 2]", b'[{"id": "greet", "examples": ["hi"]}]', b"- hi\n- hello\n"]
)
def test_an_array_that_is_not_acf_intents_is_refused_saying_what_a_bot_is(raw):
    with pytest.raises(InvalidInputError) as refused:
        parse_document(raw, name="x")
    assert str(refused.value) == (
        'a bot definition is an object ({"name": ..., "intents": [...]}); an array is read only as an'
        " AI Chatbot Framework export of intents, whose items are intents with an intentId"
    )


def test_the_readmes_example_is_a_bot_that_its_acf_export_gives_back():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    example = re.search(r"```yaml\n(.*?)```", readme, re.DOTALL)
    assert example is not None
    bot = parse_document(example[1].encode(), "application/yaml", name="pizza")
    assert parse_document(json.dumps(to_acf(bot)).encode(), "application/json", name="pizza") == bot
