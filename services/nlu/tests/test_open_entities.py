"""Open-ended values the tagger never saw in training, beside the bot's closed entities."""

from __future__ import annotations

from datetime import date

import pytest

from parley_messages import EntityDef, EntityValueDef, Example, IntentExamples, Span
from parley_nlu.entities import EntityExtractor, known_words, learn_entities
from parley_nlu.tagger import SpanTagger, fit_tagger

TODAY = date(2024, 5, 15)
CITY = EntityDef(name="city", values=[EntityValueDef(value="London"), EntityValueDef(value="Paris")])


def annotated(text: str, *spans: tuple[str, str]) -> Example:
    return Example(
        text=text,
        spans=[Span(entity=e, start=text.index(s), end=text.index(s) + len(s)) for e, s in spans],
    )


EXAMPLES = [
    annotated("send 20 dollars to Bob", ("person", "Bob")),
    annotated("pay Alice back", ("person", "Alice")),
    annotated("transfer money to Charlie please", ("person", "Charlie")),
    annotated("how much do I owe Dave", ("person", "Dave")),
    annotated("send Emma 5 pounds", ("person", "Emma")),
    annotated("add milk to my shopping list", ("item", "milk")),
    annotated("put eggs on the list", ("item", "eggs")),
    annotated("i need bread", ("item", "bread")),
    annotated("add some apples to the list", ("item", "apples")),
    annotated("book a flight to London", ("city", "London")),
    annotated("fly me to Paris tomorrow", ("city", "Paris")),
    annotated("what is on my list"),
    annotated("show my balance"),
    annotated("hello"),
]


@pytest.fixture(scope="module")
def tagger() -> SpanTagger:
    fitted = fit_tagger(EXAMPLES, definitions=[CITY])
    assert fitted is not None
    return fitted


@pytest.fixture(scope="module")
def extractor(tagger: SpanTagger) -> EntityExtractor:
    intents = [IntentExamples(name="any", examples=EXAMPLES)]
    return EntityExtractor(learn_entities([CITY], intents), tagger=tagger, known_words=known_words(intents))


def found(extractor: EntityExtractor, text: str) -> list[tuple[str, object]]:
    return [(e.entity, e.value) for e in extractor.extract(text, today=TODAY)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("send 20 dollars to Priya", ("person", "Priya")),
        ("pay Oluwaseun back", ("person", "Oluwaseun")),
        ("add oranges to my shopping list", ("item", "oranges")),
    ],
)
def test_values_never_seen_in_training_are_found(
    extractor: EntityExtractor, text: str, expected: tuple[str, str]
) -> None:
    assert expected in found(extractor, text)


def test_values_seen_in_training_are_still_found(extractor: EntityExtractor) -> None:
    assert ("person", "Bob") in found(extractor, "send 20 dollars to Bob")


def test_a_closed_entity_is_never_guessed_from_context(tagger: SpanTagger) -> None:
    assert [c.entity for c in tagger.candidates("book a flight to Madrid")] == []


def test_the_tagger_does_not_take_the_words_of_a_date(extractor: EntityExtractor) -> None:
    assert found(extractor, "fly me to Paris tomorrow") == [("city", "Paris"), ("date", "2024-05-16")]


def test_a_span_of_function_words_only_is_no_value(tagger: SpanTagger) -> None:
    assert all(
        c.value.casefold() not in ("the", "a", "my") for c in tagger.candidates("put the on a my list")
    )
