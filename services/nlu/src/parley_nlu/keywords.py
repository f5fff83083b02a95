"""Patterns run only on texts that hold one of their keywords.

The built-in entities' patterns are long alternations (every number word, every month name) that
Python's `re` tries at every position of a text: about 10 µs each on a sentence, 0.1 ms in all,
though most sentences hold none of the words they need. Each such pattern is paired with keywords,
one of which every match it is read for contains, as the pattern spells it (any case), and is not
run on a text that holds none of them, which is then known to give nothing.

The keywords are looked for in the lowercased text. On ASCII text, `str.lower` and `re.IGNORECASE`
agree; elsewhere they may not (`re` takes the long s, U+017F, for an "s" and the Kelvin sign, U+212A,
for a "k"), so other texts run every pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


class Keywords:
    """Lowercase ASCII words, looked for in a text in any case."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(words)
        if not self.words or any(not w.isascii() or w != w.lower() for w in self.words):
            raise ValueError("keywords must be lowercase ASCII, and at least one")
        self._any = re.compile("|".join(re.escape(word) for word in self.words))

    def found_in(self, text: str) -> bool:
        """Whether `text` may hold one of the words (always, for a text not in ASCII)."""
        return not text.isascii() or self._any.search(text.lower()) is not None


DIGIT_KEYWORDS = Keywords("0123456789")
"""The keywords of a pattern that needs a digit (`\\d`, which is 0-9 in ASCII text)."""


class KeywordPattern:
    """A compiled pattern whose `finditer` finds nothing in a text without one of its keywords."""

    def __init__(self, pattern: re.Pattern[str], keywords: Keywords | Iterable[str]) -> None:
        """`keywords`: lowercase ASCII words, one of which every match the caller reads contains."""
        self.pattern = pattern
        self.keywords = keywords if isinstance(keywords, Keywords) else Keywords(keywords)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text) if self.keywords.found_in(text) else iter(())
