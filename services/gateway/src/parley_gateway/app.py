"""The gateway's Litestar application."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from litestar import Litestar, Response, get
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import SecurityScheme
from litestar.static_files import create_static_files_router  # pyright: ignore[reportUnknownVariableType] - PathLike[Unknown] in its signature
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from parley_gateway.correlation import HEADER, correlation_middleware
from parley_gateway.deps import Gateway
from parley_gateway.errorpages import gateway_exception_handlers
from parley_gateway.methods import HeadAsGet
from parley_gateway.preflight import json_preflight_refusals
from parley_gateway.queries import QueryChecks
from parley_gateway.routes.admin import admin_router
from parley_gateway.routes.bot_schema import DefinitionComponents, schema_route
from parley_gateway.routes.chat import chat_route
from parley_gateway.routes.websocket import chat_socket
from parley_gateway.settings import GatewaySettings
from parley_runtime.web import CheckedRequest, ReadinessCheck, health_routes

BUILTIN_STATIC = Path(__file__).parent / "static"


def _gateway(state: State) -> Gateway:
    return state.gateway


_METRICS_MEDIA_TYPE = CONTENT_TYPE_LATEST.removesuffix("; charset=utf-8")
"""Litestar appends the charset to a text type itself; sent twice, Prometheus 3 refuses the scrape."""


@get("/metrics", include_in_schema=False, sync_to_thread=False)
def metrics(state: State) -> Response[bytes]:
    gateway: Gateway = state.gateway
    return Response(generate_latest(gateway.metrics.registry), media_type=_METRICS_MEDIA_TYPE)


def _cors(settings: GatewaySettings) -> CORSConfig | None:
    if not settings.cors_origins:
        return None
    return CORSConfig(
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["authorization", "content-type", "if-match", "if-none-match", HEADER],
        expose_headers=[HEADER, "retry-after", "etag"],
        max_age=600,
    )


def create_app(
    gateway: Gateway,
    *,
    ready_checks: Sequence[ReadinessCheck] = (),
    on_shutdown: Sequence[Callable[[], Any]] = (),
) -> Litestar:
    settings = gateway.settings
    static_dir = Path(settings.static_dir) if settings.static_dir else BUILTIN_STATIC

    async def drain_publisher() -> None:  # no parameter: Litestar would pass the app as `within`
        await gateway.publisher.drain()

    query_checks = QueryChecks()

    app = Litestar(
        route_handlers=[
            chat_socket,
            chat_route(settings.max_frame_bytes),
            admin_router,
            schema_route(),
            metrics,
            *health_routes(list(ready_checks)),
            create_static_files_router(
                path="/", directories=[static_dir], html_mode=True, include_in_schema=False
            ),
        ],
        dependencies={"gateway": Provide(_gateway, sync_to_thread=False)},
        state=State({"gateway": gateway}),
        plugins=[query_checks, HeadAsGet()],
        before_request=query_checks.check,
        request_class=CheckedRequest,
        cors_config=_cors(settings),
        exception_handlers=gateway_exception_handlers(gateway.metrics),
        request_max_body_size=settings.max_body_bytes,
        on_shutdown=[drain_publisher, *on_shutdown],
        openapi_config=OpenAPIConfig(
            title="Parley",
            version="1.0.0",
            path="/docs",
            components=DefinitionComponents(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}
            ),
        ),
    )
    # Around the whole handler, not as Litestar middleware, which runs only once a route is found:
    # a 404, 405 or 426 names its correlation id too, and so does a refused CORS preflight.
    app.asgi_handler = correlation_middleware(HeadAsGet.around(json_preflight_refusals(app.asgi_handler)))
    return app
