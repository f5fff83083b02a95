"""Entity extraction: every extractor's candidates, and how overlaps between them are resolved.

- Custom entities, the bot's own: dictionary values with synonyms (exact, then with a typo; see
  `dictionary.py`), regular expressions (case-insensitive, run by RE2 in time linear in the text),
  and the span tagger learnt from annotated examples (`tagger.py`). Where they overlap, dictionary
  and regex matches win, the longest first ("nwe york" with a typo beats the exact "york" inside
  it; at equal length an exact match beats a typo), then the tagger, which never takes the words of
  a built-in `date`, `time` or `duration` (a guess from context loses to a grammar's reading of
  "tomorrow"). Two exceptions for the tagger, whose open values are often longer than what the
  examples taught: a tagger span that covers dictionary matches of its own entity only, and more,
  replaces them ("new york city" where "new york" is a synonym), and neighbouring values of one
  entity, separated by spaces only and one of them the tagger's, are one value ("west" and
  "village" in "the west village").
- Built-in entities: `number`, `ordinal`, `duration` (`numbers.py`), `date` (`datetimes.py`) and
  `time` (`times.py`); a `number` that another built-in reads more specifically ("at 9" is a `time`)
  is that one only. One may cover the same span as a custom one ("4" is both a `number` and the
  bot's `party_size`), but none is kept inside a longer custom entity (no `number` 12 in the
  `address` "12 York Street"); a bot that defines an entity of the same name replaces the built-in.

Every entity comes with its character span in the original text, its normalised value and a
confidence; several values of one entity in one utterance are all returned, left to right.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import re2

from parley_messages import BUILTIN_ENTITIES, EntityDef, EntityValue, EntityValueDef, IntentExamples
from parley_nlu.candidates import Candidate, longest_first
from parley_nlu.datetimes import date_candidates
from parley_nlu.dictionary import DictionaryMatcher
from parley_nlu.folding import fold, surface_key
from parley_nlu.numbers import duration_candidates, number_candidates, ordinal_candidates
from parley_nlu.tagger import SpanTagger
from parley_nlu.times import time_candidates
from parley_runtime.errors import InvalidInputError

if TYPE_CHECKING:
    from re2 import _Match as Match  # pyright: ignore[reportPrivateUsage] - re2 names no public types
    from re2 import _Regexp as Pattern  # pyright: ignore[reportPrivateUsage]

_CALENDAR = frozenset({"duration", "date", "time"})
"""Built-ins whose words ("tomorrow", "in 3 days") the tagger's guesses may not take."""
_WORDS = re.compile(r"\w+")


class EntityExtractor:
    """Built once per model; `extract` is pure (given `today`) and thread-safe."""

    def __init__(
        self,
        definitions: list[EntityDef],
        *,
        tagger: SpanTagger | None = None,
        known_words: Iterable[str] = (),
    ) -> None:
        self.definitions = definitions
        self._dictionary = DictionaryMatcher(definitions, known_words=known_words)
        self._patterns = [(d.name, _compile(d)) for d in definitions if d.pattern]
        self._tagger = tagger
        self._canonical = {
            (d.name, surface_key(s)): v.value
            for d in definitions
            for v in d.values
            for s in (v.value, *v.synonyms)
        }
        defined = {d.name for d in definitions}
        self._builtins = [name for name in BUILTIN_ENTITIES if name not in defined]

    def extract(
        self, text: str, *, today: date | None = None, intent: str | None = None
    ) -> list[EntityValue]:
        """The entities in `text`; `intent` (the classifier's top one) is evidence for the tagger."""
        custom = longest_first(
            [*self._dictionary.exact(text), *self._pattern_matches(text), *self._dictionary.fuzzy(text)]
        )
        builtin = _after_midnight(
            text,
            longest_first(_specific(list(self._builtin_matches(text, today or datetime.now(UTC).date())))),
        )
        if self._tagger is not None:
            calendar = [b for b in builtin if b.entity in _CALENDAR]
            tagged = [t for t in self._tagged(text, intent) if not any(t.overlaps(c) for c in calendar)]
            custom = _extended(custom, tagged)
            custom += longest_first([t for t in tagged if t not in custom], taken=custom)
            custom = self._joined(text, custom)
        builtin = [b for b in builtin if not any(_inside(b, c) for c in custom)]
        return [c.to_entity() for c in sorted([*custom, *builtin], key=lambda c: (c.start, c.end))]

    def _pattern_matches(self, text: str) -> Iterator[Candidate]:
        for entity, pattern in self._patterns:
            for match in pattern.finditer(text):
                if match.end() > match.start():
                    yield Candidate(match.start(), match.end(), entity, _pattern_value(match), "regex")

    def _tagged(self, text: str, intent: str | None) -> Iterator[Candidate]:
        """Tagger spans, with the canonical value when the span is a known synonym of its entity."""
        assert self._tagger is not None
        for candidate in self._tagger.candidates(text, intent):
            value = self._canonical.get((candidate.entity, surface_key(candidate.value)), candidate.value)
            yield Candidate(
                candidate.start, candidate.end, candidate.entity, value, "tagger", candidate.confidence
            )

    def _joined(self, text: str, custom: list[Candidate]) -> list[Candidate]:
        """Neighbours of one entity, one of them the tagger's, separated by spaces only, as one value:
        in "the west village" the learnt synonym "west" and the tagger's "village" are one place.
        Two dictionary values side by side ("ham mushroom") stay two: they are known values."""
        joined: list[Candidate] = []
        for candidate in sorted(custom, key=lambda c: c.start):
            last = joined[-1] if joined else None
            if (
                last is not None
                and last.entity == candidate.entity
                and "tagger" in (last.extractor, candidate.extractor)
                and text[last.end : candidate.start].isspace()
            ):
                surface = text[last.start : candidate.end]
                value = self._canonical.get((candidate.entity, surface_key(surface)), surface)
                confidence = min(last.confidence, candidate.confidence)
                joined[-1] = Candidate(last.start, candidate.end, last.entity, value, "tagger", confidence)
            else:
                joined.append(candidate)
        return joined

    def _builtin_matches(self, text: str, today: date) -> Iterator[Candidate]:
        extractors = {
            "number": lambda: number_candidates(text),
            "ordinal": lambda: ordinal_candidates(text),
            "duration": lambda: duration_candidates(text),
            "date": lambda: date_candidates(text, today),
            "time": lambda: time_candidates(text),
        }
        for name in self._builtins:
            yield from extractors[name]()


def _specific(builtin: list[Candidate]) -> list[Candidate]:
    """Without a `number` whose exact span another built-in also reads ("9" in "at 9" is a time)."""
    read = {(c.start, c.end) for c in builtin if c.entity != "number"}
    return [c for c in builtin if c.entity != "number" or (c.start, c.end) not in read]


_NIGHT = re.compile(r"\b(?:tonight|night)\b", re.IGNORECASE)
_SMALL_HOURS_END = "05:00"
"""A night's time before this is past its midnight: "at 1 tonight" is 01:00 of tomorrow."""


def _after_midnight(text: str, builtin: list[Candidate]) -> list[Candidate]:
    """The one date of a night ("tonight", "tomorrow night", "at 1 at night tomorrow") moved to the
    next day when the one time said with it lies in that night's small hours: "tonight at 12" and
    "at 1 tonight" are tomorrow, "tomorrow night at 2" the day after. With several dates or times
    it is not known which qualifies which, and they are left as read."""
    dates = [c for c in builtin if c.entity == "date"]
    times = [c for c in builtin if c.entity == "time"]
    if len(dates) != 1 or len(times) != 1:
        return builtin
    night, hour = dates[0], times[0]
    said = text[min(night.start, hour.start) : max(night.end, hour.end)]  # "tomorrow night at 2"
    if not _NIGHT.search(said) or hour.value >= _SMALL_HOURS_END:
        return builtin
    next_day = (date.fromisoformat(night.value) + timedelta(days=1)).isoformat()
    moved = Candidate(night.start, night.end, "date", next_day, night.extractor, night.confidence)
    return [moved if c is night else c for c in builtin]


def _extended(custom: list[Candidate], tagged: list[Candidate]) -> list[Candidate]:
    """`custom` with the dictionary matches a longer tagger span of the same entity covers given way
    to that span: the tagger reads "new york city" where the examples taught the synonym "new york"."""
    for span in tagged:
        covered = [c for c in custom if c.overlaps(span)]
        if covered and all(
            c.extractor == "dictionary" and c.entity == span.entity and _inside(c, span) for c in covered
        ):
            custom = [c for c in custom if c not in covered] + [span]
    return custom


def _inside(candidate: Candidate, other: Candidate) -> bool:
    """Whether `candidate` lies within `other`, which is longer."""
    longer = other.end - other.start > candidate.end - candidate.start
    return longer and other.start <= candidate.start and candidate.end <= other.end


def _compile(definition: EntityDef) -> Pattern:
    """The entity's pattern, run by RE2 in time linear in the text whatever the pattern (decision 43)."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    try:
        return re2.compile(definition.pattern or "", options)
    except re2.error as exc:
        raw: object = exc.args[0] if exc.args else b""
        reason = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
        raise InvalidInputError(f"entity {definition.name!r}: invalid pattern: {reason}") from exc


def _pattern_value(match: Match) -> str:
    """The `value` group when the pattern names one, else its first group, else the whole match."""
    if "value" in match.re.groupindex and match.group("value") is not None:
        return match.group("value")
    if match.re.groups and match.group(1) is not None:
        return match.group(1)
    return match.group()


def known_words(intents: list[IntentExamples]) -> list[str]:
    """The folded words of the examples outside their annotated spans: real words of the bot's
    language, which typo-tolerant matching must not read as misspelt entity values."""
    found: set[str] = set()
    for intent in intents:
        for example in intent.examples:
            text = example.text
            for span in example.spans:
                text = text[: span.start] + " " * (span.end - span.start) + text[span.end :]
            found.update(_WORDS.findall(fold(text)[0]))
    return sorted(found)


def learn_entities(entities: list[EntityDef], intents: list[IntentExamples]) -> list[EntityDef]:
    """The definitions plus every annotated surface form of the examples, as synonyms of its value.

    A span's value is its `value` when annotated, else its text; an entity that only examples
    mention becomes a dictionary entity. A pattern entity's spans are not: its values are what its
    pattern matches, and an example's `ORD123456` as a synonym made the typo-tolerant dictionary
    read a mistyped `ORD12345` as that other order (the tagger still learns where it appears).
    """
    values: dict[str, dict[str, list[str]]] = {
        d.name: {v.value: list(v.synonyms) for v in d.values} for d in entities
    }
    patterns = {d.name: d.pattern for d in entities}
    for intent in intents:
        for example in intent.examples:
            for span in example.spans:
                surface = example.text[span.start : span.end].strip()
                if surface and patterns.get(span.entity) is None:
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
