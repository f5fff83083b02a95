"""Settings of the embedded all-in-one runner, and the check of every group it reads."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Annotated

import msgspec

from parley_dialogue.settings import DialogueSettings
from parley_gateway.settings import GatewaySettings
from parley_nlu.settings import NluSettings
from parley_runtime.errors import SettingsError
from parley_runtime.infra import InfraSettings
from parley_runtime.settings import check_settings, env, env_names, load_settings
from parley_runtime.worker_settings import WorkerSettings

ADMIN_TOKEN_FILE = "admin-token"  # noqa: S105 - a file name, not a secret
"""Where the embedded runner keeps a generated admin token, under PARLEY_DATA_DIR (and where the
author commands look for it)."""


class EmbeddedSettings(msgspec.Struct, frozen=True, kw_only=True):
    host: Annotated[str, env("PARLEY_HOST")] = "127.0.0.1"
    """Interface the embedded runner listens on."""
    port: Annotated[int, msgspec.Meta(ge=0, le=65535), env("PARLEY_PORT")] = 8000
    """Port the embedded runner listens on."""
    admin_token: Annotated[str | None, env("PARLEY_ADMIN_TOKEN")] = None
    """The first admin key; unset, one is generated and printed once at start."""
    demo: Annotated[bool, env("PARLEY_DEMO")] = True
    """Load and train the demo bot (`pizzeria`) at start when it is not there yet."""
    training_timeout_seconds: Annotated[
        float, msgspec.Meta(gt=0), env("PARLEY_DEMO_TRAINING_TIMEOUT_SECONDS")
    ] = 180.0
    """How long start-up waits for the demo bot's first training."""
    snapshot_seconds: Annotated[float, env("PARLEY_SNAPSHOT_SECONDS"), msgspec.Meta(ge=0)] = 2.0
    """How often the documents (bots, keys, models, jobs, transcripts, analytics) are saved to
    `mongo/snapshot.bson` under PARLEY_DATA_DIR when they changed; also at a clean stop. A crash
    loses at most this many seconds of them. 0 keeps them in memory only. Unused with MONGODB_URL."""


RUN_SETTINGS: tuple[type[msgspec.Struct], ...] = (
    EmbeddedSettings,
    InfraSettings,
    NluSettings,
    DialogueSettings,
    GatewaySettings,
    WorkerSettings,
)
"""Every settings group `parley run` reads (the trainer reads `WORKER_…`)."""


def check_run_settings(environ: Mapping[str, str] | None = None) -> None:
    """Raise one `SettingsError` listing every problem `parley run` would meet, before it loads
    anything heavy: each group's variables, then what the dialogue parses out of its own."""
    environ = os.environ if environ is None else environ
    problems = _problems(lambda: check_settings(*RUN_SETTINGS, environ=environ))
    names = env_names(DialogueSettings)
    parsed = ("webhook_allow_networks", "webhook_url_rewrites", "webhook_secrets")
    webhooks = [names[field] for field in parsed]
    # Text fields: they load whatever else is wrong, and their parsers list what is wrong in them.
    dialogue = load_settings(DialogueSettings, {name: environ[name] for name in webhooks if name in environ})
    problems += _problems(dialogue.allowed_networks) + _problems(dialogue.url_rewrites)
    problems += _problems(dialogue.secrets)
    if problems:
        raise SettingsError(problems)


def _problems(check: Callable[[], object]) -> list[str]:
    try:
        check()
    except SettingsError as exc:
        return exc.problems
    return []
