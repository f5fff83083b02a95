"""Gateway settings, read once from the environment in `main()`."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from parley_gateway.origin_entries import origin_problems
from parley_gateway.proxies import proxy_problems
from parley_runtime.errors import SettingsError
from parley_runtime.settings import env


class GatewaySettings(msgspec.Struct, frozen=True, kw_only=True):
    host: Annotated[str, env("PARLEY_HOST")] = "127.0.0.1"
    """Interface the gateway listens on."""
    port: Annotated[int, Meta(ge=0, le=65535), env("PARLEY_PORT")] = 8000
    """Port the gateway listens on."""
    dialogue_url: Annotated[str, env("DIALOGUE_URL")] = "http://127.0.0.1:8001"
    """Base URL of the dialogue service (not used in embedded mode)."""
    nlu_url: Annotated[str, env("NLU_URL")] = "http://127.0.0.1:8002"
    """Base URL of the NLU service (not used in embedded mode)."""
    admin_token: Annotated[str | None, env("PARLEY_ADMIN_TOKEN")] = None
    """The first admin API key. Unset: the embedded runner generates one and prints it once."""
    upstream_timeout_seconds: Annotated[float, Meta(gt=0), env("GATEWAY_UPSTREAM_TIMEOUT_SECONDS")] = 15.0
    """How long a turn may wait for dialogue and NLU before the user gets an error. Longer than the
    slowest webhook an action may call (10 s) plus two parse attempts of 2 s each, so that a slow
    webhook ends in the bot's failure reply rather than in this error."""
    max_frame_bytes: Annotated[int, Meta(ge=1), env("GATEWAY_MAX_FRAME_BYTES")] = 131_072
    """Largest websocket frame or chat request body accepted, in bytes of JSON as sent. The default
    holds any valid message however its JSON is escaped: 2,000 emoji as escaped surrogate pairs
    (24,000 bytes) beside a 16 KiB context with every character escaped (98,304)."""
    static_dir: Annotated[str | None, env("GATEWAY_STATIC_DIR")] = None
    """Directory of the web frontend to serve at `/`; unset serves the built-in chat page."""
    max_body_bytes: Annotated[int, Meta(ge=1), env("GATEWAY_MAX_BODY_BYTES")] = 4 * 1024 * 1024
    """Largest admin request body accepted (bot definitions, imports), in bytes."""
    rate_window_seconds: Annotated[int, Meta(ge=1), env("GATEWAY_RATE_WINDOW_SECONDS")] = 60
    """Length of the fixed window that the request limits below count in."""
    address_rate_limit: Annotated[int, Meta(ge=0), env("GATEWAY_ADDRESS_RATE_LIMIT")] = 600
    """Requests (REST calls and websocket opens) one client address may make per window; 0: no limit."""
    key_rate_limit: Annotated[int, Meta(ge=0), env("GATEWAY_KEY_RATE_LIMIT")] = 1200
    """Requests one API key may make per bot per window, unless the key sets its own; 0: no limit."""
    ws_messages_per_second: Annotated[float, Meta(gt=0), env("GATEWAY_WS_MESSAGES_PER_SECOND")] = 10.0
    """Sustained user messages one websocket may send; faster ones get a `rate_limited` error frame."""
    ws_message_burst: Annotated[int, Meta(ge=1), env("GATEWAY_WS_MESSAGE_BURST")] = 20
    """Messages a websocket may send at once (then `GATEWAY_WS_MESSAGES_PER_SECOND` applies), and
    user messages it may have unanswered: the one being answered and those waiting behind it. Beyond
    either, a message gets a `rate_limited` error frame."""
    ws_idle_seconds: Annotated[float, Meta(gt=0), env("GATEWAY_WS_IDLE_SECONDS")] = 900.0
    """A websocket that sends nothing (not even a ping frame) for this long is closed (code 4408)."""
    ws_send_timeout_seconds: Annotated[float, Meta(gt=0), env("GATEWAY_WS_SEND_TIMEOUT_SECONDS")] = 10.0
    """A client that does not take a frame within this long is disconnected (code 1008)."""
    cors_origins: Annotated[list[str], env("GATEWAY_CORS_ORIGINS")] = []
    """Browser origins allowed to call the API and open the chat websocket from another site
    (comma-separated, `*` for any, `*` inside a name as a wildcard); empty: same origin only. The
    gateway's own pages always may; a websocket opened without an `Origin` header (not a browser) is
    not checked. A page refused opening the websocket gets an error frame and close 4403. An entry no
    origin a browser sends can match (`http://shop.example/`, `shop.example`) is refused at start."""

    forwarded_allow_ips: Annotated[list[str], env("GATEWAY_FORWARDED_ALLOW_IPS")] = msgspec.field(
        default_factory=lambda: ["127.0.0.1", "::1"]
    )
    """Addresses and networks of the reverse proxies or load balancers in front of the gateway,
    comma-separated (`10.0.0.0/16`; `*` for any peer, only where nothing but the proxy can reach the
    gateway). A request from one of them is taken to come from the address its `X-Forwarded-For`
    names (the last one there that is not itself a proxy), and its scheme from `X-Forwarded-Proto`;
    that address is what the per-address rate limit counts. From any other peer
    the headers are ignored. Unlisted, every visitor behind a proxy is the proxy's one address."""

    def __post_init__(self) -> None:
        if problems := origin_problems(self.cors_origins) + proxy_problems(self.forwarded_allow_ips):
            raise SettingsError(problems)
