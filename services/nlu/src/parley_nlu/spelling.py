"""Typos mended toward the bot's own words before an utterance's intent is read.

A sentence encoder reads "I wnat to bok an apointment" far from "I want to book an appointment": its
word pieces for a misspelt word are other pieces, and the wording feature (`wording.py`) counts the
word as one no example uses. So before the intent is read, each word that is neither one of the
bot's example words nor an English word is replaced by the bot's word one edit away (a letter
deleted, added, changed, or two swapped), when there is one; among several, the word most intents
use, then the first in alphabetical order. Entities are still read from the text as written (the
dictionary has its own typo tolerance, and spans must point into the user's text).

Guards, each from a wrong mend on our benchmark's clean paraphrases: words of fewer than four
letters ("thx" is not "the"), words written in capitals ("PTO" is an acronym, not "to"), words with
digits or apostrophes ("hasn't" is not "has"), and every word of the English word list
(pyspellchecker's 160,000: "jot", "dine" and "beep" are words, not typos of "bot", "done" and
"been").

Measured (`bench/nlu_accuracy.py` (d): one typo in one word of four letters or more of every
held-out utterance): 10-shot accuracy public 79.7 -> 90.5 %, ours 75.8 -> 81.5 %; clean utterances
unchanged but for 2 of our 480 (decision 123). The k-fold evaluation at training mends nothing,
since its held-out examples are the bot's own, correctly spelt words.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Iterable, Mapping
from importlib import resources

MIN_LENGTH = 4
"""Shorter words are never mended."""

_WORDS = re.compile(r"\w+(?:['\u2019]\w+)*")
"""Words as the text writes them, apostrophes included: "hasn't" is one word, not "hasn" and "t"."""


@functools.cache
def english_words() -> frozenset[str]:
    """pyspellchecker's English word list, read once per process (about 0.5 s, 11 MB)."""
    data = (resources.files("spellchecker") / "resources" / "en.json.gz").read_bytes()
    frequencies: dict[str, int] = json.loads(gzip.decompress(data))
    return frozenset(frequencies)


class Spelling:
    """Mends words one edit away from the bot's words; immutable, built at model load in milliseconds."""

    def __init__(self, uses: Mapping[str, int]) -> None:
        """`uses`: each word of the bot's examples -> how many intents use it."""
        self._uses = dict(uses)
        self._by_deletion: dict[str, list[str]] = {}
        for word in self._uses:
            if len(word) >= MIN_LENGTH - 1 and word.isalpha():
                for key in {word, *_deletions(word)}:
                    self._by_deletion.setdefault(key, []).append(word)

    @classmethod
    def of(cls, wording: Mapping[str, Iterable[int]]) -> Spelling:
        """From a classifier's wording (word -> the intents whose examples use it)."""
        return cls({word: len(list(intents)) for word, intents in wording.items()})

    def mend(self, text: str) -> str:
        """`text` with each unknown word of `MIN_LENGTH` letters or more that is one edit from
        exactly the bot's words replaced by the likeliest of them; `text` itself when nothing is."""
        if not self._by_deletion:
            return text
        return _WORDS.sub(self._mend_word, text)

    def _mend_word(self, match: re.Match[str]) -> str:
        word = match.group(0)
        folded = word.casefold()
        if (
            len(folded) < MIN_LENGTH
            or not folded.isalpha()
            or word.isupper()
            or folded in self._uses
            or folded in english_words()
        ):
            return word
        candidates = {
            found
            for key in {folded, *_deletions(folded)}
            for found in self._by_deletion.get(key, ())
            if _one_edit(folded, found)
        }
        if not candidates:
            return word
        return min(candidates, key=lambda found: (-self._uses[found], found))


def _deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def _one_edit(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by one deletion, insertion, substitution or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
