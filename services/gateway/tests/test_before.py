"""`before` on a page of conversations is an RFC 3339 time, as `from` and `to` read one (decision
73: one without an offset is in UTC); a number, which Litestar's lenient reading took as a Unix
timestamp, or a date is a 400 naming it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from parley_gateway.periods import instant
from parley_runtime.errors import InvalidInputError

Client = AsyncTestClient[Litestar]
LISTING = "/api/v1/bots/pizzeria/conversations"
NOON = datetime(2026, 1, 31, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-01-31T12:00:00Z", NOON),
        ("2026-01-31T13:30:00.250+01:30", NOON + timedelta(milliseconds=250)),
        ("2026-01-31T12:00:00", NOON),
    ],
)
def test_an_rfc_3339_time_is_an_instant_in_utc(text: str, moment: datetime) -> None:
    read = instant(text, "before")
    assert read == moment
    assert read.tzinfo is UTC


@pytest.mark.parametrize(
    "text", ["1700000000", "1.7e9", "-5", "0", "2026-01-31", "soon", "", " 2026-01-31T12:00:00Z"]
)
async def test_anything_else_is_a_400_naming_before(client: Client, admin: dict[str, str], text: str) -> None:
    response = await client.get(LISTING, headers=admin, params={"before": text})
    error = response.json()["error"]
    assert response.status_code == 400
    assert error["code"] == "invalid_input"
    assert error["message"] == (
        "`before` must be an RFC 3339 time such as 2026-01-31T09:30:00Z (the last listed conversation's "
        f"last_turn_at), not {text!r}"
    )
    assert error["details"] == [{"message": error["message"], "key": "before", "source": "query"}]


def test_a_time_out_of_range_in_utc_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInputError, match=r"^`before` 0001-01-01T00:00:00\+01:00 is out of range$"):
        instant("0001-01-01T00:00:00+01:00", "before")
