"""Escaping what templates print into a webhook's URL or JSON body.

Templates see values as the user gave them, so filters and comparisons work on the real text. What
a `{{ }}` prints is escaped for where the render lands: URL-encoded in a URL, JSON-escaped in a
JSON body, so a user's reply cannot add query parameters or JSON fields. The filter that escapes
for that place (`urlencode` in a URL, `tojson` in a JSON body) marks its output, which is then
printed as it is instead of escaped a second time.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Callable, Generator
from contextlib import contextmanager
from typing import Any, Literal
from urllib.parse import quote

from jinja2 import pass_context
from jinja2.runtime import Context

Landing = Literal["text", "url", "json"]
"""Where a render's output goes: `text` prints values as they are."""


class UrlEncoded(str):
    """Text already escaped for a URL (`urlencode`'s output)."""

    __slots__ = ()


class JsonEncoded(str):
    """A JSON value already (`tojson`'s output)."""

    __slots__ = ()


_landing: contextvars.ContextVar[Landing] = contextvars.ContextVar("parley_template_landing", default="text")


@contextmanager
def escaped_for(landing: Landing) -> Generator[None]:
    """Escape what the renders inside print for `landing`."""
    token = _landing.set(landing)
    try:
        yield
    finally:
        _landing.reset(token)


@pass_context
def finalize(context: Context, value: Any) -> Any:
    """What one `{{ }}` prints, escaped for the current landing. Asking for the context keeps
    Jinja from finalising constants once at compile time, whatever the landing of later renders."""
    landing = _landing.get()
    if landing == "url" and not isinstance(value, UrlEncoded):
        return quote(str(value), safe="")
    if landing == "json" and not isinstance(value, JsonEncoded):
        return json.dumps(str(value))[1:-1]
    return value


def marking(function: Callable[..., Any], escaped: type[str]) -> Callable[..., Any]:
    """`function` (a filter) with its output marked as `escaped`."""

    def marked(*args: Any, **kwargs: Any) -> str:
        return escaped(function(*args, **kwargs))

    marked.__dict__.update(getattr(function, "__dict__", {}))  # keeps Jinja's pass_* marks
    return marked


def printed(text: str) -> str:
    """A `{% set %}` block's capture: its `{{ }}` were escaped when printed into it already."""
    landing = _landing.get()
    if landing == "url":
        return UrlEncoded(text)
    if landing == "json":
        return JsonEncoded(text)
    return text
