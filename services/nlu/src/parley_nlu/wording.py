"""How much of an utterance's wording the examples of each intent never used: the in-scope
confidence's third feature, and (by a weight each bot's k-fold accuracy chooses) a fall in each
intent's logit (see `classifier.py`).

A sentence embedding hears "turn off the lights" as nearly "turn on the lights", so when a bot has
only a turn-on intent it answers that one, confidently. The words tell: no turn-on example says
"off". The novelty of an utterance for an intent is the share of its words (casefolded `\\w+` runs)
that none of the intent's examples contains; utterances of intents the bot does not have use more
such words than those of its own intents, which the bot's own held-out predictions weigh against
the other two features.

With a fifth of the intents unseen (5 splits), in-scope accuracy where 90% of the unseen intents'
utterances are rejected, without / with it (`bench/nlu_accuracy.py`): 52.5% / 57.6%, 46.1% /
53.8% and 55.7% / 60.7% on three samplings of the public set (Home Assistant's intents, where
unseen intents are often siblings of seen ones), 75.9% / 75.4% on our own (within noise). Mapping
digits to one word, or counting only words of three letters or more, scored lower on the public
set in a prototype.

In the ranking, each intent's logit falls by the weight times the novelty for it, so "turn off the
fan" moves from turn-on towards turn-off. A bot's k-fold accuracy chooses the weight among
`evaluation.WORDING_WEIGHTS` (0 where it does not help, as on our own set): on four samplings of
the public set held-out accuracy rose 0.0, 0.7, 0.6 and 0.4 points.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float32]

_WORDS = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORDS.findall(text.casefold())


class Wording:
    """Which of `n_intents` intents' examples use each word; immutable."""

    def __init__(self, uses: dict[str, int], n_intents: int) -> None:
        """`uses`: word -> bit mask of the intents (bit k: intent k) whose examples contain it."""
        if any(mask >> n_intents for mask in uses.values()):
            raise ValueError("a word is used by an intent beyond n_intents")
        self._uses = uses
        self._n = n_intents
        self._bytes = (n_intents + 7) // 8

    @classmethod
    def fit(
        cls, texts: Sequence[str], labels: Sequence[int] | npt.NDArray[np.int64], n_intents: int
    ) -> Wording:
        uses: dict[str, int] = {}
        for text, label in zip(texts, labels, strict=True):
            bit = 1 << int(label)
            for word in words(text):
                uses[word] = uses.get(word, 0) | bit
        return cls(uses, n_intents)

    def novelties(self, texts: Sequence[str]) -> Floats:
        """Per text (row) and intent (column), the share of the text's words no example of the
        intent uses (0 for a text without words)."""
        shares = np.zeros((len(texts), self._n), dtype=np.float32)
        for row, text in enumerate(texts):
            found = words(text)
            if found:
                masks = b"".join(self._uses.get(word, 0).to_bytes(self._bytes, "little") for word in found)
                used = np.unpackbits(np.frombuffer(masks, dtype=np.uint8), bitorder="little")
                counts = used.reshape(len(found), self._bytes * 8)[:, : self._n].sum(axis=0)
                shares[row] = 1.0 - counts / len(found)
        return shares

    def to_params(self) -> dict[str, list[int]]:
        """Word -> indices of the intents using it (JSON-friendly)."""
        return {
            word: [k for k in range(mask.bit_length()) if mask >> k & 1]
            for word, mask in sorted(self._uses.items())
        }

    @classmethod
    def from_params(cls, params: dict[str, list[int]], n_intents: int) -> Wording:
        return cls({word: sum(1 << k for k in intents) for word, intents in params.items()}, n_intents)
