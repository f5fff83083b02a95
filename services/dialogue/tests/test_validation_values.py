"""Values that would fail on every turn are refused at save: empty entity values, a word naming two
values of one entity, webhook URLs that are not http(s)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley_dialogue.documents import parse_document
from parley_dialogue.validation import problems_of

ACF_EXAMPLES = Path(__file__).parent / "acf_examples"


def sizes(*values: dict) -> dict:
    return {
        "name": "b",
        "intents": [{"id": "order", "examples": ["a large one"]}],
        "entities": [{"name": "size", "values": list(values)}],
    }


def with_url(url: str) -> dict:
    return {
        "name": "b",
        "intents": [{"id": "go", "examples": ["go"], "replies": ["done"], "action": {"url": url}}],
    }


def test_an_empty_value_or_synonym_is_refused_where_it_is():
    doc = sizes({"value": ""}, {"value": "  "}, {"value": "large", "synonyms": ["big", " "]})
    assert problems_of(doc) == [
        {"path": "entities[0].values[0].value", "message": "is empty"},
        {"path": "entities[0].values[1].value", "message": "is empty"},
        {"path": "entities[0].values[2].synonyms[1]", "message": "is empty"},
    ]


def test_a_synonym_of_two_values_is_refused():
    doc = sizes({"value": "large", "synonyms": ["big"]}, {"value": "huge", "synonyms": ["big"]})
    assert problems_of(doc) == [
        {
            "path": "entities[0].values[1].synonyms[0]",
            "message": "'big' already names 'large' (values[0]): one word names one value of an entity",
        }
    ]


def test_a_value_that_is_another_values_synonym_is_refused_whatever_its_case_or_accents():
    doc = sizes({"value": "grand", "synonyms": ["Très Grand"]}, {"value": "tres  grand"})
    assert [p["path"] for p in problems_of(doc)] == ["entities[0].values[1].value"]


def test_a_hyphen_between_words_names_what_a_space_does():
    doc = sizes({"value": "x-large"}, {"value": "huge", "synonyms": ["X Large"]})
    assert [p["path"] for p in problems_of(doc)] == ["entities[0].values[1].synonyms[0]"]


def test_a_value_listed_twice_is_refused():
    doc = sizes({"value": "large", "synonyms": ["big"]}, {"value": "Large"})
    assert problems_of(doc) == [
        {
            "path": "entities[0].values[1].value",
            "message": "'large' is already a value of this entity (values[0])",
        }
    ]


def test_the_same_word_in_two_entities_or_twice_for_one_value_is_fine():
    doc = {
        "name": "b",
        "intents": [{"id": "order", "examples": ["a big one"]}],
        "entities": [
            {"name": "size", "values": [{"value": "large", "synonyms": ["big", "Big", "large"]}]},
            {"name": "mood", "values": [{"value": "big"}]},
        ],
    }
    assert problems_of(doc) == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "is empty: a webhook needs an http:// or https:// URL"),
        ("   ", "is empty: a webhook needs an http:// or https:// URL"),
        ("not a url", "must start with http:// or https://, not 'not a url'"),
        ("ftp://example.com/x", "must start with http:// or https://, not 'ftp://example.com/x'"),
        ("javascript:alert(1)", "must start with http:// or https://, not 'javascript:alert(1)'"),
        ("/orders/{{ slots.id }}", "must start with http:// or https://, not '/orders/{{ slots.id }}'"),
        ("HTTPS://example.com", "must start with http:// or https://, not 'HTTPS://example.com'"),
        ("https://", "has no host"),
        ("https:///orders/{{ slots.id }}", "has no host"),
        ("http://[::1", "is not a valid URL: Invalid IPv6 URL"),
        ("https://api.example.com:99999/x", "is not a valid URL: Port out of range 0-65535"),
        (
            "https://api.example.com:http/x",
            "is not a valid URL: Port could not be cast to integer value as 'http'",
        ),
        ("https://exa mple.com/", "has a space in its host"),
    ],
)
def test_an_unusable_webhook_url_is_refused(url, message):
    assert problems_of(with_url(url)) == [{"path": "intents[0].action.url", "message": message}]


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com/orders",
        "http://pizza-api/order",
        "http://127.0.0.1:9000/hook?x=1",
        "https://[::1]:8443/hook",
        "https://api.example.com/orders/{{ slots.size }}",
        "https://api.example.com/book?n={{ parameters['party size'] }}",
        "https://api.example.com?q={{ slots.q | urlencode }}",
        "  https://api.example.com/padded  ",
    ],
)
def test_literal_urls_and_urls_templated_after_their_host_are_accepted(url):
    assert problems_of(with_url(url)) == []


def test_the_acf_examples_and_their_webhooks_import_unchanged():
    for path in sorted(ACF_EXAMPLES.glob("*.json")):
        exported = json.loads(path.read_bytes())
        bot = parse_document(path.read_bytes(), "application/json", name=path.stem)
        actions = [i.action for i in bot.intents if i.action is not None]
        assert len(actions) == sum(bool(i.get("apiTrigger")) for i in exported["intents"])


def drinks(*choices: str) -> dict:
    return {
        "name": "b",
        "intents": [
            {
                "id": "order",
                "examples": ["a latte please"],
                "parameters": [
                    {"name": "drink", "entity": "drink", "prompt": "Which?", "choices": list(choices)}
                ],
            }
        ],
        "entities": [{"name": "drink", "values": [{"value": "latte", "synonyms": ["caffe latte"]}]}],
    }


def test_a_choice_the_nlu_reads_as_another_value_is_refused():
    assert problems_of(drinks("Caffe Latte", "/cancel")) == [
        {
            "path": "intents[0].parameters[0].choices[0]",
            "message": "'Caffe Latte' is a synonym of 'drink''s value 'latte': the NLU reads it as 'latte',"
            " which is not a choice, so choosing it could never fill 'drink'; make the choice 'latte'",
        }
    ]


@pytest.mark.parametrize("choices", [("latte",), ("LATTE", "caffe latte"), ("latte", "tea")])
def test_choices_that_are_values_or_beside_their_value_are_kept(choices: tuple[str, ...]):
    assert problems_of(drinks(*choices)) == []
