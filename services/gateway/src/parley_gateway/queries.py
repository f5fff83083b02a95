"""Query parameters: each one a route reads is given at most once, and their errors are shaped alike.

Of a parameter given twice Litestar reads the last value without a word, so `from=…&from=…` listed
another period than the client may have meant. A parameter a route reads as a list (`list[str]`)
may repeat; one it does not read is ignored, once or more, as it always was. The websocket refuses
its own parameters with the same check.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from litestar import Request
from litestar.datastructures import MultiDict
from litestar.handlers import BaseRouteHandler
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from parley_runtime.errors import InvalidInputError


def query_error(name: str, message: str) -> InvalidInputError:
    """Worded and shaped as Litestar's own errors of a query parameter."""
    return InvalidInputError(message, details=[{"message": message, "key": name, "source": "query"}])


def check_given_once(query: MultiDict[str], names: Container[str]) -> None:
    """`InvalidInputError` naming the first of `names`, in the order sent, that `query` holds twice."""
    for name in query:
        if name in names and len(query.getall(name)) > 1:
            raise query_error(name, f"the query parameter `{name}` is given more than once")


class OneValueEach(ReceiveRoutePlugin):
    """Refuses a repeated query parameter on every HTTP route: pass it as a plugin, and
    `refuse_repeated` as the app's `before_request` hook, which runs after the guards (a client
    without a key is told that first) and before Litestar reads the parameters. Which parameters a
    route reads, under which name and whether as a list, is taken from Litestar's own reading of
    the handler as each route is registered. Litestar runs only the closest `before_request`, so a
    router or route given its own would lose this check."""

    def __init__(self) -> None:
        self._single: dict[BaseRouteHandler, frozenset[str]] = {}

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        for handler, reading in route.route_handler_map.values():
            params = reading.expected_query_params
            self._single[handler] = frozenset(p.field_alias for p in params if not p.is_sequence)

    def refuse_repeated(self, request: Request[Any, Any, Any]) -> None:
        check_given_once(request.query_params, self._single.get(request.route_handler, frozenset()))
