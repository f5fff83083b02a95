"""Rules on a bot as a whole: the NLU has something to learn. Each problem is a (path, message)
pair; `validation` reports them with the rest."""

from __future__ import annotations

from collections.abc import Iterator

from parley_dialogue.definition import BotDefinition, trained_intents

Problem = tuple[str, str]


def bot_problems(bot: BotDefinition) -> Iterator[Problem]:
    yield from untrainable(bot)


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
