"""The analytics read model sums a day's bucket documents back into one row of statistics."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from parley_gateway.periods import span_before
from parley_gateway.readmodels import Analytics
from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import connect_mongo

DAY = date(2024, 5, 1)


def bucket(shard: int, **fields: object) -> dict[str, object]:
    return {
        "_id": f"shop:{DAY.isoformat()}:{shard:02d}",
        "bot": "shop",
        "day": datetime(2024, 5, 1),
        **fields,
    }


async def test_a_days_buckets_are_summed_into_users_confidence_and_latency_percentiles() -> None:
    db = connect_mongo(InfraSettings())
    await db["analytics_daily"].insert_many(
        [
            bucket(
                1,
                turns=3,
                users=2,
                confidence_sum=1.6,
                confidence_count=2,
                latency_ms_buckets={"le_10": 1, "le_25": 2},
                welcomes=2,
            ),
            bucket(
                2,
                turns=1,
                users=1,
                confidence_sum=0.8,
                confidence_count=1,
                latency_ms_buckets={"le_100": 1},
                welcomes=1,
            ),
        ]
    )

    (day,) = await Analytics(db).daily("shop", start=DAY, end=DAY)

    assert (day.day, day.turns, day.users, day.welcomes) == (DAY, 4, 3, 3)
    assert day.mean_confidence == pytest.approx(0.8)  # 2.4 over the 3 turns that had one, not 4
    assert day.latency_ms_p50 == pytest.approx(17.5)  # rank 2 of 4: halfway through le_25 (10..25]
    assert day.latency_ms_p99 is not None and 50 < day.latency_ms_p99 <= 100


async def test_documents_without_confidence_count_divide_by_turns() -> None:
    db = connect_mongo(InfraSettings())
    await db["analytics_daily"].insert_one(bucket(1, turns=4, confidence_sum=2.0))

    (day,) = await Analytics(db).daily("shop", start=DAY, end=DAY)

    assert day.mean_confidence == pytest.approx(0.5)
    assert (day.users, day.latency_ms_p50) == (0, None)


async def test_intents_and_channels_are_read_by_their_exact_names_and_from_older_buckets() -> None:
    db = connect_mongo(InfraSettings())
    await db["analytics_daily"].insert_many(
        [
            bucket(
                1,
                by_intent={"order%2Epizza": 2, "order_pizza": 1, "none": 1, "_none": 3},
                by_channel={"rest": 7},
            ),
            bucket(2, intents={"greet": 2, "none": 1}, channels={"rest": 2, "websocket": 1}),
        ]
    )

    (day,) = await Analytics(db).daily("shop", start=DAY, end=DAY)

    assert day.intents == {"_none": 4, "order.pizza": 2, "greet": 2, "order_pizza": 1, "none": 1}
    assert day.channels == {"rest": 9, "websocket": 1}


def test_the_default_analytics_period_stops_at_the_first_day() -> None:
    assert span_before(date(1, 1, 5)) == date.min
    assert span_before(date(2026, 11, 30)) == date(2026, 10, 31)
