"""The dialogue service's own knobs (shared infrastructure is `parley_runtime.infra.InfraSettings`)."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import msgspec

from parley_dialogue.rewrites import UrlRewrites
from parley_dialogue.webhook_secrets import WebhookSecrets
from parley_runtime.errors import SettingsError
from parley_runtime.settings import env


class DialogueSettings(msgspec.Struct, frozen=True, kw_only=True):
    host: Annotated[str, env("DIALOGUE_HOST")] = "127.0.0.1"
    """Interface the HTTP API listens on."""
    port: Annotated[int, msgspec.Meta(ge=0, le=65535), env("DIALOGUE_PORT")] = 8001
    """Port the HTTP API listens on."""
    nlu_url: Annotated[str, env("NLU_URL")] = "http://127.0.0.1:8002"
    """Base URL of the NLU service (unused in embedded mode, where the NLU is called in-process)."""
    nlu_timeout_seconds: Annotated[float, msgspec.Meta(gt=0), env("DIALOGUE_NLU_TIMEOUT_SECONDS")] = 2.0
    """Timeout of one parse call to the NLU (retried once: parsing is idempotent)."""
    state_ttl_seconds: Annotated[int, msgspec.Meta(ge=1), env("DIALOGUE_STATE_TTL_SECONDS")] = 86_400
    """A conversation's state expires this long after its last turn."""
    lock_seconds: Annotated[float, msgspec.Meta(gt=0), env("DIALOGUE_LOCK_SECONDS")] = 30.0
    """Expiry of a conversation's turn lock (longer than the slowest webhook, 10 s at most)."""
    lock_wait_seconds: Annotated[float, msgspec.Meta(ge=0), env("DIALOGUE_LOCK_WAIT_SECONDS")] = 10.0
    """How long a turn waits for the previous turn of the same conversation before failing."""
    definition_refresh_seconds: Annotated[
        float, msgspec.Meta(ge=0), env("DIALOGUE_DEFINITION_REFRESH_SECONDS")
    ] = 1.0
    """How often a turn checks whether its bot was saved through another replica (one read of the
    bot's version); saves through this replica take effect at once."""
    webhook_allow_networks: Annotated[str, env("PARLEY_WEBHOOK_ALLOW_NETWORKS")] = ""
    """Comma-separated CIDRs that webhooks may reach although private, loopback or link-local."""
    webhook_url_rewrites: Annotated[str, env("PARLEY_WEBHOOK_URL_REWRITES")] = ""
    """Comma-separated `from=to` base URLs: webhook URLs starting with `from` go to `to` instead
    (staging or test stubs for imported bots, whose documents stay unchanged)."""
    webhook_secrets: Annotated[str, env("PARLEY_WEBHOOK_SECRETS")] = ""
    """Secrets that webhook headers name (`{{ secrets.NAME }}`) and actions sign with (`sign`): a
    JSON object of names to `{"value": ..., "hosts": [...]}` (the hosts it may go to), or the path of
    a file holding one. Read once, at start."""

    def allowed_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        """`webhook_allow_networks` parsed; `SettingsError` names every malformed entry."""
        networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        problems: list[str] = []
        for item in filter(None, (part.strip() for part in self.webhook_allow_networks.split(","))):
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError as exc:
                problems.append(f"PARLEY_WEBHOOK_ALLOW_NETWORKS: {exc}")
        if problems:
            raise SettingsError(problems)
        return networks

    def url_rewrites(self) -> UrlRewrites:
        """`webhook_url_rewrites` parsed; `SettingsError` names every malformed entry."""
        try:
            return UrlRewrites.parse(self.webhook_url_rewrites)
        except ValueError as exc:
            raise SettingsError([f"PARLEY_WEBHOOK_URL_REWRITES: {exc}"]) from exc

    def secrets(self) -> WebhookSecrets:
        """`webhook_secrets` parsed (a file's read); `SettingsError` names the problems, never a value."""
        try:
            return WebhookSecrets.parse(self.webhook_secrets)
        except ValueError as exc:
            raise SettingsError([f"PARLEY_WEBHOOK_SECRETS: {exc}"]) from None
