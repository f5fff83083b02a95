"""What the service refuses to parse, and why."""

from __future__ import annotations

import pytest

from parley_messages import MAX_TEXT_CHARS
from parley_nlu.validation import check_text
from parley_runtime.errors import InvalidInputError


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_or_blank_text_is_refused(text: str) -> None:
    with pytest.raises(InvalidInputError, match="empty"):
        check_text(text)


@pytest.mark.parametrize(
    "text", ["\u200b", "\ufeff", "\u2060", "\u00ad", " \u200b\n\ufeff\u2060 \u00ad\u200d\t"]
)
def test_text_of_invisible_characters_only_is_refused_as_empty(text: str) -> None:
    with pytest.raises(InvalidInputError, match="empty") as caught:
        check_text(text)
    assert caught.value.details == {"field": "text"}


@pytest.mark.parametrize("text", ["\ufeffhello", "zero\u200bwidth", "soft\u00adhyphen"])
def test_text_with_something_visible_besides_invisible_characters_is_accepted(text: str) -> None:
    assert check_text(text) == text


def test_text_over_the_limit_is_refused() -> None:
    with pytest.raises(InvalidInputError, match=str(MAX_TEXT_CHARS)):
        check_text("a" * (MAX_TEXT_CHARS + 1))


@pytest.mark.parametrize(
    "text", ["nul\x00byte", "bell\x07", "esc\x1b[0m", "c1\x85", "del\x7f", "lone \ud800"]
)
def test_control_and_binary_characters_are_refused(text: str) -> None:
    with pytest.raises(InvalidInputError, match="control") as caught:
        check_text(text)
    assert caught.value.details["field"] == "text"


@pytest.mark.parametrize("text", ["hello", "line one\nline two\ttab", "emoji 👩‍💻 ok", "a" * MAX_TEXT_CHARS])
def test_ordinary_text_is_accepted(text: str) -> None:
    assert check_text(text) == text
