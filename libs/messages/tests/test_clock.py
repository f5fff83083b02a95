"""Times: what a service stores and tells clients is to the millisecond, as MongoDB keeps it."""

from __future__ import annotations

from datetime import UTC

from parley_messages import TrainModel, utc_now


def test_now_is_utc_to_the_millisecond() -> None:
    now = utc_now()
    assert now.tzinfo is UTC
    assert now.microsecond % 1000 == 0


def test_a_messages_time_keeps_its_microseconds() -> None:
    times = {TrainModel(bot="b", job_id="j", dataset_key="k").occurred_at.microsecond for _ in range(50)}
    assert any(microsecond % 1000 for microsecond in times)
