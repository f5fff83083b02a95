"""The whole stack on real servers: SQS and S3 on LocalStack, Redis on redis-server.

Train through the queue, chat, and see the turn arrive in the transcript store and the analytics,
each step crossing a real broker. (MongoDB is the emulation unless `MONGODB_URL` is set.)
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

import pytest

from parley.embedded import EmbeddedStack, build_stack
from parley.settings import EmbeddedSettings
from parley_messages import ChatRequest
from parley_runtime.infra import InfraSettings, connect_infra
from tests import localstack

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ENDPOINT = localstack.ENDPOINT
REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
async def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[EmbeddedStack]:
    localstack.require()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", os.environ.get("AWS_ACCESS_KEY_ID", "test"))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", os.environ.get("AWS_SECRET_ACCESS_KEY", "test"))
    prefix = f"it{uuid.uuid4().hex[:10]}-"
    bucket = f"parley-{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "AWS_ENDPOINT_URL": ENDPOINT, "PARLEY_QUEUE_PREFIX": prefix, "PARLEY_BUCKET": bucket}
    init = [sys.executable, str(ROOT / "localstack/init/ready.d/parley_init.py")]
    await asyncio.to_thread(subprocess.run, init, env=env, check=True)
    infra = await connect_infra(
        InfraSettings(
            bus="sqs",
            queue_prefix=prefix,
            aws_endpoint_url=ENDPOINT,
            bucket=bucket,
            redis_url=REDIS_URL,
            data_dir=str(tmp_path),
        )
    )
    running = await build_stack(EmbeddedSettings(demo=False, admin_token="t"), infra=infra)
    running.start_background()
    try:
        yield running
    finally:
        await running.aclose()
        localstack.init_script().delete_queues(localstack.sqs_client(), prefix)


async def _until(predicate: Callable[[], Awaitable[bool]], timeout: float = 60.0) -> None:
    async with asyncio.timeout(timeout):
        while not await predicate():
            await asyncio.sleep(0.1)


async def test_a_turn_crosses_sqs_into_transcripts_and_analytics(stack: EmbeddedStack) -> None:
    document = resources.files("parley.demo").joinpath("pizzeria.yaml").read_bytes()
    await stack.dialogue.put_bot("pizzeria", document, "application/yaml")
    job = await stack.gateway.training.start("pizzeria")

    async def trained() -> bool:
        status = (await stack.gateway.training.get("pizzeria", job.job_id)).status
        assert status not in ("failed", "rejected")
        return status == "succeeded"

    await _until(trained)
    assert await stack.infra.blobs.list("models/pizzeria/")

    reply = await stack.gateway.chat.turn(ChatRequest(bot="pizzeria", text="hello there", channel="rest"))
    assert reply.intent is not None and reply.intent.name == "greet"

    async def stored() -> bool:
        return await stack.infra.db["turns"].count_documents({"conversation_id": reply.conversation_id}) == 1

    async def counted() -> bool:
        days = await stack.gateway.analytics.daily("pizzeria", start=_today(), end=_today())
        return bool(days) and days[0].turns == 1

    await _until(stored)
    await _until(counted)


def _today() -> date:
    return datetime.now(UTC).date()
