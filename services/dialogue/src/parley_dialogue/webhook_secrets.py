"""Operator-held webhook secrets, which bots name but never hold.

`PARLEY_WEBHOOK_SECRETS` maps names to values: a JSON object, or the path of a file holding one,
read once at start by the dialogue service and the notifier. A webhook header's value names one
as `{{ secrets.NAME }}` (`Bearer {{ secrets.SHOP_TOKEN }}`); the reference stays in the request,
on the notifications queue too, and the webhook adapter puts the value in as it sends. So the
value is never in a bot document, an export, an API answer, a reply, a queued message or a log.

An action's `sign: NAME` makes the adapter sign the request with a secret instead of sending it:
`X-Parley-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<Idempotency-Key>.<body>">`, as
Stripe signs its events (and Slack its requests), with the idempotency key inside, so a replayed
request cannot pass a receiver's deduplication under another key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from parley_dialogue.errors import WebhookRefused

REFERENCE = re.compile(r"\{\{\s*secrets\.(\w+)\s*\}\}", re.ASCII)
"""A secret named in a header's value. `\\w+` rather than the name's rule, so that a misspelt name
is still a reference, which saving refuses, instead of text sent as it stands."""
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
SECRET_NAME_RULE = "1-64 letters, digits or '_', not starting with a digit"  # noqa: S105 - a message
SIGNATURE_HEADER = "x-parley-signature"
OBJECT_NEEDED = "is not a JSON object of names to values"
_VALUE = re.compile(r"[\x21-\x7e]([\t\x20-\x7e]*[\x21-\x7e])?")
"""What HTTP can carry in a header, without outer whitespace (a value is also put in a header)."""


def references(text: str) -> list[str]:
    """The secret names `text` refers to, in order."""
    return REFERENCE.findall(text)


def without_references(text: str) -> str:
    """`text` with its secret references taken out: the template the rest of it is."""
    return REFERENCE.sub("", text)


def reference(name: str) -> str:
    """How a header's value names the secret `name`."""
    return f"{{{{ secrets.{name} }}}}"


class WebhookSecrets:
    """Secrets by name; its `repr` shows names only, so no traceback or debug log prints a value."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._values = dict(values or {})

    def __repr__(self) -> str:
        return f"WebhookSecrets({sorted(self._values)})"

    def __contains__(self, name: object) -> bool:
        return name in self._values

    @classmethod
    def parse(cls, setting: str) -> WebhookSecrets:
        """The secrets a setting gives: a JSON object of names to values, or a file's path holding
        one; `ValueError` naming every problem (never a value)."""
        text = setting.strip()
        if not text:
            return cls()
        document = _document(text if text.startswith("{") else _read(Path(text)))
        problems = list(_problems(document))
        if problems:
            raise ValueError("; ".join(problems))
        return cls({str(name): str(value) for name, value in document.items()})

    def resolved(self, value: str) -> str:
        """`value` with each secret it names put in; `WebhookRefused` for a name not configured."""
        for name in references(value):
            self._value(name)
        return REFERENCE.sub(lambda found: self._values[found.group(1)], value)

    def signature(self, name: str, *, timestamp: int, key: str, body: bytes) -> str:
        """The `X-Parley-Signature` value of a request, signed with the secret `name`."""
        signed = f"{timestamp}.{key}.".encode() + body
        digest = hmac.new(self._value(name).encode(), signed, hashlib.sha256).hexdigest()
        return f"t={timestamp},v1={digest}"

    def _value(self, name: str) -> str:
        try:
            return self._values[name]
        except KeyError:
            raise WebhookRefused(
                f"webhook secret {name!r} is not configured: PARLEY_WEBHOOK_SECRETS has no such name"
            ) from None


def _document(text: str) -> dict[object, object]:
    try:
        document = json.loads(text, object_pairs_hook=_once)
    except json.JSONDecodeError as exc:  # its message holds no part of the text
        raise ValueError(f"{OBJECT_NEEDED}: {exc.msg} on line {exc.lineno}") from None
    if not isinstance(document, dict):
        raise ValueError(OBJECT_NEEDED)
    return document  # pyright: ignore[reportUnknownVariableType]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise ValueError(f"is neither a JSON object nor a readable file ({path}: {reason})") from None


def _once(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """An object whose names are each given once: JSON readers keep the last copy of a name
    without a word, which would leave a rotation's old value in use."""
    names = [name for name, _ in pairs]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"names {', '.join(map(repr, twice))} more than once")
    return dict(pairs)


def _problems(document: dict[object, object]) -> Iterator[str]:
    for name, value in document.items():
        if not isinstance(name, str) or not NAME.fullmatch(name):
            yield f"{name!r} is not a secret name: {SECRET_NAME_RULE}"
        elif not isinstance(value, str) or not _VALUE.fullmatch(value):
            yield (
                f"the value of {name!r} must be text a header can carry: visible ASCII, inner spaces"
                " and tabs (base64 or hex for a binary key)"
            )
