"""Restored training jobs the last run's in-process queue lost are marked failed, not left waiting."""

from __future__ import annotations

from pathlib import Path

from parley.recovery import INTERRUPTED, fail_interrupted_jobs
from parley_runtime.infra import InfraSettings, connect_infra


async def test_queued_and_running_jobs_are_failed_and_finished_ones_kept(tmp_path: Path) -> None:
    infra = await connect_infra(InfraSettings(data_dir=str(tmp_path)))
    jobs = infra.db["training_jobs"]
    try:
        await jobs.insert_many(
            [{"_id": s, "bot": "b", "status": s} for s in ("queued", "running", "succeeded", "rejected")]
        )
        assert await fail_interrupted_jobs(infra.db) == 2
        found = {doc["_id"]: doc async for doc in jobs.find({})}
        assert {name: doc["status"] for name, doc in found.items()} == {
            "queued": "failed",
            "running": "failed",
            "succeeded": "succeeded",
            "rejected": "rejected",
        }
        assert found["running"]["error"] == INTERRUPTED and "finished_at" in found["running"]
        assert await fail_interrupted_jobs(infra.db) == 0
    finally:
        await infra.aclose()
