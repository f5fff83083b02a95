"""The snapshot file: what it writes reads back, a write never leaves half a file, and a damaged file
is refused with an error naming it (never read as empty)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import bson
import pytest

from parley_runtime import mongo_snapshot_file
from parley_runtime.errors import TransientError
from parley_runtime.mongo_snapshot_file import CollectionImage, SnapshotError, SnapshotFile


def _images(*ids: str) -> list[CollectionImage]:
    return [
        CollectionImage("parley", "bots", [bson.encode({"_id": i, "n": n}) for n, i in enumerate(ids)]),
        CollectionImage("parley", "turns", [bson.encode({"_id": "t", "text": "hi"})]),
    ]


def test_what_is_written_reads_back_collection_by_collection(tmp_path: Path) -> None:
    file = SnapshotFile(tmp_path / "mongo" / "snapshot.bson")
    file.write(_images("a", "b"))
    assert file.read() == _images("a", "b")


def test_no_file_reads_as_none_and_an_empty_store_as_no_collections(tmp_path: Path) -> None:
    file = SnapshotFile(tmp_path / "snapshot.bson")
    assert file.read() is None
    file.write([])
    assert file.read() == []


def test_a_write_replaces_the_file_whole(tmp_path: Path) -> None:
    file = SnapshotFile(tmp_path / "snapshot.bson")
    file.write(_images("a", "b"))
    file.write(_images("c"))
    assert file.read() == _images("c")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snapshot.bson"]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_write_that_fails_midway_leaves_the_previous_snapshot_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    file = SnapshotFile(tmp_path / "snapshot.bson")
    file.write(_images("a"))
    before = file.path.read_bytes()

    def crash(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, crash)
    with pytest.raises(TransientError, match="No space left"):
        file.write(_images("b", "c"))
    monkeypatch.undo()
    assert file.path.read_bytes() == before
    assert file.read() == _images("a")
    assert not file.path.with_name("snapshot.bson.tmp").exists()


def test_a_temp_file_left_by_a_crash_is_ignored_and_replaced(tmp_path: Path) -> None:
    file = SnapshotFile(tmp_path / "snapshot.bson")
    file.write(_images("a"))
    file.path.with_name("snapshot.bson.tmp").write_bytes(file.path.read_bytes()[:40])  # killed mid-write
    assert file.read() == _images("a")
    file.write(_images("b"))
    assert file.read() == _images("b")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: data[: len(data) // 2], "malformed document|ends"),
        (lambda data: data[:-30], "malformed document|ends"),
        (lambda data: data[:100] + bytes([data[100] ^ 0xFF]) + data[101:], "checksum"),
        (lambda data: data + bson.encode({"x": 1}), "without its trailer"),
        (lambda data: b"", "empty"),
        (lambda data: b"not bson at all, just text", "malformed"),
        (lambda data: bson.encode({"format": "other"}) + data, "checksum"),
    ],
    ids=["half", "no-trailer", "flipped-byte", "extra-bytes", "empty", "text", "foreign"],
)
def test_a_damaged_file_is_refused_naming_it_and_how_to_move_it_aside(
    tmp_path: Path, damage: Callable[[bytes], bytes], reason: str
) -> None:
    file = SnapshotFile(tmp_path / "snapshot.bson")
    file.write(_images("a", "b"))
    damaged = damage(file.path.read_bytes())
    file.path.write_bytes(damaged)
    with pytest.raises(SnapshotError, match=reason) as raised:
        file.read()
    message = str(raised.value)
    assert str(file.path) in message
    assert f"mv {file.path} {file.path}.broken" in message
    assert file.path.read_bytes() == damaged  # untouched


def test_a_newer_format_version_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = SnapshotFile(tmp_path / "snapshot.bson")
    monkeypatch.setattr(mongo_snapshot_file, "VERSION", 99)
    file.write(_images("a"))
    monkeypatch.undo()
    with pytest.raises(SnapshotError, match="version 99"):
        file.read()


def test_a_second_holder_of_the_lock_is_refused_until_the_first_releases_it(tmp_path: Path) -> None:
    first, second = SnapshotFile(tmp_path / "s.bson"), SnapshotFile(tmp_path / "s.bson")
    first.lock()
    try:
        with pytest.raises(SnapshotError, match="in use by another process"):
            second.lock()
    finally:
        first.unlock()
    second.lock()
    second.unlock()
