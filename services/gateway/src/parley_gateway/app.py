"""The gateway's Litestar application."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from litestar import Litestar, Response, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from parley_gateway.auth import AdminKeys
from parley_gateway.deps import Gateway
from parley_gateway.routes.admin import admin_router
from parley_gateway.routes.chat import chat
from parley_gateway.routes.websocket import chat_socket
from parley_runtime.web import ReadinessCheck, exception_handlers, health_routes

BUILTIN_STATIC = Path(__file__).parent / "static"


def _gateway(state: State) -> Gateway:
    return state.gateway


@get("/metrics", include_in_schema=False, sync_to_thread=False)
def metrics(state: State) -> Response[bytes]:
    gateway: Gateway = state.gateway
    return Response(generate_latest(gateway.metrics.registry), media_type=CONTENT_TYPE_LATEST)


def create_app(
    gateway: Gateway,
    *,
    admin_keys: AdminKeys,
    ready_checks: Sequence[ReadinessCheck] = (),
    on_shutdown: Sequence[Callable[[], Any]] = (),
) -> Litestar:
    static_dir = Path(gateway.settings.static_dir) if gateway.settings.static_dir else BUILTIN_STATIC
    return Litestar(
        route_handlers=[
            chat_socket,
            chat,
            admin_router,
            metrics,
            *health_routes(list(ready_checks)),
            create_static_files_router(
                path="/", directories=[static_dir], html_mode=True, include_in_schema=False
            ),
        ],
        dependencies={"gateway": Provide(_gateway, sync_to_thread=False)},
        state=State({"gateway": gateway, "admin_keys": admin_keys}),
        exception_handlers=exception_handlers(),
        request_max_body_size=4 * 1024 * 1024,
        on_shutdown=[gateway.publisher.drain, *on_shutdown],
        openapi_config=OpenAPIConfig(
            title="Parley",
            version="1.0.0",
            path="/docs",
            components=Components(security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}),
        ),
    )
