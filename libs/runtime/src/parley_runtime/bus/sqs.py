"""The production bus: Amazon SQS (or LocalStack) through one long-lived aioboto3 client.

Queues are created by infrastructure (Terraform/Helm, or `localstack/init`), never here: each has a
`-dlq` dead-letter queue and a redrive policy. Delivery.queue is the logical name, without prefix.
"""

# pyright: reportMissingTypeStubs=false

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Generator, Sequence
from contextlib import contextmanager
from typing import Any

import aioboto3

from parley_messages import Message, dead_letter_queue, encode, queues_for
from parley_runtime.aws import AwsClient, aws_errors, client_options
from parley_runtime.bus.ports import Delivery, QueueStats
from parley_runtime.errors import NotFoundError, PermanentError, TransientError

MAX_BATCH = 10
"""SQS receives and deletes at most ten messages per call."""
MAX_WAIT_SECONDS = 20
MAX_VISIBILITY_SECONDS = 43_200
MOVE_VISIBILITY_SECONDS = 60
"""How long a message being moved stays hidden in its source queue (a crashed move shows it again)."""
_NOT_IN_SQS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters SQS refuses in a message body or attribute (InvalidMessageContents)."""


def sqs_text(text: str) -> str:
    """`text` with every character SQS refuses written as a JSON escape (`\\uffff`).

    JSON and Python strings may hold U+FFFE, U+FFFF and the like (a user can type them), and
    msgspec writes them raw; in a JSON body they can only be inside strings, where the escape
    decodes to the same character, so the message reads the same on every bus.
    """
    return _NOT_IN_SQS.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


class SqsBus(AwsClient):
    """`Bus` and `QueueAdmin` on SQS.

    Open with `await bus.start()` (or `async with`), close with `await bus.aclose()`.
    """

    service = "sqs"

    def __init__(
        self,
        *,
        region: str = "us-east-1",
        endpoint_url: str | None = None,
        queue_prefix: str = "",
        session: aioboto3.Session | None = None,
    ) -> None:
        super().__init__(client_options(region=region, endpoint_url=endpoint_url), session)
        self._prefix = queue_prefix
        self._urls: dict[str, str] = {}

    async def publish(self, message: Message) -> None:
        """Send `message` to every queue its routing entry lists."""
        body = sqs_text(encode(message).decode())
        await asyncio.gather(*(self._send(queue, body) for queue in queues_for(message)))

    async def receive(
        self, queue: str, *, max_messages: int = 10, wait_seconds: float = 20.0
    ) -> list[Delivery]:
        """Up to `max_messages` deliveries, long-polling up to `wait_seconds` (at most 20) for the first."""
        if not 1 <= max_messages <= MAX_BATCH:
            raise ValueError(f"max_messages must be between 1 and {MAX_BATCH}, not {max_messages}")
        url = await self._url(queue)
        with _resolved_queue_errors(f"sqs.receive_message {queue}"):
            response = await self._client.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=max_messages,
                WaitTimeSeconds=min(MAX_WAIT_SECONDS, max(0, math.ceil(wait_seconds))),
                MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp"],
            )
        return [_delivery(queue, raw) for raw in response.get("Messages", [])]

    async def ack(self, deliveries: Sequence[Delivery]) -> None:
        """Delete handled deliveries, ten per request."""
        by_queue: dict[str, list[Delivery]] = {}
        for delivery in deliveries:
            by_queue.setdefault(delivery.queue, []).append(delivery)
        for queue, queued in by_queue.items():
            for start in range(0, len(queued), MAX_BATCH):
                await self._delete_batch(queue, queued[start : start + MAX_BATCH])

    async def retry_later(self, delivery: Delivery, *, delay_seconds: float) -> None:
        """Make `delivery` visible again after `delay_seconds` (also extends a long job's lease)."""
        url = await self._url(delivery.queue)
        timeout = min(MAX_VISIBILITY_SECONDS, max(0, math.ceil(delay_seconds)))
        with _resolved_queue_errors(f"sqs.change_message_visibility {delivery.queue}"):
            await self._client.change_message_visibility(
                QueueUrl=url, ReceiptHandle=delivery.receipt, VisibilityTimeout=timeout
            )

    async def dead_letter(self, delivery: Delivery, *, reason: str) -> None:
        """Copy the body to the `-dlq` queue (with the reason as an attribute), then delete the original."""
        url = await self._url(dead_letter_queue(delivery.queue))
        attributes = {
            "parley_reason": {"DataType": "String", "StringValue": sqs_text(reason[:1000]) or "unspecified"},
            "parley_source_queue": {"DataType": "String", "StringValue": delivery.queue},
        }
        with _resolved_queue_errors(f"sqs.send_message {dead_letter_queue(delivery.queue)}"):
            await self._client.send_message(
                QueueUrl=url, MessageBody=sqs_text(delivery.body.decode()), MessageAttributes=attributes
            )
        source = await self._url(delivery.queue)
        with _resolved_queue_errors(f"sqs.delete_message {delivery.queue}"):
            await self._client.delete_message(QueueUrl=source, ReceiptHandle=delivery.receipt)

    async def stats(self, queue: str) -> QueueStats:
        """Approximate depths of `queue`, as SQS reports them."""
        url = await self._url(queue)
        names = [
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ]
        with aws_errors(f"sqs.get_queue_attributes {queue}"):
            response = await self._client.get_queue_attributes(QueueUrl=url, AttributeNames=names)
        values = [int(response.get("Attributes", {}).get(name, 0)) for name in names]
        return QueueStats(queue=queue, visible=values[0], in_flight=values[1], delayed=values[2])

    async def move(self, source: str, target: str, *, limit: int | None = None) -> int:
        """Move messages from `source` to `target` in batches: receive, send the bodies, delete."""
        moved = 0
        while limit is None or moved < limit:
            wanted = MAX_BATCH if limit is None else min(MAX_BATCH, limit - moved)
            deliveries = await self._receive_for_move(source, wanted)
            if not deliveries:
                break
            await self._send_batch(target, [d.body.decode() for d in deliveries])
            await self.ack(deliveries)
            moved += len(deliveries)
        return moved

    async def _receive_for_move(self, queue: str, max_messages: int) -> list[Delivery]:
        url = await self._url(queue)
        with aws_errors(f"sqs.receive_message {queue}"):
            response = await self._client.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=max_messages,
                WaitTimeSeconds=1,
                VisibilityTimeout=MOVE_VISIBILITY_SECONDS,
            )
        return [_delivery(queue, raw) for raw in response.get("Messages", [])]

    async def _send_batch(self, queue: str, bodies: Sequence[str]) -> None:
        url = await self._url(queue)
        entries = [{"Id": str(index), "MessageBody": sqs_text(body)} for index, body in enumerate(bodies)]
        with aws_errors(f"sqs.send_message_batch {queue}"):
            response = await self._client.send_message_batch(QueueUrl=url, Entries=entries)
        if response.get("Failed"):
            raise TransientError(f"sqs.send_message_batch {queue}: {len(response['Failed'])} not sent")

    async def _url(self, queue: str) -> str:
        url = self._urls.get(queue)
        if url is None:
            with aws_errors(f"sqs.get_queue_url {self._prefix}{queue}"):
                response = await self._client.get_queue_url(QueueName=self._prefix + queue)
            url = self._urls[queue] = str(response["QueueUrl"])
        return url

    async def _send(self, queue: str, body: str) -> None:
        url = await self._url(queue)
        with _resolved_queue_errors(f"sqs.send_message {queue}"):
            await self._client.send_message(QueueUrl=url, MessageBody=body)

    async def _delete_batch(self, queue: str, deliveries: Sequence[Delivery]) -> None:
        url = await self._url(queue)
        entries = [{"Id": str(index), "ReceiptHandle": d.receipt} for index, d in enumerate(deliveries)]
        with _resolved_queue_errors(f"sqs.delete_message_batch {queue}"):
            response = await self._client.delete_message_batch(QueueUrl=url, Entries=entries)
        failed = response.get("Failed", [])
        if failed:
            codes = sorted({str(entry.get("Code")) for entry in failed})
            error = PermanentError if all(entry.get("SenderFault") for entry in failed) else TransientError
            raise error(f"sqs.delete_message_batch {queue}: {len(failed)} not deleted ({', '.join(codes)})")


@contextmanager
def _resolved_queue_errors(operation: str) -> Generator[None]:
    """`aws_errors` for a call on a queue URL that resolved before: its queue missing now is transient.

    The broker lost it (LocalStack restarted and its init hook has not re-created it yet); failing
    permanently would drop the message being published or stop the worker receiving. A queue name
    that never resolved still fails with `NotFoundError` in `_url` (a configuration error).
    """
    try:
        with aws_errors(operation):
            yield
    except NotFoundError as exc:
        raise TransientError(f"{exc} (it existed before: is the broker restarting?)") from exc


def _delivery(queue: str, raw: dict[str, Any]) -> Delivery:
    attributes = raw.get("Attributes", {})
    sent = attributes.get("SentTimestamp")
    return Delivery(
        queue=queue,
        body=str(raw["Body"]).encode(),
        receipt=str(raw["ReceiptHandle"]),
        receive_count=int(attributes.get("ApproximateReceiveCount", 1)),
        message_id=str(raw["MessageId"]),
        sent_at=int(sent) / 1000 if sent is not None else None,
    )
