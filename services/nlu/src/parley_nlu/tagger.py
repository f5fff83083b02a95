"""A span tagger learnt from annotated examples, for open-ended entities no dictionary can list.

Each token gets a BIO label (`B-entity`, `I-entity`, `O`) from a logistic regression over sparse
features: the word, its shape ("ORD123456" -> "XXXdddddd" and "Xd"), affixes, the words around it,
every word of the utterance (the type of "add X to my shopping list" and of "add X to my chores
list" is told three words away) and the utterance's intent (where that is what tells a shopping-list
item from a to-do item), so "order ORD775532" and "a place in chennai" are found from a handful of
annotations. A word it never saw reads as `UNKNOWN`, which training learns from the words it saw
once and those of the annotated values, so an unseen value is judged by its shape and context rather
than missed for not being a value it memorised. Decoding is Viterbi over the token probabilities
with the BIO constraint (an `I-x` only continues an `x`), and no learnt transition scores: label
bigram log-probabilities from the training examples, added at weight 0.3 or 1, raised the public
set's held-out misses from 60 to 78 or 110 (a value's first word is a rare transition). The value
is the span's text; a span's confidence is the mean probability of its tokens' labels. A span of
function words only ("the", "a") is never a value.

The intent also weighs the types directly: before decoding, each word's probability of being some
open value is shared among the open entities by how much likelier the told intent's examples make
each of them than the bot's examples overall (`type_weights`). Its word features alone read "taxes"
in "add taxes to my packing list" as a shopping item like "milk", although every example of that
intent annotates a to-do item.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Annotated, Any, TypeVar

import msgspec
import numpy as np
import numpy.typing as npt

from parley_messages import EntityDef, Example
from parley_nlu.candidates import Candidate

Floats = npt.NDArray[np.float32]

OUTSIDE = "O"
UNKNOWN = "<unknown>"
"""The identity of a word the tagger never saw (and, in training, of words seen once)."""
_TOKENS = re.compile(r"\w+(?:[-'.]\w+)*|[^\w\s]")
_REPEATS = re.compile(r"(.)\1+")
_F = TypeVar("_F")
"""A feature: its name in training, its index in serving."""
_REMEMBERED_WORDS = 20_000
"""Words whose feature indices a tagger keeps: a bot's users reuse a small vocabulary."""
_MIN_SPANS = 2
"""Annotated spans (of all entities) below which no tagger is trained."""
OUTSIDE_WEIGHT = 0.5
"""The `O` label's probability is scaled by this before decoding (and the row renormalised): a word
the tagger hesitates over is more often part of a value than not. Chosen by cross-validation over
the annotated training examples of both benchmark sets, never their held-out utterances
(`bench/tagger_weight.py`: 6 shuffles x 5 folds, the whole extractor). Without the intent feature,
entity F1 at 0.3 / 0.4 / 0.5 / 0.6 was 0.737 / 0.747 / 0.748 / 0.727 on ours and 0.984 / 0.985 /
0.984 / 0.985 on the public set; with it, 0.4 / 0.5 / 0.6 score 0.748 / 0.744 / 0.749 and 0.984 /
0.985 / 0.986, within noise of each other, so it stayed 0.5."""
_FUNCTION_WORDS = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "my", "your", "our", "his", "her", "their", "its",
    "some", "any", "no", "in", "on", "at", "to", "for", "from", "of", "with", "by", "near", "around", "and",
    "or", "but", "me", "it", "i", "you", "we",
})  # fmt: skip


class TaggerParams(msgspec.Struct, frozen=True, kw_only=True):
    """The scalar part of a tagger: its labels and the features it knows, stored as JSON."""

    labels: list[str]
    features: list[str]
    closed: list[str] = []
    """Entities learnt as context but never proposed (see `fit_tagger`)."""
    spans_by_intent: dict[str, dict[str, Annotated[int, msgspec.Meta(ge=0)]]] = {}
    """Per intent, how many spans of each open entity its examples annotate (see `type_weights`);
    empty in a tagger trained without intents, or before this was kept."""


class SpanTagger:
    """Thread-safe, and immutable but for memos of feature indices; `candidates` costs tens of
    microseconds per utterance."""

    def __init__(self, params: TaggerParams, *, weights: Floats, bias: Floats) -> None:
        if weights.shape != (len(params.features), len(params.labels)) or bias.shape != (len(params.labels),):
            raise ValueError("tagger arrays do not match its labels and features")
        self.params = params
        # One row of zeros after the features' rows: where a word lacks a feature, it adds nothing.
        self._weights = np.vstack([weights, np.zeros((1, len(params.labels)), dtype=np.float32)])
        self._bias = bias
        self._index = {feature: i for i, feature in enumerate(params.features)}
        self._absent = len(params.features)
        # Memos of feature indices; single reads and writes of a dict are atomic, so threads may share them.
        self._own_memo: dict[str, tuple[int, ...]] = {}
        self._around_memo: dict[str, tuple[int, ...]] = {}
        self._allowed = _transitions(params.labels)
        self._outside = params.labels.index(OUTSIDE) if OUTSIDE in params.labels else -1
        closed = {f"{prefix}-{entity}" for entity in params.closed for prefix in "BI"}
        self._closed = [i for i, label in enumerate(params.labels) if label in closed]
        # What each label's probability is multiplied by before decoding: `OUTSIDE_WEIGHT` for `O`,
        # to which a closed entity's labels were added, and 0 for those.
        self._reweighted = np.ones(len(params.labels), dtype=np.float32)
        self._reweighted[self._closed] = 0.0
        if self._outside >= 0:
            self._reweighted[self._outside] = OUTSIDE_WEIGHT
        is_open = np.array(
            [label != OUTSIDE and i not in self._closed for i, label in enumerate(params.labels)]
        )
        self._reweighted_not_open = self._reweighted * ~is_open
        self._type_weights = _label_weights(params, is_open)

    def candidates(self, text: str, intent: str | None = None) -> list[Candidate]:
        """The values in `text`, an utterance of `intent` (the classifier's top one when serving)."""
        tokens = tokenize(text)
        if not tokens:
            return []
        probabilities = self._probabilities([t[0] for t in tokens], intent)
        best = probabilities.argmax(axis=1)
        if (best == self._outside).all():  # the unconstrained best path is allowed, and has no entity
            return []
        path = _viterbi(np.log(np.maximum(probabilities, 1e-9)), self._allowed)
        return list(self._spans(text, tokens, path, probabilities))

    def arrays(self) -> dict[str, Floats]:
        return {"weights": self._weights[: self._absent], "bias": self._bias}

    @classmethod
    def from_arrays(cls, params: TaggerParams, arrays: dict[str, Any]) -> SpanTagger:
        return cls(
            params,
            weights=np.asarray(arrays["weights"], dtype=np.float32),
            bias=np.asarray(arrays["bias"], dtype=np.float32),
        )

    def _probabilities(self, words: list[str], intent: str | None) -> Floats:
        """Per word, the probability of each label; a closed entity's labels count as `O`, the open
        entities' share their sum by the intent's `type_weights`, and `O` is then weighed down by
        `OUTSIDE_WEIGHT`."""
        scores = self._scores(words, intent)
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        probabilities = shifted / shifted.sum(axis=1, keepdims=True)
        if self._closed:
            probabilities[:, self._outside] += probabilities[:, self._closed].sum(axis=1)
        weights = self._type_weights.get(intent) if intent is not None else None
        if weights is None:
            probabilities *= self._reweighted
        else:  # the same, and each open label's probability scaled by its weight and the word's
            by_label, mass_and_weighted = weights  # open mass over its weighted sum
            sums = probabilities @ mass_and_weighted
            probabilities *= self._reweighted_not_open + by_label * (sums[:, :1] / (sums[:, 1:] + 1e-30))
        if self._outside >= 0:
            probabilities /= probabilities.sum(axis=1, keepdims=True)
        return probabilities

    def _scores(self, words: list[str], intent: str | None) -> Floats:
        """Per word, each label's score: the bias plus the weights of the features the tagger knows.
        The features every word shares (see `sentence_features`) are summed once."""
        known = [low if f"w={low}" in self._index else UNKNOWN for low in (w.casefold() for w in words)]
        rows = _layout(words, known, own=self._own_ids, around=self._around_ids, pair=self._pair_id)
        shared = [self._index[f] for f in sentence_features(known, intent) if f in self._index]
        return self._bias + self._weights[rows].sum(axis=1) + self._weights[shared].sum(axis=0)

    def _own_ids(self, word: str, identity: str) -> tuple[int, ...]:
        """The indices of the word's `_own_features`, remembered per word (`identity` follows from
        it): users reuse a small vocabulary."""
        ids = self._own_memo.get(word)
        if ids is None:
            if len(self._own_memo) >= _REMEMBERED_WORDS:
                self._own_memo.clear()
            ids = self._own_memo[word] = self._ids(_own_features(word, identity))
        return ids

    def _around_ids(self, identity: str) -> tuple[int, ...]:
        """The indices of the `_around_features` of a word's identity (one the tagger knows, or
        `UNKNOWN`, so no more than it knows), remembered."""
        ids = self._around_memo.get(identity)
        if ids is None:
            ids = self._around_memo[identity] = self._ids(_around_features(identity))
        return ids

    def _pair_id(self, before: str, after: str) -> int:
        return self._index.get(_pair_feature(before, after), self._absent)

    def _ids(self, features: Iterable[str]) -> tuple[int, ...]:
        return tuple(self._index.get(feature, self._absent) for feature in features)

    def _spans(
        self, text: str, tokens: list[tuple[str, int, int]], path: list[int], probabilities: Floats
    ) -> Any:
        labels = self.params.labels
        position = 0
        while position < len(path):
            label = labels[path[position]]
            if not label.startswith("B-"):
                position += 1
                continue
            end = position + 1
            while end < len(path) and labels[path[end]] == "I-" + label[2:]:
                end += 1
            start_char, end_char = tokens[position][1], tokens[end - 1][2]
            if not all(tokens[i][0].casefold() in _FUNCTION_WORDS for i in range(position, end)):
                confidence = float(np.mean([probabilities[i, path[i]] for i in range(position, end)]))
                yield Candidate(
                    start_char, end_char, label[2:], text[start_char:end_char], "tagger", confidence
                )
            position = end


def tokenize(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKENS.finditer(text)]


def shape(word: str) -> str:
    return "".join("X" if c.isupper() else "x" if c.isalpha() else "d" if c.isdigit() else c for c in word)


def _collapse(word_shape: str) -> str:
    return _REPEATS.sub(lambda m: m.group(1), word_shape)


def token_features(
    words: list[str], masked: Collection[int] = (), intent: str | None = None
) -> list[list[str]]:
    """Each word's features; a `masked` word keeps its shape and affixes, but reads as `UNKNOWN`."""
    known = [UNKNOWN if i in masked else word.casefold() for i, word in enumerate(words)]
    shared = sentence_features(known, intent)
    return [[*own, *shared] for own in word_features(words, known)]


def word_features(words: list[str], known: list[str]) -> list[list[str]]:
    """Per word, the features of the word and its neighbours; `known` holds each word's identity
    (casefolded, or `UNKNOWN`)."""
    return _layout(words, known, own=_own_features, around=_around_features, pair=_pair_feature)


def _layout(
    words: list[str],
    known: list[str],
    *,
    own: Callable[[str, str], Sequence[_F]],
    around: Callable[[str], Sequence[_F]],
    pair: Callable[[str, str], _F],
) -> list[list[_F]]:
    """Per word: its `own` features (of the word and its identity), what the identities `around`
    it give it (as the word before, two before, after and two after) and the `pair` of identities
    either side of it. Training lays out feature names so, serving their indices."""
    padded = ["<s>", "<s>", *known, "</s>", "</s>"]
    given = [around(identity) for identity in padded]
    return [
        [
            *own(word, known[i]),
            given[i + 1][0],
            given[i][1],
            given[i + 3][2],
            given[i + 4][3],
            pair(padded[i + 1], padded[i + 3]),
        ]
        for i, word in enumerate(words)
    ]


def _own_features(word: str, identity: str) -> list[str]:
    low = word.casefold()
    long_shape, short_shape = _shapes(word)
    return [
        f"w={identity}",
        f"shape={long_shape}",
        f"short={short_shape}",
        f"pre={low[:3]}",
        f"suf={low[-3:]}",
    ]


def _around_features(identity: str) -> list[str]:
    """What a word's identity tells the words around it: as the one before, two before, after and
    two after them."""
    return [f"w-1={identity}", f"w-2={identity}", f"w+1={identity}", f"w+2={identity}"]


def _pair_feature(before: str, after: str) -> str:
    return f"w-1,w+1={before},{after}"


def sentence_features(known: list[str], intent: str | None) -> list[str]:
    """The features every word of the utterance shares: its known words and its intent."""
    shared = sorted({f"s={word}" for word in known if word != UNKNOWN})
    if intent is not None:
        shared.append(f"i={intent}")
    return shared


@functools.lru_cache(maxsize=20_000)
def _shapes(word: str) -> tuple[str, str]:
    """The word's shape (up to 10 characters) and its collapsed shape; users reuse a small vocabulary."""
    long_shape = shape(word)
    return long_shape[:10], _collapse(long_shape)


def type_weights(spans_by_intent: dict[str, dict[str, int]]) -> dict[str, dict[str, float]]:
    """Per intent, how much likelier its examples make each open entity than the bot's examples
    overall: P(entity | intent) / P(entity), over the annotated spans of open entities, each count
    plus one (so an entity an intent never annotates keeps some weight: the classifier's intent may
    be wrong). An intent that annotates no open value tells nothing and has none; with one intent,
    or one open entity, every weight is 1."""
    entities = sorted({entity for counts in spans_by_intent.values() for entity in counts})
    overall = {e: sum(counts.get(e, 0) for counts in spans_by_intent.values()) for e in entities}
    total = sum(overall.values()) + len(entities)
    weights: dict[str, dict[str, float]] = {}
    for intent, counts in spans_by_intent.items():
        annotated = sum(counts.values())
        if annotated:
            weights[intent] = {
                e: (counts.get(e, 0) + 1) / (annotated + len(entities)) / ((overall[e] + 1) / total)
                for e in entities
            }
    return weights


def _label_weights(params: TaggerParams, is_open: npt.NDArray[np.bool_]) -> dict[str, tuple[Floats, Floats]]:
    """Per intent whose `type_weights` differ (equal weights, as with one open entity, change
    nothing): each label's weight (0 but for open entities' labels), and beside it a column of 1 for
    those labels, so that one product gives each word's open mass and its weighted sum."""
    arrays: dict[str, tuple[Floats, Floats]] = {}
    for intent, weights in type_weights(params.spans_by_intent).items():
        if len(set(weights.values())) > 1:
            by_label = np.array(
                [weights[label[2:]] if is_open[i] else 0.0 for i, label in enumerate(params.labels)],
                dtype=np.float32,
            )
            arrays[intent] = (by_label, np.stack([is_open.astype(np.float32), by_label], axis=1))
    return arrays


def fit_tagger(
    examples: list[Example],
    *,
    intents: Sequence[str] | None = None,
    definitions: Iterable[EntityDef] = (),
    regularisation: float = 10.0,
) -> SpanTagger | None:
    """A tagger of every entity annotated in `examples` (all examples are its training data: what is
    not annotated is `O`), or None with fewer than two annotated spans or none of an open entity.
    `intents`, when given, are the examples' intents: the tagger then also weighs the intent it is
    told at serving (the classifier's top one), which is what tells "add X to my list" in a shopping
    intent from the same words in a to-do intent. Each example is then seen once more without its
    intent, so that an utterance of no or the wrong intent is still read by its words, and the
    spans of each open entity are counted per intent, which weighs the types at serving
    (`type_weights`).

    An entity whose `definitions` list its values or a pattern is closed: the tagger learns it, so
    that its contexts ("to London") are not read as open values ("to Mike"), but never proposes it
    (the dictionary and the regex find its values, normalised). Every example is seen twice, the
    second time with its rare words (seen once) and the words of its annotated values masked as
    `UNKNOWN`: a word never seen in training is scored like those, by its shape, affixes and
    context, not its identity. Masking values, not only rare words, matters when a bot's examples
    repeat a few values ("add milk to my list" five times): on the public benchmark set, whose
    held-out open values are all unseen, the tagger found 75 of 161 of them instead of 22, and our
    own set's figures did not change. Labels are weighted by inverse frequency (entity tokens are
    rare); C = 10 was the best of 3, 10, 30, 100 on leave-one-out over our benchmark's annotated
    training examples (17 of 23 unseen open values).
    """
    annotated = {span.entity for example in examples for span in example.spans}
    owners: list[str | None] = list(intents) if intents is not None else [None] * len(examples)
    if len(owners) != len(examples):
        raise ValueError("one intent per example, or none at all")
    closed = {d.name for d in definitions if d.values or d.pattern} & annotated
    if sum(len(e.spans) for e in examples) < _MIN_SPANS or closed == annotated:
        return None  # too little to learn from, or it could only ever propose nothing
    tokenized = [(example, tokenize(example.text)) for example in examples]
    counts = Counter(word.casefold() for _, tokens in tokenized for word, _, _ in tokens)
    rows: list[list[str]] = []
    targets: list[str] = []
    for (example, tokens), intent in zip(tokenized, owners, strict=True):
        words = [t[0] for t in tokens]
        tags = bio_labels(example, tokens)
        hidden = {i for i, word in enumerate(words) if counts[word.casefold()] == 1 or tags[i] != OUTSIDE}
        copies = [((), intent), (hidden, intent)] if hidden else [((), intent)]
        if intent is not None:
            copies.append(((), None))
        for masked, told in copies:
            rows.extend(token_features(words, masked, told))
            targets.extend(tags)
    labels = sorted(set(targets) | {OUTSIDE})
    features = sorted({f for row in rows for f in row})
    params = TaggerParams(
        labels=labels,
        features=features,
        closed=sorted(closed),
        spans_by_intent=_spans_by_intent(examples, owners, closed),
    )
    return _fit(rows, targets, params, regularisation)


def _spans_by_intent(
    examples: list[Example], intents: list[str | None], closed: Collection[str]
) -> dict[str, dict[str, int]]:
    """Per intent, how many spans of each open entity its examples annotate (none without intents)."""
    counts: dict[str, dict[str, int]] = {}
    for example, intent in zip(examples, intents, strict=True):
        if intent is not None:
            by_entity = counts.setdefault(intent, {})
            for entity in (span.entity for span in example.spans if span.entity not in closed):
                by_entity[entity] = by_entity.get(entity, 0) + 1
    return counts


def bio_labels(example: Example, tokens: list[tuple[str, int, int]]) -> list[str]:
    labels = [OUTSIDE] * len(tokens)
    for span in example.spans:
        inside = [i for i, (_, start, end) in enumerate(tokens) if start < span.end and span.start < end]
        for order, i in enumerate(inside):
            labels[i] = ("B-" if order == 0 else "I-") + span.entity
    return labels


def _fit(
    rows: list[list[str]], targets: list[str], params: TaggerParams, regularisation: float
) -> SpanTagger:
    from scipy.sparse import csr_matrix  # noqa: PLC0415  # pyright: ignore[reportMissingTypeStubs]
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415  # pyright: ignore[reportMissingTypeStubs]

    labels, features = params.labels, params.features
    index = {f: i for i, f in enumerate(features)}
    columns = [index[f] for row in rows for f in row]
    pointers = np.cumsum([0, *(len(row) for row in rows)])
    matrix = csr_matrix(
        (np.ones(len(columns), dtype=np.float32), columns, pointers), shape=(len(rows), len(features))
    )
    label_index = {label: i for i, label in enumerate(labels)}
    y = np.array([label_index[t] for t in targets])
    weights = np.zeros((len(features), len(labels)), dtype=np.float32)
    bias = np.full(len(labels), -1e4, dtype=np.float32)
    present = np.unique(y)
    if present.size < 2:
        bias[present] = 0.0
    else:
        model: Any = LogisticRegression(C=regularisation, max_iter=1000, class_weight="balanced")
        model.fit(matrix, y)
        coef: Any = model.coef_
        intercept: Any = model.intercept_
        if coef.shape[0] == 1:
            coef, intercept = (
                np.vstack([-coef / 2, coef / 2]),
                np.array([-intercept[0] / 2, intercept[0] / 2]),
            )
        weights[:, present] = coef.T
        bias[present] = intercept
    return SpanTagger(params, weights=weights, bias=bias)


def _transitions(labels: list[str]) -> npt.NDArray[np.bool_]:
    """allowed[i, j]: label j may follow label i (row -1 of a padded matrix: the start)."""
    allowed = np.ones((len(labels) + 1, len(labels)), dtype=bool)
    for j, label in enumerate(labels):
        if label.startswith("I-"):
            entity = label[2:]
            allowed[:, j] = False
            for i, previous in enumerate(labels):
                allowed[i, j] = previous in (f"B-{entity}", f"I-{entity}")
    return allowed


def _viterbi(log_probabilities: Floats, allowed: npt.NDArray[np.bool_]) -> list[int]:
    forbidden = np.where(allowed, 0.0, -1e9)
    score = log_probabilities[0] + forbidden[-1]
    back: list[npt.NDArray[np.int64]] = []
    for row in log_probabilities[1:]:
        totals = score[:, None] + forbidden[:-1]
        back.append(totals.argmax(axis=0))
        score = totals.max(axis=0) + row
    path = [int(score.argmax())]
    for pointers in reversed(back):
        path.append(int(pointers[path[-1]]))
    return path[::-1]
