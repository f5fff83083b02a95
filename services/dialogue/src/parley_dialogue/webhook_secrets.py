"""Operator-held webhook secrets, which bots name but never hold.

`PARLEY_WEBHOOK_SECRETS` maps names to a value and the hosts it is for: a JSON object, or the path
of a file holding one, read once at start by the dialogue service and the notifier. A webhook
header's value names one as `{{ secrets.NAME }}` (`Bearer {{ secrets.SHOP_TOKEN }}`); the
reference stays in the request, on the notifications queue too, and the webhook adapter puts the
value in as it sends, for a URL on one of its hosts only. So the value is never in a bot document,
an export, an API answer, a reply, a queued message or a log, and never goes to a host the
operator did not name.

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
from typing import Any, cast

import msgspec

from parley_dialogue.errors import WebhookRefused

REFERENCE = re.compile(r"\{\{\s*secrets\.(\w+)\s*\}\}", re.ASCII)
"""A secret named in a header's value. `\\w+` rather than the name's rule, so that a misspelt name
is still a reference, which saving refuses, instead of text sent as it stands."""
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
SECRET_NAME_RULE = "1-64 letters, digits or '_', not starting with a digit"  # noqa: S105 - a message
SIGNATURE_HEADER = "x-parley-signature"
OBJECT_NEEDED = "is not a JSON object of names to values"
_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*|[0-9A-Fa-f:.]+")
"""A host as `httpx.URL(...).host` gives it: a name, an IPv4 address, or an IPv6 one unbracketed."""
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


class Secret(msgspec.Struct, frozen=True):
    """A value and the only hosts it is sent to (or signs requests to)."""

    value: str
    hosts: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return f"Secret(hosts={sorted(self.hosts)})"


class WebhookSecrets:
    """Secrets by name; its `repr` shows names only, so no traceback or debug log prints a value.

    Each is bound to hosts: every bot can name every secret and its author chooses the URL, so a
    secret unbound would go wherever a bot sends it, and a signing secret would sign what an
    author's own server then replays to the real receiver."""

    def __init__(self, secrets: Mapping[str, Secret] | None = None) -> None:
        self._secrets = dict(secrets or {})

    def __repr__(self) -> str:
        return f"WebhookSecrets({sorted(self._secrets)})"

    def __contains__(self, name: object) -> bool:
        return name in self._secrets

    @classmethod
    def parse(cls, setting: str) -> WebhookSecrets:
        """The secrets a setting gives: a JSON object of names to `{"value": ..., "hosts": [...]}`,
        or a file's path holding one; `ValueError` naming every problem (never a value)."""
        text = setting.strip()
        if not text:
            return cls()
        document = _document(text if text.startswith(("{", "[")) else _read(Path(text)))
        problems = [problem for name, entry in document.items() for problem in _problems(name, entry)]
        if problems:
            raise ValueError("; ".join(problems))
        return cls({str(name): _secret(entry) for name, entry in document.items()})

    def resolved(self, value: str, *, host: str) -> str:
        """`value` with each secret it names put in; `WebhookRefused` for a name not configured or
        not bound to `host`."""
        values = {name: self._value(name, host) for name in references(value)}
        return REFERENCE.sub(lambda found: values[found.group(1)], value)

    def signature(self, name: str, *, host: str, timestamp: int, key: str, body: bytes) -> str:
        """The `X-Parley-Signature` value of a request to `host`, signed with the secret `name`."""
        signed = f"{timestamp}.{key}.".encode() + body
        digest = hmac.new(self._value(name, host).encode(), signed, hashlib.sha256).hexdigest()
        return f"t={timestamp},v1={digest}"

    def _value(self, name: str, host: str) -> str:
        secret = self._secrets.get(name)
        if secret is None:
            raise WebhookRefused(
                f"webhook secret {name!r} is not configured: PARLEY_WEBHOOK_SECRETS has no such name"
            )
        if host.lower() not in secret.hosts:
            raise WebhookRefused(
                f"webhook secret {name!r} is not for host {host!r}: PARLEY_WEBHOOK_SECRETS binds it"
                f" to {', '.join(sorted(secret.hosts))}"
            )
        return secret.value


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
        # Not the path: a setting mistaken for one may be a value, which a log must not show.
        raise ValueError(f"is neither a JSON object nor the path of a readable file ({reason})") from None


def _once(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """An object whose names are each given once: JSON readers keep the last copy of a name
    without a word, which would leave a rotation's old value in use."""
    names = [name for name, _ in pairs]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"names {', '.join(map(repr, twice))} more than once")
    return dict(pairs)


def _problems(name: object, entry: object) -> Iterator[str]:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        yield f"{name!r} is not a secret name: {SECRET_NAME_RULE}"
        return
    if not isinstance(entry, dict) or set(cast(dict[str, Any], entry)) != {"value", "hosts"}:
        yield f'{name!r} must be an object {{"value": "...", "hosts": ["api.example.com"]}}'
        return
    fields = cast(dict[str, Any], entry)
    value, hosts = fields["value"], fields["hosts"]
    if not isinstance(value, str) or not _VALUE.fullmatch(value):
        yield (
            f"the value of {name!r} must be text a header can carry: visible ASCII, inner spaces"
            " and tabs (base64 or hex for a binary key)"
        )
    if not isinstance(hosts, list) or not hosts or not all(map(_is_host, cast(list[object], hosts))):
        yield f"the hosts of {name!r} must be a list of host names or addresses, as URLs write them"


def _is_host(host: object) -> bool:
    return isinstance(host, str) and bool(_HOST.fullmatch(host))


def _secret(entry: object) -> Secret:
    fields = cast(dict[str, Any], entry)
    return Secret(fields["value"], frozenset(host.lower() for host in fields["hosts"]))
