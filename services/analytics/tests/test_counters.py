"""Pure counting rules: histogram buckets and the percentiles a reader derives from them."""

from __future__ import annotations

import pytest

from parley_messages.latency import latency_bucket, latency_percentile


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
