"""The native bot definition: what a bot author writes (JSON or YAML) and what `bots` stores.

Loose shapes that authors may use (an example as a plain string, a prompt as one string) are
normalised on decode, so the rest of the service sees one canonical form.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

import msgspec

from parley_messages import Button, EntityDef, EntityValueDef, Example, IntentExamples, NluDataset, Span

Name = Annotated[
    str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*(?!\n)$")
]
Interruption = Literal["resume", "drop"]
ChatAccess = Literal["public", "key"]
HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
ActionMode = Literal["call", "notify"]
SlotPlacement = Literal["query", "form"]

MAX_ACTION_TIMEOUT_SECONDS = 10
"""The longest an action's webhook may take; the gateway's turn deadline
(`GATEWAY_UPSTREAM_TIMEOUT_SECONDS`) is longer, so a slow webhook ends in the failure reply."""

FREE_TEXT = None
"""A parameter whose `entity` is None takes the user's whole reply to its prompt."""


class _Strict(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """User-authored documents: a misspelt field is an error, not silently ignored."""


class Messages(_Strict, frozen=True, kw_only=True):
    """What the bot says where none of its intents speaks: Jinja templates, as replies are, which
    see `context` and `parameters` (alias `slots`) and the variables each names."""

    corrected: str = "OK, {{ value }} instead of {{ previous }}."
    """Said when a reply replaced a parameter's value, before the form goes on: `parameter` (its
    name), `value` and `previous` (lists as "a, b"). Empty: nothing is said."""
    not_a_choice: str = "Sorry, {{ value }} is not one of the options."
    """Said before a parameter is asked for again because its choices do not offer `value`.
    Empty: only the prompt is repeated."""
    not_understood: str = (
        "Sorry, I didn't understand that."
        "{% if options %} The options are {{ options | join(', ') }}"
        "{% if more %} and {{ more }} more{% endif %}.{% endif %}"
    )
    """Said before a prompt is repeated because the reply gave nothing the form could take:
    `options` (up to five of the parameter's choices, or else of its entity's values; none for a
    built-in, pattern or free-text parameter) and `more` (how many others). Empty: only the prompt
    is repeated."""
    outside_hours: str = "Sorry, {{ value }} is not between {{ earliest }} and {{ latest }}."
    """Said before a time parameter is asked for again because `value` lies outside its `hours`
    (`earliest` and `latest`, `HH:MM`; also `parameter`). Empty: only the prompt is repeated."""
    so_far: str = (
        "{% if chosen %}So far: {{ chosen | join(', ') }}.{% else %}Nothing is chosen yet.{% endif %}"
    )
    """Said before the prompt when a reply asks what has been chosen so far: `chosen` (the form's
    filled parameters, each as "name value", in their order). Empty: only the prompt is repeated."""
    action_failed: str = "Service is not available. Please try again later."
    """Said when an intent's webhook failed or could not be queued; the form's values are kept,
    and trying again runs it again. It must say something."""


class Settings(_Strict, frozen=True, kw_only=True):
    fallback_threshold: Annotated[float, msgspec.Meta(ge=0.0, le=1.0)] = 0.5
    """Below this intent confidence the bot answers with the fallback intent."""
    welcome_intent: str = "init_conversation"
    """The intent whose replies greet a new conversation (absent: no greeting)."""
    fallback_intent: str = "fallback"
    """The intent whose replies answer what the bot did not understand."""
    cancel_intent: str = "cancel"
    """The intent that abandons the form being filled."""
    interruption: Interruption = "resume"
    """When another intent interrupts a form: `resume` asks for the form again, `drop` abandons it."""
    chat_access: ChatAccess = "public"
    """`public`: anyone may chat with the bot; `key`: the gateway asks for an API key (chat scope)."""
    timezone: str | None = None
    """The IANA time zone ("Europe/Berlin") in which relative dates ("tomorrow") are read when a
    message names none (the widget names the browser's; a REST client may not). None: UTC."""
    messages: Messages = Messages()
    """The built-in sentences, each of which a bot may word its own way."""


class SpanDef(_Strict, frozen=True, kw_only=True):
    """An annotated entity in an example. `value` is the normalised value (a synonym's canonical
    value); `text`, when given, must equal the annotated characters."""

    entity: str
    start: int
    end: int
    value: str | None = None
    text: str | None = None


class ExampleDef(_Strict, frozen=True, kw_only=True):
    text: str
    entities: list[SpanDef] = []


class ParameterDef(_Strict, frozen=True, kw_only=True):
    name: Name
    entity: str | None = FREE_TEXT
    required: bool = True
    prompt: list[str] = []
    multiple: bool = False
    choices: list[str] = []
    pattern: str | None = None
    hours: str | None = None
    """For the built-in `time`: the times it takes, `HH:MM-HH:MM` ("08:00-20:00", both included;
    "18:00-02:00" runs past midnight). A time said without am/pm outside them is read in the other
    half of the day when that is inside ("at 3" is 15:00); any other time outside is refused
    (`settings.messages.outside_hours`)."""


class ActionDef(_Strict, frozen=True, kw_only=True):
    """A webhook called when the intent is complete; its JSON answer is `result` in the replies."""

    url: str
    method: HttpMethod = "POST"
    headers: dict[str, str] = {}
    body: str | None = None
    json: bool = True
    send_slots: bool | SlotPlacement = False
    """Without a body, send the slots: `query` (the query string), `form`, or `true` (the query
    string for GET, a form otherwise). ACF imports use `query`, as ACF does for every method."""
    timeout: Annotated[float, msgspec.Meta(gt=0, le=MAX_ACTION_TIMEOUT_SECONDS)] = 5.0
    """Seconds the whole call may take (connecting to the answer's last byte); past it the intent
    answers "Service is not available. Please try again later."."""
    mode: ActionMode = "call"
    """`call`: the turn waits for the answer, which the replies see as `result`. `notify`: the
    request is queued and the replies render at once (`result` is empty); the notification
    worker delivers it, retrying transient failures."""
    sign: str | None = None
    """The name of an operator's secret (`PARLEY_WEBHOOK_SECRETS`) that signs each request, sent
    as `X-Parley-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "t.Idempotency-Key.body">`."""


class IntentDef(_Strict, frozen=True, kw_only=True):
    id: Name
    name: str = ""
    examples: list[ExampleDef] = []
    parameters: list[ParameterDef] = []
    replies: list[str] = []
    buttons: list[Button] = []
    action: ActionDef | None = None

    def parameter(self, name: str) -> ParameterDef | None:
        return next((p for p in self.parameters if p.name == name), None)


class EntityDefinition(_Strict, frozen=True, kw_only=True):
    name: Name
    values: list[EntityValueDef] = []
    pattern: str | None = None

    @property
    def is_open(self) -> bool:
        """No dictionary and no pattern: any text the NLU learns from the examples (ACF style)."""
        return not self.values and self.pattern is None


class BotDefinition(_Strict, frozen=True, kw_only=True):
    name: Name
    description: str = ""
    settings: Settings = Settings()
    intents: list[IntentDef] = []
    entities: list[EntityDefinition] = []

    def intent(self, intent_id: str | None) -> IntentDef | None:
        return next((i for i in self.intents if i.id == intent_id), None)

    def entity(self, name: str | None) -> EntityDefinition | None:
        return next((e for e in self.entities if e.name == name), None)


def normalise(doc: dict[str, Any]) -> dict[str, Any]:
    """Rewrite the loose shapes authors may use into the canonical one (does not validate)."""
    out = dict(doc)
    intents: Any = out.get("intents")
    if isinstance(intents, list):
        out["intents"] = [
            _normalise_intent(cast(dict[str, Any], i)) if isinstance(i, dict) else i
            for i in cast(list[Any], intents)
        ]
    return out


def _normalise_intent(intent: dict[str, Any]) -> dict[str, Any]:
    out = dict(intent)
    examples: Any = out.get("examples")
    if isinstance(examples, list):
        out["examples"] = [{"text": e} if isinstance(e, str) else e for e in cast(list[Any], examples)]
    if isinstance(out.get("replies"), str):
        out["replies"] = [out["replies"]]
    params: Any = out.get("parameters")
    if isinstance(params, list):
        out["parameters"] = [
            _normalise_parameter(cast(dict[str, Any], p)) if isinstance(p, dict) else p
            for p in cast(list[Any], params)
        ]
    return out


def _normalise_parameter(param: dict[str, Any]) -> dict[str, Any]:
    out = dict(param)
    if isinstance(out.get("prompt"), str):
        out["prompt"] = [out["prompt"]]
    return out


def to_document(definition: BotDefinition) -> dict[str, Any]:
    """The definition as plain JSON-able data (what `bots` stores and `GET` exports)."""
    doc: dict[str, Any] = msgspec.to_builtins(definition)
    for intent in doc.get("intents", []):
        intent["examples"] = [e["text"] if list(e) == ["text"] else e for e in intent.get("examples", [])]
    return doc


def trained_intents(definition: BotDefinition) -> list[IntentDef]:
    """The intents the NLU learns: those with examples, except the fallback intent, which is what
    no intent matches. The trainer refuses a dataset without any, so saving refuses such a bot."""
    fallback = definition.settings.fallback_intent
    return [i for i in definition.intents if i.id != fallback and i.examples]


def to_dataset(definition: BotDefinition) -> NluDataset:
    """What the NLU trainer needs: examples with spans, entity dictionaries, the threshold."""
    intents = [
        IntentExamples(name=i.id, examples=[_example(e) for e in i.examples])
        for i in trained_intents(definition)
    ]
    entities = [EntityDef(name=e.name, values=e.values, pattern=e.pattern) for e in definition.entities]
    return NluDataset(
        bot=definition.name,
        intents=intents,
        entities=entities,
        fallback_threshold=definition.settings.fallback_threshold,
    )


def words_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The span `start..end` of `text` without the whitespace at its ends: empty when it is blank."""
    covered = text[start:end]
    first = start + len(covered) - len(covered.lstrip())
    return first, max(first, start + len(covered.rstrip()))


def _example(example: ExampleDef) -> Example:
    """The example as the NLU learns it: a span is its words (a bot saved before spans were
    checked may have a padded or blank one, which would teach the NLU whitespace)."""
    text = example.text.rstrip()
    spans: list[Span] = []
    for s in sorted(example.entities, key=lambda s: s.start):
        start, end = words_of(text, max(s.start, 0), min(s.end, len(text)))
        if start < end:
            spans.append(Span(entity=s.entity, start=start, end=end, value=s.value))
    return Example(text=text, spans=spans)
