"""Authors' patterns run in time linear in the text (RE2); what RE2 cannot run is refused at save."""

from __future__ import annotations

import random

import pytest

from parley_dialogue.acceptance import accept, from_reply
from parley_dialogue.conversation import new_state
from parley_dialogue.definition import BotDefinition
from parley_dialogue.engine import advance
from parley_dialogue.payload_values import from_payload
from parley_dialogue.testing import parsed
from parley_dialogue.validation import build_definition, problems_of

CATASTROPHIC = ["(a|a)*c", r"\w*\w*\w*\w*\w*\w*\w*\w*\w*\w*c", "(a+)+b", "(a|aa)*b", "(?:a+){2,}c"]
"""Patterns that take exponential time in a backtracking engine on a run of a's without its end."""
A_RUN = "a" * 2_000


def bot_with(pattern: str, *, on: str = "entity") -> BotDefinition:
    entity = {"name": "code", "pattern": pattern} if on == "entity" else {"name": "code"}
    param = {"name": "code", "entity": "code", "prompt": "Which code?"}
    if on == "parameter":
        param["pattern"] = pattern
    return build_definition(
        {
            "name": "codes",
            "entities": [entity],
            "intents": [
                {"id": "check", "examples": ["check my code"], "parameters": [param], "replies": ["ok"]}
            ],
        }
    )


def code_param(bot: BotDefinition):
    intent = bot.intent("check")
    assert intent is not None
    return intent.parameters[0]


def pattern_messages(pattern: str) -> list[str]:
    doc = {"name": "b", "entities": [{"name": "e", "pattern": pattern}]}
    return [p["message"] for p in problems_of(doc) if p["path"] == "entities[0].pattern"]


@pytest.mark.timeout(10)
@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_an_entity_pattern_that_would_backtrack_forever_reads_a_long_reply_at_once(pattern):
    bot = bot_with(pattern)
    assert from_reply(code_param(bot), bot, A_RUN) is None


@pytest.mark.timeout(10)
@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_a_parameter_pattern_that_would_backtrack_forever_refuses_a_long_value_at_once(pattern):
    bot = bot_with(pattern, on="parameter")
    assert accept(code_param(bot), A_RUN) is None


@pytest.mark.timeout(10)
def test_a_payload_is_checked_against_the_pattern_in_linear_time():
    bot = bot_with("(a|a)*c")
    intent = bot.intent("check")
    assert intent is not None
    assert from_payload(intent, bot, {"code": A_RUN}) == {}
    assert from_payload(intent, bot, {"code": "aaac"}) == {"code": "aaac"}


@pytest.mark.timeout(10)
def test_a_prompted_reply_of_a_long_run_of_a_is_a_quick_turn():
    bot = bot_with("(a|a)*c")
    state, _ = advance(new_state(bot, "c", 1, {}), parsed("check"), "check my code", bot)
    state, outcome = advance(state, parsed("fallback", 0.1), "a" * 32, bot, rng=random.Random(1))
    assert outcome.missing_slots == ["code"]
    assert state.prompted == "code"


@pytest.mark.parametrize(
    ("pattern", "feature"),
    [
        (r"(?=ORD)\w+", "lookarounds"),
        (r"ORD(?!0)\d+", "lookarounds"),
        (r"(?<=#)\d+", "lookarounds"),
        (r"(?<!x)y", "lookarounds"),
        (r"(\w)\1", "backreferences"),
    ],
)
def test_what_only_a_backtracking_engine_can_run_is_refused_with_the_reason(pattern, feature):
    (message,) = pattern_messages(pattern)
    assert message.startswith(f"{feature} (")
    assert message.endswith("are not supported: patterns run on RE2, which matches in linear time")


@pytest.mark.parametrize("pattern", ["(unclosed", "[z-a]", "a{2,1}", "x{1001}"])
def test_a_broken_pattern_is_refused_with_re2s_reason(pattern):
    (message,) = pattern_messages(pattern)
    assert message.startswith("not a regular expression RE2 can run: ")


def test_a_parameter_pattern_is_checked_like_an_entity_pattern():
    doc = {
        "name": "b",
        "intents": [{"id": "a", "examples": ["a"], "parameters": [{"name": "p", "pattern": "(?=x)x"}]}],
    }
    assert [p["path"] for p in problems_of(doc)] == ["intents[0].parameters[0].pattern"]


@pytest.mark.parametrize(
    ("pattern", "reply", "value"),
    [
        (r"ORD\d{6}", "my order is ORD123456 thanks", "ORD123456"),
        (r"ORD[0-9]{6}", "ORD654321", "ORD654321"),
        (r"[A-Z]{2}\d+", "flight BA2490 please", "BA2490"),
        (r"(?i)ord\d{6}", "it is ord123456", "ord123456"),
        (r"(?P<value>\d+)\s*eur", "send 20 eur", "20 eur"),
        (r"\b\d{5}\b", "zip 75011 in Paris", "75011"),
        (r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "write to ann.lee@example.com", "ann.lee@example.com"),
    ],
)
def test_ordinary_patterns_are_saved_and_read_replies_as_before(pattern, reply, value):
    assert pattern_messages(pattern) == []
    bot = bot_with(pattern)
    assert from_reply(code_param(bot), bot, reply) == value


def test_an_entity_pattern_reads_a_reply_ignoring_case_as_the_nlu_does():
    bot = bot_with(r"ORD\d{6}")
    assert from_reply(code_param(bot), bot, "it is ord123456") == "ord123456"


def test_a_parameter_pattern_respects_case_unless_it_says_otherwise():
    assert from_reply(code_param(bot := bot_with(r"ORD\d{6}", on="parameter")), bot, "ord123456") is None
    assert (
        from_reply(code_param(bot := bot_with(r"(?i)ORD\d{6}", on="parameter")), bot, "ord123456")
        == "ord123456"
    )
