"""Typos mended toward the bot's words before the intent is read (`spelling.py`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from parley_messages import NluDataset
from parley_nlu.encoder import HashingEncoder
from parley_nlu.model import NluModel
from parley_nlu.spelling import Spelling, english_words

BOT_WORDS = {"want": 3, "book": 2, "appointment": 1, "cleaning": 1, "cancel": 1, "pizza": 1, "pasta": 1}


@pytest.mark.parametrize(
    ("text", "mended"),
    [
        ("I wnat to bok an apointment", "I want to bok an appointment"),  # swap, (too short), deletion
        ("a clenaing please", "a cleaning please"),  # swap
        ("cancelx it", "cancel it"),  # insertion
        ("Appointmant tomorrow", "appointment tomorrow"),  # substitution; the bot's word as it is written
    ],
)
def test_a_word_one_edit_from_a_bot_word_is_mended(text: str, mended: str) -> None:
    assert Spelling(BOT_WORDS).mend(text) == mended


@pytest.mark.parametrize(
    "text",
    [
        "book a pizza",  # the bot's own words
        "jot down the dine time",  # English words ("jot", "dine") are never typos
        "the PTOO balance",  # capitals: an acronym
        "wnt2 appointmen7",  # digits
        "pizzaaaa",  # more than one edit
        "thx",  # too short
    ],
)
def test_known_short_capital_or_distant_words_are_kept(text: str) -> None:
    assert Spelling(BOT_WORDS).mend(text) == text


def test_among_several_bot_words_the_one_most_intents_use_wins_then_the_first_alphabetically() -> None:
    assert Spelling({"pasta": 1, "pizza": 1, "paste": 2}).mend("pastx") == "paste"
    assert Spelling({"pasta": 1, "paste": 1}).mend("pastx") == "pasta"


def test_a_bot_without_words_mends_nothing() -> None:
    assert Spelling({}).mend("I wnat it") == "I wnat it"


def test_the_english_word_list_is_read_once_and_knows_common_words() -> None:
    words = english_words()
    assert words is english_words()
    assert {"dine", "jot", "appointment", "want"} <= words and "apointment" not in words


def test_the_model_reads_the_intent_from_the_mended_text_and_entities_from_the_text(
    encoder: HashingEncoder, shop_dataset: NluDataset, train_model: Callable[..., NluModel]
) -> None:
    model = train_model(shop_dataset)
    text = "I wnat a large piza in paname"
    assert model.intent_text(text) == "I want a large pizza in paname"
    result = model.parse(text, encoder.encode([model.intent_text(text)])[0])
    assert result.intent.name == "order_pizza"
    assert [(e.entity, e.value, e.start, e.end) for e in result.entities] == [
        ("size", "large", 9, 14),
        ("city", "Paris", 23, 29),
    ]
