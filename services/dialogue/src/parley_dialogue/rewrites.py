"""Operator rewrites of webhook base URLs (`PARLEY_WEBHOOK_URL_REWRITES`).

A bot document names the production API its webhooks call; an operator sends those calls
elsewhere (a staging API, a local stub in tests) without editing the bot, so an imported export
stays byte-for-byte what its author wrote and exports unchanged. The rewritten URL is checked by
the SSRF guard like any other destination.
"""

from __future__ import annotations

from collections.abc import Iterable

_BOUNDARIES = ("/", "?", "#")


class UrlRewrites:
    """Base-URL pairs; the longest base that a URL starts with (at a path boundary) is replaced."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._pairs = sorted(((b.rstrip("/"), t.rstrip("/")) for b, t in pairs), key=lambda p: -len(p[0]))

    @classmethod
    def parse(cls, text: str) -> UrlRewrites:
        """`from=to,from=to`; `ValueError` lists every malformed entry."""
        pairs: list[tuple[str, str]] = []
        problems: list[str] = []
        for item in filter(None, (part.strip() for part in text.split(","))):
            base, sep, target = (side.strip() for side in item.partition("="))
            if not sep or not _is_base_url(base) or not _is_base_url(target):
                problems.append(f"{item!r} is not `http(s)://from=http(s)://to`")
                continue
            pairs.append((base, target))
        if problems:
            raise ValueError("; ".join(problems))
        return cls(pairs)

    def __bool__(self) -> bool:
        return bool(self._pairs)

    def apply(self, url: str) -> str:
        """`url` with its base replaced, or `url` itself when no base matches."""
        for base, target in self._pairs:
            rest = url[len(base) :]
            if url.startswith(base) and (not rest or rest.startswith(_BOUNDARIES)):
                return target + rest
        return url


def _is_base_url(value: str) -> bool:
    scheme, sep, rest = value.partition("://")
    host = rest.split("/", 1)[0]
    return bool(sep) and scheme in ("http", "https") and bool(host) and not set("?#@ ") & set(value)
