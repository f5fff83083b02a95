"""The file embedded mode keeps its Mongo emulation in: one BSON stream, replaced whole and atomically.

Layout (every item one BSON document, so `bsondump` reads the file):

    {"format": "parley.mongo-snapshot", "version": 1, "written_at": <date>}
    {"database": "parley", "collection": "bots", "documents": 2}   then those 2 documents as stored
    ...                                                           one such group per collection
    {"end": true, "collections": <n>, "crc32": <CRC-32 of every byte before this document>}

A snapshot is written to `<name>.tmp` beside it, flushed and fsynced, then moved over the old one
with `os.replace` (and the directory fsynced): a crash at any point leaves either the old file or
the new one, whole. The trailer's count and checksum catch what that cannot: a file cut short or
damaged on disk, or edited by hand. Reading refuses such a file with an error that names it and
says how to move it aside; it never answers "empty".
"""

from __future__ import annotations

import contextlib
import os
import struct
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import bson
from bson.errors import BSONError

from parley_runtime.errors import PermanentError, TransientError

FORMAT = "parley.mongo-snapshot"
VERSION = 1
_LENGTH = struct.Struct("<i")
_MIN_DOCUMENT = 5
"""The smallest BSON document: its int32 length and the terminating NUL."""


class SnapshotError(PermanentError):
    """The snapshot file cannot be read (or locked): starting would hide or overwrite a user's data."""

    code = "snapshot_unreadable"


@dataclass(frozen=True)
class CollectionImage:
    """One collection's documents, each already encoded as BSON."""

    database: str
    collection: str
    documents: Sequence[bytes]


class SnapshotFile:
    """Reads and atomically replaces the snapshot at `path`; `lock` keeps a second process off it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._temp = path.with_name(path.name + ".tmp")
        self._lock: IO[bytes] | None = None

    def read(self) -> list[CollectionImage] | None:
        """Every collection the file holds, or None when there is no file yet."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._unreadable(exc.strerror or str(exc)) from exc
        try:
            return _parse(data)
        except (BSONError, KeyError, TypeError, ValueError, struct.error) as exc:
            raise self._unreadable(str(exc) or type(exc).__name__) from exc

    def write(self, images: Sequence[CollectionImage]) -> int:
        """Replace the file with `images`, durably; the bytes written. Blocking: run it in a thread."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._temp.open("wb") as file:
                size = _write(file, images)
                file.flush()
                os.fsync(file.fileno())
            os.replace(self._temp, self.path)
            _sync_directory(self.path.parent)
        except OSError as exc:
            with contextlib.suppress(OSError):
                self._temp.unlink()
            raise TransientError(f"writing {self.path}: {exc.strerror or exc}") from exc
        return size

    def lock(self) -> None:
        """Hold an exclusive lock on `<name>.lock` until `unlock`: two processes saving their own
        documents over one file would each erase the other's."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = self.path.with_name(self.path.name + ".lock").open("ab")
        try:
            _exclusive(lock)
        except OSError as exc:
            lock.close()
            raise SnapshotError(
                f"{self.path} is in use by another process (is another `parley run` using the data"
                f" directory {self.path.parent.parent}?): stop it, or set PARLEY_DATA_DIR to another"
                " directory"
            ) from exc
        self._lock = lock

    def unlock(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.close()  # closing releases the lock

    def _unreadable(self, reason: str) -> SnapshotError:
        return SnapshotError(
            f"cannot read the embedded database snapshot {self.path}: {reason}. Parley has not"
            " started, and the file is as it was. To start with an empty database instead, move it"
            f" aside first (mv {self.path} {self.path}.broken) and keep it: it holds your bots, keys,"
            " models and transcripts as of its last save"
        )


def _write(file: IO[bytes], images: Sequence[CollectionImage]) -> int:
    checksum, size = 0, 0

    def put(part: bytes) -> None:
        nonlocal checksum, size
        file.write(part)
        checksum, size = zlib.crc32(part, checksum), size + len(part)

    put(bson.encode({"format": FORMAT, "version": VERSION, "written_at": datetime.now(UTC)}))
    for image in images:
        put(
            bson.encode(
                {
                    "database": image.database,
                    "collection": image.collection,
                    "documents": len(image.documents),
                }
            )
        )
        # One join per collection: a write (and a checksum) per document would hold the GIL that long.
        put(b"".join(image.documents))
    trailer = bson.encode({"end": True, "collections": len(images), "crc32": checksum})
    file.write(trailer)
    return size + len(trailer)


def _decode(raw: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = bson.decode(raw)  # pyright: ignore[reportUnknownMemberType]
    return decoded


def _parse(data: bytes) -> list[CollectionImage]:
    """The checksum first, so that damage anywhere reads as damage, not as whatever it decodes to."""
    if not data:
        raise ValueError("the file is empty")
    framed = list(_documents(data))
    start, raw = framed[-1]
    trailer = _decode(raw)
    if trailer.get("end") is not True:
        raise ValueError("the file ends without its trailer (cut short)")
    if trailer.get("crc32") != zlib.crc32(memoryview(data)[:start]):
        raise ValueError("checksum mismatch: the file was damaged or edited")
    header = _decode(framed[0][1])
    if header.get("format") != FORMAT:
        raise ValueError(f"not a Parley snapshot (no {FORMAT!r} header)")
    if (version := header.get("version")) != VERSION:
        raise ValueError(f"snapshot format version {version!r}, this Parley reads version {VERSION}")
    images: list[CollectionImage] = []
    position, body = 1, framed[:-1]
    while position < len(body):
        meta = _decode(body[position][1])
        count = int(meta["documents"])
        stored = [raw for _, raw in body[position + 1 : position + 1 + count]]
        if len(stored) != count:
            raise ValueError(f"collection {meta['collection']!r} is cut short")
        images.append(CollectionImage(str(meta["database"]), str(meta["collection"]), stored))
        position += 1 + count
    if trailer.get("collections") != len(images):
        counted = trailer.get("collections")
        raise ValueError(f"the trailer counts {counted} collections, the file holds {len(images)}")
    return images


def _documents(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(offset, bytes) of each BSON document in `data`, checking only their framing."""
    position = 0
    while position < len(data):
        if len(data) - position < _MIN_DOCUMENT:
            raise ValueError(f"a truncated document at byte {position}")
        (length,) = _LENGTH.unpack_from(data, position)
        if length < _MIN_DOCUMENT or position + length > len(data) or data[position + length - 1] != 0:
            raise ValueError(f"a malformed document at byte {position}")
        yield position, data[position : position + length]
        position += length


def _exclusive(file: IO[bytes]) -> None:
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # Windows: msvcrt locks a byte range instead
        import msvcrt  # noqa: PLC0415

        locking: Any = getattr(msvcrt, "locking")  # noqa: B009 - absent from the POSIX stubs
        locking(file.fileno(), getattr(msvcrt, "LK_NBLCK"), 1)  # noqa: B009
        return
    fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open a directory, and needs no such step."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
