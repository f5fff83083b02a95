"""The bot name rule (the predicate and the msgspec type accept exactly the same names) and the id rule."""

from __future__ import annotations

import msgspec
import pytest

from parley_messages import BotName, is_bot_name, is_id

GOOD = ["pizzeria", "order_status", "restaurant_search", "a-b", "A1", "7", "x" * 64]
BAD = ["", "pizzeria.v2", "-a", "_a", "a b", "a/b", "a:b", "a\n", "é", "x" * 65]


@pytest.mark.parametrize("name", GOOD)
def test_letters_digits_dashes_and_underscores_make_a_bot_name(name: str) -> None:
    assert is_bot_name(name)
    assert msgspec.convert(name, BotName) == name


@pytest.mark.parametrize("name", BAD)
def test_anything_else_is_not_a_bot_name(name: str) -> None:
    assert not is_bot_name(name)
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(name, BotName)


@pytest.mark.parametrize("value", ["0a1b", "-", "_x", "key-1_A", "f" * 32, "x" * 64])
def test_letters_digits_dashes_and_underscores_make_an_id(value: str) -> None:
    assert is_id(value)


@pytest.mark.parametrize("value", ["", "x" * 65, "a.b", "a b", "a/b", "a:b", "a\n", "é"])
def test_anything_else_is_not_an_id(value: str) -> None:
    assert not is_id(value)
