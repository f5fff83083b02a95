"""Websocket chat under load against the embedded stack, beside the baselines of the same run.

    .venv/bin/python bench/ws_load.py [--phases a,b,c] [--idle 10000] [--url ws://127.0.0.1:8124 --pid N]

Without `--url` it starts `python -m parley run` on a free loopback port (demo bot `pizzeria`) and
stops it at the end; this client is always a process of its own. Texts are drawn from over a
thousand distinct pizzeria utterances (`utterances.py`), so no cache stands in for the NLU.

(a) 50 conversations, each sending its next message 100 ms after the previous reply: p50/p99 per turn.
(b) no pause between turns: the highest turns/s with p99 <= 100 ms over a ladder of concurrency,
    beside the NLU encoder's own ceiling (batches of `--batch`, otherwise the server's settings:
    every core; also on one thread) and a raw uvicorn websocket echo server's round trips.
(c) idle websockets one gateway process holds (goal 10,000) and its memory per connection.

Each figure of (a) is the median of `--rounds` rounds. Not a test: it never fails on timing.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import msgspec
import numpy as np
from websockets.asyncio.client import ClientConnection, connect

sys.path.insert(0, str(Path(__file__).parent))
from utterances import utterance_pool

ROOT = Path(__file__).resolve().parent.parent
P99_BUDGET_MS = 100.0
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode


@dataclass
class Run:
    """Latencies (seconds) and errors of one load run."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    def pct(self, q: float) -> float:
        return float(np.percentile(np.array(self.latencies) * 1e3, q)) if self.latencies else float("nan")

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


# ---- servers -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_embedded(port: int, data_dir: str) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "REDIS_URL", "MONGODB_URL"))},
        "PARLEY_PORT": str(port),
        "PARLEY_ADMIN_TOKEN": "bench",
        "PARLEY_DATA_DIR": data_dir,
        "PARLEY_LOG_LEVEL": "WARNING",
        # One client address drives everything here: lift the abuse limits that would refuse it.
        "GATEWAY_ADDRESS_RATE_LIMIT": "0",
        "GATEWAY_WS_MESSAGES_PER_SECOND": "100000",
        "GATEWAY_WS_MESSAGE_BURST": "100000",
        "NLU_MODEL_CACHE": os.environ.get("NLU_MODEL_CACHE", str(ROOT / "var" / "models")),
    }
    log = Path(data_dir, "parley.log").open("wb")  # noqa: SIM115 - the server's log, kept open
    return subprocess.Popen(
        [sys.executable, "-m", "parley", "run"], cwd=data_dir, env=env, stdout=log, stderr=log
    )


def start_echo(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(Path(__file__).parent / "echo_server.py"), str(port)])


def wait_until(check: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            if httpx.get(check, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server not ready after {seconds} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def cpu_seconds(pid: int | None, *, main_thread: bool = False) -> float:
    """User + system CPU time the server process (or only its main thread, the event loop) has used."""
    if not pid:
        return float("nan")
    stat = Path(f"/proc/{pid}/task/{pid}/stat" if main_thread else f"/proc/{pid}/stat")
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


# ---- clients -------------------------------------------------------------------------------------


async def open_chat(url: str) -> ClientConnection:
    ws = await connect(url, ping_interval=None, open_timeout=30, max_size=1 << 20)
    welcome = _decode(await ws.recv())
    if welcome.get("type") != "bot_message":
        raise RuntimeError(f"no welcome: {welcome}")
    return ws


async def converse(url: str, texts: Iterator[str], run: Run, until: float, pause: float, warm: float) -> None:
    """One conversation: send, await the reply, pause, until the deadline; count from `warm` on."""
    try:
        ws = await open_chat(url) if "/ws/chat" in url else await connect(url, ping_interval=None)
    except (TimeoutError, OSError, RuntimeError):
        run.errors += 1
        return
    async with ws:
        while (now := time.perf_counter()) < until:
            await ws.send(_encode({"type": "user_message", "text": next(texts)}))
            frame = _decode(await ws.recv())
            if now < warm:
                pass
            elif frame.get("type") in ("bot_message", "user_message"):  # the echo answers what it got
                run.latencies.append(time.perf_counter() - now)
            else:
                run.errors += 1
            if pause:
                await asyncio.sleep(pause)


async def load(url: str, pool: list[str], *, clients: int, seconds: float, pause: float) -> Run:
    """`clients` conversations for 1 s of warm-up plus `seconds`."""
    texts = itertools.cycle(pool)
    start = time.perf_counter()
    run = Run(seconds=seconds)
    until, warm = start + 1 + seconds, start + 1
    results = await asyncio.gather(
        *(converse(url, texts, run, until, pause, warm) for _ in range(clients)), return_exceptions=True
    )
    run.errors += sum(isinstance(r, BaseException) for r in results)
    return run


# ---- phases --------------------------------------------------------------------------------------


async def phase_a(url: str, pool: list[str], args: argparse.Namespace) -> None:
    cpu_before = cpu_seconds(args.server_pid)
    loop_before = cpu_seconds(args.server_pid, main_thread=True)
    runs = [await load(url, pool, clients=50, seconds=args.seconds, pause=0.1) for _ in range(args.rounds)]
    turns = sum(len(r.latencies) for r in runs)
    cpu_ms = (cpu_seconds(args.server_pid) - cpu_before) * 1e3 / turns
    loop_ms = (cpu_seconds(args.server_pid, main_thread=True) - loop_before) * 1e3 / turns
    p50 = statistics.median(r.pct(50) for r in runs)
    p99 = statistics.median(r.pct(99) for r in runs)
    rate = statistics.median(r.rate for r in runs)
    errors = sum(r.errors for r in runs)
    verdict = "ok" if p50 <= 15 and p99 <= 60 and errors == 0 else "MISSED"
    print(
        f"(a) 50 conversations, 100 ms pause: p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  "
        f"{rate:6.0f} turns/s  errors {errors}  server CPU {cpu_ms:.2f} ms/turn, event loop {loop_ms:.2f} "
        f"(warm-ups included)   "
        f"[budget p50<=15 p99<=60: {verdict}]",
        flush=True,
    )


async def ladder(url: str, pool: list[str], args: argparse.Namespace, name: str) -> tuple[float, int, Run]:
    """The best turns/s over the concurrency ladder whose p99 stays within budget."""
    best: tuple[float, int, Run] = (0.0, 0, Run(seconds=1))
    for clients in args.ladder:
        run = await load(url, pool, clients=clients, seconds=args.ladder_seconds, pause=0)
        ok = run.pct(99) <= P99_BUDGET_MS and run.errors == 0
        print(
            f"    {name:<8} {clients:4d} clients: {run.rate:7.0f}/s  p50 {run.pct(50):6.2f} ms  "
            f"p99 {run.pct(99):7.2f} ms  errors {run.errors}{'' if ok else '  (over budget)'}",
            flush=True,
        )
        if ok and run.rate > best[0]:
            best = (run.rate, clients, run)
        if run.pct(50) > P99_BUDGET_MS:
            break
    return best


def encoder_ceiling(pool: list[str], rounds: int, batch: int, threads: int | None = None) -> float:
    """Utterances/s the server's encoder (its settings; `threads` replaces its thread count) reaches
    encoding full batches, with nothing else running."""
    from parley_nlu.bootstrap import build_encoder  # noqa: PLC0415 - heavy, only when measuring
    from parley_nlu.settings import NluSettings  # noqa: PLC0415
    from parley_runtime.settings import load_settings  # noqa: PLC0415

    settings = load_settings(NluSettings)
    settings = msgspec.structs.replace(
        settings, model_cache=str(ROOT / "var" / "models"), threads=threads or settings.threads
    )
    encoder = build_encoder(settings)
    rates = []
    for r in range(rounds):
        texts = pool[r * 500 :] + pool[: r * 500]
        started, done = time.perf_counter(), 0
        while time.perf_counter() - started < 3:
            encoder.encode(texts[done % len(texts) : done % len(texts) + batch])
            done += batch
        rates.append(done / (time.perf_counter() - started))
    return statistics.median(rates)


async def phase_b(url: str, pool: list[str], args: argparse.Namespace) -> None:
    print("(b) no pause between turns, concurrency ladder:", flush=True)
    rate, clients, run = await ladder(url, pool, args, "gateway")
    echo_port = free_port()
    echo = start_echo(echo_port)
    try:
        wait_until(f"http://127.0.0.1:{echo_port}/", echo, 30)
        echo_rate, echo_clients, _ = await ladder(f"ws://127.0.0.1:{echo_port}/", pool, args, "echo")
    finally:
        stop(echo)
    ceiling = await asyncio.to_thread(encoder_ceiling, pool, args.rounds, args.batch)
    one_core = await asyncio.to_thread(encoder_ceiling, pool, args.rounds, args.batch, 1)
    print(
        f"(b) sustained {rate:6.0f} turns/s at p99 {run.pct(99):.1f} ms ({clients} clients)   "
        f"NLU encoder ceiling {ceiling:6.0f} utterances/s (as the server runs it, batch {args.batch}; "
        f"on one thread {one_core:.0f})   "
        f"raw websocket echo {echo_rate:6.0f} round trips/s ({echo_clients} clients)\n"
        f"    ratio turns/encoder ceiling {rate / ceiling:.0%} (goal >= 70%; "
        f"{rate / one_core:.0%} of the one-thread ceiling)   turns/echo {rate / max(echo_rate, 1):.0%}",
        flush=True,
    )


async def phase_c(ws_url: str, pid: int | None, pool: list[str], args: argparse.Namespace) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    target = min(args.idle, hard - 200)
    before = rss_bytes(pid) if pid else 0
    sockets, failures = await open_idle(ws_url, target)
    after = rss_bytes(pid) if pid else 0
    probe = await load(ws_url, pool, clients=10, seconds=3, pause=0.1)
    per_conn = (after - before) / max(len(sockets), 1)
    print(
        f"(c) idle websockets held: {len(sockets)} of {target} (nofile soft {soft} -> {hard}), "
        f"failures {failures}; server RSS {before / 2**20:.0f} -> {after / 2**20:.0f} MiB, "
        f"{per_conn / 1024:.1f} KiB per connection; 10 live chats meanwhile: "
        f"p50 {probe.pct(50):.2f} ms  p99 {probe.pct(99):.2f} ms  errors {probe.errors}",
        flush=True,
    )
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


async def open_resumed(url: str) -> ClientConnection:
    """A connection resuming a conversation (no welcome): proven served by a ping/pong frame."""
    ws = await connect(f"{url}&conversation_id={uuid.uuid4().hex}", ping_interval=None, open_timeout=30)
    await ws.send('{"type": "ping"}')
    if _decode(await ws.recv()).get("type") != "pong":
        raise RuntimeError("no pong")
    return ws


async def open_idle(url: str, target: int, wave: int = 200) -> tuple[list[ClientConnection], int]:
    sockets: list[ClientConnection] = []
    failures = 0
    deadline = time.monotonic() + 300
    while len(sockets) < target and failures < 100 and time.monotonic() < deadline:
        n = min(wave, target - len(sockets))
        opened = await asyncio.gather(*(open_resumed(url) for _ in range(n)), return_exceptions=True)
        sockets += [ws for ws in opened if isinstance(ws, ClientConnection)]
        failures += sum(not isinstance(ws, ClientConnection) for ws in opened)
    return sockets, failures


# ---- main ----------------------------------------------------------------------------------------


async def run_phases(base: str, pid: int | None, args: argparse.Namespace) -> None:
    pool = utterance_pool()
    ws_url = base.replace("http", "ws", 1) + "/ws/chat?bot=pizzeria"
    args.server_pid = pid
    print(
        f"utterance pool: {len(pool)} distinct texts; server pid {pid}; {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    await load(ws_url, pool, clients=8, seconds=2, pause=0)  # warm-up
    if "a" in args.phases:
        await phase_a(ws_url, pool, args)
    if "b" in args.phases:
        await phase_b(ws_url, pool, args)
    if "c" in args.phases:
        await phase_c(ws_url, pid, pool, args)


def main(args: argparse.Namespace) -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    if args.url:
        asyncio.run(run_phases(args.url.replace("ws", "http", 1), args.pid, args))
        return
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        server = start_embedded(port, data_dir)
        try:
            wait_until(f"http://127.0.0.1:{port}/health/ready", server, 300)
            asyncio.run(run_phases(f"http://127.0.0.1:{port}", server.pid, args))
        finally:
            stop(server)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--phases", default="abc", help="which of a, b, c to run")
    parser.add_argument("--url", help="a running gateway (http://127.0.0.1:8124); default: start one")
    parser.add_argument("--pid", type=int, help="its process id, for memory per connection")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of (a) and of the encoder ceiling")
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds of each (a) round")
    parser.add_argument(
        "--ladder", type=lambda s: [int(x) for x in s.split(",")], default=[1, 4, 8, 16, 24, 32, 48, 64]
    )
    parser.add_argument("--ladder-seconds", type=float, default=5)
    parser.add_argument("--batch", type=int, default=32, help="encoder batch for its ceiling (its best)")
    parser.add_argument("--idle", type=int, default=10_000, help="idle websockets to open in (c)")
    return parser.parse_args()


if __name__ == "__main__":
    main(parse_args())
