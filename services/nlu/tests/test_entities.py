"""Entity extraction: dictionary synonyms, regexes, annotated examples."""

from __future__ import annotations

import pytest

from parley_messages import EntityDef, EntityValueDef, Example, IntentExamples, Span
from parley_nlu.entities import EntityExtractor, learn_entities
from parley_runtime.errors import InvalidInputError

CITIES = EntityDef(
    name="city",
    values=[
        EntityValueDef(value="Zürich", synonyms=["Zurich"]),
        EntityValueDef(value="New York", synonyms=["NYC", "big apple"]),
        EntityValueDef(value="York"),
        EntityValueDef(value="Paris", synonyms=["paname"]),
    ],
)


def found(extractor: EntityExtractor, text: str) -> list[tuple[str, str, str]]:
    return [(e.entity, e.value, text[e.start : e.end]) for e in extractor.extract(text)]


def test_a_synonym_is_returned_as_its_canonical_value() -> None:
    assert found(EntityExtractor([CITIES]), "fly me to paname") == [("city", "Paris", "paname")]


def test_matching_ignores_case_and_accents_and_keeps_original_offsets() -> None:
    assert found(EntityExtractor([CITIES]), "Trip to ZURICH and zürich") == [
        ("city", "Zürich", "ZURICH"),
        ("city", "Zürich", "zürich"),
    ]


def test_offsets_point_into_the_original_text_after_decomposed_characters() -> None:
    text = "Cafe\u0301 then Paris"
    (entity,) = EntityExtractor([CITIES]).extract(text)
    assert text[entity.start : entity.end] == "Paris"


def test_the_longest_match_wins() -> None:
    assert found(EntityExtractor([CITIES]), "going to new york") == [("city", "New York", "new york")]


def test_multi_word_synonyms_allow_any_whitespace() -> None:
    assert found(EntityExtractor([CITIES]), "the Big   Apple!") == [("city", "New York", "Big   Apple")]


def test_only_whole_words_match() -> None:
    assert found(EntityExtractor([CITIES]), "a parisian yorkshire terrier") == []


def test_several_values_are_returned_left_to_right() -> None:
    extractor = EntityExtractor([CITIES, EntityDef(name="size", values=[EntityValueDef(value="large")])])
    assert found(extractor, "large pizza from NYC to Paris") == [
        ("size", "large", "large"),
        ("city", "New York", "NYC"),
        ("city", "Paris", "Paris"),
    ]


def test_a_regex_entity_returns_its_value_group() -> None:
    amount = EntityDef(name="amount", pattern=r"(?P<value>\d+)\s*(?:euros|eur)")
    (entity,) = EntityExtractor([amount]).extract("send 20 EUR to bob")
    assert (entity.entity, entity.value, entity.extractor) == ("amount", "20", "regex")
    assert (entity.start, entity.end) == (5, 11)


def test_a_longer_regex_match_beats_a_shorter_dictionary_match() -> None:
    extractor = EntityExtractor([CITIES, EntityDef(name="address", pattern=r"\d+ York Street")])
    assert found(extractor, "at 12 York Street") == [("address", "12 York Street", "12 York Street")]


def test_an_invalid_pattern_is_rejected() -> None:
    with pytest.raises(InvalidInputError, match="invalid pattern"):
        EntityExtractor([EntityDef(name="broken", pattern="(unclosed")])


def test_annotated_example_spans_become_synonyms() -> None:
    intents = [
        IntentExamples(
            name="book",
            examples=[
                Example(
                    text="table at a sushi place",
                    spans=[Span(entity="cuisine", start=11, end=16, value="japanese")],
                ),
                Example(text="an Italian dinner", spans=[Span(entity="cuisine", start=3, end=10)]),
            ],
        )
    ]
    extractor = EntityExtractor(learn_entities([], intents))
    assert found(extractor, "sushi or italian?") == [
        ("cuisine", "japanese", "sushi"),
        ("cuisine", "Italian", "italian"),
    ]


def test_a_span_of_a_known_value_adds_a_synonym_to_that_value() -> None:
    intents = [
        IntentExamples(
            name="go",
            examples=[
                Example(text="off to Frisco", spans=[Span(entity="city", start=7, end=13, value="paris")])
            ],
        )
    ]
    definitions = learn_entities([CITIES], intents)
    assert found(EntityExtractor(definitions), "frisco") == [("city", "Paris", "frisco")]
    assert len(definitions[0].values) == len(CITIES.values)


def test_no_definitions_find_nothing() -> None:
    assert EntityExtractor([]).extract("anything at all") == []
