"""What every entity extractor proposes, before overlaps are resolved (see `entities.py`)."""

from __future__ import annotations

from typing import Any

import msgspec

from parley_messages import EntityValue


class Candidate(msgspec.Struct, frozen=True):
    """Characters `start`..`end` of the utterance may be `entity` with normalised `value`."""

    start: int
    end: int
    entity: str
    value: Any
    extractor: str
    confidence: float = 1.0

    def overlaps(self, other: Candidate) -> bool:
        return self.start < other.end and other.start < self.end

    def to_entity(self) -> EntityValue:
        return EntityValue(
            entity=self.entity,
            value=self.value,
            start=self.start,
            end=self.end,
            confidence=round(self.confidence, 4),
            extractor=self.extractor,
        )


def longest_first(candidates: list[Candidate], *, taken: list[Candidate] | None = None) -> list[Candidate]:
    """The non-overlapping candidates, longest kept first, that overlap nothing in `taken`."""
    blocked = list(taken or [])
    chosen: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.start - c.end, -c.confidence, c.start)):
        if not any(candidate.overlaps(kept) for kept in (*blocked, *chosen)):
            chosen.append(candidate)
    return chosen
