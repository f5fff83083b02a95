from datetime import UTC, datetime, timedelta

import pytest

from parley_runtime.errors import InvalidInputError
from parley_runtime.timezones import check_timezone, iana_names, today_in


@pytest.mark.parametrize(
    "name", ["Europe/Paris", "UTC", "America/Argentina/Buenos_Aires", "Pacific/Kiritimati"]
)
def test_an_iana_name_is_a_time_zone(name: str) -> None:
    zone = check_timezone(name)
    assert zone is not None
    assert zone.key == name


@pytest.mark.parametrize("name", ["Asia/Calcutta", "US/Eastern", "Etc/GMT+5", "GMT"])
def test_an_older_iana_name_still_links_to_its_zone(name: str) -> None:
    """Browsers report some of these (Chrome's `Intl` says Asia/Calcutta, not Asia/Kolkata)."""
    assert check_timezone(name) is not None


def test_every_listed_name_loads() -> None:
    assert len(iana_names()) > 500
    for name in iana_names():
        check_timezone(name)


def test_no_time_zone_is_none_and_reads_dates_in_utc() -> None:
    assert check_timezone(None) is None


@pytest.mark.parametrize(
    "name", ["Mars/Olympus", "", "../../etc/passwd", "/etc/localtime", "Europe/Paris\x00", "+05:00"]
)
def test_anything_else_is_invalid_input_naming_the_field(name: str) -> None:
    with pytest.raises(InvalidInputError, match="unknown time zone") as caught:
        check_timezone(name)
    assert caught.value.details == {"field": "timezone"}


@pytest.mark.parametrize(
    "name", ["localtime", "posixrules", "Factory", "right/UTC", "posix/Europe/Paris", "europe/paris"]
)
def test_a_file_of_the_zone_database_that_is_no_iana_name_is_invalid_input(name: str) -> None:
    """`ZoneInfo` loads these from the host's zoneinfo directory: the server's own zone, a zone
    that counts leap seconds (27 s off), the "not set" zone, or a name spelt as no client spells it."""
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
