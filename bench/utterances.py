"""A pool of distinct pizzeria-domain utterances, made combinatorially from templates.

The load benchmarks draw from it so that no cache (of encodings or of replies) can stand in for the
NLU: with over a thousand distinct texts, nearly every turn is a new sentence to encode.
"""

from __future__ import annotations

import itertools
import random

PIZZAS = ("margherita", "pepperoni", "hawaiian", "veggie", "quattro formaggi", "four cheese", "salami")
SIZES = ("small", "medium", "large", "big", "family size", "12 inch")
POLITE = ("", " please", " thanks", " if you can")
OPENERS = ("", "hi, ", "hello, ", "ok ", "so ", "hey ")

_ORDERS = (
    "{o}i'd like a {s} {p}{x}",
    "{o}can i get a {s} {p} pizza{x}",
    "{o}one {s} {p}{x}",
    "{o}i want to order a {s} {p}{x}",
)
_QUESTIONS = (
    "{o}do you deliver to {place}{x}",
    "{o}are you open on {day}{x}",
    "{o}what time do you close on {day}{x}",
    "{o}is there a {p} on the menu{x}",
    "{o}how long does delivery to {place} take{x}",
)
_PLACES = ("the station", "my office", "the university", "downtown", "the north side", "my street")
_DAYS = ("sunday", "monday", "saturday", "friday night", "public holidays", "christmas eve")


def utterance_pool(minimum: int = 1_000, seed: int = 7) -> list[str]:
    """At least `minimum` distinct utterances, shuffled reproducibly."""
    pool = set(_orders()) | set(_questions())
    if len(pool) < minimum:
        raise ValueError(f"only {len(pool)} distinct utterances; add templates")
    texts = sorted(pool)
    random.Random(seed).shuffle(texts)
    return texts


def _orders() -> list[str]:
    combos = itertools.product(_ORDERS, OPENERS, SIZES, PIZZAS, POLITE)
    return [t.format(o=o, s=s, p=p, x=x) for t, o, s, p, x in combos]


def _questions() -> list[str]:
    combos = itertools.product(_QUESTIONS, OPENERS[:3], _PLACES, _DAYS, PIZZAS[:3], POLITE[:2])
    return [t.format(o=o, place=pl, day=d, p=p, x=x) for t, o, pl, d, p, x in combos]
