"""Entity extraction: dictionary synonyms, regexes, annotated examples."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import pytest

from parley_messages import EntityDef, EntityValueDef, Example, IntentExamples, Span
from parley_nlu.candidates import Candidate
from parley_nlu.entities import EntityExtractor, learn_entities
from parley_nlu.tagger import SpanTagger
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


def test_a_pattern_entitys_examples_teach_no_values_so_a_mistyped_id_is_no_other_id() -> None:
    order = EntityDef(name="order_id", pattern=r"\bORD[0-9]{6}\b")
    example = Example(text="where is ORD123456", spans=[Span(entity="order_id", start=9, end=18)])
    definitions = learn_entities([order], [IntentExamples(name="track", examples=[example])])
    assert definitions == [order]
    extractor = EntityExtractor(definitions)
    assert found(extractor, "it is ORD12345") == []
    assert found(extractor, "it is ORD1234567") == []
    assert found(extractor, "it is ORD654321") == [("order_id", "ORD654321", "ORD654321")]


def test_no_definitions_find_nothing() -> None:
    assert EntityExtractor([]).extract("anything at all") == []


class _Guesses:
    """A tagger that reads fixed words as values of one entity, as a trained one might."""

    def __init__(self, entity: str, *guesses: str) -> None:
        self.entity, self.guesses = entity, guesses

    def candidates(self, text: str, intent: str | None = None) -> Iterator[Candidate]:
        for guess in self.guesses:
            start = text.find(guess)
            if start >= 0:
                yield Candidate(start, start + len(guess), self.entity, guess, "tagger", 0.8)


def guessing(definitions: list[EntityDef], entity: str, *guesses: str) -> EntityExtractor:
    return EntityExtractor(definitions, tagger=cast(SpanTagger, _Guesses(entity, *guesses)))


PLACES = EntityDef(name="place", values=[EntityValueDef(value="west"), EntityValueDef(value="new york")])


def test_a_tagger_span_that_extends_a_dictionary_match_of_its_entity_wins() -> None:
    extractor = guessing([PLACES], "place", "new york city")
    assert found(extractor, "a table in new york city") == [("place", "new york city", "new york city")]


def test_a_tagger_span_does_not_take_a_dictionary_match_of_another_entity() -> None:
    extractor = guessing([PLACES, CITIES], "place", "paris west")
    assert found(extractor, "in paris west") == [("city", "Paris", "paris"), ("place", "west", "west")]


def test_neighbouring_values_of_one_entity_join_when_the_tagger_read_one() -> None:
    extractor = guessing([PLACES], "place", "village")
    assert found(extractor, "in the west village") == [("place", "west village", "west village")]


def test_neighbouring_dictionary_values_stay_apart() -> None:
    toppings = EntityDef(
        name="topping", values=[EntityValueDef(value="ham"), EntityValueDef(value="mushroom")]
    )
    assert [value for _, value, _ in found(EntityExtractor([toppings]), "ham mushroom pizza")] == [
        "ham",
        "mushroom",
    ]


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("lattes please", "coffee", "lattes"),
        ("some teas", "tea", "teas"),
        ("some coffees", "coffee", "coffees"),
        ("hot teas", "tea", "teas"),
        ("flat whites all round", "coffee", "flat whites"),
    ],
)
def test_a_synonym_matches_its_plural(text: str, value: str, surface: str) -> None:
    drinks = EntityDef(
        name="drink",
        values=[
            EntityValueDef(value="coffee", synonyms=["latte", "flat white"]),
            EntityValueDef(value="tea"),
        ],
    )
    extractor = EntityExtractor([drinks], known_words=["lattes", "teas"])
    assert found(extractor, text) == [("drink", value, surface)]


def test_a_plural_that_is_another_value_keeps_its_own_value() -> None:
    eyewear = EntityDef(
        name="item",
        values=[EntityValueDef(value="glass"), EntityValueDef(value="spectacles", synonyms=["glasses"])],
    )
    assert found(EntityExtractor([eyewear]), "my glasses") == [("item", "spectacles", "glasses")]
    assert found(EntityExtractor([eyewear]), "a glass") == [("item", "glass", "glass")]
    assert found(EntityExtractor([PLACES]), "the wests and las vegas") == [("place", "west", "wests")]
