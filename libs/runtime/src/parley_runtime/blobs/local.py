"""Blobs in a local directory (embedded mode and tests). Keys are `/`-separated relative paths."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path

from parley_runtime.errors import ConflictError, InvalidInputError, NotFoundError, TransientError

_STAGING = ".staging"
"""Directory under the root for partly written files; never a key."""


def validate_key(key: str) -> str:
    """`key` if it is a safe relative path (no `..`, no absolute path); else `InvalidInputError`."""
    parts = key.split("/")
    problem = None
    if not key or key.startswith("/") or "\\" in key or "\x00" in key:
        problem = "must be a non-empty relative path with `/` separators"
    elif any(part in ("", ".", "..") for part in parts):
        problem = "must not contain empty, `.` or `..` segments"
    elif parts[0] == _STAGING:
        problem = f"must not start with {_STAGING}/"
    if problem:
        raise InvalidInputError(f"invalid blob key {key!r}: {problem}", details={"key": key})
    return key


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
        return self._root.joinpath(*validate_key(key).split("/"))

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
            raise ConflictError(f"blob key {path.relative_to(self._root).as_posix()!r} collides with a prefix") from exc
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
