"""What embedded mode's restored documents need at start, because its queues did not survive."""

from __future__ import annotations

from typing import Any

import structlog
from pymongo.asynchronous.database import AsyncDatabase

from parley_messages import utc_now
from parley_runtime.mongo import translate_errors

log = structlog.get_logger(__name__)

INTERRUPTED = "interrupted: Parley stopped before this job finished; train the bot again"


async def fail_interrupted_jobs(db: AsyncDatabase[dict[str, Any]]) -> int:
    """Mark `failed` every training job still queued or running: the in-process queue that held its
    `TrainModel` is gone, so nothing would ever finish it and the console would wait for it forever.
    The number of jobs marked (0 on a fresh start or with MONGODB_URL and SQS: call it only in
    embedded mode, whose bus is in process)."""
    async with translate_errors():
        result = await db["training_jobs"].update_many(
            {"status": {"$in": ["queued", "running"]}},
            {"$set": {"status": "failed", "finished_at": utc_now(), "error": INTERRUPTED}},
        )
    if result.modified_count:
        log.warning("training.interrupted_jobs_failed", jobs=result.modified_count)
    return result.modified_count
