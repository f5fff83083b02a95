"""Rules on a bot as a whole: the NLU has something to learn, the settings name intents the
engine can use and hold sentences it can say, a parameter's choices are values its entity
can give, its hours a range of the built-in time's values, and its time zone one the tz database
lists. Each problem is a (path, message)
pair; `validation` reports them with the rest."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass

import msgspec

from parley_dialogue.definition import BotDefinition, IntentDef, Messages, Settings, trained_intents
from parley_dialogue.hours import hours_problem
from parley_dialogue.replies import says_nothing
from parley_dialogue.templates import template_problem
from parley_runtime.errors import InvalidInputError
from parley_runtime.timezones import check_timezone

Problem = tuple[str, str]


@dataclass(frozen=True)
class _Role:
    """A setting that names an intent, what the engine does with that intent, and what a bot
    without an intent of the setting's default name does instead."""

    setting: str
    does: str
    without: str

    @property
    def default(self) -> str:
        return getattr(Settings(), self.setting)


_ROLES = (
    _Role("welcome_intent", "greets a new conversation before the user has said anything", "greets no one"),
    _Role(
        "fallback_intent", "answers at once what the bot did not understand", "answers a built-in sentence"
    ),
    _Role("cancel_intent", "abandons at once the form being filled", "has no cancel intent"),
)


def bot_problems(bot: BotDefinition) -> Iterator[Problem]:
    yield from untrainable(bot)
    for role in _ROLES:
        yield from _role_problems(bot, role)
    yield from _message_problems(bot.settings.messages)
    yield from _choice_problems(bot)
    yield from _hours_problems(bot)
    yield from _timezone_problems(bot)


def untrainable(bot: BotDefinition) -> Iterator[Problem]:
    """The trainer refuses a dataset without intents (`parley_nlu.trainer.check_dataset`): such a
    bot could never have a model, and its training job would only be rejected."""
    if trained_intents(bot):
        return
    if not bot.intents:
        yield (
            "intents",
            "the bot has no intents: add at least one, with example sentences for the NLU to learn",
        )
        return
    fallback = bot.settings.fallback_intent
    note = f" (the fallback intent {fallback!r} is what no intent matches, and is not learnt)"
    learnt_only_by_fallback = any(i.examples for i in bot.intents if i.id == fallback)
    yield (
        "intents",
        "no intent has example sentences for the NLU to learn: add examples to at least one intent"
        + (note if learnt_only_by_fallback else ""),
    )


def _role_problems(bot: BotDefinition, role: _Role) -> Iterator[Problem]:
    """The setting must name an intent of the bot, unless it keeps its default name, which a bot
    may leave without an intent. The engine answers that intent at once with empty slots (the
    greeting, the fallback and the cancel are never forms), so it may not require parameters."""
    name: str = getattr(bot.settings, role.setting)
    index = next((n for n, i in enumerate(bot.intents) if i.id == name), None)
    if index is None:
        if name != role.default:
            yield f"settings.{role.setting}", _unknown_intent(bot, name, role)
        return
    intent = bot.intents[index]
    for n, param in enumerate(intent.parameters):
        if param.required:
            yield f"intents[{index}].parameters[{n}].required", _asks(intent, param.name, role)


def _unknown_intent(bot: BotDefinition, name: str, role: _Role) -> str:
    close = difflib.get_close_matches(name, [i.id for i in bot.intents], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return (
        f"{name!r} is not an intent of this bot{hint}: name one of its intents, or leave the setting"
        f" out (a bot without an intent named {role.default!r} {role.without})"
    )


def _asks(intent: IntentDef, param: str, role: _Role) -> str:
    return (
        f"intent {intent.id!r} is the bot's {role.setting.replace('_', ' ')}, which {role.does}, so it"
        f" cannot ask for {param!r}: make the parameter optional (required: false) or choose another"
        f" {role.setting}"
    )


_BEFORE_A_PROMPT = frozenset({"corrected", "not_a_choice", "not_understood", "outside_hours", "so_far"})
"""The messages said before a prompt, which may be empty to say nothing: the prompt still answers."""


def _message_problems(messages: Messages) -> Iterator[Problem]:
    """Each message is a template; one said in place of an intent's reply must say something, and
    one said before a prompt is empty or says something (blank, it would send an empty bubble)."""
    for field in msgspec.structs.fields(Messages):
        text: str = getattr(messages, field.name)
        path = f"settings.messages.{field.name}"
        if field.name in _BEFORE_A_PROMPT and text and says_nothing(text):
            yield path, "is blank: write the sentence, or leave it empty to say nothing"
        elif field.name not in _BEFORE_A_PROMPT and says_nothing(text):
            yield path, "is empty: the bot would answer nothing; write the sentence or leave the setting out"
        else:
            problem = template_problem(text)
            if problem is not None:
                yield path, problem


def _choice_problems(bot: BotDefinition) -> Iterator[Problem]:
    """A choice is the only answer its parameter accepts, compared with the value the NLU gives
    (`slots.accept`). A choice that is a synonym of its dictionary entity is read as that synonym's
    value, so unless the value is a choice too, choosing it can never fill the parameter: the bot
    would ask again for ever."""
    for n, intent in enumerate(bot.intents):
        for m, param in enumerate(intent.parameters):
            entity = bot.entity(param.entity)
            if entity is None or not param.choices:
                continue
            value_of = {synonym.casefold(): v.value for v in entity.values for synonym in v.synonyms}
            chosen = {choice.casefold() for choice in param.choices}
            for k, choice in enumerate(param.choices):
                value = value_of.get(choice.casefold())
                if value is not None and value.casefold() not in chosen:
                    yield (
                        f"intents[{n}].parameters[{m}].choices[{k}]",
                        f"{choice!r} is a synonym of {entity.name!r}'s value {value!r}: the NLU reads it as"
                        f" {value!r}, which is not a choice, so choosing it could never fill {param.name!r};"
                        f" make the choice {value!r}",
                    )


def _hours_problems(bot: BotDefinition) -> Iterator[Problem]:
    """A parameter's hours are a range of the built-in time's `HH:MM` values (`hours.in_hours`):
    on any other entity, or as another text, no value could ever be read in them."""
    own_time = bot.entity("time") is not None
    for n, intent in enumerate(bot.intents):
        for m, param in enumerate(intent.parameters):
            problem = None if param.hours is None else hours_problem(param.hours, param.entity, own_time)
            if problem is not None:
                yield f"intents[{n}].parameters[{m}].hours", problem


def _timezone_problems(bot: BotDefinition) -> Iterator[Problem]:
    try:
        check_timezone(bot.settings.timezone)
    except InvalidInputError as exc:
        yield "settings.timezone", str(exc)
