"""Typo-tolerant dictionary matching."""

from __future__ import annotations

from parley_messages import EntityDef, EntityValueDef
from parley_nlu.dictionary import DictionaryMatcher, edit_distance

CITIES = EntityDef(
    name="city",
    values=[
        EntityValueDef(value="London"),
        EntityValueDef(value="Rome"),
        EntityValueDef(value="Barcelona"),
        EntityValueDef(value="New York", synonyms=["big apple"]),
    ],
)


def typos(text: str, *, known: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    matcher = DictionaryMatcher([CITIES], known_words=known)
    return [(c.value, text[c.start : c.end]) for c in matcher.fuzzy(text)]


def test_one_typo_in_a_word_of_five_letters_or_more_is_forgiven() -> None:
    assert typos("a flight to londn") == [("London", "londn")]


def test_two_typos_are_forgiven_in_long_words() -> None:
    assert typos("barcellonna please") == [("Barcelona", "barcellonna")]


def test_a_typo_in_any_word_of_a_multi_word_synonym_is_forgiven() -> None:
    assert typos("to new yrok and the big appel") == [("New York", "new yrok"), ("New York", "big appel")]


def test_four_letter_words_forgive_only_a_swap() -> None:
    assert typos("rmoe") == [("Rome", "rmoe")]
    assert typos("rome is home, roam") == []


def test_the_first_letter_must_be_right() -> None:
    assert typos("pondon") == []


def test_words_the_bot_knows_are_not_typos() -> None:
    assert typos("lodnon calling", known=("lodnon",)) == []


def test_typo_matches_are_less_confident_than_exact_ones() -> None:
    (match,) = DictionaryMatcher([CITIES]).fuzzy("londn")
    assert 0.5 < match.confidence < 1.0


def test_edit_distance_counts_an_adjacent_swap_as_one() -> None:
    assert edit_distance("london", "lodnon") == 1
    assert edit_distance("kitten", "sitting") == 3


def test_a_hyphen_between_words_is_a_space_either_way() -> None:
    bikes = EntityDef(
        name="bike",
        values=[EntityValueDef(value="ebike", synonyms=["e-bike"]), EntityValueDef(value="road bike")],
    )
    matcher = DictionaryMatcher([bikes])

    def exact(text: str) -> list[tuple[str, str]]:
        return [(c.value, text[c.start : c.end]) for c in matcher.exact(text)]

    assert exact("my e bike and my E-Bikes") == [("ebike", "e bike"), ("ebike", "E-Bikes")]
    assert exact("a road-bike") == [("road bike", "road-bike")]
    assert exact("an ebike, not an e - bike") == [("ebike", "ebike")]
    assert [(c.value, c.start, c.end) for c in matcher.fuzzy("my e-bkie")] == [("ebike", 3, 9)]
