"""Turn a decoded document into a `BotDefinition`, reporting every problem at once."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from typing import Any, cast

import msgspec

from parley_dialogue.actions import action_problems
from parley_dialogue.bot_rules import bot_problems
from parley_dialogue.characters import with_refused_characters
from parley_dialogue.definition import (
    BotDefinition,
    EntityDefinition,
    ExampleDef,
    IntentDef,
    ParameterDef,
    SpanDef,
    normalise,
    words_of,
)
from parley_dialogue.patterns import pattern_problem
from parley_dialogue.replies import SEPARATOR, is_blank, says_nothing
from parley_dialogue.shapes import shape_problems, unknown_field
from parley_dialogue.templates import template_problem
from parley_dialogue.webhook_secrets import without_references
from parley_messages import BUILTIN_ENTITIES, MAX_TEXT_CHARS, Button, EntityValueDef
from parley_runtime.errors import InvalidInputError

MAX_INTENTS = 1_000
MAX_EXAMPLES = 50_000
_TRIGGER = re.compile(r"^/([A-Za-z0-9][A-Za-z0-9_.\-]*)")
_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_AUTHORED_WIRE_STRUCTS: tuple[tuple[str, str, type[msgspec.Struct], str], ...] = (
    ("entities", "values", EntityValueDef, "an entity value"),
    ("intents", "buttons", Button, "a button"),
)

_BARE_BUILTIN = (
    "{name!r} is a built-in entity: declared without values, a pattern or annotated examples, it would"
    " replace the built-in with an entity the NLU never finds; remove the declaration to use the built-in"
)
_ANNOTATED_BUILTIN = (
    "{name!r} is a built-in entity, which the NLU finds without annotations; to annotate it, declare"
    " an entity of that name, which replaces the built-in"
)

Problem = dict[str, str]


def build_definition(doc: object) -> BotDefinition:
    """Decode and validate a native document; `InvalidInputError` lists every problem."""
    if not isinstance(doc, dict):
        raise InvalidInputError("a bot definition must be an object", details=[])
    fields = normalise(cast(dict[str, Any], doc))
    try:
        definition = msgspec.convert(fields, BotDefinition)
    except msgspec.ValidationError as exc:
        shapes = [_problem(path, message) for path, message in shape_problems(fields, exc)]
        raise refused(with_refused_characters([*shapes, *_unknown_fields(fields)], fields)) from exc
    problems = with_refused_characters([*_unknown_fields(fields), *validate(definition)], fields)
    if problems:
        raise refused(problems)
    return definition


def refused(problems: list[Problem]) -> InvalidInputError:
    """The error that refuses a definition for `problems`, each at its path."""
    count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
    return InvalidInputError(f"invalid bot definition ({count})", details=problems)


def validate(bot: BotDefinition) -> Iterator[Problem]:
    """Every semantic problem of `bot` (structure was checked when decoding)."""
    if len(bot.intents) > MAX_INTENTS:
        yield _problem("intents", f"at most {MAX_INTENTS} intents")
    if sum(len(i.examples) for i in bot.intents) > MAX_EXAMPLES:
        yield _problem("intents", f"at most {MAX_EXAMPLES} examples in all")
    yield from _duplicates("intents", [i.id for i in bot.intents], "intent id")
    yield from _duplicates("entities", [e.name for e in bot.entities], "entity name")
    annotated = {s.entity for i in bot.intents for e in i.examples for s in e.entities}
    for n, entity in enumerate(bot.entities):
        yield from _entity_problems(f"entities[{n}]", entity, annotated)
    declared = {e.name for e in bot.entities}
    intent_ids = {i.id for i in bot.intents}
    for n, intent in enumerate(bot.intents):
        yield from _intent_problems(f"intents[{n}]", intent, declared, intent_ids)
    for path, message in bot_problems(bot):
        yield _problem(path, message)


def _entity_problems(path: str, entity: EntityDefinition, annotated: set[str]) -> Iterator[Problem]:
    if entity.name in BUILTIN_ENTITIES and entity.is_open and entity.name not in annotated:
        yield _problem(f"{path}.name", _BARE_BUILTIN.format(name=entity.name))
    if entity.pattern is not None:
        yield from _pattern_problems(f"{path}.pattern", entity.pattern)
    named: dict[str, int] = {}  # a value's or synonym's surface form -> the index of its value
    for n, value in enumerate(entity.values):
        where = f"{path}.values[{n}]"
        forms = [("value", value.value), *((f"synonyms[{m}]", s) for m, s in enumerate(value.synonyms))]
        for field, form in forms:
            key = _surface(form)
            if not key:
                yield _problem(f"{where}.{field}", "is empty")
                continue
            first = named.setdefault(key, n)
            if first != n:
                yield _problem(f"{where}.{field}", _named_twice(form, entity.values[first].value, first))


def _named_twice(form: str, other: str, index: int) -> str:
    if _surface(form) == _surface(other):
        return f"{other!r} is already a value of this entity (values[{index}])"
    return f"{form!r} already names {other!r} (values[{index}]): one word names one value of an entity"


def _surface(text: str) -> str:
    """A value or synonym as the NLU looks it up (`parley_nlu.folding.surface_key`): without case
    or accents, words separated by single spaces, a hyphen between two words being one."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_HYPHEN.sub(" ", folded).split())


def _unknown_fields(doc: dict[str, Any]) -> Iterator[Problem]:
    """Misspelt fields of entity values and buttons. Those structs are wire contracts too (the NLU's
    dataset, the chat reply), lenient so that older readers accept newer writers' fields; decoding
    drops what they do not know, so an author's `synonym` for `synonyms` is caught here."""
    for outer, inner, struct, what in _AUTHORED_WIRE_STRUCTS:
        known = struct.__struct_fields__
        for n, parent in _objects(doc.get(outer)):
            for m, item in _objects(parent.get(inner)):
                for key in item:
                    if key not in known:
                        where = f"{outer}[{n}].{inner}[{m}].{key}"
                        yield _problem(where, unknown_field(str(key), known, what))


def _objects(value: object) -> Iterator[tuple[int, dict[str, Any]]]:
    items = cast(list[Any], value) if isinstance(value, list) else []
    return ((n, cast(dict[str, Any], item)) for n, item in enumerate(items) if isinstance(item, dict))


def _intent_problems(
    path: str, intent: IntentDef, declared: set[str], intent_ids: set[str]
) -> Iterator[Problem]:
    yield from _duplicates(f"{path}.parameters", [p.name for p in intent.parameters], "parameter name")
    for n, example in enumerate(intent.examples):
        yield from _example_problems(f"{path}.examples[{n}]", example, declared)
    for n, param in enumerate(intent.parameters):
        yield from _parameter_problems(f"{path}.parameters[{n}]", param, declared, intent.id)
    for n, reply in enumerate(intent.replies):
        silent = f"intent {intent.id!r} would answer nothing with it; write the reply or remove it"
        yield from _variant_problems(f"{path}.replies[{n}]", reply, silent)
    for n, button in enumerate(intent.buttons):
        yield from _button_problems(f"{path}.buttons[{n}]", button, intent.id, intent_ids)
    if intent.action is not None:
        action = intent.action
        yield from _template_problems(f"{path}.action.url", action.url)
        if action.body is not None:
            yield from _template_problems(f"{path}.action.body", action.body)
        for key, value in action.headers.items():  # secret references are no template's
            yield from _template_problems(f"{path}.action.headers.{key}", without_references(value))
        for field, message in action_problems(action):
            yield _problem(f"{path}.action.{field}", message)


def _example_problems(path: str, example: ExampleDef, declared: set[str]) -> Iterator[Problem]:
    text = example.text
    if not text.strip():
        yield _problem(f"{path}.text", "is empty")
    if len(text) > MAX_TEXT_CHARS:
        yield _problem(f"{path}.text", f"longer than {MAX_TEXT_CHARS} characters")
    previous_end = -1
    for n, span in sorted(enumerate(example.entities), key=lambda item: item[1].start):
        where = f"{path}.entities[{n}]"
        if span.entity in BUILTIN_ENTITIES and span.entity not in declared:
            yield _problem(f"{where}.entity", _ANNOTATED_BUILTIN.format(name=span.entity))
        elif span.entity not in declared:
            yield _problem(f"{where}.entity", f"{span.entity!r} is not a declared entity")
        problem = _span_problem(span, text)
        if problem is not None:
            yield _problem(where, problem)
            continue
        if span.text is not None and text[span.start : span.end] != span.text:
            yield _problem(
                where, f"text[{span.start}:{span.end}] is {text[span.start : span.end]!r}, not {span.text!r}"
            )
        if span.start < previous_end:
            yield _problem(where, "overlaps the previous span")
        previous_end = max(previous_end, span.end)


def _span_problem(span: SpanDef, text: str) -> str | None:
    """Why `span` does not cover words of `text` exactly, or None. The NLU would learn a blank span
    as an entity, and the console trims a selection to its words before it annotates them."""
    start, end = span.start, span.end
    named = f"span {start}..{end}"
    if start < 0 or end > len(text):
        return f"{named} is outside the text (length {len(text)})"
    if end < start:
        return f"{named} ends before it starts"
    covered = text[start:end]
    if not covered:
        return f"{named} is empty: annotate the words of the entity"
    if covered.isspace():
        return f"{named} is only whitespace ({covered!r}): annotate the words of the entity"
    first, last = words_of(text, start, end)
    if (first, last) != (start, end):
        words = f"{first}..{last} ({text[first:last]!r})"
        return f"{named} ({covered!r}) starts or ends with whitespace: annotate {words}"
    return None


def _parameter_problems(
    path: str, param: ParameterDef, declared: set[str], intent_id: str
) -> Iterator[Problem]:
    if param.entity is not None and param.entity not in declared and param.entity not in BUILTIN_ENTITIES:
        yield _problem(f"{path}.entity", f"{param.entity!r} is neither a declared nor a built-in entity")
    if param.pattern is not None:
        yield from _pattern_problems(f"{path}.pattern", param.pattern)
    silent = f"intent {intent_id!r} would ask for {param.name!r} with nothing; write the prompt or remove it"
    for n, prompt in enumerate(param.prompt):
        yield from _variant_problems(f"{path}.prompt[{n}]", prompt, silent)
    blank_button = f"is empty: intent {intent_id!r} would show a blank button"
    for n, choice in enumerate(param.choices):  # each choice is also a quick-reply button
        if is_blank(choice):
            yield _problem(f"{path}.choices[{n}]", blank_button)


def _variant_problems(path: str, variant: str, silent: str) -> Iterator[Problem]:
    """A reply or prompt variant that shows nothing is refused as the console refuses it: the
    REST API and imports do not pass through the console."""
    if is_blank(variant):
        yield _problem(path, f"is empty: {silent}")
    elif says_nothing(variant):
        yield _problem(path, f"has nothing but {SEPARATOR!r} separators: {silent}")
    else:
        yield from _template_problems(path, variant)


def _button_problems(path: str, button: Button, intent_id: str, intent_ids: set[str]) -> Iterator[Problem]:
    if is_blank(button.title):
        yield _problem(f"{path}.title", f"is empty: intent {intent_id!r} would show a blank button")
    if is_blank(button.payload):
        yield _problem(f"{path}.payload", f"is empty: a button of intent {intent_id!r} would send nothing")
    else:
        yield from _payload_problems(f"{path}.payload", button.payload, intent_ids)


def _pattern_problems(path: str, pattern: str) -> Iterator[Problem]:
    problem = pattern_problem(pattern)
    if problem is not None:
        yield _problem(path, problem)


def _template_problems(path: str, source: str) -> Iterator[Problem]:
    problem = template_problem(source)
    if problem is not None:
        yield _problem(path, problem)


def _payload_problems(path: str, payload: str, intent_ids: set[str]) -> Iterator[Problem]:
    match = _TRIGGER.match(payload)
    if match and match.group(1) not in intent_ids:
        yield _problem(path, f"triggers {match.group(1)!r}, which is not an intent of this bot")


def _duplicates(path: str, names: list[str], what: str) -> Iterator[Problem]:
    for name, count in Counter(names).items():
        if count > 1:
            yield _problem(path, f"duplicate {what} {name!r} ({count} times)")


def _problem(path: str, message: str) -> Problem:
    return {"path": path, "message": message}


def problems_of(doc: dict[str, Any]) -> list[Problem]:
    """The problems of a native document (empty when it is valid); for tests and linting tools."""
    try:
        build_definition(doc)
    except InvalidInputError as exc:
        details: Any = exc.details
        return cast(list[Problem], details)
    return []
