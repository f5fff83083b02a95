"""`from` and `to` on conversations and analytics: one reading for both (a date or a time), errors
that name the parameter, and `from` never after `to`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from parley_gateway.periods import Period, period
from parley_runtime.errors import InvalidInputError
from parley_runtime.infra import Infra

Client = AsyncTestClient[Litestar]
LISTING = "/api/v1/bots/pizzeria/conversations"
ANALYTICS = "/api/v1/bots/pizzeria/analytics"
NOON = datetime(2026, 1, 31, 12, tzinfo=UTC)


def test_a_date_is_a_whole_utc_day() -> None:
    asked = period("2026-01-01", "2026-01-31")
    assert (asked.since(), asked.until()) == (
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 2, 1, tzinfo=UTC),
    )
    assert asked.days(today=date(2026, 11, 29)) == (date(2026, 1, 1), date(2026, 1, 31))


def test_a_time_is_an_instant_in_utc() -> None:
    asked = period("2026-01-31T13:30:00+01:00", "2026-01-31T14:00:00")  # no offset: UTC
    assert (asked.since(), asked.until()) == (NOON + timedelta(minutes=30), NOON + timedelta(hours=2))
    assert asked.days(today=date(2026, 11, 29)) == (date(2026, 1, 31), date(2026, 1, 31))


def test_a_time_counts_the_utc_day_it_is_in_for_analytics() -> None:
    asked = period("2026-01-31T23:30:00-01:00", None)
    assert asked.days(today=date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 10))


def test_the_last_day_there_is_has_no_midnight_after_it() -> None:
    assert Period(end=date.max).until() is None


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-01-31", "2026-01-31"),
        ("2026-01-31T09:00:00Z", "2026-01-31"),
        ("2026-01-31", "2026-01-31T00:00:00Z"),
        ("2026-01-31T09:00:00Z", "2026-01-31T09:00:00Z"),
    ],
)
def test_from_may_be_to(start: str, end: str) -> None:
    period(start, end)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-01-31", "2026-01-30"),
        ("2026-01-31T09:00:01Z", "2026-01-31T09:00:00Z"),
        ("2026-01-31", "2026-01-30T23:59:59.999Z"),
        ("2026-01-31T10:00:00+01:00", "2026-01-31T08:59:59Z"),
    ],
)
def test_from_after_to_is_refused(start: str, end: str) -> None:
    with pytest.raises(InvalidInputError, match="`from` must not be after `to`"):
        period(start, end)


@pytest.mark.parametrize("value", ["yesterday", "2026-02-30", "31/01/2026", "0001-01-01T00:00:00+01:00"])
def test_neither_a_date_nor_a_time_is_refused_by_its_public_name(value: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        period(None, value)
    assert str(refused.value).startswith("`to` ")
    assert refused.value.details == [{"message": str(refused.value), "key": "to", "source": "query"}]


def test_analytics_without_from_counts_the_30_days_up_to_to() -> None:
    assert period(None, "2026-03-01").days(today=date(2026, 11, 29)) == (date(2026, 1, 30), date(2026, 3, 1))
    with pytest.raises(InvalidInputError, match="`from` must not be after `to`"):
        period("2026-12-01", None).days(today=date(2026, 11, 29))


async def _conversations_ending(infra: Infra, *ends: datetime) -> None:
    await infra.db["conversations"].insert_many(
        [
            {"_id": f"pizzeria:c{i}", "bot": "pizzeria", "conversation_id": f"c{i}", "last_turn_at": end}
            for i, end in enumerate(ends)
        ]
    )


async def _listed(client: Client, admin: dict[str, str], **params: str) -> list[str]:
    response = await client.get(LISTING, headers=admin, params=params)
    assert response.status_code == 200, response.text
    return [c["conversation_id"] for c in response.json()]


async def test_conversations_take_dates_and_a_date_to_includes_its_day(
    client: Client, admin: dict[str, str], infra: Infra
) -> None:
    day = timedelta(days=1)
    await _conversations_ending(infra, NOON - day, NOON, NOON + day)
    assert await _listed(client, admin, **{"from": "2026-01-31", "to": "2026-01-31"}) == ["c1"]
    assert await _listed(client, admin, **{"from": "2026-01-31T12:00:00Z", "to": "2026-02-01"}) == [
        "c2",
        "c1",
    ]
    assert await _listed(client, admin, **{"to": "2026-01-31T12:00:00Z"}) == ["c0"]


async def test_conversations_mix_a_time_without_an_offset_with_one_with(
    client: Client, admin: dict[str, str], infra: Infra
) -> None:
    await _conversations_ending(infra, NOON, NOON + timedelta(hours=1))
    params = {"to": "2026-02-01T00:00:00Z", "before": "2026-01-31T12:30:00"}  # compared: was a 500
    assert await _listed(client, admin, **params) == ["c0"]
    assert await _listed(client, admin, **params, before_id="c9") == ["c0"]


@pytest.mark.parametrize("path", [LISTING, ANALYTICS])
async def test_from_after_to_is_a_400_on_both(client: Client, admin: dict[str, str], path: str) -> None:
    params = {"from": "2026-01-31", "to": "2026-01-30"}
    response = await client.get(path, headers=admin, params=params)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "`from` must not be after `to`"


@pytest.mark.parametrize("path", [LISTING, ANALYTICS])
@pytest.mark.parametrize("name", ["from", "to"])
async def test_a_bad_from_or_to_is_named_as_sent(
    client: Client, admin: dict[str, str], path: str, name: str
) -> None:
    response = await client.get(path, headers=admin, params={name: "soon"})
    error: dict[str, Any] = response.json()["error"]
    assert response.status_code == 400
    assert error["message"].startswith(f"`{name}` must be a date (2026-01-31) or an RFC 3339 time")
    assert [d["key"] for d in error["details"]] == [name]


async def test_analytics_take_a_time_as_the_day_it_is_in(client: Client, admin: dict[str, str]) -> None:
    params = {"from": "2026-01-30T23:00:00-02:00", "to": "2026-02-02T08:00:00Z"}
    response = await client.get(ANALYTICS, headers=admin, params=params)
    assert response.status_code == 200, response.text
    assert (response.json()["from"], response.json()["to"]) == ("2026-01-31", "2026-02-02")


async def test_openapi_says_from_and_to_are_a_date_or_a_time(client: Client) -> None:
    paths = (await client.get("/docs/openapi.json")).json()["paths"]
    for path in ("/api/v1/bots/{bot}/conversations", "/api/v1/bots/{bot}/analytics"):
        parameters = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        for name in ("from", "to"):
            formats = [s["format"] for s in parameters[name]["schema"]["anyOf"]]
            assert formats == ["date", "date-time"], parameters[name]
