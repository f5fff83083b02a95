"""One embedded Parley (`python -m parley run`) serving the built web frontend, which a test may
stop and start again on the same port (the widget must reconnect to the same address)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
WEB_DIST = ROOT / "web" / "dist"


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

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def start(self, *, timeout: float = 120) -> None:
        ours = ("PARLEY_", "GATEWAY_", "REDIS_URL", "MONGODB_URL")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(ours)},
            "PARLEY_PORT": str(self.port),
            "PARLEY_ADMIN_TOKEN": self.token,
            "PARLEY_DATA_DIR": str(self.data_dir),
            "PARLEY_BUS": "memory",
            "NLU_MODEL_CACHE": str(ROOT / "var" / "models"),
            "GATEWAY_STATIC_DIR": str(WEB_DIST),
            **self._extra_env,
        }
        env.pop("AWS_ENDPOINT_URL", None)
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


class Shop:
    """A plain website on its own port (so its own origin): serves the pages a test puts in `pages`."""

    def __init__(self, port: int) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path.split("?")[0])
                self.send_response(200 if body is not None else 404)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "not found").encode())

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.origin = f"http://127.0.0.1:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
