"""Entity extraction: dictionary values with synonyms, regular expressions, and annotated examples.

Dictionary matching ignores case and accents ("Zürich" finds "zurich"), allows any whitespace
between the words of a multi-word synonym, and only matches whole words. Where candidates overlap,
the longest wins; every non-overlapping match is returned, left to right, with character offsets
into the original text and the canonical value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import msgspec

from parley_messages import EntityDef, EntityValue, EntityValueDef, IntentExamples
from parley_runtime.errors import InvalidInputError

_SPACES = re.compile(r"\s+")


class _Candidate(msgspec.Struct, frozen=True):
    start: int
    end: int
    entity: str
    value: str
    extractor: str


def fold(text: str) -> tuple[str, list[int]]:
    """`text` without case or accents, and for each folded character the index it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char):
            if unicodedata.combining(part):
                continue
            for folded in part.casefold():
                chars.append(folded)
                origin.append(index)
    return "".join(chars), origin


def surface_key(text: str) -> str:
    """How a synonym is looked up: folded, with single spaces between words."""
    return _SPACES.sub(" ", fold(text)[0].strip())


class EntityExtractor:
    """Built once per model from its entity definitions; `extract` is pure and thread-safe."""

    def __init__(self, definitions: list[EntityDef]) -> None:
        self.definitions = definitions
        self._values = _synonym_table(definitions)
        self._dictionary = _alternation(self._values)
        self._patterns = [(d.name, _compile(d)) for d in definitions if d.pattern]

    def extract(self, text: str) -> list[EntityValue]:
        candidates = [*self._dictionary_matches(text), *self._pattern_matches(text)]
        return [
            EntityValue(entity=c.entity, value=c.value, start=c.start, end=c.end, extractor=c.extractor)
            for c in _longest_first(candidates)
        ]

    def _dictionary_matches(self, text: str) -> Iterable[_Candidate]:
        if self._dictionary is None:
            return
        folded, origin = fold(text)
        for match in self._dictionary.finditer(folded):
            entity, value = self._values[_SPACES.sub(" ", match.group())]
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            yield _Candidate(start, end, entity, value, "dictionary")

    def _pattern_matches(self, text: str) -> Iterable[_Candidate]:
        for entity, pattern in self._patterns:
            for match in pattern.finditer(text):
                if match.end() > match.start():
                    yield _Candidate(match.start(), match.end(), entity, _pattern_value(match), "regex")


def _synonym_table(definitions: list[EntityDef]) -> dict[str, tuple[str, str]]:
    """Folded surface form -> (entity, canonical value); the first definition of a surface form wins."""
    table: dict[str, tuple[str, str]] = {}
    for definition in definitions:
        for value in definition.values:
            for surface in (value.value, *value.synonyms):
                key = surface_key(surface)
                if key:
                    table.setdefault(key, (definition.name, value.value))
    return table


def _alternation(table: dict[str, tuple[str, str]]) -> re.Pattern[str] | None:
    """One regex of every surface form, longest first, so the longest form wins at each position."""
    if not table:
        return None
    forms = sorted(table, key=lambda s: (-len(s), s))
    body = "|".join(r"\s+".join(re.escape(word) for word in form.split(" ")) for form in forms)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def _compile(definition: EntityDef) -> re.Pattern[str]:
    try:
        return re.compile(definition.pattern or "", re.IGNORECASE)
    except re.error as exc:
        raise InvalidInputError(f"entity {definition.name!r}: invalid pattern: {exc}") from exc


def _pattern_value(match: re.Match[str]) -> str:
    """The `value` group when the pattern names one, else its first group, else the whole match."""
    if "value" in match.re.groupindex and match.group("value") is not None:
        return match.group("value")
    if match.re.groups and match.group(1) is not None:
        return match.group(1)
    return match.group()


def _longest_first(candidates: list[_Candidate]) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.start - c.end, c.start)):
        if all(candidate.end <= kept.start or candidate.start >= kept.end for kept in chosen):
            chosen.append(candidate)
    return sorted(chosen, key=lambda c: c.start)


def learn_entities(entities: list[EntityDef], intents: list[IntentExamples]) -> list[EntityDef]:
    """The definitions plus every annotated surface form of the examples, as synonyms of its value.

    A span's value is its `value` when annotated, else its text; an entity that only examples
    mention becomes a dictionary entity.
    """
    values: dict[str, dict[str, list[str]]] = {
        d.name: {v.value: list(v.synonyms) for v in d.values} for d in entities
    }
    patterns = {d.name: d.pattern for d in entities}
    for intent in intents:
        for example in intent.examples:
            for span in example.spans:
                surface = example.text[span.start : span.end].strip()
                if surface:
                    _add_synonym(values.setdefault(span.entity, {}), span.value or surface, surface)
    return [
        EntityDef(
            name=name,
            values=[EntityValueDef(value=v, synonyms=s) for v, s in by_value.items()],
            pattern=patterns.get(name),
        )
        for name, by_value in values.items()
    ]


def _add_synonym(by_value: dict[str, list[str]], value: str, surface: str) -> None:
    canonical = next((v for v in by_value if surface_key(v) == surface_key(value)), value)
    synonyms = by_value.setdefault(canonical, [])
    known = {surface_key(canonical), *(surface_key(s) for s in synonyms)}
    if surface_key(surface) not in known:
        synonyms.append(surface)
