"""How an entry of `GATEWAY_CORS_ORIGINS` is written, checked at start. Pure, and free of the web
server: the `cli` image imports the gateway's settings without it.

A browser names a page's origin as `scheme://host[:port]`, lower case, with no path and no default
port (`https://shop.example`, `http://127.0.0.1:8312`), and the entries are matched against that
text as it is (`*` standing for any text). An entry that can never match it (a trailing slash copied
from the address bar, a path, no scheme) would refuse the site it names without a word.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

VARIABLE = "GATEWAY_CORS_ORIGINS"
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_NOT_IN_AN_ORIGIN = "/?#@ "
"""Characters an origin never holds after its `://`."""


def origin_problems(entries: list[str]) -> list[str]:
    """One line for each entry of `GATEWAY_CORS_ORIGINS` that no origin a browser sends can match."""
    problems: list[str] = []
    for entry in entries:
        problem = _problem(entry)
        if problem is not None:
            problems.append(f"{VARIABLE}: {entry!r}: {problem}")
    return problems


def _problem(entry: str) -> str | None:
    if entry in ("*", "null"):  # any origin; the opaque one of a sandboxed frame or a file
        return None
    if " " in entry:
        return "an origin holds no space: separate origins with commas"
    scheme, separator, rest = entry.partition("://")
    if not separator:
        return _without_scheme(entry)
    if not scheme or not ("*" in scheme or _SCHEME.fullmatch(scheme.lower())):
        return f"{scheme!r} is no scheme: an origin is scheme://host[:port]"
    return _after_scheme(scheme, rest)


def _without_scheme(entry: str) -> str | None:
    """An entry without `://` matches only where a `*` before any `:` or `/` stands for it
    (`*.example.org` matches every scheme's subdomains)."""
    head = entry.split("*", 1)[0]
    if "*" in entry and not any(c in head for c in ":/"):
        return None
    address = entry.rstrip("/")
    return (
        "an origin starts with its scheme: scheme://host[:port] "
        f"(did you mean 'https://{address}' or 'http://{address}'?)"
    )


def _after_scheme(scheme: str, rest: str) -> str | None:
    """What is wrong with `rest`, the host[:port] after `scheme://`; a pattern's (`*`) parts are
    checked as far as they are written out."""
    cut = min((i for i, c in enumerate(rest) if c in _NOT_IN_AN_ORIGIN), default=None)
    if cut is not None:
        meant = f"{scheme}://{rest[:cut]}"
        what = "no path, not even a trailing '/'" if rest[cut:] == "/" else "no path, query or user"
        return f"an origin is scheme://host[:port], with {what} (did you mean {meant!r}?)"
    if "*" in scheme or "*" in rest:
        return None
    try:
        parts = urlsplit(f"{scheme}://{rest}")
        port = parts.port
    except ValueError as exc:
        return f"an origin is scheme://host[:port]: {exc}"
    if not parts.hostname:
        return "an origin is scheme://host[:port], and this names no host"
    return _as_a_browser_writes(scheme, rest, port)


def _as_a_browser_writes(scheme: str, rest: str, port: int | None) -> str | None:
    """Whether `scheme://rest`, a well-formed origin, is written as a browser writes it."""
    host = rest.rsplit(":", 1)[0] if port is not None or rest.endswith(":") else rest
    why = meant = None
    if not host.isascii():
        why, meant = "a browser writes the host in ASCII", f"{scheme}://{_ascii(host)}"
    elif rest.endswith(":"):
        why, meant = "a port is a number", f"{scheme}://{host}"
    elif port is not None and _DEFAULT_PORTS.get(scheme.lower()) == port:
        why, meant = "a browser leaves out the scheme's default port", f"{scheme}://{host}".lower()
    elif f"{scheme}://{rest}" != f"{scheme}://{rest}".lower():
        why, meant = "a browser writes an origin in lower case", f"{scheme}://{rest}".lower()
    return None if meant is None else f"{why} (did you mean {meant!r}?)"


def _ascii(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return "xn--…"
