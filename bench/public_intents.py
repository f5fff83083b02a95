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

Entities come with it: every room, floor and device name is annotated (dictionary entities, as a
bot would list them), and so is every open value (list items, messages, search queries, timer
names, zones), which the bot does not list: held-out utterances draw those from other words than
the training ones, so only the span tagger can find them.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
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
TODAY = "2024-05-15"
"""Relative dates resolve against this day (no annotated entity is a date)."""

AREAS = ["kitchen", "living room", "bedroom", "office", "garage", "bathroom", "hallway", "nursery"]
FLOORS = ["upstairs", "downstairs", "ground floor", "first floor", "second floor", "attic"]
NAMES_BY_DOMAIN = {
    "light": ["ceiling light", "desk lamp", "porch light", "floor lamp", "fairy lights"],
    "switch": ["coffee maker", "space heater", "garden pump"],
    "fan": ["ceiling fan", "desk fan", "attic fan"],
    "climate": ["thermostat", "air conditioner", "heat pump"],
    "cover": ["shed door", "patio blinds", "front curtains"],
    "lock": ["front door lock", "back door", "shed lock"],
    "valve": ["water valve", "sprinkler valve"],
    "media_player": ["television", "kitchen speaker", "sonos", "bedroom radio"],
    "vacuum": ["roomba", "robot vacuum"],
    "lawn_mower": ["mowbot", "automower"],
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
# No name is a phrase of a template ("tv show", "lawn mower", "garage door"), which would be found
# where no value was annotated.
ALL_NAMES = sorted({n for names in NAMES_BY_DOMAIN.values() for n in names})
DICTIONARY = {"area": AREAS, "floor": FLOORS, "name": ALL_NAMES}
OPEN_VALUES = {  # (words of training utterances, words of held-out ones); no word in two lists
    "message": (
        ["dinner is ready", "the car is here", "the movie starts now"],
        ["time for bed", "we leave in five minutes", "the laundry is done", "grandma is here"],
    ),
    "search_query": (["the beatles", "taylor swift", "abbey road"], ["jazz for studying", "hey jude"]),
    "zone": (["work", "school"], ["the gym", "grandma's house"]),
    "timer_name": (["pizza", "cookies", "boiled eggs"], ["pasta", "tea", "roast chicken"]),
    "timer_command": (["turn off the lights", "open the garage door"], ["lock the front door"]),
    "shopping_list_item": (
        ["milk", "olive oil", "batteries", "paper plates"],
        ["dog food", "bread", "paper towels"],
    ),
    "todo_list_item": (
        ["call the plumber", "pay rent", "passport renewal"],
        ["water the plants", "taxes", "book dentist"],
    ),
}
_MARKED = re.compile("\x01(\\w+)\x02([^\x03]*)\x03")


@dataclass(frozen=True)
class Utterance:
    text: str
    entities: list[dict[str, Any]]
    """{"entity", "value", "start", "end"} per annotated value."""


@dataclass(frozen=True)
class PublicSet:
    intents: list[dict[str, Any]]
    """{"name", "train", "test"}: distinct utterance texts."""
    left_out: list[str]
    """Intents with too few distinct wordings."""
    entities: dict[str, Any]
    """In the layout of bench/data/entities.json: "entities" (definitions), "train", "test", "today"."""


def sample(*, train: int = 10, test: int = 20, seed: int = 0) -> PublicSet:
    """`train` and `test` distinct utterances of every intent that has that many wordings."""
    intents = Intents.from_dict(get_intents("en"))
    rng = random.Random(seed)
    drawn: dict[str, tuple[list[Utterance], list[Utterance]]] = {}
    for name, intent in intents.intents.items():
        seen: dict[str, Utterance] = {}
        training = _draw(intent.data, intents, rng, train, seen, held_out=False)
        drawn[name] = (training, _draw(intent.data, intents, rng, test, seen, held_out=True))
    owners: dict[str, set[str]] = {}
    for name, (training, held_out) in drawn.items():
        for utterance in training + held_out:
            owners.setdefault(utterance.text, set()).add(name)
    kept: list[tuple[str, list[Utterance], list[Utterance]]] = []
    left_out: list[str] = []
    for name, both in sorted(drawn.items()):
        training, held_out = ([u for u in part if len(owners[u.text]) == 1] for part in both)
        if len(training) < train or len(held_out) < test:
            left_out.append(name)
        else:
            kept.append((name, training, held_out))
    entity_data = {
        "today": TODAY,
        "entities": [
            {"name": n, "values": [{"value": v} for v in values]} for n, values in DICTIONARY.items()
        ],
        "train": [
            {"intent": name, "text": u.text, "spans": [_span(e) for e in u.entities]}
            for name, training, _ in kept
            for u in training
        ],
        "test": [
            {"intent": name, "text": u.text, "entities": u.entities} for name, _, held in kept for u in held
        ],
    }
    intent_data = [
        {"name": name, "train": [u.text for u in training], "test": [u.text for u in held]}
        for name, training, held in kept
    ]
    return PublicSet(intent_data, left_out, entity_data)


def _span(entity: dict[str, Any]) -> dict[str, Any]:
    return {"entity": entity["entity"], "start": entity["start"], "end": entity["end"]}


def _draw(
    data: list[IntentData],
    intents: Intents,
    rng: random.Random,
    wanted: int,
    seen: dict[str, Utterance],
    *,
    held_out: bool,
) -> list[Utterance]:
    """Up to `wanted` utterances not in `seen` (which gains them), each from a template picked
    uniformly (block, then template)."""
    found: list[Utterance] = []
    for _ in range(wanted * 40):
        block = rng.choice(data)
        walk = _Walk(intents, block, rng, held_out=held_out)
        utterance = _unmarked(" ".join(walk.expand(rng.choice(block.sentences).expression).split()))
        if utterance.text and not walk.wildcard_missing and utterance.text not in seen:
            seen[utterance.text] = utterance
            found.append(utterance)
            if len(found) == wanted:
                break
    return found


def _unmarked(marked: str) -> Utterance:
    """The text without the markers `_Walk` puts around annotated values, and those values' spans."""
    text, entities, done = "", [], 0
    for match in _MARKED.finditer(marked):
        text += marked[done : match.start()]
        value = match.group(2)
        if value:
            entities.append(
                {"entity": match.group(1), "value": value, "start": len(text), "end": len(text) + len(value)}
            )
        text += value
        done = match.end()
    return Utterance(text + marked[done:], entities)


class _Walk:
    """One random expansion of a template within one block of an intent."""

    def __init__(self, intents: Intents, block: IntentData, rng: random.Random, *, held_out: bool) -> None:
        self.rules = {**intents.expansion_rules, **block.expansion_rules}
        self.lists: dict[str, SlotList] = {**intents.slot_lists, **block.slot_lists}
        domain = block.requires_context.get("domain") or block.slots.get("domain")
        domains = [domain] if isinstance(domain, str) else list(domain or [])
        self.names = [n for d in domains for n in NAMES_BY_DOMAIN.get(d, [])] or ALL_NAMES
        self.rng = rng
        self.held_out = held_out
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
        choices = {"area": AREAS, "floor": FLOORS, "name": self.names}.get(list_name)
        if choices is None and list_name in OPEN_VALUES:
            choices = OPEN_VALUES[list_name][self.held_out]
        if choices is not None:
            return f"\x01{list_name}\x02{self.rng.choice(choices)}\x03"
        slot_list = self.lists.get(list_name)
        if isinstance(slot_list, TextSlotList):
            return self.expand(self.rng.choice(slot_list.values).text_in)
        if isinstance(slot_list, RangeSlotList):
            return str(self.rng.choice(list(slot_list.get_numbers())))
        self.wildcard_missing = True  # a wildcard we have no words for: drop the utterance
        return ""


def main() -> None:
    public = sample()
    for intent in public.intents:
        print(intent["name"], "|", " / ".join(intent["train"][:3]), "||", " / ".join(intent["test"][:3]))
    print(f"{len(public.intents)} intents kept; left out: {', '.join(public.left_out)}")
    for line in public.entities["test"][:5]:
        print(line)
    annotated = sum(len(line["entities"]) for line in public.entities["test"])
    print(f"{annotated} annotated values in {len(public.entities['test'])} held-out utterances")


if __name__ == "__main__":
    main()
