"""The gateway's public REST API as the author commands (`parley bots`, `parley chat`) use it.

Every failure becomes a `CommandError` whose message says what to do about it: start Parley, give
the admin token, reload a bot someone else saved. The commands print it and exit non-zero.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlsplit

import httpx
import msgspec

from parley.checkout import located
from parley.settings import ADMIN_TOKEN_FILE, EmbeddedSettings
from parley_runtime.infra import InfraSettings
from parley_runtime.settings import env_names, load_settings

_ANY_INTERFACE = {"0.0.0.0": "127.0.0.1", "::": "::1"}  # noqa: S104 - read, not bound

TIMEOUT_SECONDS = 30.0
START_HINT = "start it with `just run` or `python -m parley run`, or give --url"
ADMIN_KEY_HINT = (
    "give --token or set PARLEY_ADMIN_TOKEN: the admin token `parley run` prints at start, kept in"
    " PARLEY_DATA_DIR/admin-token (var/data/admin-token) when it generated it"
)
_DATA_DIR = env_names(InfraSettings)["data_dir"]
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class CommandError(Exception):
    """A failure said in one line (`problems`, if any, on the lines after it)."""

    def __init__(
        self,
        message: str,
        *,
        problems: list[str] | None = None,
        status: int = 1,
        http_status: int = 0,
        details: object = None,
    ) -> None:
        super().__init__(message)
        self.problems = problems or []
        self.status = status
        """The command's exit status."""
        self.http_status = http_status
        """The API's answer, when it refused the request."""
        self.details = details
        """The refusal's `error.details` as the API gave them (`{"current_version": 7}` for a 412)."""


@dataclass(frozen=True)
class Answer:
    """A successful answer: its status, JSON body (None if it had none) and headers."""

    status: int
    body: Any
    headers: httpx.Headers


def default_url(settings: EmbeddedSettings) -> str:
    """Where `parley run` listens with these settings (PARLEY_HOST, PARLEY_PORT): the variables that
    moved the server move its author commands with it. A server on every interface is reached on
    this machine's loopback."""
    host = _ANY_INTERFACE.get(settings.host, settings.host)
    return f"http://[{host}]:{settings.port}" if ":" in host else f"http://{host}:{settings.port}"


def admin_token(given: str | None, url: str) -> str | None:
    """`--token`, else PARLEY_ADMIN_TOKEN, else, for a Parley on this machine, the token it kept in
    PARLEY_DATA_DIR/admin-token (what the embedded runner generated and printed)."""
    token = given or os.environ.get("PARLEY_ADMIN_TOKEN")
    if token or urlsplit(url).hostname not in _LOOPBACK:
        return token or None
    data_dir = load_settings(InfraSettings).data_dir
    # Unset, it is `var/data` where `parley run` ran: here, or in the checkout (`parley.checkout`).
    folder = Path(data_dir) if os.environ.get(_DATA_DIR) else located(data_dir)
    path = folder / ADMIN_TOKEN_FILE
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def bot_path(bot: str, *rest: str) -> str:
    return "/".join(["/api/v1/bots", quote(bot, safe=""), *rest])


class Api:
    """One gateway, reached at `url` with the admin `token` (None: requests go without one)."""

    def __init__(self, url: str, token: str | None, *, transport: httpx.BaseTransport | None = None) -> None:
        self.url = url.rstrip("/")
        self.headers = {"authorization": f"Bearer {token}"} if token else {}
        """What every request carries: the token, if any (also the chat websocket's handshake)."""
        self._token_given = token is not None
        self._client = httpx.Client(
            base_url=self.url, headers=self.headers, timeout=TIMEOUT_SECONDS, transport=transport
        )

    def close(self) -> None:
        self._client.close()

    def call(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> Answer:
        """The answer to one request; `CommandError` for any failure, said for a person to act on."""
        try:
            response = self._client.request(
                method, path, json=json, content=content, headers=headers, params=params
            )
        except httpx.ConnectError:
            raise CommandError(f"cannot reach Parley at {self.url}: {START_HINT}") from None
        except httpx.TimeoutException:
            raise CommandError(f"Parley at {self.url} did not answer in {TIMEOUT_SECONDS:g} s") from None
        except httpx.HTTPError as exc:
            raise CommandError(f"cannot talk to Parley at {self.url}: {exc}") from None
        body = _json(response)
        if response.is_success:
            return Answer(response.status_code, body, response.headers)
        raise self.refusal(response.status_code, body)

    def refusal(self, status: int, body: object) -> CommandError:
        """The failure an answer of `status` with the error `body` says, for a person to act on."""
        error = cast(dict[str, Any], body).get("error") if isinstance(body, dict) else None
        fields = cast(dict[str, Any], error) if isinstance(error, dict) else {}
        message = str(
            fields.get("message") or fields.get("code") or f"Parley at {self.url} answered {status}"
        )
        if status == 401:
            given = "the token given was refused" if self._token_given else "no admin token given"
            return CommandError(f"{message} ({given}): {ADMIN_KEY_HINT}", http_status=status)
        if status == 403:
            return CommandError(f"{message}: this key may not do that; {ADMIN_KEY_HINT}", http_status=status)
        details = fields.get("details")
        return CommandError(message, problems=problem_lines(details), http_status=status, details=details)


def problem_lines(details: object) -> list[str]:
    """An error's details, one line each: `path: message` where a problem has a path; a details
    object that is not a list of problems (`{"current_version": 7}`) says nothing more."""
    if not isinstance(details, list):
        return []
    lines: list[str] = []
    for item in cast(list[object], details):
        if isinstance(item, dict):
            fields = cast(dict[str, object], item)
            message, path = fields.get("message"), fields.get("path")
            if message is not None:
                lines.append(f"{path}: {message}" if path else str(message))
        elif item is not None:
            lines.append(str(item))
    return lines


def _json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        return None
