"""`python -m parley_dialogue`: the dialogue service on its own (NLU over HTTP)."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import uvicorn

from parley_dialogue.app import create_app
from parley_dialogue.bootstrap import build_dialogue_service
from parley_dialogue.settings import DialogueSettings
from parley_runtime.infra import InfraSettings, connect_infra
from parley_runtime.logging import configure_logging
from parley_runtime.settings import load_settings


async def serve() -> None:
    infra_settings = load_settings(InfraSettings)
    settings = load_settings(DialogueSettings)
    configure_logging(infra_settings.log_level)
    async with AsyncExitStack() as resources:
        infra = await connect_infra(infra_settings)
        resources.push_async_callback(infra.aclose)
        service = await build_dialogue_service(infra, settings, resources=resources)
        app = create_app(service, ready_checks=infra.ready_checks())
        await uvicorn.Server(
            uvicorn.Config(app, host=settings.host, port=settings.port, log_config=None)
        ).serve()


def main() -> None:
    asyncio.run(serve())


if __name__ == "__main__":
    main()
