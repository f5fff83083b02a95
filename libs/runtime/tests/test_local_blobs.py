"""What only the local-directory blob store has to guard: keys as paths, atomic writes, tidy folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.errors import ConflictError, InvalidInputError


def _files(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


@pytest.mark.parametrize("key", ["../outside", "models/../../outside", ".staging/x"])
async def test_a_key_escaping_the_root_or_naming_the_staging_folder_is_rejected(
    tmp_path: Path, key: str
) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    with pytest.raises(InvalidInputError):
        await store.put(key, b"x")
    with pytest.raises(InvalidInputError):
        await store.get(key)
    assert not (tmp_path / "outside").exists()


async def test_a_write_leaves_only_the_finished_file_behind(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    await store.put("models/pizzeria/1/model.bin", b"weights")
    await store.put("models/pizzeria/1/model.bin", b"better weights")
    assert _files(tmp_path) == ["models/pizzeria/1/model.bin"]
    assert (tmp_path / "models/pizzeria/1/model.bin").read_bytes() == b"better weights"


async def test_deleting_the_last_key_of_a_folder_removes_the_empty_folders(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    await store.put("exports/pizzeria/1.json", b"x")
    await store.put("exports/other.json", b"y")
    await store.delete("exports/pizzeria/1.json")
    assert not (tmp_path / "blobs/exports/pizzeria").exists()
    assert (tmp_path / "blobs/exports/other.json").exists()


async def test_a_key_that_is_also_a_prefix_of_another_is_a_conflict(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    await store.put("models/pizzeria", b"x")
    with pytest.raises(ConflictError):
        await store.put("models/pizzeria/1", b"y")


async def test_listing_a_root_that_does_not_exist_yet_finds_nothing(tmp_path: Path) -> None:
    assert await LocalBlobStore(tmp_path / "missing").list("") == []
