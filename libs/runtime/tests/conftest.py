"""Where the runtime's tests find real servers, and a summary of which backend each suite ran against.

Discovery order (DESIGN.md §3): an explicit URL in the environment (REDIS_URL or
PARLEY_TEST_REDIS_URL, MONGODB_URL, AWS_ENDPOINT_URL); testcontainers when a Docker engine
answers; a local server process (redis-server on 127.0.0.1:6379, LocalStack on 127.0.0.1:4566,
mongod on 127.0.0.1:27017).
A real backend that cannot be found is skipped with the reason, except that with
PARLEY_REQUIRE_REAL_BACKENDS=1 (CI) a missing Redis or LocalStack fails the tests that need it.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import os
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol
from urllib.parse import urlsplit

import httpx
import pytest

LOCALSTACK_URL = "http://127.0.0.1:4566"
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/15"
LOCAL_MONGODB_URL = "mongodb://127.0.0.1:27017"
LOCALSTACK_IMAGE = os.environ.get("PARLEY_LOCALSTACK_IMAGE", "localstack/localstack:4.9")
INIT_SCRIPT = Path(__file__).resolve().parents[3] / "localstack" / "init" / "ready.d" / "parley_init.py"

_backends = pytest.StashKey[dict[str, set[str]]]()


@dataclass(frozen=True)
class Backend:
    """A reachable real server: its URL and how it was found."""

    url: str
    source: str

    def describe(self, technology: str) -> str:
        return f"{technology} at {self.url} ({self.source})"


Eventually = Callable[[Callable[[], Awaitable[bool]]], Awaitable[None]]


class FindBackend(Protocol):
    def __call__(self, fixture: str, suite: str, technology: str, *, required: bool) -> Backend: ...


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_backends] = {}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    used = config.stash.get(_backends, {})
    if not used:
        return
    terminalreporter.section("contract test backends")
    for suite in sorted(used):
        terminalreporter.write_line(f"{suite:>6}: " + "; ".join(sorted(used[suite])))


@pytest.fixture(scope="session")
def record_backend(pytestconfig: pytest.Config) -> Callable[[str, str], None]:
    """Note that suite `suite` ran against `description` (shown in the terminal summary)."""

    def record(suite: str, description: str) -> None:
        pytestconfig.stash[_backends].setdefault(suite, set()).add(description)

    return record


@pytest.fixture
def real_backend(request: pytest.FixtureRequest, record_backend: Callable[[str, str], None]) -> FindBackend:
    """`real_backend(fixture, suite, technology, required=...)`: the server found, or skip/fail the test."""

    def find(fixture: str, suite: str, technology: str, *, required: bool) -> Backend:
        found: Backend | str = request.getfixturevalue(fixture)
        if isinstance(found, Backend):
            record_backend(suite, found.describe(technology))
            return found
        if required and os.environ.get("PARLEY_REQUIRE_REAL_BACKENDS") == "1":
            record_backend(suite, f"{technology}: MISSING ({found})")
            message = f"{technology} is required (PARLEY_REQUIRE_REAL_BACKENDS=1) but missing: {found}"
            pytest.fail(message, pytrace=False)
        record_backend(suite, f"{technology}: skipped ({found})")
        pytest.skip(f"{technology} not available: {found}")

    return find


@functools.cache
def docker_answers() -> bool:
    """True when the Docker engine at DOCKER_HOST (default: the local socket) answers `/_ping` within 2 s."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    try:
        if host.startswith("unix://"):
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(2)
            with connection:
                connection.connect(host.removeprefix("unix://"))
                return _pings(connection)
        if host.startswith("tcp://"):
            parts = urlsplit(host)
            with socket.create_connection(
                (parts.hostname or "127.0.0.1", parts.port or 2375), timeout=2
            ) as conn:
                return _pings(conn)
    except OSError:
        return False
    return False


def _pings(connection: socket.socket) -> bool:
    connection.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
    return connection.recv(64).startswith((b"HTTP/1.0 200", b"HTTP/1.1 200"))


def tcp_answers(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def localstack_ready(url: str) -> bool:
    """True when LocalStack at `url` reports SQS and S3 usable."""
    try:
        services = httpx.get(f"{url}/_localstack/health", timeout=2).json().get("services", {})
    except (httpx.HTTPError, ValueError):
        return False
    return all(services.get(name) in ("available", "running") for name in ("sqs", "s3"))


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Backend | str]:
    """A real Redis, or the reason there is none."""
    explicit = [(name, os.environ.get(name)) for name in ("REDIS_URL", "PARLEY_TEST_REDIS_URL")]
    if found := next(((name, url) for name, url in explicit if url), None):
        yield Backend(found[1], found[0])
    elif docker_answers():
        from testcontainers.community.redis import RedisContainer  # noqa: PLC0415

        with RedisContainer("redis:7-alpine") as container:
            host, port = container.get_container_host_ip(), container.get_exposed_port(6379)
            yield Backend(f"redis://{host}:{port}/15", "testcontainers")
    elif tcp_answers(LOCAL_REDIS_URL, 6379):
        yield Backend(LOCAL_REDIS_URL, "local redis-server")
    else:
        yield "no REDIS_URL, no Docker engine, no redis-server on 127.0.0.1:6379"


@pytest.fixture(scope="session")
def localstack_server() -> Iterator[Backend | str]:
    """A LocalStack with SQS and S3, or the reason there is none."""
    if url := os.environ.get("AWS_ENDPOINT_URL"):
        yield Backend(url, "AWS_ENDPOINT_URL")
    elif docker_answers():
        from testcontainers.community.localstack import LocalStackContainer  # noqa: PLC0415

        container = LocalStackContainer(LOCALSTACK_IMAGE, region_name="us-east-1").with_services("sqs", "s3")
        with container:
            yield Backend(container.get_url(), "testcontainers")
    elif localstack_ready(LOCALSTACK_URL):
        yield Backend(LOCALSTACK_URL, "local LocalStack")
    else:
        yield "no AWS_ENDPOINT_URL, Docker engine or LocalStack at 127.0.0.1:4566 (localstack/run.sh start)"


@pytest.fixture(scope="session")
def mongodb_server() -> Iterator[Backend | str]:
    """A real MongoDB, or the reason there is none."""
    if url := os.environ.get("MONGODB_URL"):
        yield Backend(url, "MONGODB_URL")
    elif docker_answers():
        from testcontainers.community.mongodb import MongoDbContainer  # noqa: PLC0415

        with MongoDbContainer("mongo:7") as container:
            yield Backend(container.get_connection_url(), "testcontainers")
    elif tcp_answers(LOCAL_MONGODB_URL, 27017):
        yield Backend(LOCAL_MONGODB_URL, "local mongod")
    else:
        yield "no MONGODB_URL, no Docker engine, no mongod on 127.0.0.1:27017"


@pytest.fixture
def eventually() -> Eventually:
    """`await eventually(check)`: poll the async `check` until it is true, failing after five seconds."""

    async def poll(check: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
        deadline = time.monotonic() + within
        while not await check():
            if time.monotonic() > deadline:
                pytest.fail(f"condition not met within {within} s")
            await asyncio.sleep(0.01)

    return poll


@pytest.fixture(scope="session")
def init_script() -> ModuleType:
    """`localstack/init/ready.d/parley_init.py`, which makes Parley's queues and bucket (a script,
    not a package: it runs inside LocalStack with only boto3)."""
    spec = importlib.util.spec_from_file_location("parley_init", INIT_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
