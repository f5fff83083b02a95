"""The embedded stack: every Parley service in one process on in-process adapters.

Dialogue calls the NLU service object directly and the gateway calls both directly (DESIGN.md §3);
the workers consume the in-process bus with the same worker loop and handlers as in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import secrets
import signal
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import msgspec
import structlog
import uvicorn
from litestar import Litestar

from parley.recovery import fail_interrupted_jobs
from parley.settings import ADMIN_TOKEN_FILE, EmbeddedSettings
from parley_analytics.bootstrap import build_analytics_worker
from parley_dialogue.bootstrap import build_dialogue_service, build_notification_worker
from parley_dialogue.service import DialogueService
from parley_dialogue.settings import DialogueSettings
from parley_gateway.bootstrap import app_for, build_gateway
from parley_gateway.deps import Gateway
from parley_gateway.settings import GatewaySettings
from parley_logger.bootstrap import build_logger_worker
from parley_nlu.bootstrap import build_encoder, build_nlu_service, build_trainer_worker
from parley_nlu.service import NluService
from parley_nlu.settings import NluSettings
from parley_runtime.errors import ModelFaultError, PermanentError
from parley_runtime.infra import Infra, InfraSettings, connect_infra
from parley_runtime.settings import load_settings
from parley_runtime.worker import Worker

log = structlog.get_logger(__name__)

DEMO_BOT = "pizzeria"


@dataclass
class EmbeddedStack:
    infra: Infra
    nlu: NluService
    dialogue: DialogueService
    gateway: Gateway
    app: Litestar
    workers: list[Worker]
    admin_token: str
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start_background(self) -> None:
        """Start the queue workers and the model-change watcher."""
        self._tasks = [asyncio.create_task(w.run(self._stop)) for w in self.workers]
        self._tasks.append(asyncio.create_task(self.nlu.watch(self._stop)))

    async def aclose(self) -> None:
        await self.gateway.publisher.drain()
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.infra.aclose()


async def build_stack(settings: EmbeddedSettings, infra: Infra | None = None) -> EmbeddedStack:
    infra = infra or await connect_infra(
        load_settings(InfraSettings), snapshot_seconds=settings.snapshot_seconds or None
    )
    nlu_settings = load_settings(NluSettings)
    encoder = await asyncio.to_thread(build_encoder, nlu_settings)
    nlu = await build_nlu_service(infra, nlu_settings, encoder=encoder)
    dialogue = await build_dialogue_service(infra, load_settings(DialogueSettings), nlu=nlu)
    token = settings.admin_token or kept_admin_token(Path(infra.settings.data_dir))
    gateway_settings = msgspec.structs.replace(load_settings(GatewaySettings), admin_token=token)
    gateway = await build_gateway(infra, gateway_settings, dialogue=dialogue, parser=nlu)
    workers = [
        await build_logger_worker(infra),
        await build_analytics_worker(infra),
        await build_trainer_worker(infra, settings=nlu_settings, encoder=encoder),
        await build_notification_worker(infra, load_settings(DialogueSettings)),
    ]
    return EmbeddedStack(
        infra=infra,
        nlu=nlu,
        dialogue=dialogue,
        gateway=gateway,
        app=app_for(gateway, infra),
        workers=workers,
        admin_token=token,
    )


async def ensure_demo_bot(stack: EmbeddedStack, *, wait_seconds: float) -> None:
    """Load the bundled demo bot unless a bot of that name exists (the user's, perhaps edited, is
    kept as it is), and train it unless it has a model this code serves (a restart does not retrain
    it; one from a Parley whose model format this one no longer reads is replaced)."""
    if not any(bot.name == DEMO_BOT for bot in await stack.dialogue.list_bots()):
        document = resources.files("parley.demo").joinpath("pizzeria.yaml").read_bytes()
        await stack.dialogue.put_bot(DEMO_BOT, document, "application/yaml")
    else:
        try:
            if await stack.nlu.reload(DEMO_BOT) is not None:
                log.info("demo.ready", bot=DEMO_BOT, version=stack.nlu.current_version(DEMO_BOT))
                return
        except ModelFaultError as exc:
            log.warning("demo.retraining", bot=DEMO_BOT, reason=str(exc))
    job = await stack.gateway.training.start(DEMO_BOT, force=True)
    log.info("demo.training", bot=DEMO_BOT, job_id=job.job_id)
    async with asyncio.timeout(wait_seconds):
        while (job := await stack.gateway.training.get(DEMO_BOT, job.job_id)).status in ("queued", "running"):  # noqa: ASYNC110 - polls the stored job status
            await asyncio.sleep(0.1)
    if job.status != "succeeded":
        raise RuntimeError(f"training the demo bot failed: {job.error}")
    log.info("demo.trained", bot=DEMO_BOT, version=job.model_version, metrics=job.metrics)


async def serve(settings: EmbeddedSettings) -> None:
    stack = await build_stack(settings)
    signals = StartupSignals.install()
    stack.start_background()
    try:
        if _queues_were_in_process(stack.infra.settings):
            await fail_interrupted_jobs(stack.infra.db)
        if settings.demo:
            await ensure_demo_bot(stack, wait_seconds=settings.training_timeout_seconds)
        # What start-up built (libraries, models, the stack) lives as long as the process: keep it
        # out of the full collections that would otherwise pause every turn to scan it again.
        gc.freeze()
        config = uvicorn.Config(
            stack.app,
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            forwarded_allow_ips=stack.gateway.settings.forwarded_allow_ips,
            ws_max_size=1 << 20,
            # Chat frames are a few hundred bytes: deflating them costs both ends more CPU than
            # the bytes it saves on a single host.
            ws_per_message_deflate=False,
        )
        server = uvicorn.Server(config)
        kept = None if settings.admin_token else stack.admin_token
        bot = chat_page_bot([bot.name for bot in await stack.dialogue.list_bots()])
        print(start_message(settings, stack.gateway.settings.static_dir, kept, bot=bot), flush=True)
        signals.active = False  # uvicorn handles them while it serves, and stops gracefully
        await server.serve()
    except asyncio.CancelledError:
        if not signals.stopped_start:
            raise
    finally:
        signals.active = False
        await stack.aclose()  # saves the documents (embedded mode): never cut short by a signal


def _queues_were_in_process(settings: InfraSettings) -> bool:
    """Whether restored documents may name queued work the last run's in-process bus lost."""
    return settings.mongodb_url is None and settings.bus == "memory"


class StartupSignals:
    """SIGINT and SIGTERM during start-up (training the demo bot, say) cancel it, so that the stack
    closes and saves its documents: SIGTERM's default would end the process at once. Inactive, they
    are ignored here: uvicorn handles them while it serves (the loop still reports them here), and
    raises the one it caught again once it has stopped, which must not cut the close short."""

    def __init__(self, main: asyncio.Task[object] | None) -> None:
        self.active = True
        self.stopped_start = False
        self._main = main

    @classmethod
    def install(cls) -> StartupSignals:
        signals = cls(asyncio.current_task())
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            # No loop signal handlers on Windows (NotImplementedError) or off the main thread
            # (RuntimeError): there a signal keeps its default action.
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(number, signals.stop_start)
        return signals

    def stop_start(self) -> None:
        if self.active and self._main is not None:
            self.active, self.stopped_start = False, True
            self._main.cancel()


def kept_admin_token(data_dir: Path) -> str:
    """The admin token saved in `data_dir` by an earlier start, or a new one saved there (readable by
    its owner only), so that the console's sign-in and scripts keep working across restarts as the
    bots they manage do."""
    path = data_dir / ADMIN_TOKEN_FILE
    if path.exists() and not path.is_file():
        raise PermanentError(f"{path} is not a file: remove it, or set PARLEY_ADMIN_TOKEN")
    if path.is_file() and (saved := path.read_text(encoding="utf-8").strip()):
        if path.stat().st_mode & 0o077:
            log.warning("admin_token.readable_by_others", path=str(path), fix=f"chmod 600 {path}")
        return saved
    token = secrets.token_urlsafe(24)
    data_dir.mkdir(parents=True, exist_ok=True)
    with os.fdopen(
        os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8"
    ) as file:
        file.write(token + "\n")
    return token


def chat_page_bot(bots: list[str]) -> str | None:
    """The bot the start message links the chat page to: the demo bot if it is there (with
    `PARLEY_DEMO=false` it may not be), else the first of the bots there are, else none."""
    return DEMO_BOT if DEMO_BOT in bots else min(bots, default=None)


def start_message(
    settings: EmbeddedSettings, static_dir: str | None, kept_token: str | None, *, bot: str | None
) -> str:
    """Where everything is: the chat page only for a `bot` there is, the console only when
    `static_dir` holds its build (the built-in page has none); and the admin token when Parley keeps
    it (none was set)."""
    url = f"http://{settings.host}:{settings.port}"
    served = [f"chat page: {url}/?bot={bot}"] if bot else ["no bot yet: parley bots push BOT.yaml"]
    if static_dir and _holds_console(Path(static_dir)):
        served.append(f"console: {url}/console/")
    served.append(f"API docs: {url}/docs")
    lines = [f"Parley is running at {url}  ({', '.join(served)})"]
    if kept_token is not None:
        hint = f"kept in PARLEY_DATA_DIR/{ADMIN_TOKEN_FILE}; set PARLEY_ADMIN_TOKEN to choose your own"
        lines.append(f"Admin token ({hint}): {kept_token}")
    return "\n".join(lines)


def _holds_console(static_dir: Path) -> bool:
    return (static_dir / "console" / "index.html").is_file()
