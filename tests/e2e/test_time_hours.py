"""A time parameter's `hours` through the public API: refused at save when it is no range, and in
chat "at 3" and "half past three" are read in the afternoon while "3am" is refused, the NLU's own
reading and spans deciding whether am/pm was said."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.acf_support import Parley
from tests.e2e.stack import embedded_parley

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CLINIC = b"""
name: clinic
intents:
  - id: book
    examples:
      - I want to book an appointment
      - can I see the doctor
      - book me in please
      - I need an appointment
    parameters:
      - {name: time, entity: time, prompt: "What time?", hours: "08:00-20:00"}
      - {name: name, prompt: "Your name?"}
    replies: ["See you at {{ slots.time }}, {{ slots.name }}."]
  - id: thanks
    examples: [thanks, thank you, cheers]
    replies: ["You're welcome."]
"""


@pytest.fixture(scope="module")
def parley(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Parley]:
    with embedded_parley(tmp_path_factory.mktemp("parley-time-hours"), {"PARLEY_DEMO": "false"}) as running:
        client = Parley(running)
        assert client.put_bot("clinic", CLINIC).status_code in (200, 201)
        assert client.train("clinic")["status"] == "succeeded"
        yield client


def test_hours_that_are_no_range_are_refused_at_save_and_nothing_is_saved(parley: Parley) -> None:
    response = parley.put_bot("clinic2", CLINIC.replace(b'"08:00-20:00"', b'"8 to 8"'))
    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert [d["path"] for d in details] == ["intents[0].parameters[0].hours"]
    assert httpx.get(f"{parley.api}/bots/clinic2", headers=parley.admin, timeout=10).status_code == 404


@pytest.mark.parametrize(
    ("text", "time"), [("at 3", "15:00"), ("half past three", "15:30"), ("at 10am", "10:00")]
)
def test_a_time_without_am_pm_is_read_in_the_hours(parley: Parley, text: str, time: str) -> None:
    say = parley.conversation("clinic")
    assert say("I want to book an appointment").texts == ["What time?"]
    reply = say(text)
    assert reply.slots == {"time": time}
    assert reply.texts == ["Your name?"]


def test_a_time_said_in_the_morning_outside_the_hours_is_refused_naming_them(parley: Parley) -> None:
    say = parley.conversation("clinic")
    say("I want to book an appointment")
    reply = say("3am")
    assert reply.texts == ["Sorry, 03:00 is not between 08:00 and 20:00.", "What time?"]
    assert reply.missing == ["time", "name"]
