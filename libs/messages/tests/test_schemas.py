"""Wire contracts: a snapshot of every message's JSON schema, round trips, and the routing table.

A schema change shows up in review as a diff of `schemas.snapshot.json`. After an intended change
(fields are only ever added, with defaults), regenerate it with `UPDATE_SNAPSHOTS=1 pytest libs/messages`.
"""

from __future__ import annotations

import json
import os
import typing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

import parley_messages
from parley_messages import (
    QUEUES,
    ROUTES,
    AnyMessage,
    BotDeleted,
    Button,
    EntityValueDef,
    Message,
    ModelPublished,
    SendWebhook,
    TrainModel,
    TurnCompleted,
    dead_letter_queue,
    decode,
    encode,
    queues_for,
)

SNAPSHOT = Path(__file__).with_name("schemas.snapshot.json")


def _exported_structs() -> list[type[msgspec.Struct]]:
    exported = (getattr(parley_messages, name) for name in sorted(parley_messages.__all__))
    return [item for item in exported if isinstance(item, type) and issubclass(item, msgspec.Struct)]


def _any_object(kind: type) -> dict[str, Any]:
    """`object` (as in `dict[str, object]`) accepts any JSON value; msgspec needs a non-empty schema."""
    if kind is object:
        return {"description": "any JSON value"}
    raise NotImplementedError


def _schemas() -> dict[str, Any]:
    structs = _exported_structs()
    schemas, components = msgspec.json.schema_components(
        structs, schema_hook=_any_object, ref_template="#/$defs/{name}"
    )
    return {
        "messages": {struct.__name__: schema for struct, schema in zip(structs, schemas, strict=True)},
        "$defs": components,
    }


def _render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_every_exported_message_schema_matches_the_committed_snapshot() -> None:
    current = _render(_schemas())
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")
    if not SNAPSHOT.exists():
        pytest.fail(f"{SNAPSHOT.name} is missing: run with UPDATE_SNAPSHOTS=1 to create it")
    assert current == SNAPSHOT.read_text(encoding="utf-8"), (
        "a wire contract changed: review the diff, then run with UPDATE_SNAPSHOTS=1 to accept it"
    )


def test_the_snapshot_covers_every_exported_struct() -> None:
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert set(snapshot["messages"]) == {struct.__name__ for struct in _exported_structs()}


AT = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SAMPLES: list[AnyMessage] = [
    TurnCompleted(
        bot="pizzeria",
        conversation_id="c1",
        channel="websocket",
        user_text="a large margherita",
        replies=["Which size?"],
        intent="order_pizza",
        confidence=0.93,
        entities=[{"entity": "pizza", "value": "margherita", "start": 8, "end": 18}],
        slots={"pizza": "margherita"},
        complete=False,
        latency_ms=12.5,
        user_id="u1",
        correlation_id="req-1",
        occurred_at=AT,
    ),
    TrainModel(
        bot="pizzeria", job_id="j1", dataset_key="datasets/pizzeria/j1.json", force=True, occurred_at=AT
    ),
    ModelPublished(
        bot="pizzeria",
        version="3",
        artifact_key="models/pizzeria/3/",
        job_id="j1",
        metrics={"accuracy": 0.97},
        occurred_at=AT,
    ),
    SendWebhook(
        bot="pizzeria",
        intent="order_pizza",
        conversation_id="c1",
        method="POST",
        url="https://api.example.com/orders",
        headers={"content-type": "application/json"},
        body='{"size": "large"}',
        timeout=5.0,
        correlation_id="req-1",
        occurred_at=AT,
    ),
    BotDeleted(bot="pizzeria", correlation_id="req-2", occurred_at=AT),
]


def test_the_samples_cover_every_queue_message_type() -> None:
    assert {type(sample) for sample in SAMPLES} == set(typing.get_args(AnyMessage))


@pytest.mark.parametrize("message", SAMPLES, ids=lambda message: type(message).__name__)
def test_a_queue_message_survives_encoding_and_decoding(message: AnyMessage) -> None:
    assert decode(encode(message)) == message


@pytest.mark.parametrize("message", SAMPLES, ids=lambda message: type(message).__name__)
def test_a_queue_message_carries_its_stable_tag_on_the_wire(message: AnyMessage) -> None:
    wire = json.loads(encode(message))
    assert wire["type"] == type(message).__struct_config__.tag


def test_a_reader_accepts_fields_added_by_a_newer_writer() -> None:
    wire = json.loads(encode(SAMPLES[1]))
    wire["added_in_a_later_version"] = {"any": "thing"}
    assert decode(json.dumps(wire)) == SAMPLES[1]


def test_a_message_with_an_unknown_tag_does_not_decode() -> None:
    with pytest.raises(msgspec.ValidationError):
        decode(b'{"type": "nobody.knows_this", "bot": "b"}')


def test_every_routed_type_is_a_queue_message_and_every_queue_message_is_routed() -> None:
    assert set(ROUTES) == set(typing.get_args(AnyMessage))


@pytest.mark.parametrize("message", SAMPLES, ids=lambda message: type(message).__name__)
def test_every_queue_message_routes_to_known_queues(message: AnyMessage) -> None:
    queues = queues_for(message)
    assert queues
    assert set(queues) <= set(QUEUES)


def test_a_turn_goes_to_the_logger_and_analytics_queues() -> None:
    assert queues_for(SAMPLES[0]) == ("parley-logger", "parley-analytics")


def test_training_commands_go_only_to_the_training_queue() -> None:
    assert queues_for(SAMPLES[1]) == ("parley-training",)


def test_every_queue_receives_some_message() -> None:
    assert set(QUEUES) == {queue for queues in ROUTES.values() for queue in queues}


def test_a_message_type_without_a_route_is_a_lookup_error() -> None:
    class Unrouted(Message, frozen=True, kw_only=True, tag="test.unrouted"):
        pass

    with pytest.raises(LookupError, match="Unrouted"):
        queues_for(Unrouted())


def test_webhook_notifications_go_only_to_the_notifications_queue() -> None:
    assert queues_for(SAMPLES[3]) == ("parley-notifications",)


def test_a_deleted_bot_is_announced_to_the_logger_analytics_and_training_queues() -> None:
    assert queues_for(SAMPLES[4]) == ("parley-logger", "parley-analytics", "parley-training")


def test_each_queue_has_a_dead_letter_queue_named_after_it() -> None:
    assert dead_letter_queue("parley-logger") == "parley-logger-dlq"


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ({"title": "Go", "payload": "/order", "style": "primary"}, Button(title="Go", payload="/order")),
        (
            {"value": "large", "synonyms": ["big"], "lang": "en"},
            EntityValueDef(value="large", synonyms=["big"]),
        ),
    ],
)
def test_structs_authors_also_write_accept_fields_added_by_a_newer_writer(wire: Any, expected: Any) -> None:
    """The dialogue refuses an author's misspelt field; the wire types stay lenient, so an older
    gateway or NLU still reads a newer writer's buttons, datasets and models."""
    assert msgspec.json.decode(json.dumps(wire), type=type(expected)) == expected
