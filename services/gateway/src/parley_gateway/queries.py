"""Query parameters: each one a route reads is given at most once, an integer is written in digits,
and their errors are shaped alike.

Of a parameter given twice Litestar reads the last value without a word, so `from=…&from=…` listed
another period than the client may have meant. A parameter a route reads as a list (`list[str]`)
may repeat; one it does not read is ignored, once or more, as it always was. The websocket refuses
its own parameters with the same check.

Litestar reads a query's values leniently (msgspec's `strict=False`): an integer parameter took
`limit=2.0`, `2e0` or `1e1` as a number. One is written as an integer or refused, naming it.
"""

from __future__ import annotations

import re
from collections.abc import Container
from typing import Any

from litestar import Request
from litestar.datastructures import MultiDict
from litestar.handlers import BaseRouteHandler
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute
from litestar.typing import FieldDefinition

from parley_runtime.errors import InvalidInputError

_INTEGER = re.compile(r"0|-?[1-9][0-9]*")


def query_error(name: str, message: str) -> InvalidInputError:
    """Worded and shaped as Litestar's own errors of a query parameter."""
    return InvalidInputError(message, details=[{"message": message, "key": name, "source": "query"}])


def check_given_once(query: MultiDict[str], names: Container[str]) -> None:
    """`InvalidInputError` naming the first of `names`, in the order sent, that `query` holds twice."""
    for name in query:
        if name in names and len(query.getall(name)) > 1:
            raise query_error(name, f"the query parameter `{name}` is given more than once")


def check_integers(query: MultiDict[str], names: Container[str]) -> None:
    """`InvalidInputError` naming the first of `names`, in the order sent, whose value is not an
    integer in decimal digits (no sign but a minus, point, exponent, space or leading zero)."""
    for name, value in query.items():  # every pair, in the order sent (multi_items() is in set order)
        if name in names and not _INTEGER.fullmatch(value):
            raise query_error(
                name, f"`{name}` is an integer written in plain decimal digits, such as 50, not {value!r}"
            )


def _reads_integer(field: FieldDefinition) -> bool:
    """Whether a parameter is read as an integer: `int`, `int | None`, a list of them (not `bool`)."""
    return field.annotation is int or any(_reads_integer(inner) for inner in field.inner_types)


class QueryChecks(ReceiveRoutePlugin):
    """Refuses a repeated query parameter, and an integer one not written as an integer, on every
    HTTP route: pass it as a plugin, and `check` as the app's `before_request` hook, which runs after
    the guards (a client without a key is told that first) and before Litestar reads the parameters.
    Which parameters a route reads, under which name, whether as a list and whether as integers, is
    taken from Litestar's own reading of the handler as each route is registered. Litestar runs only
    the closest `before_request`, so a router or route given its own would lose these checks."""

    def __init__(self) -> None:
        self._single: dict[BaseRouteHandler, frozenset[str]] = {}
        self._integers: dict[BaseRouteHandler, frozenset[str]] = {}

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        for handler, reading in route.route_handler_map.values():
            params = reading.expected_query_params
            fields = handler.parsed_fn_signature.parameters
            self._single[handler] = frozenset(p.field_alias for p in params if not p.is_sequence)
            self._integers[handler] = frozenset(
                p.field_alias for p in params if _reads_integer(fields[p.field_name])
            )

    def check(self, request: Request[Any, Any, Any]) -> None:
        handler = request.route_handler
        check_given_once(request.query_params, self._single.get(handler, frozenset()))
        check_integers(request.query_params, self._integers.get(handler, frozenset()))
