"""Entry points of stand-alone service processes: settings, logging, infrastructure, run, close."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
import uvicorn

from parley_runtime.infra import Infra, InfraSettings, connect_infra
from parley_runtime.logging import configure_logging
from parley_runtime.settings import load_settings
from parley_runtime.worker import Worker, install_signal_handlers

S = TypeVar("S", bound=msgspec.Struct)


def serve_http(settings_cls: type[S], build_app: Callable[[Infra, S], Awaitable[Any]]) -> None:
    """Serve the ASGI app that `build_app` makes, until SIGTERM; then close the infrastructure."""
    infra_settings = load_settings(InfraSettings)
    settings = load_settings(settings_cls)
    configure_logging(infra_settings.log_level)
    asyncio.run(_serve(infra_settings, settings, build_app))


async def _serve(
    infra_settings: InfraSettings, settings: Any, build_app: Callable[[Infra, Any], Awaitable[Any]]
) -> None:
    infra = await connect_infra(infra_settings)
    try:
        app = await build_app(infra, settings)
        config = uvicorn.Config(
            app, host=settings.host, port=settings.port, log_config=None, access_log=False, lifespan="on"
        )
        await uvicorn.Server(config).serve()
    finally:
        await infra.aclose()


def run_worker_process(build_worker: Callable[[Infra], Awaitable[Worker]]) -> None:
    """Consume a queue with the worker `build_worker` makes, until SIGTERM drains it."""
    infra_settings = load_settings(InfraSettings)
    configure_logging(infra_settings.log_level)
    asyncio.run(_work(infra_settings, build_worker))


async def _work(infra_settings: InfraSettings, build_worker: Callable[[Infra], Awaitable[Worker]]) -> None:
    stop = asyncio.Event()
    install_signal_handlers(stop)
    infra = await connect_infra(infra_settings)
    try:
        worker = await build_worker(infra)
        await worker.run(stop)
    finally:
        await infra.aclose()
