"""Entities as chat users type them: typos, accents, symbols, several values, words for numbers."""

from __future__ import annotations

from datetime import date

import pytest

from parley_messages import EntityDef, EntityValueDef
from parley_nlu.entities import EntityExtractor

TODAY = date(2024, 5, 15)  # a Wednesday
CITY = EntityDef(
    name="city",
    values=[
        EntityValueDef(value="New York", synonyms=["NYC", "new york city"]),
        EntityValueDef(value="York"),
        EntityValueDef(value="Zürich"),
        EntityValueDef(value="Montréal"),
        EntityValueDef(value="São Paulo"),
        EntityValueDef(value="Paris"),
        EntityValueDef(value="London"),
    ],
)
CURRENCY = EntityDef(
    name="currency",
    values=[
        EntityValueDef(value="USD", synonyms=["$", "dollars", "US dollars"]),
        EntityValueDef(value="EUR", synonyms=["€", "euros"]),
        EntityValueDef(value="JPY", synonyms=["yen", "japanese yen"]),
    ],
)
FLIGHT = EntityDef(name="flight_number", pattern=r"\b(?-i:[A-Z]{2})\d{2,4}\b")
EXTRACTOR = EntityExtractor([CITY, CURRENCY, FLIGHT])


def found(text: str, extractor: EntityExtractor = EXTRACTOR) -> list[tuple[str, object, str]]:
    return [(e.entity, e.value, text[e.start : e.end]) for e in extractor.extract(text, today=TODAY)]


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("flights to new yrok", "new yrok"),
        ("a hotel in new yorkk city", "new yorkk city"),
    ],
)
def test_a_typo_in_a_multi_word_synonym_is_forgiven(text: str, surface: str) -> None:
    assert found(text) == [("city", "New York", surface)]


def test_a_typo_in_a_short_word_of_a_multi_word_synonym_is_forgiven() -> None:
    assert found("how many japanese yenn") == [("currency", "JPY", "japanese yenn")]


def test_a_multi_word_synonym_with_every_word_misspelt_is_not_a_match() -> None:
    assert found("how many japanse yenn") == []


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("weather in zurich", "Zürich", "zurich"),
        ("weather in ZÜRICH", "Zürich", "ZÜRICH"),
        ("cheap tickets to montreal", "Montréal", "montreal"),
        ("one way to Sao Paulo", "São Paulo", "Sao Paulo"),
    ],
)
def test_accents_and_case_do_not_matter(text: str, value: str, surface: str) -> None:
    assert [e for e in found(text) if e[0] == "city"] == [("city", value, surface)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("send $20", [("currency", "USD", "$"), ("number", 20, "20")]),
        ("€40 to Paris", [("currency", "EUR", "€"), ("number", 40, "40"), ("city", "Paris", "Paris")]),
        ("40€ please", [("number", 40, "40"), ("currency", "EUR", "€")]),
    ],
)
def test_a_symbol_synonym_needs_no_space_before_a_number(
    text: str, expected: list[tuple[str, object, str]]
) -> None:
    assert found(text) == expected


def test_several_values_of_one_entity_are_all_found() -> None:
    assert found("from Paris to London, then NYC") == [
        ("city", "Paris", "Paris"),
        ("city", "London", "London"),
        ("city", "New York", "NYC"),
    ]


def test_the_longest_overlapping_candidate_wins() -> None:
    assert found("flying to new york city") == [("city", "New York", "new york city")]


def test_a_longer_synonym_with_a_typo_beats_a_shorter_exact_one_inside_it() -> None:
    assert found("flying to nwe york") == [("city", "New York", "nwe york")]


def test_several_regex_matches_are_all_found_and_respect_inline_flags() -> None:
    assert found("is BA123 or lh400 or AF78 late") == [
        ("flight_number", "BA123", "BA123"),
        ("flight_number", "AF78", "AF78"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("send twenty five dollars", [("number", 25, "twenty five"), ("currency", "USD", "dollars")]),
        ("a dozen eggs", [("number", 12, "a dozen")]),
        ("two hundred and fifty", [("number", 250, "two hundred and fifty")]),
        ("send 3.5 thousand", [("number", 3500, "3.5 thousand")]),
    ],
)
def test_numbers_in_words(text: str, expected: list[tuple[str, object, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the 3rd one", [("ordinal", 3, "3rd")]),
        ("the second one please", [("ordinal", 2, "second")]),
        ("which one? this one", []),
        ("one ticket", [("number", 1, "one")]),
    ],
)
def test_one_after_an_ordinal_or_determiner_is_a_pronoun(
    text: str, expected: list[tuple[str, object, str]]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next friday at 5pm", [("date", "2024-05-17", "next friday"), ("time", "17:00", "5pm")]),
        ("tomorrow at 9", [("date", "2024-05-16", "tomorrow"), ("time", "09:00", "9")]),
        ("in 2 days", [("date", "2024-05-17", "in 2 days")]),
        ("in two weeks", [("date", "2024-05-29", "in two weeks")]),
        ("set a timer for an hour", [("duration", 3600, "an hour")]),
    ],
)
def test_dates_times_and_durations(text: str, expected: list[tuple[str, object, str]]) -> None:
    assert found(text) == expected


def test_tomorrow_morning_is_tomorrow() -> None:
    assert [e for e in found("tomorrow morning") if e[0] == "date"] == [("date", "2024-05-16", "tomorrow")]


@pytest.mark.parametrize("text", ["I need a day off", "twice a week", "thousand island dressing"])
def test_an_article_or_a_scale_word_alone_is_no_amount(text: str) -> None:
    assert found(text) == []
