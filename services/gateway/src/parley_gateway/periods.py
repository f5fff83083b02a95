"""`from` and `to`, as the admin API's conversations and analytics both read them. Pure.

Each is a date (`2026-01-31`: a whole day in UTC, the days analytics counts in) or an RFC 3339 time
(`2026-01-31T09:30:00Z`; one without an offset is in UTC). A date `to` includes its day: the period
`from=2026-01-01&to=2026-01-31` is all of January, for both listings. A time `to` is the first
instant after the period, as `before` is on a page of conversations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import msgspec

from parley_gateway.queries import query_error
from parley_runtime.errors import InvalidInputError

FORMS = "a date (2026-01-31) or an RFC 3339 time (2026-01-31T09:30:00Z)"
"""What `from` and `to` may be, as the errors and the API documentation say it."""
BEFORE = "an RFC 3339 time such as 2026-01-31T09:30:00Z (the last listed conversation's last_turn_at)"
"""What `before` may be, as its error and the API documentation say it."""
DEFAULT_SPAN = timedelta(days=30)
"""The analytics period when `from` is not given: the 30 days up to `to`."""


@dataclass(frozen=True)
class Period:
    """What `from` (`start`) and `to` (`end`) asked for; None: not given."""

    start: date | datetime | None = None
    end: date | datetime | None = None

    def since(self) -> datetime | None:
        """The period's first instant: `from`, or the midnight that begins a date."""
        return None if self.start is None else _first_instant(self.start)

    def until(self) -> datetime | None:
        """The first instant after the period: `to`, or the midnight after a date (none after the
        last day a date can name)."""
        if self.end is None or isinstance(self.end, datetime):
            return self.end
        return None if self.end == date.max else _first_instant(self.end + timedelta(days=1))

    def days(self, *, today: date) -> tuple[date, date]:
        """The first and last UTC days analytics counts: those `from` and `to` are in (it counts
        whole days); without `to`, `today`; without `from`, `DEFAULT_SPAN` before the last."""
        last = today if self.end is None else _day(self.end)
        first = span_before(last) if self.start is None else _day(self.start)
        if first > last:
            raise query_error("from", "`from` must not be after `to`")
        return first, last


def period(start: str | None, end: str | None) -> Period:
    """`from` and `to` read; `InvalidInputError` naming the parameter when one is neither a date nor
    a time, or when `from` is after `to`."""
    read = Period(start=_bound(start, "from"), end=_bound(end, "to"))
    if read.start and read.end and _first_instant(read.start) > _last_instant(read.end):
        raise query_error("from", "`from` must not be after `to`")
    return read


def span_before(end: date) -> date:
    """`end` minus the default span, no earlier than the first representable day."""
    return end - DEFAULT_SPAN if end - date.min > DEFAULT_SPAN else date.min


def instant(value: str, name: str) -> datetime:
    """`value`, an RFC 3339 time, in UTC (one without an offset is in UTC); `InvalidInputError`
    naming `name` for anything else: Litestar read `before=1700000000`, `1.7e9` and `-5` as Unix
    timestamps, which no client of the listing sends."""
    try:
        moment = msgspec.convert(value, datetime)
    except msgspec.ValidationError:
        raise query_error(name, f"`{name}` must be {BEFORE}, not {value[:64]!r}") from None
    return _in_utc(moment, name)


def in_utc(moment: datetime) -> datetime:
    """`moment` in UTC; one without an offset is taken to be in UTC, as MongoDB takes it."""
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before the first representable instant
        raise InvalidInputError(f"{moment.isoformat()} is out of range") from None


def _bound(value: str | None, name: str) -> date | datetime | None:
    if value is None:
        return None
    try:
        return msgspec.convert(value, date)
    except msgspec.ValidationError:
        pass
    try:
        moment = msgspec.convert(value, datetime)
    except msgspec.ValidationError:
        raise query_error(name, f"`{name}` must be {FORMS}, not {value[:64]!r}") from None
    return _in_utc(moment, name)


def _in_utc(moment: datetime, name: str) -> datetime:
    try:
        return in_utc(moment)
    except InvalidInputError as exc:
        raise query_error(name, f"`{name}` {exc}") from None


def _first_instant(bound: date | datetime) -> datetime:
    return bound if isinstance(bound, datetime) else datetime.combine(bound, time.min, UTC)


def _last_instant(bound: date | datetime) -> datetime:
    return bound if isinstance(bound, datetime) else datetime.combine(bound, time.max, UTC)


def _day(bound: date | datetime) -> date:
    return bound.date() if isinstance(bound, datetime) else bound
