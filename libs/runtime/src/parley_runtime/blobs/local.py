"""Blobs in a local directory (embedded mode and tests). Keys are `/`-separated relative paths."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path

from parley_runtime.blobs.keys import validate_key
from parley_runtime.errors import ConflictError, InvalidInputError, NotFoundError, TransientError

_STAGING = ".staging"
"""Directory under the root for partly written files; never a key."""


class LocalBlobStore:
    """`BlobStore` on a directory. Writes are atomic (temp file + `os.replace`); I/O runs off the loop."""

    def __init__(self, root: Path) -> None:
        self._root = root

    async def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        await asyncio.to_thread(self._write, path, data)

    async def get(self, key: str) -> bytes:
        """The object's bytes; `NotFoundError` if there is none."""
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise NotFoundError(f"no blob {key!r}") from exc
        except OSError as exc:
            raise TransientError(f"reading blob {key!r}: {exc.strerror}") from exc

    async def list(self, prefix: str) -> list[str]:
        """Keys under `prefix` (a plain string prefix, as in S3), sorted."""
        return await asyncio.to_thread(self._list, prefix)

    async def delete(self, key: str) -> None:
        """Remove `key`; removing a missing key is not an error."""
        path = self._path(key)
        await asyncio.to_thread(self._unlink, path)

    def _path(self, key: str) -> Path:
        parts = validate_key(key).split("/")
        if parts[0] == _STAGING:
            raise InvalidInputError(
                f"invalid blob key {key!r}: {_STAGING}/ is reserved", details={"key": key}
            )
        return self._root.joinpath(*parts)

    def _write(self, path: Path, data: bytes) -> None:
        staging = self._root / _STAGING
        try:
            staging.mkdir(parents=True, exist_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temp = tempfile.mkstemp(dir=staging)
            try:
                with os.fdopen(descriptor, "wb") as file:
                    file.write(data)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temp, path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp)
        except (FileExistsError, NotADirectoryError, IsADirectoryError) as exc:
            key = path.relative_to(self._root).as_posix()
            raise ConflictError(f"blob key {key!r} collides with another key's prefix") from exc
        except OSError as exc:
            raise TransientError(f"writing blob: {exc.strerror}") from exc

    def _list(self, prefix: str) -> list[str]:
        start = self._root.joinpath(*prefix.split("/")[:-1]) if "/" in prefix else self._root
        if ".." in prefix.split("/") or not start.is_dir():
            return []
        keys = (path.relative_to(self._root).as_posix() for path in start.rglob("*") if path.is_file())
        return sorted(key for key in keys if key.startswith(prefix) and not key.startswith(f"{_STAGING}/"))

    def _unlink(self, path: Path) -> None:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError, IsADirectoryError):
            path.unlink()
        # Directories are an artefact of this adapter (S3 has none): drop the ones left empty.
        for parent in path.parents:
            if parent == self._root or not parent.is_relative_to(self._root):
                break
            try:
                parent.rmdir()
            except OSError:
                break
