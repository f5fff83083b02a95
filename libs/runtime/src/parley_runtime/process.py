"""Entry points of stand-alone service processes: settings, logging, infrastructure, run, close."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

import msgspec
import uvicorn

from parley_runtime.errors import SettingsError
from parley_runtime.health import serving_health
from parley_runtime.infra import Infra, InfraSettings, connect_infra
from parley_runtime.logging import configure_logging
from parley_runtime.settings import check_settings, check_values, load_settings
from parley_runtime.worker import Worker, install_signal_handlers
from parley_runtime.worker_settings import WorkerSettings

S = TypeVar("S", bound=msgspec.Struct)

SETTINGS_EXIT_STATUS = 2
"""How a process ends when its settings are wrong (as `parley run` and the `parley` commands do):
a usage error, which no restart mends, unlike a crash's 1."""


def run_process(main: Callable[[], object]) -> None:
    """Run an entry point's `main`. Settings found wrong, at the check at start or while the app is
    built from them, end the process as they end `parley run`: every problem listed on stderr,
    exit status 2, no traceback (which would bury the list and say the code failed)."""
    try:
        main()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        sys.exit(SETTINGS_EXIT_STATUS)


def serve_http(
    settings_cls: type[S],
    build_app: Callable[[Infra, S], Awaitable[Any]],
    *,
    proxies: Callable[[S], list[str]] | None = None,
) -> None:
    """Serve the ASGI app that `build_app` makes, until SIGTERM; then close the infrastructure.
    `proxies` names the peers whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed (the
    public edge's setting); without it, uvicorn's default (this host's, or `FORWARDED_ALLOW_IPS`)."""
    check_settings(InfraSettings, settings_cls)
    infra_settings = load_settings(InfraSettings)
    settings = load_settings(settings_cls)
    configure_logging(infra_settings.log_level)
    trusted = proxies(settings) if proxies else None
    asyncio.run(_serve(infra_settings, settings, build_app, trusted))


async def _serve(
    infra_settings: InfraSettings,
    settings: Any,
    build_app: Callable[[Infra, Any], Awaitable[Any]],
    proxies: list[str] | None,
) -> None:
    infra = await connect_infra(infra_settings)
    try:
        app = await build_app(infra, settings)
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            lifespan="on",
            forwarded_allow_ips=proxies,
        )
        await uvicorn.Server(config).serve()
    finally:
        await infra.aclose()


def run_worker_process(
    build_worker: Callable[[Infra], Awaitable[Worker]], settings: WorkerSettings | None = None
) -> None:
    """Consume a queue with the worker `build_worker` makes, until SIGTERM drains it.

    With `WORKER_HEALTH_PORT` set, the process also serves `/health/live`, `/health/ready` and
    `/metrics` on that port while it runs.
    """
    # The entry point checked every group it reads (with the warning of unread variables); a
    # second look at these two would find its own group's variables unread.
    check_values(InfraSettings, WorkerSettings)
    infra_settings = load_settings(InfraSettings)
    settings = settings or load_settings(WorkerSettings)
    configure_logging(infra_settings.log_level)
    asyncio.run(_work(infra_settings, settings, build_worker))


async def _work(
    infra_settings: InfraSettings,
    settings: WorkerSettings,
    build_worker: Callable[[Infra], Awaitable[Worker]],
) -> None:
    stop = asyncio.Event()
    install_signal_handlers(stop)
    infra = await connect_infra(infra_settings)
    probes = _Probes(infra)
    try:
        async with _health(settings, probes):
            probes.worker = await build_worker(infra)
            await probes.worker.run(stop, drain_seconds=settings.drain_seconds)
    finally:
        await infra.aclose()


class _Probes:
    """Liveness and readiness of a worker process; the worker is there once it is built."""

    def __init__(self, infra: Infra) -> None:
        self._infra = infra
        self.worker: Worker | None = None

    async def live(self) -> bool:
        return self.worker is None or self.worker.alive()

    async def ready(self) -> bool:
        if self.worker is None or not self.worker.ready():
            return False
        for check in self._infra.ready_checks():
            await check()
        return True


def _health(settings: WorkerSettings, probes: _Probes) -> AbstractAsyncContextManager[object]:
    if not settings.health_port:
        return contextlib.nullcontext()
    return serving_health(settings.health_host, settings.health_port, live=probes.live, ready=probes.ready)
