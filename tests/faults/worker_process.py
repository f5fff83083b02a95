"""`python -m tests.faults.worker_process QUEUE POISON_ID`: one fault-test worker process (real MongoDB)."""

from __future__ import annotations

import sys

from parley_runtime.infra import Infra
from parley_runtime.process import run_worker_process
from parley_runtime.settings import load_settings
from parley_runtime.worker import Worker
from parley_runtime.worker_settings import WorkerSettings
from tests.faults.workers import build_worker


def main(queue: str, poison_id: str) -> None:
    settings = load_settings(WorkerSettings)

    async def build(infra: Infra) -> Worker:
        return await build_worker(queue, db=infra.db, bus=infra.bus, settings=settings, poison_id=poison_id)

    run_worker_process(build, settings)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
