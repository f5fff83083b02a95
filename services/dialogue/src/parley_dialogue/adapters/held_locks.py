"""Which turn locks the running task holds, and with which token: a conversation store's `save`
checks that its turn's lock is still the one it took, whatever store it is."""

from __future__ import annotations

import contextvars
from collections.abc import Generator, Hashable
from contextlib import contextmanager
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class HeldLocks(Generic[K, T]):
    """Per task (a context variable), so concurrent turns on one store never see each other's locks."""

    def __init__(self, name: str) -> None:
        self._held: contextvars.ContextVar[dict[K, T] | None] = contextvars.ContextVar(name, default=None)

    @contextmanager
    def holding(self, key: K, token: T) -> Generator[None]:
        """Within the block, `token(key)` answers `token`."""
        held = dict(self._held.get() or {})
        held[key] = token
        reset = self._held.set(held)
        try:
            yield
        finally:
            self._held.reset(reset)

    def token(self, key: K) -> T | None:
        """The token of the lock on `key` this task holds, or None outside its turn."""
        return (self._held.get() or {}).get(key)
