"""Slot filling: a turn's values shared among a form's parameters, from the entities the NLU found
and from a reply to a prompt; what each parameter takes is `acceptance`'s."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

from parley_dialogue.acceptance import accept, from_reply, restricted
from parley_dialogue.definition import BotDefinition, IntentDef, ParameterDef
from parley_dialogue.hours import half_of_day_said
from parley_messages import BUILTIN_ENTITIES, EntityValue

EVIDENT = frozenset({"date", "time"})
"""Built-in entities whose values cannot be a misread answer to another type's prompt: a day or a
clock time the user wrote, where a number may be a day the NLU could not read ("5")."""


def missing(intent: IntentDef, slots: dict[str, Any]) -> list[str]:
    """Required parameters without a value, in declaration order."""
    return [p.name for p in intent.parameters if p.required and slots.get(p.name) in (None, "", [])]


class Filling(NamedTuple):
    """What a turn's entities and reply did to a form's slots."""

    slots: dict[str, Any]
    answered: bool
    """Whether the prompted parameter got a value this turn."""
    refused: list[tuple[str, Any]]
    """(parameter, value) for each value of the turn that no parameter took because the choices of
    a parameter that would have taken it refuse it, in filling order; never the prompted parameter
    (`refused_choice` reads its refusals, from the reply too)."""
    held: list[str]
    """Filled parameters whose value the reply named again ("large" where the size is large): the
    reply was understood, though it changed nothing."""


def fill(
    intent: IntentDef,
    bot: BotDefinition,
    slots: dict[str, Any],
    entities: list[EntityValue],
    *,
    prompted: str | None = None,
    reply: str | None = None,
    restated: bool = False,
    corrects: bool = False,
    text: str = "",
) -> Filling:
    """New slots, whether the prompted parameter got a value this turn, and the values refused.

    Entities go to parameters of their type: the prompted parameter first, then missing ones,
    then filled ones (a correction). A built-in entity's value (a number, a date...) corrects a
    filled parameter when the reply `restated` the intent, but not by chance: numbers turn up in
    answers to other questions, and "5" at a date prompt is a day the NLU could not read as one,
    not a new quantity. For the same reason, at a prompt, a built-in value fills another missing
    parameter only when the reply restated the intent or answered the prompt with a value in it
    ("large, for 2" at the size prompt gives the quantity too; "5" at the date prompt gives
    nothing, nor does "12 Main Street", all of it the address, at the address prompt). A value of
    the bot's own entities is the author's word for its parameter, so it corrects ("actually make
    it a margherita").

    Where the prompt reads only a value of its own entity (not free text or an open entity, which
    take the whole reply), two more are no accident: a date or a time that the prompted parameter
    cannot take ("3 December" at the time prompt is no misread time) goes to its parameter,
    missing or filled; and a reply that `corrects` ("no, make it 3", see `cues`) replaces a filled
    parameter with a built-in value of its type. A correction takes a value other than the one it
    replaces ("not Monday, Tuesday").

    If the prompted parameter got no entity, `reply` (the user's whole text) is tried against it,
    unless a value of the bot's own entities went to another parameter: "actually make it in Delhi"
    at the cuisine prompt is a location, not a cuisine, and the cuisine is asked for again.

    A value a parameter's choices or hours refuse stays for the next parameter of its entity; one
    that no parameter takes is `refused` for the first that refused it, where that parameter would
    have taken an accepted value (not, then, when the whole reply answered the prompt). `text` is
    what the entities were read from: a time said there without its half of the day is `loose`.
    """
    pool: dict[str, list[tuple[int, Any]]] = defaultdict(list)
    loose: set[int] = set()
    for index, entity in enumerate(sorted(entities, key=lambda e: e.start)):
        pool[entity.entity].append((index, entity.value))
        if entity.entity == "time" and not half_of_day_said(text, entity):
            loose.add(index)
    out = dict(slots)
    filled: list[ParameterDef] = []
    refusers: dict[int, ParameterDef] = {}
    held: list[str] = []
    prompted_param = intent.parameter(prompted) if prompted else None
    reach = _Reach(bot, slots, prompted_param, restated=restated, corrects=corrects)
    for param in _in_filling_order(intent, slots, prompted, reach):
        avoid = slots.get(param.name) if reach.replaces(param) else None
        value = _take(param, pool, refusers, loose, avoid=avoid, held=held)
        if value is not None:
            out[param.name] = value
            filled.append(param)
    answered = any(param.name == prompted for param in filled)
    elsewhere = any(param.name != prompted and not _is_builtin(param, bot) for param in filled)
    whole_reply = False
    if prompted_param is not None and not answered and not elsewhere and reply is not None:
        value = from_reply(prompted_param, bot, reply)
        if value is not None:
            out[prompted_param.name] = [value] if prompted_param.multiple else value
            answered = True
            whole_reply = _reads_whole_reply(prompted_param, bot)
    gap = prompted is not None and not restated and (whole_reply or not answered)
    if gap:
        for param in filled:
            if param.name != prompted and _is_builtin(param, bot) and not reach.loosened(param):
                _restore(out, slots, param.name)  # a gap: `_in_filling_order`
    left = sorted(item for values in pool.values() for item in values)
    refused = [
        (refusers[index].name, value)
        for index, value in left
        if index in refusers
        and refusers[index].name != prompted
        and not (gap and (whole_reply or reach.bound(refusers[index])))
    ]
    return Filling(out, answered, refused, held)


def reopened(
    slots: dict[str, Any], before: dict[str, Any], refused: Sequence[tuple[str, Any]]
) -> dict[str, Any]:
    """`slots` without the values of the parameters a value was `refused` for that took nothing
    this turn: "make it purple" refused where the colour was red asks for the colour again, rather
    than keeping a colour the user has just said they do not want."""
    names = {name for name, _ in refused}
    return {
        name: value
        for name, value in slots.items()
        if name not in names or name not in before or value != before[name]
    }


def _reads_whole_reply(param: ParameterDef, bot: BotDefinition) -> bool:
    """Whether `from_reply` gives `param` the whole reply: free text or an open entity."""
    if param.entity is None:
        return True
    entity = bot.entity(param.entity)
    return entity is not None and entity.is_open


class _Reach:
    """Which parameters a turn's built-in values may go to besides the prompted one (see `fill`)."""

    def __init__(
        self,
        bot: BotDefinition,
        slots: dict[str, Any],
        prompted: ParameterDef | None,
        *,
        restated: bool,
        corrects: bool,
    ) -> None:
        self._bot, self._slots, self._prompted = bot, slots, prompted
        self._restated, self._corrects = restated, corrects

    def loosened(self, param: ParameterDef) -> bool:
        """Whether a built-in value goes to `param` although the reply neither restated the intent
        nor answered the prompt: it cannot be a misread answer (`EVIDENT`), or it corrects."""
        prompted = self._prompted
        if prompted is None or param.name == prompted.name or _reads_whole_reply(prompted, self._bot):
            return False
        if param.entity in EVIDENT and param.entity != prompted.entity:
            return True
        return self._corrects and _has_value(self._slots, param.name)

    def bound(self, param: ParameterDef) -> bool:
        """Whether `param` takes a value only when the reply restated the intent or answered."""
        return _is_builtin(param, self._bot) and not self.loosened(param)

    def correctable(self, param: ParameterDef) -> bool:
        """Whether a filled `param` may take a new value this turn."""
        return self._restated or not _is_builtin(param, self._bot) or self.loosened(param)

    def replaces(self, param: ParameterDef) -> bool:
        """Whether a value for `param` would replace one it holds (a correction, not an answer)."""
        prompted = self._prompted
        return (prompted is None or param.name != prompted.name) and _has_value(self._slots, param.name)


def _has_value(slots: dict[str, Any], name: str) -> bool:
    return slots.get(name) not in (None, "", [])


def _restore(out: dict[str, Any], slots: dict[str, Any], name: str) -> None:
    if name in slots:
        out[name] = slots[name]  # "" or [], which count as missing
    else:
        del out[name]


def _in_filling_order(
    intent: IntentDef, slots: dict[str, Any], prompted: str | None, reach: _Reach
) -> list[ParameterDef]:
    """The parameters an entity may go to, in the order they take one: the prompted one, the missing
    ones, then the filled ones that may be corrected."""
    gaps = set(missing(intent, slots)) | {p.name for p in intent.parameters if p.name not in slots}

    def rank(param: ParameterDef) -> int:
        return 0 if param.name == prompted else 1 if param.name in gaps else 2

    def takes(param: ParameterDef) -> bool:
        return rank(param) < 2 or reach.correctable(param)

    return sorted((p for p in intent.parameters if p.entity is not None and takes(p)), key=rank)


def _is_builtin(param: ParameterDef, bot: BotDefinition) -> bool:
    """Whether the parameter takes one of the NLU's built-in entities (not replaced by the bot's own)."""
    return param.entity in BUILTIN_ENTITIES and bot.entity(param.entity) is None


def _take(
    param: ParameterDef,
    pool: dict[str, list[tuple[int, Any]]],
    refusers: dict[int, ParameterDef],
    loose: set[int],
    *,
    avoid: Any = None,
    held: list[str] | None = None,
) -> Any:
    """The parameter's value from its entity's values in `pool`, which loses the values it took;
    each value its choices refuse stays there, and `refusers` remembers the first to refuse it.
    A correction `avoid`s the value it replaces: the parameter has it already, so it is taken
    (gone from `pool`) but gives nothing, and the parameter is `held`."""
    candidates = pool.get(param.entity or "", [])
    accepted: list[Any] = []
    left: list[tuple[int, Any]] = []
    for index, value in candidates:
        stored = None if accepted and not param.multiple else accept(param, value, loose=index in loose)
        if stored is not None and avoid is not None and stored == avoid:
            if held is not None and param.name not in held:
                held.append(param.name)
            continue
        if stored is None:
            left.append((index, value))
            if restricted(param) and (param.multiple or not accepted):  # refused, not left over
                refusers.setdefault(index, param)
        elif stored not in accepted:
            accepted.append(stored)
    candidates[:] = left
    if not accepted:
        return None
    return accepted if param.multiple else accepted[0]
