"""Second thoughts in the demo pizzeria's order form, through the public REST chat with the real
NLU: a size corrected, named again, and a question about what has been chosen so far."""

from __future__ import annotations

import pytest

from tests.e2e.acf_support import Parley
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
WHICH_PIZZA = [
    "Which pizza would you like?",
    "We have margherita, pepperoni, hawaiian, veggie and quattro formaggi.",
]


def test_a_size_corrected_named_again_and_recapped_mid_order(parley: EmbeddedParley) -> None:
    say = Parley(parley).conversation("pizzeria")
    assert say("I want a small pizza").slots == {"size": "small"}
    corrected = say("no, make it a medium")
    assert (corrected.slots, corrected.texts) == (
        {"size": "medium"},
        ["OK, medium instead of small.", *WHICH_PIZZA],
    )
    again = say("no wait, medium")
    assert (again.slots, again.texts) == ({"size": "medium"}, WHICH_PIZZA)
    recap = say("what did I order so far?")
    assert recap.texts == ["So far: size medium.", *WHICH_PIZZA]
    assert recap.intent == "order_pizza"
    assert say("pepperoni").complete
