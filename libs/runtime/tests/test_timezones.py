from datetime import UTC, datetime, timedelta

import pytest

from parley_runtime.errors import InvalidInputError
from parley_runtime.timezones import check_timezone, today_in


@pytest.mark.parametrize(
    "name", ["Europe/Paris", "UTC", "America/Argentina/Buenos_Aires", "Pacific/Kiritimati"]
)
def test_an_iana_name_is_a_time_zone(name: str) -> None:
    zone = check_timezone(name)
    assert zone is not None
    assert zone.key == name


def test_no_time_zone_is_none_and_reads_dates_in_utc() -> None:
    assert check_timezone(None) is None


@pytest.mark.parametrize(
    "name", ["Mars/Olympus", "", "../../etc/passwd", "/etc/localtime", "Europe/Paris\x00", "+05:00"]
)
def test_anything_else_is_invalid_input_naming_the_field(name: str) -> None:
    with pytest.raises(InvalidInputError, match="unknown time zone") as caught:
        check_timezone(name)
    assert caught.value.details == {"field": "timezone"}


def test_today_is_the_users_date_not_utcs() -> None:
    # Kiritimati is UTC+14 and Pago Pago UTC-11: 25 hours apart, never on the same date (two dates
    # apart from 10:00 to 11:00 UTC, when it is already 00:xx the day after tomorrow in Kiritimati).
    assert today_in("Pacific/Kiritimati") - today_in("Pacific/Pago_Pago") in {
        timedelta(days=1),
        timedelta(days=2),
    }
    assert today_in(None) == datetime.now(UTC).date()
