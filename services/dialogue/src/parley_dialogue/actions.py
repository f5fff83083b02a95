"""An intent's action: what saving refuses, and the webhook request it becomes (pure: no I/O).

What the templates print is escaped for where it lands (`escaping.py`): URL-encoded in the URL,
JSON-escaped in a JSON body, so a user's reply cannot add query parameters or JSON fields. The
templates' filters see the values as they are; `urlencode` in the URL and `tojson` in a JSON body
escape them themselves.

Templates never decide where a request goes: a URL's scheme, host and port are written out before
its first template (saving checks it, building checks it again for bots stored before), since a
chat user's `context` and replies would otherwise pick the host that gets the author's headers. A
rendered path with a `.` or `..` segment is refused: clients, proxies and servers resolve those
away, percent-encoded or not, so a reply of `..` would reach another path of the API. A header is
sent only as HTTP can carry it: a token name, a value of visible ASCII, spaces and tabs.

A header may name an operator's secret, `Bearer {{ secrets.SHOP_TOKEN }}`, beside literal text
only: the reference is kept as written and the webhook adapter puts the value in as it sends
(`webhook_secrets.py`). Nothing else may put a reference in a header: a value a template printed,
or an id a caller gave, that reads as one is refused, so a user cannot have another secret sent.

Every request also says where it comes from (`stamped`): the bot, the conversation, the turn's
correlation id and an idempotency key that a retry of the same values keeps, since a call that
timed out may still have been carried out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

import msgspec

from parley_dialogue.conversation import PendingAction
from parley_dialogue.definition import ActionDef
from parley_dialogue.errors import WebhookRefused
from parley_dialogue.ports import WebhookRequest
from parley_dialogue.replies import template_variables
from parley_dialogue.templates import literal_start, literal_texts, render
from parley_dialogue.webhook_secrets import (
    NAME,
    REFERENCE,
    SECRET_NAME_RULE,
    SIGNATURE_HEADER,
    reference,
    references,
    without_references,
)

TEMPLATED_ORIGIN = (
    "a template may not print the scheme, host or port of a webhook URL: write them out"
    " (https://api.example.com/...) and let templates fill path segments and query values"
)
DOT_SEGMENT = "has a '.' or '..' path segment, which would be resolved away: write the path it means"
_SCHEMES = ("http://", "https://")
_ORIGIN = re.compile(r"https?://[^/?#]*[/?#]")
"""A scheme and an authority, ended where the path, the query or the fragment starts."""
_SEGMENT_SEPARATORS = re.compile(r"[/\\]")
"""`\\` too: some servers read it as `/`."""
_HEADER_NAME = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
_HEADER_TEXT = re.compile(r"[\t\x20-\x7e]*")
_FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding"})
IDEMPOTENCY_HEADER = "idempotency-key"
CONVERSATION_HEADER = "x-parley-conversation-id"
BOT_HEADER = "x-parley-bot"
CORRELATION_HEADER = "x-correlation-id"
NAMED_BESIDE_TEMPLATES = (
    "names a secret beside a template: a header naming a secret holds only text besides"
    " (`Bearer {{ secrets.SHOP_TOKEN }}`)"
)


def build_request(
    action: ActionDef, pending: PendingAction, *, bot: str = "", conversation_id: str = ""
) -> WebhookRequest:
    """The webhook request for a completed intent of `bot` in a conversation; `TemplateError` if a
    template fails, `WebhookRefused` if the request could not go out as its author meant."""
    if origin_problem(action.url) is not None:
        raise WebhookRefused(TEMPLATED_ORIGIN)
    variables = template_variables(pending.slots, pending.context, conversation_id=conversation_id, bot=bot)
    url = render(action.url, variables, landing="url").strip()
    if not url.startswith(_SCHEMES):
        raise WebhookRefused("the webhook URL must start with http:// or https://")
    if has_dot_segment(urlsplit(url).path):
        raise WebhookRefused(f"the webhook URL {DOT_SEGMENT}")
    headers = {name: _header(name, value, variables) for name, value in action.headers.items()}
    body: bytes | None = None
    if action.body is not None:
        body = render(action.body, variables, landing="json" if action.json else "text").encode()
        if not any(name.lower() == "content-type" for name in headers):  # authors write `Content-Type`
            headers["content-type"] = "application/json" if action.json else "text/plain"
    if action.sign is not None:
        headers = {k: v for k, v in headers.items() if k.lower() != SIGNATURE_HEADER}
        headers[SIGNATURE_HEADER] = reference(action.sign)  # signed by the adapter as it sends
    placement = _slot_placement(action) if body is None else None
    slots = {k: _flat(v) for k, v in pending.slots.items()} if placement else {}
    return WebhookRequest(
        method=action.method,
        url=url,
        headers=headers,
        params=slots if placement == "query" else {},
        form=slots if placement == "form" else {},
        body=body,
        timeout=action.timeout,
    )


def stamped(
    request: WebhookRequest, *, bot: str, conversation_id: str, key: str, correlation_id: str | None
) -> WebhookRequest:
    """`request` with the headers Parley sends on every webhook, `call` and `notify` alike. A
    header of the same name the author wrote is sent instead (any case), as notifications did."""
    ours = {
        IDEMPOTENCY_HEADER: key,
        CONVERSATION_HEADER: conversation_id,
        BOT_HEADER: bot,
        CORRELATION_HEADER: correlation_id or "",
    }
    written = {name.lower() for name in request.headers}
    added = {
        name: value
        for name, value in ours.items()
        if value and name not in written and _sendable(name, value)  # a caller's odd id
    }
    return msgspec.structs.replace(request, headers={**request.headers, **added})


def action_problems(action: ActionDef) -> Iterator[tuple[str, str]]:
    """(field, message) for what would fail on every turn; what templates print is checked when
    the request is built. Template syntax and safety are checked with the other templates."""
    problem = _url_problem(action.url)
    if problem is not None:
        yield "url", problem
    if action.sign is not None and not NAME.fullmatch(action.sign):
        yield "sign", f"names the secret {action.sign!r}: {SECRET_NAME_RULE}"
    for name, value in action.headers.items():
        texts = (header_text_problem(text) for text in literal_texts(value))
        problem = header_name_problem(name) or _secret_problem(name, value) or next(filter(None, texts), None)
        if problem is not None:
            yield f"headers.{name}", problem


def origin_problem(url: str) -> str | None:
    """Why a template of `url` (an action's URL) would print its scheme, host or port; None when
    they are written out before its first template, or it has none."""
    text = url.strip()
    literal = literal_start(text)
    return None if literal == text or _ORIGIN.match(literal) else TEMPLATED_ORIGIN


def has_dot_segment(path: str) -> bool:
    """Whether `path`, percent-decoded as a server may decode it, has a `.` or `..` segment."""
    return any(segment in (".", "..") for segment in _SEGMENT_SEPARATORS.split(unquote(path)))


def header_name_problem(name: str) -> str | None:
    """Why `name` cannot name a webhook header; None when it can."""
    if not _HEADER_NAME.fullmatch(name):
        return "is not a header name: HTTP allows letters, digits and !#$%&'*+-.^_`|~"
    if name.lower() in _FRAMING_HEADERS:
        return "is set by the webhook client from the body; remove it"
    return None


def header_text_problem(text: str) -> str | None:
    """Why `text` cannot be (part of) a header value; None when it can."""
    if _HEADER_TEXT.fullmatch(text):
        return None
    return (
        "holds a character HTTP headers cannot carry (only visible ASCII, spaces and tabs):"
        " URL-encode such text (`| urlencode`) or send it in the body"
    )


def header_problem(name: str, value: str) -> str | None:
    """Why HTTP cannot carry the header `name: value` exactly as it stands; None when it can."""
    problem = header_name_problem(name) or header_text_problem(value)
    if problem is None and value != value.strip(" \t"):
        return "begins or ends with a space or tab"
    return problem


def _url_problem(url: str) -> str | None:
    """`http://` or `https://` and a host that parses, written out (decision 47, narrowed), and no
    dot segment in the literal path."""
    text = url.strip()
    if not text:
        return "is empty: a webhook needs an http:// or https:// URL"
    literal = literal_start(text)
    templated = literal != text
    if not literal.startswith(_SCHEMES):
        if templated and any(scheme.startswith(literal) for scheme in _SCHEMES):
            return TEMPLATED_ORIGIN
        return f"must start with http:// or https://, not {_shortened(text)!r}"
    scheme, rest = literal.split("://", 1)
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    return origin_problem(text) or _host_problem(scheme, authority) or _path_problem(literal, templated)


def _host_problem(scheme: str, authority: str) -> str | None:
    try:
        parts = urlsplit(f"{scheme}://{authority}")
        parts.port  # noqa: B018 - raises ValueError for a port that is no number or out of range
    except ValueError as exc:
        return f"is not a valid URL: {exc}"
    if not parts.hostname:
        return "has no host"
    if any(c.isspace() for c in authority):
        return "has a space in its host"
    return None


def _path_problem(literal: str, templated: bool) -> str | None:
    path = urlsplit(literal).path
    if templated and literal.endswith(path):  # its last segment goes on in the template
        path = path.rpartition("/")[0]
    return DOT_SEGMENT if has_dot_segment(path) else None


def _shortened(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:40]}…"


def _secret_problem(name: str, value: str) -> str | None:
    """Why the secrets `value` names cannot be sent as written; None when they can (or it names none)."""
    if name.lower() == SIGNATURE_HEADER:
        return "is Parley's signature header: name the secret to sign with in the action's `sign`"
    named = references(value)
    wrong = next((n for n in named if not NAME.fullmatch(n)), None)
    if wrong is not None:
        return f"names the secret {wrong!r}: {SECRET_NAME_RULE}"
    if named and literal_start(without_references(value)) != without_references(value):
        return NAMED_BESIDE_TEMPLATES
    return None


def _header(name: str, source: str, variables: dict[str, Any]) -> str:
    """A header's value as sent: a value naming secrets as written, any other rendered."""
    if references(source):
        rest = without_references(source)
        if literal_start(rest) != rest:  # stored before saving refused it
            raise WebhookRefused(f"webhook header {name!r} {NAMED_BESIDE_TEMPLATES}")
        return _header_value(name, source)
    value = _header_value(name, render(source, variables))
    if REFERENCE.search(value):
        raise WebhookRefused(f"webhook header {name!r} printed a reference to a secret: only text names one")
    return value


def _sendable(name: str, value: str) -> bool:
    return header_problem(name, value) is None and not REFERENCE.search(value)


def _header_value(name: str, rendered: str) -> str:
    """A rendered value without line breaks (a reply may not add headers) and outer whitespace
    (no part of a value in HTTP), if HTTP can carry what is left."""
    value = rendered.replace("\r", "").replace("\n", "").strip(" \t")
    problem = header_problem(name, value)
    if problem is not None:
        raise WebhookRefused(f"webhook header {name!r} {problem}")
    return value


def _slot_placement(action: ActionDef) -> str | None:
    if action.send_slots is True:
        return "query" if action.method == "GET" else "form"
    return action.send_slots or None


def _flat(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)  # pyright: ignore[reportUnknownArgumentType]
