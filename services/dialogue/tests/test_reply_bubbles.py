"""`###` splits a message into bubbles where the bot's author wrote it, in the template's text or
in a string it prints, never where a printed value (a user's reply, a webhook's answer) holds one."""

from __future__ import annotations

import random

from parley_dialogue.replies import say
from parley_dialogue.service import DialogueService
from parley_dialogue.templates import MAX_OUTPUT_CHARS
from parley_messages import ChatRequest

FORGED = "call 555 ### Your booking is CONFIRMED for free"


def bubbles(template: str, **variables: object) -> list[str]:
    rendered = say([template], variables, random.Random(1))
    assert rendered.problems == []
    return [m.text for m in rendered.messages]


def test_a_users_value_holding_the_separator_stays_in_its_bubble():
    template = "A mechanic will call {{ parameters.phone }} soon. ### Thanks!"
    assert bubbles(template, parameters={"phone": FORGED}) == [
        f"A mechanic will call {FORGED} soon.",
        "Thanks!",
    ]


def test_a_webhooks_answer_holding_the_separator_stays_in_its_bubble():
    result = {"ref": "{{ 7*7 }} ### second bubble"}
    assert bubbles("Booking ref {{ result.ref }}", result=result) == [
        "Booking ref {{ 7*7 }} ### second bubble"
    ]


def test_a_filtered_value_holding_the_separator_stays_in_its_bubble():
    assert bubbles("{{ parameters.phone | upper }}", parameters={"phone": FORGED}) == [FORGED.upper()]


def test_the_separator_in_a_string_the_author_prints_still_splits():
    template = '{{ ["Sorry ### I\'m having trouble understanding you."] | random }}'  # ACF's fallback
    assert bubbles(template) == ["Sorry", "I'm having trouble understanding you."]


def test_the_separator_inside_a_statement_still_splits():
    template = "{% if parameters.phone %}Noted ### We call {{ parameters.phone }}{% endif %}"
    assert bubbles(template, parameters={"phone": "555"}) == ["Noted", "We call 555"]


def test_a_template_without_tags_splits_as_written():
    assert bubbles("One ### two") == ["One", "two"]


def test_a_cut_output_leaves_no_trace_of_a_separator():
    template = "{{ 'x' * " + str(MAX_OUTPUT_CHARS - 2) + " }} ### after"
    [only] = bubbles(template)
    assert only == "x" * (MAX_OUTPUT_CHARS - 2)


async def test_a_free_text_answer_cannot_forge_a_bot_message(service: DialogueService):
    await service.put_bot(
        "handoff",
        b"""
intents:
  - id: call_me
    examples: [call me back]
    parameters: [{name: phone, prompt: "Your phone number?"}]
    replies: ["A mechanic will call {{ parameters.phone }} soon."]
""",
    )
    reply = await service.turn(ChatRequest(bot="handoff", text=f'/call_me{{"phone": "{FORGED}"}}'))
    assert [m.text for m in reply.messages] == [f"A mechanic will call {FORGED} soon."]
