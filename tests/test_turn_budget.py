"""The turn path's deadlines fit inside each other: a slow webhook ends in the bot's failure reply
(saved with the conversation) before the gateway gives up on the turn, and the deadline the gateway
hands the dialogue (`timeout_ms`, less the time kept for the reply) never cuts a webhook short of
its own timeout."""

from __future__ import annotations

from parley_dialogue.definition import MAX_ACTION_TIMEOUT_SECONDS
from parley_dialogue.service import REPLY_MARGIN_SECONDS
from parley_dialogue.settings import DialogueSettings
from parley_gateway.settings import GatewaySettings

ROOM_FOR_THE_REST_SECONDS = 0.5
"""Stores, rendering and the hops between services, on top of the parse and the webhook."""


def test_the_gateway_outwaits_the_slowest_webhook_after_two_parse_attempts():
    parsing = 2 * DialogueSettings().nlu_timeout_seconds  # a parse is retried once
    needed = parsing + MAX_ACTION_TIMEOUT_SECONDS + REPLY_MARGIN_SECONDS + ROOM_FOR_THE_REST_SECONDS
    assert GatewaySettings().upstream_timeout_seconds > needed
