"""What one turn adds to its day's bucket.

Every counter is a sum, so the 64 buckets of a day (and the days of a range) are merged by adding
field by field. Latency is the fixed histogram of `parley_messages.latency`; intent and channel
names are field names as `parley_messages.analytics_names` escapes them.
"""

from __future__ import annotations

from parley_messages import TurnCompleted
from parley_messages.analytics_names import CHANNELS, INTENTS, field_name
from parley_messages.latency import latency_bucket


def user_key(event: TurnCompleted) -> str:
    """Who a turn counts as: its `user_id`, or for an anonymous turn its conversation."""
    return f"user:{event.user_id}" if event.user_id else f"conversation:{event.conversation_id}"


def turn_increments(event: TurnCompleted) -> dict[str, float]:
    """The counters one turn adds (conversations and users are added by the store, once each). A
    welcome is counted apart: the user has said nothing yet, so it is no turn, intent or fallback,
    but it starts the conversation, which a visitor who leaves after it still is. The mean
    confidence is the NLU's: a turn whose intent the open form or a trigger chose adds none."""
    if event.welcome:
        return {"welcomes": 1}
    increments: dict[str, float] = {
        "turns": 1,
        "fallbacks": int(event.fallback),
        "completed": int(event.complete),
        "latency_ms_sum": event.latency_ms,
        f"{INTENTS}.{field_name(event.intent)}": 1,
        f"{CHANNELS}.{field_name(event.channel)}": 1,
        f"latency_ms_buckets.{latency_bucket(event.latency_ms)}": 1,
    }
    if event.confidence is not None and event.intent_source == "nlu":
        increments["confidence_sum"] = event.confidence
        increments["confidence_count"] = 1
    return increments
