"""The blob store port (models, dataset snapshots, transcript archives, backups)."""

from __future__ import annotations

from typing import Protocol


class BlobStore(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes:
        """The object's bytes; `NotFoundError` if there is none."""
        ...

    async def list(self, prefix: str) -> list[str]:
        """Keys under `prefix`, sorted."""
        ...

    async def delete(self, key: str) -> None:
        """Remove `key`; removing a missing key is not an error."""
        ...
