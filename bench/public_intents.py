"""A public intent set for the accuracy benchmark: Home Assistant's English intents.

The sentence templates come from the PyPI package `home-assistant-intents` (CC BY 4.0; Home
Assistant's voice assistant understands exactly these) and are parsed with Home Assistant's own
`hassil`. Each utterance is one random expansion of one template: alternatives and optional words
picked at random, numbers drawn from each range, and names of rooms, floors, devices, list items
and messages from the small vocabularies below (a real home supplies its own; the templates do not
carry any). Sampling is seeded, so every run sees the same data.

Intents with fewer distinct expansions than `train + test` are left out (e.g. HassNevermind has two
wordings), and so are utterances that two intents' templates both produce (e.g. "pause the kitchen
timer" is a template of one intent, "pause the kitchen tv" of another, but "pause kitchen" of both).
"""

from __future__ import annotations

import random
import re
from typing import Any

from hassil.expression import (  # pyright: ignore[reportMissingTypeStubs]
    Alternative,
    Expression,
    ListReference,
    Permutation,
    RuleReference,
    Sequence,
    TextChunk,
)
from hassil.intents import (  # pyright: ignore[reportMissingTypeStubs]
    IntentData,
    Intents,
    RangeSlotList,
    SlotList,
    TextSlotList,
)
from home_assistant_intents import get_intents  # pyright: ignore[reportMissingTypeStubs]

SOURCE = "home-assistant-intents (English sentence templates, CC BY 4.0), expanded with hassil"

AREAS = ["kitchen", "living room", "bedroom", "office", "garage", "bathroom", "hallway", "nursery"]
FLOORS = ["upstairs", "downstairs", "ground floor", "first floor", "second floor", "attic"]
NAMES_BY_DOMAIN = {
    "light": ["ceiling light", "desk lamp", "porch light", "floor lamp", "fairy lights"],
    "switch": ["coffee maker", "space heater", "garden pump"],
    "fan": ["ceiling fan", "desk fan", "attic fan"],
    "climate": ["thermostat", "air conditioner", "heat pump"],
    "cover": ["garage door", "patio blinds", "front curtains"],
    "lock": ["front door lock", "back door", "shed lock"],
    "valve": ["water valve", "sprinkler valve"],
    "media_player": ["tv", "kitchen speaker", "sonos", "bedroom radio"],
    "vacuum": ["roomba", "robot vacuum"],
    "lawn_mower": ["lawn mower", "automower"],
    "todo": ["groceries", "chores", "packing"],
    "weather": ["home", "forecast"],
    "scene": ["movie night", "good morning"],
    "script": ["bedtime routine", "morning routine"],
    "button": ["doorbell", "restart button"],
    "input_button": ["reset button"],
    "input_boolean": ["guest mode", "vacation mode"],
    "binary_sensor": ["motion sensor", "window sensor"],
    "sensor": ["outdoor temperature", "humidity sensor"],
    "person": ["john", "sarah"],
}
ALL_NAMES = sorted({n for names in NAMES_BY_DOMAIN.values() for n in names})
WILDCARDS = {
    "message": ["dinner is ready", "the car is here", "time for bed", "we leave in five minutes"],
    "search_query": ["the beatles", "taylor swift", "jazz for studying", "abbey road", "hey jude"],
    "zone": ["work", "school", "the gym"],
    "timer_name": ["pizza", "laundry", "pasta", "tea"],
    "timer_command": ["turn off the lights", "open the garage door", "lock the front door"],
    "shopping_list_item": ["milk", "eggs", "batteries", "paper towels", "dog food"],
    "todo_list_item": ["call the plumber", "milk", "water the plants", "passport"],
}


def sample(*, train: int = 10, test: int = 20, seed: int = 0) -> tuple[list[dict[str, Any]], list[str]]:
    """Intents as {"name", "train", "test"} (distinct utterances, in no template order), and the
    names of the intents left out for having too few distinct expansions."""
    intents = Intents.from_dict(get_intents("en"))
    rng = random.Random(seed)
    drawn = {name: _draw(intent.data, intents, rng, train + test) for name, intent in intents.intents.items()}
    owners: dict[str, set[str]] = {}
    for name, texts in drawn.items():
        for text in texts:
            owners.setdefault(text, set()).add(name)
    kept: list[dict[str, Any]] = []
    left_out: list[str] = []
    for name, texts in sorted(drawn.items()):
        unique = [t for t in texts if len(owners[t]) == 1]
        if len(unique) < train + test:
            left_out.append(name)
            continue
        kept.append({"name": name, "train": unique[:train], "test": unique[train : train + test]})
    return kept, left_out


def _draw(data: list[IntentData], intents: Intents, rng: random.Random, wanted: int) -> list[str]:
    """Up to `wanted` distinct utterances, each from a template picked uniformly (block, then template)."""
    seen: dict[str, None] = {}
    for _ in range(wanted * 40):
        block = rng.choice(data)
        template = rng.choice(block.sentences)
        walk = _Walk(intents, block, rng)
        text = " ".join(walk.expand(template.expression).split())
        if text and not walk.wildcard_missing:
            seen.setdefault(text, None)
            if len(seen) == wanted:
                break
    return list(seen)


class _Walk:
    """One random expansion of a template within one block of an intent."""

    def __init__(self, intents: Intents, block: IntentData, rng: random.Random) -> None:
        self.rules = {**intents.expansion_rules, **block.expansion_rules}
        self.lists: dict[str, SlotList] = {**intents.slot_lists, **block.slot_lists}
        domain = block.requires_context.get("domain") or block.slots.get("domain")
        domains = [domain] if isinstance(domain, str) else list(domain or [])
        self.names = [n for d in domains for n in NAMES_BY_DOMAIN.get(d, [])] or ALL_NAMES
        self.rng = rng
        self.wildcard_missing = False

    def expand(self, expression: Expression) -> str:
        if isinstance(expression, TextChunk):
            return expression.original_text
        if isinstance(expression, Alternative):
            return self.expand(self.rng.choice(expression.items))
        if isinstance(expression, Permutation):
            items = list(expression.items)
            self.rng.shuffle(items)
            return " ".join(self.expand(item) for item in items)
        if isinstance(expression, Sequence):
            return "".join(self.expand(item) for item in expression.items)
        if isinstance(expression, RuleReference):
            return self.expand(self.rules[expression.rule_name].expression)
        if isinstance(expression, ListReference):
            return self._value(expression.list_name)
        raise TypeError(f"unexpected template expression {expression!r}")

    def _value(self, list_name: str) -> str:
        fixed = {"area": AREAS, "floor": FLOORS, "name": self.names}
        if list_name in fixed:
            return self.rng.choice(fixed[list_name])
        slot_list = self.lists.get(list_name)
        if isinstance(slot_list, TextSlotList):
            return self.expand(self.rng.choice(slot_list.values).text_in)
        if isinstance(slot_list, RangeSlotList):
            return str(self.rng.choice(list(slot_list.get_numbers())))
        if list_name in WILDCARDS:
            return self.rng.choice(WILDCARDS[list_name])
        self.wildcard_missing = True  # a wildcard we have no words for: drop the utterance
        return ""


def main() -> None:
    kept, left_out = sample()
    for intent in kept:
        print(intent["name"], "|", " / ".join(intent["train"][:3]), "||", " / ".join(intent["test"][:3]))
    print(f"{len(kept)} intents kept; left out: {', '.join(left_out)}")
    print(sum(bool(re.search(r"\d", t)) for i in kept for t in i["train"]), "training utterances with digits")


if __name__ == "__main__":
    main()
