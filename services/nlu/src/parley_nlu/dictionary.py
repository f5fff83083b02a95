"""Dictionary entities: values with synonyms, matched exactly (ignoring case and accents) or with a typo.

Exact matching allows any whitespace or a hyphen between the words of a multi-word synonym ("e
bike" is "e-bike", and the other way round) and the plural of
its last word ("two lattes" is `coffee` when "latte" is a synonym), and only matches whole words (a
symbol such as "$" or "€" needs no space: "$1,200"). Typo-tolerant matching finds words within a
small edit distance of a synonym's words (one edit from 5 letters, two from 9, only a swap of two
adjacent letters in 4-letter words), with the first letter right, and never a word the bot's own
examples use, which is a word in its own right, not a typo. In a synonym of several words, where
the others anchor it, a word of 3 or 4 letters forgives one edit ("japanese yenn"), as long as one
word is spelt right and the phrase has no more typos than a word of its length would.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

from parley_messages import EntityDef
from parley_nlu.candidates import Candidate
from parley_nlu.folding import Word, fold, original_span, surface_key, words

_GAP = re.compile(r"\s+|-")
"""What may separate the words of a synonym in a text (`surface_key` reads a hyphen as a space)."""
_WORD_CHAR = re.compile(r"\w")
_PLURAL_FROM = 3
"""Letters from which a synonym's last word also matches its plural: "lattes", "teas", "cities"
(shorter ones are mostly abbreviations: "la" is not "las")."""
_CONSONANT_Y = re.compile(r"[^aeiou]y$")
_REMEMBERED_WORDS = 20_000
"""Words whose index lookup a matcher keeps: a bot's users reuse a small vocabulary."""


def allowed_edits(word: str, *, in_phrase: bool = False) -> int:
    """How many typos a synonym's word of this length tolerates (4 letters: a swap, see `_close`)."""
    if len(word) >= 9:
        return 2
    return 1 if len(word) >= 4 or (in_phrase and len(word) == 3) else 0


@functools.lru_cache(maxsize=20_000)
def _close(token: str, expected: str, *, in_phrase: bool) -> int | None:
    """The edit distance of a text word to a synonym's word, or None when it is too far for a typo."""
    if token == expected:
        return 0
    if token[0] != expected[0]:
        return None
    if len(expected) == 4 and not in_phrase and sorted(token) != sorted(expected):
        return None
    distance = edit_distance(token, expected)
    return distance if distance <= allowed_edits(expected, in_phrase=in_phrase) else None


class DictionaryMatcher:
    """Built once per model from its entity definitions; pure and thread-safe (the memo of index
    lookups is a dict whose single reads and writes are atomic)."""

    def __init__(self, definitions: Iterable[EntityDef], *, known_words: Iterable[str] = ()) -> None:
        self._values = synonym_table(definitions)
        self._exact = _alternation(self._values)
        self._known = {surface_key(w) for w in known_words}
        self._known.update(word for key in self._values for word in key.split(" "))
        self._index = _deletion_index(self._values)
        self._lookups: dict[str, frozenset[str]] = {}

    def exact(self, text: str) -> list[Candidate]:
        if self._exact is None:
            return []
        folded, origin = fold(text)
        found: list[Candidate] = []
        for match in self._exact.finditer(folded):
            matched = surface_key(match.group())
            entity, value = next(self._values[f] for f in _singulars(matched) if f in self._values)
            start, end = original_span(origin, match.start(), match.end())
            found.append(Candidate(start, end, entity, value, "dictionary"))
        return found

    def fuzzy(self, text: str) -> list[Candidate]:
        """Matches with at least one typo (exact ones come from `exact`)."""
        if not self._index:
            return []
        folded, origin = fold(text)
        tokens = words(folded)
        found: list[Candidate] = []
        for position, token in enumerate(tokens):
            for key in self._index_lookup(token.text):
                match = self._match_at(folded, tokens, position, key)
                if match is not None:
                    entity, value = self._values[key]
                    start, end = original_span(origin, token.start, match[0])
                    found.append(Candidate(start, end, entity, value, "dictionary", match[1]))
        return found

    def _index_lookup(self, token: str) -> frozenset[str]:
        """The keys whose first word may be `token` with typos (the same for every utterance)."""
        keys = self._lookups.get(token)
        if keys is None:
            variants = _deletions(token, 2 if len(token) >= 8 else 1 if len(token) >= 3 else 0)
            keys = frozenset(key for variant in variants for key in self._index.get(variant, ()))
            if len(self._lookups) >= _REMEMBERED_WORDS:
                self._lookups.clear()
            self._lookups[token] = keys
        return keys

    def _match_at(self, folded: str, tokens: list[Word], position: int, key: str) -> tuple[int, float] | None:
        """(end in folded text, confidence) when the key's words match the text's from `position`."""
        key_words = key.split(" ")
        if position + len(key_words) > len(tokens):
            return None
        phrase = len(key_words) > 1
        distances: list[int] = []
        for offset, expected in enumerate(key_words):
            token = tokens[position + offset]
            if offset and not _GAP.fullmatch(folded[tokens[position + offset - 1].end : token.start]):
                return None
            distance = _close(token.text, expected, in_phrase=phrase)
            if distance is None or (distance and token.text in self._known):
                return None
            distances.append(distance)
        edits = sum(distances)
        if edits == 0 or edits > allowed_edits(key.replace(" ", "")) or (phrase and min(distances) > 0):
            return None
        return tokens[position + len(key_words) - 1].end, 1.0 - edits / max(len(key), 1)


def synonym_table(definitions: Iterable[EntityDef]) -> dict[str, tuple[str, str]]:
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
    """One regex of every surface form, longest first, so the longest form wins at each position.

    Forms that start with a word character must not follow one; those that start with a symbol
    ("$") may ("US$"). The two never start at one position, so each is its own alternation, and the
    first is behind one look-behind, which fails at once inside words rather than once per form.
    """
    if not table:
        return None
    forms = sorted(table, key=lambda s: (-len(s), s))
    words = "|".join(_form_pattern(form) for form in forms if _WORD_CHAR.match(form))
    symbols = "|".join(_form_pattern(form) for form in forms if not _WORD_CHAR.match(form))
    return re.compile("|".join(([rf"(?<!\w)(?:{words})"] if words else []) + ([symbols] if symbols else [])))


def _form_pattern(form: str) -> str:
    """A surface form whose last character, if a letter or digit, ends a word; a last word of three
    letters or more may take an English plural ending (`_PLURAL`)."""
    *first, last = form.split(" ")
    if len(last) >= _PLURAL_FROM and last.isalpha():
        stem, ending = (last[:-1], "(?:y|ies)") if _CONSONANT_Y.search(last) else (last, "(?:e?s)?")
        last_pattern = re.escape(stem) + ending
    else:
        last_pattern = re.escape(last)
    body = r"(?:\s+|-)".join([*(re.escape(word) for word in first), last_pattern])
    return body + r"(?!\w)" if _WORD_CHAR.match(form[-1]) else body


def _singulars(matched: str) -> Iterator[str]:
    """The surface forms a match of `_form_pattern` may have come from: itself, then without an
    English plural ending."""
    yield matched
    if matched.endswith("ies"):
        yield matched[:-3] + "y"
    if matched.endswith("es"):
        yield matched[:-2]
    if matched.endswith("s"):
        yield matched[:-1]


def _deletion_index(table: dict[str, tuple[str, str]]) -> dict[str, set[str]]:
    """Every spelling of a key's first word with up to its allowed deletions -> the keys."""
    index: dict[str, set[str]] = {}
    for key in table:
        key_words = key.split(" ")
        phrase = len(key_words) > 1
        if not key_words[0].replace("_", "").isalnum():
            continue
        if max(allowed_edits(word, in_phrase=phrase) for word in key_words) == 0:
            continue
        for variant in _deletions(key_words[0], allowed_edits(key_words[0], in_phrase=phrase)):
            index.setdefault(variant, set()).add(key)
    return index


def _deletions(word: str, edits: int) -> set[str]:
    """`word` and every spelling of it with up to `edits` (at most 2) characters deleted."""
    found = {word}
    if edits >= 1 and len(word) > 1:
        once = {word[:i] + word[i + 1 :] for i in range(len(word))}
        found |= once
        if edits >= 2 and len(word) > 2:
            found |= {w[:i] + w[i + 1 :] for w in once for i in range(len(w))}
    return found


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i, *([0] * len(b))]
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]
