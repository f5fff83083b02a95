"""Which web pages may open the chat websocket: `GATEWAY_CORS_ORIGINS`, read as REST's CORS reads it.

CORS does not apply to websockets: a browser opens one from any page and shows the server the page's
`Origin`, so the server must check it itself. Pure.
"""

from __future__ import annotations

import functools
from urllib.parse import SplitResult, urlsplit

from litestar.config.cors import CORSConfig

_DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}


def origin_allowed(origin: str | None, host: str | None, allowed: tuple[str, ...]) -> bool:
    """Whether a handshake with this `Origin` header may open the chat on the server addressed as
    `host` (its `Host` header). Allowed: no `Origin` (not a browser: API clients, the CLI), the
    server's own pages (the same host and port: any scheme, since TLS often ends before the
    gateway), and the origins in `allowed` as REST's CORS matches them (`*` for any, `*` inside a
    name as a wildcard). Anything else, `null` (a sandboxed frame, a file) included, is refused."""
    if origin is None:
        return True
    if _same_host(origin, host):
        return True
    return bool(allowed) and _cors(allowed).is_origin_allowed(origin)


def _same_host(origin: str, host: str | None) -> bool:
    page = _split(origin)
    served = _split(f"//{host}") if host else None
    if page is None or served is None:
        return False
    default = _DEFAULT_PORTS.get(page.scheme.lower())
    return _address(page, default) == _address(served, default)


def _split(url: str) -> SplitResult | None:
    """`url`'s parts, if it names a host and any port it gives is a number."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a port that is not a number
    except ValueError:
        return None
    return parts if parts.hostname else None


def _address(parts: SplitResult, default_port: str | None) -> str:
    return f"{parts.hostname}:{parts.port or default_port}"


@functools.cache
def _cors(allowed: tuple[str, ...]) -> CORSConfig:
    """The same matcher REST's CORS middleware uses (app.py), built once per setting."""
    return CORSConfig(allow_origins=list(allowed))
