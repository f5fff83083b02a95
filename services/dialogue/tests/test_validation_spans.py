"""An annotated span covers words: an empty, blank or whitespace-padded span is refused at save (the
console trims what is selected), and the dataset never teaches the NLU a blank span."""

from __future__ import annotations

import msgspec
import pytest

from parley_dialogue.definition import BotDefinition, to_dataset
from parley_dialogue.validation import problems_of

TEXT = "book a table for 4 people"


def bot(*spans: dict[str, object], text: str = TEXT) -> dict[str, object]:
    return {
        "name": "tables",
        "entities": [{"name": "people"}],
        "intents": [{"id": "book", "examples": [{"text": text, "entities": list(spans)}]}],
    }


def span(start: int, end: int, **more: object) -> dict[str, object]:
    return {"entity": "people", "start": start, "end": end, **more}


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (16, 17, "span 16..17 is only whitespace (' '): annotate the words of the entity"),
        (17, 17, "span 17..17 is empty: annotate the words of the entity"),
        (16, 19, "span 16..19 (' 4 ') starts or ends with whitespace: annotate 17..18 ('4')"),
        (17, 19, "span 17..19 ('4 ') starts or ends with whitespace: annotate 17..18 ('4')"),
        (18, 17, "span 18..17 ends before it starts"),
        (20, 40, "span 20..40 is outside the text (length 25)"),
        (-1, 4, "span -1..4 is outside the text (length 25)"),
    ],
)
def test_a_span_that_does_not_cover_words_exactly_is_refused(start, end, message):
    assert problems_of(bot(span(start, end))) == [
        {"path": "intents[0].examples[0].entities[0]", "message": message}
    ]


def test_a_span_over_its_words_is_accepted():
    assert problems_of(bot(span(17, 18, text="4"), span(19, 25))) == []


def test_a_span_over_words_and_the_spaces_between_them_is_accepted():
    assert problems_of(bot(span(5, 12), text="book a table please")) == []


def test_every_bad_span_of_an_example_is_listed():
    found = problems_of(bot(span(16, 17), span(17, 17), span(19, 26)))
    assert [p["path"] for p in found] == [f"intents[0].examples[0].entities[{n}]" for n in range(3)]


def test_a_stored_bot_with_blank_or_padded_spans_teaches_the_nlu_only_the_words():
    """A bot saved before spans were checked is still trained; its spans are read as the NLU reads
    them: padding trimmed, a blank span dropped."""
    text = "a   table for 4 people"
    stored = msgspec.convert(bot(span(1, 3), span(13, 16), span(15, 22), text=text), BotDefinition)
    example = to_dataset(stored).intents[0].examples[0]
    assert [(s.start, s.end, example.text[s.start : s.end]) for s in example.spans] == [
        (14, 15, "4"),
        (16, 22, "people"),
    ]
