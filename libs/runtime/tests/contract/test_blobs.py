"""The `BlobStore` contract, run against LocalBlobStore and S3BlobStore (LocalStack)."""

from __future__ import annotations

import pytest

from parley_runtime.blobs.ports import BlobStore
from parley_runtime.errors import InvalidInputError, NotFoundError


async def test_a_stored_blob_reads_back_byte_for_byte(blobs: BlobStore) -> None:
    data = bytes(range(256)) * 3
    await blobs.put("models/pizzeria/1/model.bin", data)
    assert await blobs.get("models/pizzeria/1/model.bin") == data


async def test_an_empty_blob_is_a_blob(blobs: BlobStore) -> None:
    await blobs.put("exports/empty.json", b"")
    assert await blobs.get("exports/empty.json") == b""


async def test_putting_a_key_again_replaces_its_bytes(blobs: BlobStore) -> None:
    await blobs.put("datasets/pizzeria/j1.json", b"old")
    await blobs.put("datasets/pizzeria/j1.json", b"new")
    assert await blobs.get("datasets/pizzeria/j1.json") == b"new"


async def test_getting_a_missing_key_raises_not_found(blobs: BlobStore) -> None:
    with pytest.raises(NotFoundError):
        await blobs.get("models/nobody/1/model.bin")


async def test_list_returns_the_keys_under_a_prefix_sorted(blobs: BlobStore) -> None:
    for key in ["models/pizzeria/2/a", "models/pizzeria/1/b", "models/pizzeria/1/a", "models/pasta/1/a"]:
        await blobs.put(key, b"x")
    assert await blobs.list("models/pizzeria/") == [
        "models/pizzeria/1/a",
        "models/pizzeria/1/b",
        "models/pizzeria/2/a",
    ]


async def test_a_prefix_matches_the_start_of_keys_not_whole_folders(blobs: BlobStore) -> None:
    for key in ["transcripts/pizza/1", "transcripts/pizzeria/1", "transcripts/pasta/1"]:
        await blobs.put(key, b"x")
    assert await blobs.list("transcripts/pizz") == ["transcripts/pizza/1", "transcripts/pizzeria/1"]


async def test_an_empty_prefix_lists_every_key(blobs: BlobStore) -> None:
    keys = ["a", "b/c", "b/d/e", "f.json", "g/h"]
    for key in reversed(keys):
        await blobs.put(key, b"x")
    assert await blobs.list("") == keys


async def test_a_prefix_without_keys_lists_nothing(blobs: BlobStore) -> None:
    await blobs.put("models/pizzeria/1/a", b"x")
    assert await blobs.list("exports/") == []


async def test_a_deleted_key_is_gone(blobs: BlobStore) -> None:
    await blobs.put("exports/pizzeria/1.json", b"x")
    await blobs.put("exports/pizzeria/2.json", b"y")
    await blobs.delete("exports/pizzeria/1.json")
    with pytest.raises(NotFoundError):
        await blobs.get("exports/pizzeria/1.json")
    assert await blobs.list("exports/") == ["exports/pizzeria/2.json"]


async def test_deleting_a_missing_key_is_not_an_error(blobs: BlobStore) -> None:
    await blobs.delete("exports/never/written.json")
    assert await blobs.list("") == []


@pytest.mark.parametrize("key", ["", "/etc/passwd", "../outside", "models//double", "./here", "a\\b"])
async def test_a_key_that_is_not_a_clean_relative_path_is_rejected_everywhere(
    blobs: BlobStore, key: str
) -> None:
    with pytest.raises(InvalidInputError):
        await blobs.put(key, b"x")
    with pytest.raises(InvalidInputError):
        await blobs.get(key)
    with pytest.raises(InvalidInputError):
        await blobs.delete(key)
