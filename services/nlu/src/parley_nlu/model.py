"""A trained NLU model: intent classifier + entity extractor + metadata, stored as npz + JSON (no pickle)."""

from __future__ import annotations

import copy
import io
import zipfile
from datetime import date, datetime
from typing import Any

import msgspec
import numpy as np

from parley_messages import EntityDef, IntentScore, ParseResult
from parley_nlu.classifier import ClassifierParams, Floats, IntentClassifier
from parley_nlu.entities import EntityExtractor
from parley_nlu.spelling import Spelling
from parley_nlu.tagger import SpanTagger, TaggerParams
from parley_runtime.errors import ModelFaultError

FALLBACK_INTENT = "fallback"
"""The intent of an utterance that belongs to none of the bot's intents."""
RANKING_SIZE = 10
FORMAT_VERSION = 4


class ModelMeta(msgspec.Struct, frozen=True, kw_only=True):
    """Everything but the arrays; stored as the `meta` JSON member of the artifact."""

    bot: str
    version: str
    encoder: str
    dim: int
    threshold: float
    created_at: datetime
    classifier: ClassifierParams
    entities: list[EntityDef] = []
    tagger: TaggerParams | None = None
    known_words: list[str] = []
    """Words of the examples, which typo-tolerant dictionary matching never reads as typos."""
    metrics: dict[str, float] = {}
    format: int = FORMAT_VERSION


_meta_encoder = msgspec.json.Encoder()
_meta_decoder = msgspec.json.Decoder(ModelMeta)


class ModelArtifactError(ModelFaultError):
    """The artifact is not a model this code reads. The operator's to fix (retrain or republish), not
    the client's: the bot is unavailable until then, so it is answered as an outage (503)."""

    code = "model_corrupt"


class NluModel:
    """Immutable once built; `parse` is pure and safe to call from many threads."""

    def __init__(
        self, meta: ModelMeta, classifier: IntentClassifier, tagger: SpanTagger | None = None
    ) -> None:
        if classifier.dim != meta.dim:
            raise ValueError(f"classifier dimension {classifier.dim} != model dimension {meta.dim}")
        self.meta = meta
        self.classifier = classifier
        self.tagger = tagger
        self.extractor = EntityExtractor(meta.entities, tagger=tagger, known_words=meta.known_words)
        self.spelling = Spelling.of(classifier.params.wording)

    @property
    def bot(self) -> str:
        return self.meta.bot

    @property
    def version(self) -> str:
        return self.meta.version

    @property
    def intents(self) -> list[str]:
        return self.classifier.intents

    @property
    def threshold(self) -> float:
        return self.meta.threshold

    @property
    def created_at(self) -> datetime:
        return self.meta.created_at

    def as_version(self, version: str) -> NluModel:
        """This model under the registry version `version`: a model published again is the same
        artifact under a new version, which its parses report and its replicas compare."""
        if version == self.version:
            return self
        renamed = copy.copy(self)
        renamed.meta = msgspec.structs.replace(self.meta, version=version)
        return renamed

    def intent_text(self, text: str) -> str:
        """The text whose embedding `parse` reads the intent from: `text` with its typos mended
        toward the bot's words (see `spelling.py`)."""
        return self.spelling.mend(text)

    def parse(
        self, text: str, embedding: Floats, *, mended: str | None = None, today: date | None = None
    ) -> ParseResult:
        """Intent, ranking and entities of `text`, where `embedding` is the sentence embedding of
        `mended`, which is `intent_text(text)` (computed here when the caller has not); relative
        dates ("tomorrow") are resolved against `today` (default: today in UTC)."""
        read = self.intent_text(text) if mended is None else mended
        scores = self.classifier.scores(embedding, [read])[0]
        order = np.argsort(-scores, kind="stable")[:RANKING_SIZE]
        ranking = [IntentScore(name=self.intents[int(i)], confidence=float(scores[i])) for i in order]
        top = ranking[0]
        intent = top if top.confidence >= self.threshold else fallback(top.confidence)
        return ParseResult(
            intent=intent,
            ranking=ranking,
            entities=self.extractor.extract(text, today=today, intent=top.name),
            model_version=self.version,
        )

    def to_bytes(self) -> bytes:
        arrays = {f"classifier.{k}": v for k, v in self.classifier.arrays().items()}
        if self.tagger is not None:
            arrays |= {f"tagger.{k}": v for k, v in self.tagger.arrays().items()}
        meta = np.frombuffer(_meta_encoder.encode(self.meta), dtype=np.uint8)
        buffer = io.BytesIO()
        members: dict[str, Any] = {"meta": meta, **arrays}
        np.savez(buffer, **members)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> NluModel:
        """Load an artifact written by `to_bytes`; `ModelArtifactError` if it is not one."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                meta = _meta_decoder.decode(archive["meta"].tobytes())
                arrays = {k: archive[k] for k in archive.files if k != "meta"}
            if meta.format != FORMAT_VERSION:
                raise ModelArtifactError(f"model format {meta.format} is not supported; retrain the bot")
            classifier = IntentClassifier.from_arrays(meta.classifier, _members(arrays, "classifier."))
            tagger = (
                None
                if meta.tagger is None
                else SpanTagger.from_arrays(meta.tagger, _members(arrays, "tagger."))
            )
            return cls(meta, classifier, tagger)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, msgspec.DecodeError) as exc:
            raise ModelArtifactError(f"model artifact is unreadable: {exc}") from exc


def _members(arrays: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {k.removeprefix(prefix): v for k, v in arrays.items() if k.startswith(prefix)}


def fallback(top_confidence: float) -> IntentScore:
    """The out-of-scope intent; its confidence is that the utterance is not the top intent."""
    return IntentScore(name=FALLBACK_INTENT, confidence=1.0 - top_confidence)
