"""Intent webhooks over httpx, refusing private destinations.

The host is resolved once, every address is checked against the private, loopback and
link-local ranges (unless `PARLEY_WEBHOOK_ALLOW_NETWORKS` lists its network), and the request
goes to the checked address (with the original Host header and TLS server name), so a DNS answer
that changes between check and connect cannot redirect it. Redirects are not followed. Operator
URL rewrites (`PARLEY_WEBHOOK_URL_REWRITES`) apply first, so the rewritten destination is checked.
A request's `timeout` is a deadline for the whole exchange, resolution and answer included.
Requests name Parley as their `User-Agent` unless their author wrote one.
A header's secret references (`{{ secrets.NAME }}`) get their values here, as the request goes
out, and a request holding an `X-Parley-Signature` reference is signed with that secret
(`webhook_secrets.py`): the values are in no request the turn built or queued.
An answer that is not UTF-8 JSON nested at most `client_json.MAX_DEPTH` deep is a `WebhookError`.
A called webhook's 422 with such JSON is a `WebhookDeclined` carrying it: the webhook refuses the
values it was sent, which the turn may ask for again.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from functools import cache
from importlib import metadata
from typing import Any
from urllib.parse import urlencode

import httpx

from parley_dialogue.actions import IDEMPOTENCY_HEADER, header_problem
from parley_dialogue.errors import WebhookDeclined, WebhookError, WebhookRefused
from parley_dialogue.ports import WebhookRequest
from parley_dialogue.rewrites import UrlRewrites
from parley_dialogue.webhook_secrets import SIGNATURE_HEADER, WebhookSecrets, references
from parley_runtime.client_json import decode_json
from parley_runtime.errors import InvalidInputError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]
MAX_RESPONSE_BYTES = 262_144
_RETRYABLE_STATUS = frozenset({408, 425, 429})
DECLINED = 422
FORM_TYPE = "application/x-www-form-urlencoded"


async def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the system resolver, without blocking the loop)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class HttpxWebhookCaller:
    def __init__(
        self,
        *,
        allow_networks: Sequence[Network] = (),
        rewrites: UrlRewrites | None = None,
        client: httpx.AsyncClient | None = None,
        resolve: Resolver = resolve_host,
        secrets: WebhookSecrets | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._allow = list(allow_networks)
        self._secrets = secrets or WebhookSecrets()
        self._clock = clock
        self._rewrites = rewrites or UrlRewrites()
        self._client = client or httpx.AsyncClient(follow_redirects=False)
        self._resolve = resolve

    async def aclose(self) -> None:
        await self._client.aclose()

    async def call(self, request: WebhookRequest) -> Any:
        body = await self._exchange(request, read=True)
        return _decoded(body) if body.strip() else {}

    async def send(self, request: WebhookRequest) -> None:
        await self._exchange(request, read=False)

    def check(self, request: WebhookRequest) -> None:
        self._outgoing(request, host=_absolute_url(request.url).host)

    async def _exchange(self, request: WebhookRequest, *, read: bool) -> bytes:
        """The answer's body (when `read`), once a 2xx answered; typed errors otherwise.

        `request.timeout` bounds the whole exchange, from resolving the host to the answer's last
        byte: httpx's own timeouts apply to each connect, read and write, so a server sending a
        byte at a time would otherwise hold the call (and the turn waiting for it) indefinitely.
        """
        try:
            async with asyncio.timeout(request.timeout):
                return await self._exchange_unbounded(request, read=read)
        except TimeoutError as exc:
            raise WebhookError(f"webhook did not answer within {request.timeout:g} s") from exc

    async def _exchange_unbounded(self, request: WebhookRequest, *, read: bool) -> bytes:
        url = _with_params(_absolute_url(self._rewrites.apply(request.url)), request.params)
        headers, body = self._outgoing(request, host=_absolute_url(request.url).host)
        address = await self._checked_address(url)
        headers["host"] = url.netloc.decode("ascii")
        extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
        try:
            async with self._client.stream(
                request.method,
                url.copy_with(host=str(address)),
                headers=headers,
                content=body,
                timeout=request.timeout,
                extensions=extensions,
            ) as response:
                if read and response.status_code == DECLINED:
                    raise await _declined(response)
                _check_status(response.status_code)
                return await _read_capped(response) if read else b""
        except httpx.HTTPError as exc:
            raise WebhookError(f"webhook call failed: {type(exc).__name__}") from exc

    def _outgoing(self, request: WebhookRequest, *, host: str) -> tuple[dict[str, str], bytes | None]:
        """The headers and body to send: a form encoded, secrets put in, the request signed. The
        secrets must be bound to `host`, the bot's own URL's: an operator's rewrite may send them
        on to its destination."""
        headers, body = dict(request.headers), request.body
        if request.form:
            body = _form_body(request.form)
            if not any(name.lower() == "content-type" for name in headers):
                headers["content-type"] = FORM_TYPE
        headers = _checked_headers(self._with_secrets(headers, body or b"", host))
        if not any(name.lower() == "user-agent" for name in headers):
            headers["user-agent"] = user_agent()
        return headers, body

    def _with_secrets(self, headers: dict[str, str], body: bytes, host: str) -> dict[str, str]:
        """`headers` with their secrets' values put in, and the signature made when one names
        the secret to sign with; `WebhookRefused` for a secret this process does not have."""
        resolved = {
            name: self._secrets.resolved(value, host=host)
            for name, value in headers.items()
            if name.lower() != SIGNATURE_HEADER
        }
        for name, value in headers.items():
            if name.lower() == SIGNATURE_HEADER:
                resolved[name] = self._signature(value, headers, body, host)
        return resolved

    def _signature(self, value: str, headers: dict[str, str], body: bytes, host: str) -> str:
        named = references(value)
        if len(named) != 1:
            raise WebhookRefused(f"webhook header {SIGNATURE_HEADER!r} is Parley's: actions sign with `sign`")
        key = next((v for k, v in headers.items() if k.lower() == IDEMPOTENCY_HEADER), "")
        timestamp = int(self._clock())
        return self._secrets.signature(named[0], host=host, timestamp=timestamp, key=key, body=body)

    async def _checked_address(self, url: httpx.URL) -> Address:
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            found = [ipaddress.ip_address(a.split("%")[0]) for a in await self._resolve(url.host, port)]
        except (OSError, ValueError) as exc:
            raise WebhookError(f"webhook host {url.host!r} does not resolve") from exc
        if not found:
            raise WebhookError(f"webhook host {url.host!r} does not resolve")
        for address in found:
            if is_private(address) and not any(address in net for net in self._allow):
                raise WebhookRefused(
                    f"webhook host {url.host!r} is a private address ({address}); refused: "
                    "PARLEY_WEBHOOK_ALLOW_NETWORKS may list its network"
                )
        return found[0]


@cache
def user_agent() -> str:
    """`Parley/<version>`: a receiver's logs say who called, rather than `python-httpx/…`."""
    try:
        return f"Parley/{metadata.version('parley-dialogue')}"
    except metadata.PackageNotFoundError:
        return "Parley"


def is_private(address: Address) -> bool:
    """Private, loopback, link-local, multicast, reserved or unspecified (also IPv4-mapped)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _absolute_url(text: str) -> httpx.URL:
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise WebhookRefused(f"not a valid webhook URL: {exc}") from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise WebhookRefused("webhook URLs must be absolute http(s) URLs")
    return url


def _with_params(url: httpx.URL, params: dict[str, str]) -> httpx.URL:
    """`url` with `params` added after its own query, which stays as written: a slot named like
    one of its parameters is sent beside it, never in its place (as ACF's `requests` does)."""
    if not params:
        return url
    query = url.query.decode("ascii")
    added = str(httpx.QueryParams(params))
    return url.copy_with(query=(f"{query}&{added}" if query else added).encode("ascii"))


def _checked_headers(headers: dict[str, str]) -> dict[str, str]:
    """The headers but `Host` (the URL's is sent); `WebhookRefused` for one HTTP cannot carry, which
    no retry would fix (building the request refuses them already; this covers queued ones)."""
    for name, value in headers.items():
        problem = header_problem(name, value)
        if problem is not None:
            raise WebhookRefused(f"webhook header {name!r} {problem}")
    return {name: value for name, value in headers.items() if name.lower() != "host"}


def _form_body(form: dict[str, str]) -> bytes:
    """A form as httpx encodes one, made here so that a signature covers the bytes sent."""
    return urlencode(form).encode("ascii")


def _check_status(status: int) -> None:
    """A 2xx passes; a client error is permanent, a server error or throttling transient."""
    if 200 <= status < 300:
        return
    if status < 500 and status not in _RETRYABLE_STATUS:
        raise WebhookRefused(f"webhook answered HTTP {status}")
    raise WebhookError(f"webhook answered HTTP {status}")


async def _declined(response: httpx.Response) -> WebhookRefused:
    """What a 422 answer means: a `WebhookDeclined` with its JSON, or, when it has none to read,
    the refusal any other 4xx is."""
    refused = f"webhook answered HTTP {DECLINED}"
    try:
        answer = _decoded(await _read_capped(response))
    except WebhookError:
        return WebhookRefused(refused)
    return WebhookDeclined(refused, answer)


def _decoded(body: bytes) -> Any:
    """The answer's JSON, read as a client's is (`client_json.decode_json`): UTF-8 whatever charset
    the answer declares, since JSON has none (RFC 8259 8.1 and 11), and nested at most `MAX_DEPTH`
    deep, since the decoder recurses once per level. Anything else is a `WebhookError`. A key given
    twice keeps its last value, as ACF (`requests`) read it: the answer is another service's, which
    the bot's author may not be able to change, and nothing is stored from it."""
    try:
        return decode_json(body, unique_keys=False)
    except InvalidInputError as exc:
        raise WebhookError(f"webhook did not answer JSON: {exc}") from exc


async def _read_capped(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise WebhookError(f"webhook answer larger than {MAX_RESPONSE_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
