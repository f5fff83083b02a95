"""Query parameters: their errors are shaped alike."""

from __future__ import annotations

from parley_runtime.errors import InvalidInputError


def query_error(name: str, message: str) -> InvalidInputError:
    """Worded and shaped as Litestar's own errors of a query parameter."""
    return InvalidInputError(message, details=[{"message": message, "key": name, "source": "query"}])
