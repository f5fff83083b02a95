"""The span tagger learns open-ended entities from annotated examples."""

from __future__ import annotations

import msgspec
import numpy as np
import pytest

from parley_messages import EntityDef, EntityValueDef, Example, Span
from parley_nlu.tagger import SpanTagger, TaggerParams, fit_tagger, token_features, type_weights


def annotated(text: str, *spans: tuple[str, str]) -> Example:
    return Example(
        text=text,
        spans=[Span(entity=e, start=text.index(s), end=text.index(s) + len(s)) for e, s in spans],
    )


EXAMPLES = [
    annotated("where is my order ORD123456", ("order_number", "ORD123456")),
    annotated("my order number is ORD113134", ("order_number", "ORD113134")),
    annotated("check order ORD789012 for me", ("order_number", "ORD789012")),
    annotated("has ORD246810 shipped", ("order_number", "ORD246810")),
    annotated("a place in brooklyn serving chinese", ("location", "brooklyn"), ("cuisine", "chinese")),
    annotated("looking for indian food in queens", ("cuisine", "indian"), ("location", "queens")),
    annotated("i want korean food", ("cuisine", "korean")),
    annotated("mexican restaurants in soho", ("cuisine", "mexican"), ("location", "soho")),
    annotated("what is my order status"),
    annotated("hello there"),
]


def test_unseen_values_are_found_by_shape_and_context() -> None:
    tagger = fit_tagger(EXAMPLES)
    assert tagger is not None
    found = [(c.entity, c.value) for c in tagger.candidates("where is my order ORD775532")]
    assert found == [("order_number", "ORD775532")]
    assert ("cuisine", "thai") in [(c.entity, c.value) for c in tagger.candidates("i want thai food")]


def test_spans_point_into_the_text_with_a_confidence() -> None:
    tagger = fit_tagger(EXAMPLES)
    assert tagger is not None
    text = "has ORD555555 shipped"
    (candidate,) = tagger.candidates(text)
    assert text[candidate.start : candidate.end] == "ORD555555" and 0 < candidate.confidence <= 1


def test_utterances_without_entities_get_none() -> None:
    tagger = fit_tagger(EXAMPLES)
    assert tagger is not None and tagger.candidates("hello there") == []


def test_no_tagger_is_trained_without_annotations() -> None:
    assert fit_tagger([Example(text="hello"), annotated("order ORD1", ("order_number", "ORD1"))]) is None


def test_no_tagger_is_trained_when_every_annotated_entity_is_listed() -> None:
    """A listed entity is found by the dictionary; a tagger of listed entities only proposes nothing."""
    names = ("order_number", "location", "cuisine")
    listed = [EntityDef(name=name, values=[EntityValueDef(value="x")]) for name in names]
    assert fit_tagger(EXAMPLES, definitions=listed) is None
    assert fit_tagger(EXAMPLES, definitions=listed[1:]) is not None


def test_a_value_unlike_the_few_its_examples_repeat_is_found_by_its_context() -> None:
    """Examples that repeat a handful of values teach the context, not those values' words."""
    repeated = [
        *[
            annotated(f"add {item} to my shopping list", ("item", item))
            for item in ("milk", "eggs", "olive oil")
        ],
        *[annotated(f"put {item} on the list", ("item", item)) for item in ("milk", "eggs", "olive oil")],
        annotated("add milk to the list", ("item", "milk")),
        annotated("what is on my shopping list"),
        annotated("clear the list"),
    ]
    tagger = fit_tagger(repeated)
    assert tagger is not None
    assert [(c.entity, c.value) for c in tagger.candidates("add dog food to my shopping list")] == [
        ("item", "dog food")
    ]


def test_the_type_of_an_unseen_value_comes_from_words_beyond_its_neighbours() -> None:
    """ "add X to my shopping list" and "add X to my chores list" differ only three words away."""
    examples = [
        *[annotated(f"add {item} to my shopping list", ("item", item)) for item in ("milk", "eggs", "rice")],
        *[
            annotated(f"add {task} to my chores list", ("task", task))
            for task in ("laundry", "dishes", "ironing")
        ],
        *[annotated(f"put {item} on my shopping list", ("item", item)) for item in ("cheese", "butter")],
        *[annotated(f"put {task} on my chores list", ("task", task)) for task in ("vacuuming", "mopping")],
    ]
    tagger = fit_tagger(examples)
    assert tagger is not None
    assert [(c.entity, c.value) for c in tagger.candidates("add bread to my shopping list")] == [
        ("item", "bread")
    ]
    assert [(c.entity, c.value) for c in tagger.candidates("add dusting to my chores list")] == [
        ("task", "dusting")
    ]


def test_the_intent_tells_the_type_when_the_words_do_not() -> None:
    """ "add X to my list" means a shopping item in one intent and a to-do task in another."""
    shopping = [
        annotated(f"add {item} to my list", ("item", item)) for item in ("milk", "eggs", "rice", "cheese")
    ]
    chores = [
        annotated(f"add {task} to my list", ("task", task))
        for task in ("laundry", "dishes", "ironing", "mopping")
    ]
    tagger = fit_tagger([*shopping, *chores], intents=["shop"] * len(shopping) + ["chores"] * len(chores))
    assert tagger is not None
    found = {intent: [(c.entity, c.value) for c in tagger.candidates("add bread to my list", intent)]
             for intent in ("shop", "chores")}  # fmt: skip
    assert found == {"shop": [("item", "bread")], "chores": [("task", "bread")]}


def test_the_intent_s_examples_weigh_the_type_of_a_value_its_words_read_as_another() -> None:
    """A single word reads as a shopping item by its words ("taxes" like "milk"), but an intent whose
    examples annotate to-do tasks makes it a task."""
    shopping = [
        annotated(f"add {item} to my list", ("item", item)) for item in ("milk", "eggs", "rice", "cheese")
    ]
    shopping += [annotated(f"put {item} on my list", ("item", item)) for item in ("butter", "olive oil")]
    chores = [
        annotated(f"add {task} to my list", ("task", task))
        for task in ("laundry", "pay rent", "call the plumber")
    ]
    chores += [annotated(f"put {task} on my list", ("task", task)) for task in ("ironing", "book dentist")]
    examples = [*shopping, *chores, annotated("what is on my list")]
    intents = ["shop"] * len(shopping) + ["chores"] * len(chores) + ["show"]
    tagger = fit_tagger(examples, intents=intents)
    assert tagger is not None
    assert tagger.params.spans_by_intent == {"shop": {"item": 6}, "chores": {"task": 5}, "show": {}}
    found = {intent: [(c.entity, c.value) for c in tagger.candidates("add taxes to my list", intent)]
             for intent in ("shop", "chores", "show")}  # fmt: skip
    assert found == {"shop": [("item", "taxes")], "chores": [("task", "taxes")], "show": [("item", "taxes")]}
    unweighted = SpanTagger(msgspec.structs.replace(tagger.params, spans_by_intent={}), **tagger.arrays())
    assert [(c.entity, c.value) for c in unweighted.candidates("add taxes to my list", "chores")] == [
        ("item", "taxes")
    ]


def test_type_weights_are_how_much_likelier_an_intent_makes_each_open_entity() -> None:
    weights = type_weights({"shop": {"item": 6}, "chores": {"task": 2, "item": 1}, "show": {}})
    # Counts plus one: item 8/11 of all, task 3/11; shop 7/8 and 1/8, chores 2/5 and 3/5.
    assert weights.keys() == {"shop", "chores"}  # "show" annotates no open value: it tells nothing
    assert weights["shop"] == pytest.approx({"item": (7 / 8) / (8 / 11), "task": (1 / 8) / (3 / 11)})
    assert weights["chores"] == pytest.approx({"item": (2 / 5) / (8 / 11), "task": (3 / 5) / (3 / 11)})
    assert type_weights({"any": {"item": 6, "task": 2}}) == {"any": {"item": 1.0, "task": 1.0}}
    assert type_weights({}) == {}


def test_the_counts_are_stored_with_the_tagger_and_an_older_tagger_has_none() -> None:
    tagger = fit_tagger(EXAMPLES, intents=["order"] * 4 + ["food"] * 4 + ["order", "greet"])
    assert tagger is not None
    stored = msgspec.json.encode(tagger.params)
    assert msgspec.json.decode(stored, type=TaggerParams) == tagger.params
    assert tagger.params.spans_by_intent["food"] == {"cuisine": 4, "location": 3}
    older = b'{"labels": ["B-x", "O"], "features": ["w=zeta"], "closed": []}'
    assert msgspec.json.decode(older, type=TaggerParams).spans_by_intent == {}


def test_one_intent_per_example_or_none() -> None:
    with pytest.raises(ValueError, match="one intent per example"):
        fit_tagger(EXAMPLES, intents=["a"])


def doubting_tagger(outside: float) -> SpanTagger:
    """A tagger that gives every word the same `O` probability, and the rest to `B-x`."""
    params = TaggerParams(labels=["B-x", "O"], features=["w=zeta"])
    bias = np.log(np.array([1 - outside, outside], dtype=np.float32))
    return SpanTagger(params, weights=np.zeros((1, 2), dtype=np.float32), bias=bias)


def test_a_word_the_tagger_doubts_a_little_is_proposed_and_one_it_doubts_a_lot_is_not() -> None:
    assert [(c.entity, c.value) for c in doubting_tagger(0.55).candidates("zeta")] == [("x", "zeta")]
    assert doubting_tagger(0.75).candidates("zeta") == []


def test_serving_scores_each_word_by_the_features_training_gave_it() -> None:
    """Serving sums the features every word shares once; the sums are those of training's rows."""
    tagger = fit_tagger(EXAMPLES, intents=["order"] * 4 + ["food"] * 4 + ["order", "greet"])
    assert tagger is not None
    words = ["where", "is", "my", "order", "ORD775532", "in", "Queens"]
    index = {feature: i for i, feature in enumerate(tagger.params.features)}
    weights, bias = tagger.arrays()["weights"], tagger.arrays()["bias"]
    unseen = {i for i, word in enumerate(words) if f"w={word.casefold()}" not in index}
    rows = token_features(words, unseen, "order")
    expected = np.array([bias + weights[[index[f] for f in row if f in index]].sum(axis=0) for row in rows])
    for _ in range(2):  # the second time from the indices remembered per word
        np.testing.assert_allclose(tagger._scores(words, "order"), expected, rtol=1e-5, atol=1e-5)  # pyright: ignore[reportPrivateUsage]
    assert tagger.arrays()["weights"].shape == (len(tagger.params.features), len(tagger.params.labels))


def test_a_stored_tagger_with_a_negative_count_is_refused() -> None:
    stored = b'{"labels": ["B-x", "O"], "features": [], "spans_by_intent": {"a": {"x": -1}}}'
    with pytest.raises(msgspec.ValidationError, match="spans_by_intent"):
        msgspec.json.decode(stored, type=TaggerParams)
