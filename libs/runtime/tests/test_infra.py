"""`connect_infra` picks the adapters the settings select, and `aclose` closes what it opened."""

from __future__ import annotations

from pathlib import Path

from parley_messages import TRAINING_QUEUE, TrainModel
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.infra import InfraSettings, connect_infra


async def test_without_urls_every_adapter_is_in_process(tmp_path: Path) -> None:
    infra = await connect_infra(InfraSettings(data_dir=str(tmp_path / "data")))
    try:
        assert isinstance(infra.bus, MemoryBus)
        assert isinstance(infra.blobs, LocalBlobStore)
        await infra.blobs.put("a/b", b"x")
        assert (tmp_path / "data" / "a" / "b").read_bytes() == b"x"
        await infra.redis.set("k", b"v")
        assert await infra.redis.get("k") == b"v"
        await infra.db["bots"].insert_one({"_id": "pizzeria"})
        assert await infra.db["bots"].count_documents({}) == 1
        for check in infra.ready_checks():
            await check()
    finally:
        await infra.aclose()


async def test_the_in_process_bus_carries_messages_between_publisher_and_consumer(tmp_path: Path) -> None:
    infra = await connect_infra(InfraSettings(data_dir=str(tmp_path)))
    try:
        await infra.bus.publish(TrainModel(bot="b", job_id="j", dataset_key="k"))
        assert len(await infra.bus.receive(TRAINING_QUEUE, wait_seconds=0)) == 1
    finally:
        await infra.aclose()


async def test_two_embedded_infrastructures_do_not_share_state(tmp_path: Path) -> None:
    first = await connect_infra(InfraSettings(data_dir=str(tmp_path / "1")))
    second = await connect_infra(InfraSettings(data_dir=str(tmp_path / "2")))
    try:
        await first.redis.set("k", b"first")
        await first.db["bots"].insert_one({"_id": "b"})
        assert await second.redis.get("k") is None
        assert await second.db["bots"].count_documents({}) == 0
    finally:
        await first.aclose()
        await second.aclose()
