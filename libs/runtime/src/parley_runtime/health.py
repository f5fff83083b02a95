"""The health port of a worker process: `/health/live`, `/health/ready` and `/metrics` for Kubernetes.

Workers have no web framework, and need none for three GET routes: this is a small HTTP/1.1 server
on asyncio streams. Each connection gets one response and is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

log = structlog.get_logger(__name__)

Probe = Callable[[], Awaitable[bool]]
READ_TIMEOUT_SECONDS = 5.0
MAX_REQUEST_BYTES = 8192


@asynccontextmanager
async def serving_health(host: str, port: int, *, live: Probe, ready: Probe) -> AsyncGenerator[int]:
    """Serve the probes on `host:port` (port 0 picks a free one) inside the block; yields the port."""
    server = await asyncio.start_server(
        lambda reader, writer: _answer(reader, writer, live=live, ready=ready), host, port
    )
    bound = int(server.sockets[0].getsockname()[1])
    log.info("health.listening", host=host, port=bound)
    try:
        yield bound
    finally:
        server.close()
        await server.wait_closed()


async def _answer(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, live: Probe, ready: Probe
) -> None:
    try:
        path = await _request_path(reader)
        status, content_type, body = await _route(path, live=live, ready=ready)
        head = (
            f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()
    except (TimeoutError, ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        pass  # a probe that hangs up or dawdles gets nothing
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def _request_path(reader: asyncio.StreamReader) -> str | None:
    """The path of a GET request, or None for any other method; reads the headers to their end."""
    async with asyncio.timeout(READ_TIMEOUT_SECONDS):
        head = await reader.readuntil(b"\r\n\r\n")
    if len(head) > MAX_REQUEST_BYTES:
        return None
    parts = head.split(b"\r\n", 1)[0].decode("latin-1").split()
    if len(parts) != 3 or parts[0] != "GET":
        return None
    return parts[1].split("?", 1)[0]


async def _route(path: str | None, *, live: Probe, ready: Probe) -> tuple[str, str, bytes]:
    if path == "/metrics":
        return "200 OK", CONTENT_TYPE_LATEST, generate_latest(REGISTRY)
    probes = {"/health/live": live, "/health/ready": ready}
    if path in probes:
        ok = await _passes(probes[path])
        body = b'{"status": "ok"}' if ok else b'{"status": "unavailable"}'
        return ("200 OK" if ok else "503 Service Unavailable"), "application/json", body
    return "404 Not Found", "application/json", b'{"error": {"code": "not_found"}}'


async def _passes(probe: Probe) -> bool:
    try:
        return await probe()
    except Exception as exc:  # noqa: BLE001 - a probe that raises reports unavailable
        log.warning("health.probe_failed", error=type(exc).__name__)
        return False
