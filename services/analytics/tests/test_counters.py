"""Pure counting rules: what a turn adds, histogram buckets and the percentiles a reader derives
from them."""

from __future__ import annotations

import pytest

from parley_analytics.counters import turn_increments
from parley_messages import TurnCompleted
from parley_messages.latency import latency_bucket, latency_percentile


def _turn(intent_source: str, *, complete: bool = True) -> TurnCompleted:
    return TurnCompleted(
        bot="dentist",
        conversation_id="c1",
        channel="rest",
        user_text="tomorrow at 2pm",
        replies=["What phone number can we reach you on?"],
        intent="book",
        confidence=0.01,
        complete=complete,
        intent_source=intent_source,
    )


def test_the_mean_confidence_counts_only_turns_whose_intent_the_nlu_read() -> None:
    read = turn_increments(_turn("nlu"))
    assert (read["confidence_sum"], read["confidence_count"]) == (0.01, 1)
    for source in ("form", "trigger"):
        chosen = turn_increments(_turn(source))
        assert "confidence_sum" not in chosen
        assert "confidence_count" not in chosen
        assert chosen["turns"] == 1


def test_a_turn_that_did_not_end_its_intent_is_not_counted_complete() -> None:
    assert turn_increments(_turn("nlu", complete=False))["completed"] == 0
    assert turn_increments(_turn("nlu"))["completed"] == 1


@pytest.mark.parametrize(
    ("latency", "bucket"), [(0.0, "le_5"), (5.0, "le_5"), (5.1, "le_10"), (999.0, "le_1000"), (1e9, "le_inf")]
)
def test_a_latency_falls_in_the_first_bucket_whose_bound_it_does_not_exceed(
    latency: float, bucket: str
) -> None:
    assert latency_bucket(latency) == bucket


def test_a_percentile_is_interpolated_inside_its_bucket() -> None:
    buckets = {"le_5": 50, "le_10": 50}
    assert latency_percentile(buckets, 0.5) == 5.0
    assert latency_percentile(buckets, 0.75) == 7.5
    assert latency_percentile(buckets, 1.0) == 10.0


def test_a_percentile_in_the_open_last_bucket_reports_the_last_finite_bound() -> None:
    assert latency_percentile({"le_5": 1, "le_inf": 9}, 0.99) == 10_000


def test_there_is_no_percentile_of_nothing() -> None:
    assert latency_percentile({}, 0.5) is None
