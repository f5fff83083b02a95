"""A running Parley as the e2e and browser tests see it: `python -m parley run`, started as a user
starts it, on its own port and data directory; a test may stop and start it again on that port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
OURS = ("PARLEY_", "GATEWAY_", "REDIS_URL", "MONGODB_URL", "AWS_ENDPOINT_URL")
"""Settings of the caller's environment a test server must not inherit."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EmbeddedParley:
    def __init__(self, *, port: int, data_dir: Path, token: str, env: dict[str, str] | None = None) -> None:
        self.port = port
        self.token = token
        self.data_dir = data_dir
        self.log_path = data_dir / "parley.log"
        self._extra_env = env or {}
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/chat"

    @property
    def admin(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def start(self, *, timeout: float = 240) -> None:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(OURS)},
            "PARLEY_PORT": str(self.port),
            "PARLEY_ADMIN_TOKEN": self.token,
            "PARLEY_DATA_DIR": str(self.data_dir),
            "PARLEY_BUS": "memory",
            "NLU_MODEL_CACHE": str(ROOT / "var" / "models"),
            **self._extra_env,
        }
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "parley", "run"],
                cwd=self.data_dir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_ready(timeout)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _wait_ready(self, timeout: float) -> None:
        assert self._process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"parley exited with {self._process.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(self.url("/health/ready"), timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"parley did not become ready in {timeout} s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


@contextmanager
def embedded_parley(
    data_dir: Path, extra_env: dict[str, str], token: str = "e2e-admin-token"
) -> Iterator[EmbeddedParley]:
    """A started Parley with `extra_env` added, stopped afterwards."""
    # The tests share one client address; the address limit has unit tests of its own.
    env = {"GATEWAY_ADDRESS_RATE_LIMIT": "0", **extra_env}
    server = EmbeddedParley(port=free_port(), data_dir=data_dir, token=token, env=env)
    try:
        server.start()
        yield server
    finally:
        server.stop()
