"""Patterns run only on texts that hold one of their keywords, and find the same as without them."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from parley_nlu import datetimes, numbers, times
from parley_nlu.keywords import KeywordPattern, Keywords

TODAY = date(2024, 5, 15)
TEXTS = [
    "could you book me a table for three at 7 in paris",
    "twenty-five", "a hundred and five", "two thousand three hundred", "3 million", "two and a half",
    "half a dozen eggs", "1,200.50 dollars", "-4.5", "the 3rd one", "twenty-first", "a second please",
    "wait 10 minutes", "half an hour", "a quarter of an hour", "2 hrs", "3hr", "twohrs", "an hour and a half",
    "for a day", "twice a week", "today", "tonight at 12", "at 1 tonight", "tomorrow night at 2",
    "the day after tomorrow", "this evening at 7", "friday", "next monday", "last sunday", "mondays",
    "this week", "next weekend", "March 3", "may the fourth", "you may second it", "3rd of june 2025",
    "twenty-first of march", "on the 5th at 7", "on the 2nd floor", "monday the 7th", "friday, march 13",
    "tuesday 3/12", "2026-12-03", "2026/12/03", "25/12/2026", "12.25.2026", "on 25/12", "24/7 support",
    "25/12", "in 3 days", "in a week", "in two weeks", "7:15pm", "ten to nine pm", "half past 7",
    "a quarter to 1 pm", "seven thirty in the evening", "seven o'clock", "at seven", "at one point",
    "at 3.50 each", "at 7.30", "noon", "midnight", "six pm", "five a.m.", "2 at night", "23:59",
    "at 9 on the 5th", "order ORD775532 by 5/6", "a table at 7 tonight for 4 people",
]  # fmt: skip
TEXTS += [t.upper() for t in TEXTS] + [t.title() for t in TEXTS]


def builtins(text: str) -> list[Any]:
    return [
        *numbers.number_candidates(text),
        *numbers.ordinal_candidates(text),
        *numbers.duration_candidates(text),
        *datetimes.date_candidates(text, TODAY),
        *times.time_candidates(text),
    ]


@pytest.mark.parametrize("text", TEXTS)
def test_built_in_entities_are_those_found_without_keywords(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = builtins(text)
    monkeypatch.setattr(Keywords, "found_in", lambda _self, _text: True)
    assert kept == builtins(text)


def test_a_pattern_finds_nothing_in_a_text_without_its_keywords() -> None:
    pattern = KeywordPattern(re.compile(r"\bmon\w*", re.IGNORECASE), ["monday"])
    assert [m.group() for m in pattern.finditer("money on Monday")] == ["money", "Monday"]
    assert list(pattern.finditer("money only")) == []


def test_a_text_not_in_ascii_runs_every_pattern() -> None:
    """`re.IGNORECASE` reads the Kelvin sign as a "k", which lowercasing does not."""
    pattern = KeywordPattern(re.compile("kilo", re.IGNORECASE), ["kilo"])
    assert [m.group() for m in pattern.finditer("\u212aILO")] == ["\u212aILO"]


@pytest.mark.parametrize("words", [[], ["Monday"], ["zürich"]])
def test_keywords_are_lowercase_ascii(words: list[str]) -> None:
    with pytest.raises(ValueError, match="lowercase ASCII"):
        KeywordPattern(re.compile("x"), words)
