"""A turn being answered (`Turn`), and how it ends once the engine has read it: the form asks for
its next parameter, first saying what the turn changed or could not take (`proceed`), or the
intent completes with its replies or, when it has a webhook, the action to call (`complete`).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec

from parley_dialogue import notices
from parley_dialogue.conversation import ConversationState, Outcome, PendingAction
from parley_dialogue.definition import BotDefinition, IntentDef, ParameterDef
from parley_dialogue.replies import NOTHING, Rendered, prompt_for, say, template_variables
from parley_dialogue.slots import missing, reopened
from parley_messages import EntityValue, IntentScore


@dataclass
class Turn:
    """One turn as the engine reads it: the bot, the conversation, and the intent, entities and
    payload taken from what the user said, which the engine revises as it reads the turn (a trigger,
    the open form's intent chosen for an answer)."""

    bot: BotDefinition
    state: ConversationState
    score: IntentScore
    entities: list[EntityValue]
    text: str
    rng: random.Random
    ranking: list[IntentScore] = field(default_factory=list[IntentScore])
    payload: dict[str, Any] = field(default_factory=dict[str, Any])
    triggered: bool = False
    source: str = "nlu"
    recap: bool = False
    """The reply asks what the form holds so far: said before the prompt."""

    def chosen(self, intent: IntentDef) -> None:
        """`intent` is the turn's though the NLU did not choose it: its score is the NLU's for it
        (0 when not ranked), so a reply shows the NLU's real confidence beside its ranking."""
        if self.triggered:
            return
        score = next((s.confidence for s in self.ranking if s.name == intent.id), 0.0)
        self.score, self.source = IntentScore(name=intent.id, confidence=score), "form"

    @property
    def settings(self) -> Any:
        return self.bot.settings

    def variables(self, slots: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, Any]:
        """What the templates of the turn's prompts and replies see."""
        return template_variables(
            slots, context, conversation_id=self.state.conversation_id, bot=self.bot.name
        )

    def outcome(self, rendered: Rendered, **fields: Any) -> Outcome:
        """What the turn answers: `rendered`, with the intent and entities as read."""
        return Outcome(
            messages=rendered.messages,
            intent=self.score,
            entities=self.entities,
            problems=rendered.problems,
            intent_source=self.source,
            **fields,
        )


def proceed(
    turn: Turn,
    intent: IntentDef,
    slots: dict[str, Any],
    *,
    fallback: bool = False,
    refused: Sequence[tuple[str, Any]] = (),
    lost: bool = False,
) -> tuple[ConversationState, Outcome]:
    """Ask for the first missing parameter, or complete. A value that replaced another is said
    first (`corrected`). A value a parameter's choices `refused` is named next, and its parameter
    asked for next: one that kept an earlier value loses it, since the user asked for something
    else (`reopened`). A reply the form could take nothing from (`lost`) is said to be so."""
    before, context, rng = turn.state.slots, turn.state.context, turn.rng
    today = turn.state.updated_at.date()
    slots = reopened(slots, before, refused)
    said = notices.corrected(turn.bot, intent, before, slots, context, rng=rng, today=today)
    gaps = missing(intent, slots)
    if not gaps:
        return complete(turn, intent, slots, fallback=fallback, said=said)
    ask = declared(intent, next((name for name, _ in refused if name in gaps), gaps[0]))
    for name, value in refused:
        said += notices.refused(turn.bot, declared(intent, name), value, slots, context, rng=rng, today=today)
    if turn.recap:
        said += notices.so_far(turn.bot, intent, slots, context, rng, today=today)
    if lost:
        said += notices.not_understood(turn.bot, ask, slots, context, rng, today=today)
    rendered = said + prompt_for(ask, turn.variables(slots, context), rng)
    state = msgspec.structs.replace(
        turn.state, active_intent=intent.id, slots=slots, missing=gaps, prompted=ask.name
    )
    outcome = turn.outcome(rendered, slots=slots, missing_slots=gaps, complete=False, fallback=fallback)
    return state, outcome


def complete(
    turn: Turn, intent: IntentDef, slots: dict[str, Any], *, fallback: bool = False, said: Rendered = NOTHING
) -> tuple[ConversationState, Outcome]:
    """Close the form of `intent`: its replies, after what was `said`; or, when it has a webhook,
    the action to call, whose answer `completion.finish` renders the replies with."""
    failed = turn.state.failed_action
    if failed is not None and intent.id in (failed.intent, turn.settings.cancel_intent):
        failed = None  # run again now, or abandoned
    state = msgspec.structs.replace(
        turn.state,
        active_intent=None,
        slots={},
        missing=[],
        prompted=None,
        last_intent=intent.id,
        failed_action=failed,
    )
    if intent.action is not None:
        action = PendingAction(intent=intent.id, slots=slots, context=turn.state.context)
        return state, turn.outcome(said, slots=slots, fallback=fallback, action=action)
    rendered = said + say(intent.replies, turn.variables(slots, turn.state.context), turn.rng, intent.buttons)
    return state, turn.outcome(rendered, slots=slots, fallback=fallback)


def declared(intent: IntentDef, name: str) -> ParameterDef:
    param = intent.parameter(name)
    assert param is not None, "missing() only names declared parameters"
    return param
