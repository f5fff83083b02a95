"""Overlap resolution between entity candidates."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from parley_nlu.candidates import Candidate, longest_first


def plainly(candidates: list[Candidate], taken: list[Candidate]) -> list[Candidate]:
    """The definition: longest first (then surest, then leftmost), kept unless it overlaps one kept
    or taken."""
    chosen: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.start - c.end, -c.confidence, c.start)):
        if not any(candidate.overlaps(kept) for kept in (*taken, *chosen)):
            chosen.append(candidate)
    return chosen


spans = st.tuples(st.integers(0, 40), st.integers(0, 8), st.sampled_from([0.5, 0.9, 1.0])).map(
    lambda t: Candidate(t[0], t[0] + t[1], "e", "v", "x", t[2])
)


@given(st.lists(spans, max_size=30), st.lists(spans, max_size=6))
def test_it_keeps_what_the_definition_keeps(candidates: list[Candidate], taken: list[Candidate]) -> None:
    assert longest_first(candidates, taken=taken) == plainly(candidates, taken)


def test_a_longer_candidate_wins_and_what_it_covers_is_dropped() -> None:
    short = Candidate(0, 3, "number", 1, "builtin")
    long = Candidate(0, 9, "name", "one piece", "dictionary")
    after = Candidate(10, 13, "number", 2, "builtin")
    assert longest_first([short, after, long]) == [long, after]
    assert longest_first([short, after], taken=[long]) == [after]


def test_a_thousand_candidates_take_well_under_a_millisecond_each() -> None:
    candidates = [Candidate(i * 4, i * 4 + 3, "number", 1, "builtin") for i in range(1000)]
    taken = [Candidate(i * 40, i * 40 + 3, "name", "x", "dictionary") for i in range(100)]
    started = time.thread_time()
    kept = longest_first(candidates, taken=taken)
    assert len(kept) == 900
    assert time.thread_time() - started < 0.005
