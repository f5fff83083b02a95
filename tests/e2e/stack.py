"""What the e2e tests know of a running Parley."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Running:
    base_url: str
    ws_url: str
    token: str

    @property
    def admin(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def embedded_parley(
    data_dir: Path, extra_env: dict[str, str], token: str = "e2e-admin-token"
) -> Iterator[Running]:
    """`python -m parley run` on a free port, as a user starts it, with `extra_env` added."""
    port = _free_port()
    inherited = {
        k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "REDIS_URL", "MONGODB_URL"))
    }
    inherited.pop("AWS_ENDPOINT_URL", None)
    env = {
        **inherited,
        "PARLEY_PORT": str(port),
        "PARLEY_ADMIN_TOKEN": token,
        "PARLEY_DATA_DIR": str(data_dir),
        "PARLEY_BUS": "memory",
        "NLU_MODEL_CACHE": str(ROOT / "var" / "models"),
        # The tests share one client address; the address limit has unit tests of its own.
        "GATEWAY_ADDRESS_RATE_LIMIT": "0",
        **extra_env,
    }
    log_path = data_dir / "parley.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "parley", "run"],
            cwd=data_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(base, process, log_path)
            yield Running(base_url=base, ws_url=f"ws://127.0.0.1:{port}/ws/chat", token=token)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(base: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"parley exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"parley did not become ready:\n{log_path.read_text()[-4000:]}")
