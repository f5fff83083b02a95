"""The admin API under `/api/v1` (DESIGN.md §5); every route needs an admin key."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, delete, get, post, put
from litestar.datastructures import ResponseHeader
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.params import JSONBody, QueryParameter

from parley_gateway.chat import within_timeout
from parley_gateway.correlation import current_correlation_id
from parley_gateway.deps import GatewayDep
from parley_gateway.frames import FrameError, check_text
from parley_gateway.names import BotPath, IdPath, check_bot_name, check_conversation_id, check_job_id
from parley_gateway.periods import BEFORE, FORMS, instant, period
from parley_gateway.preconditions import ExportFormat, IfMatch, IfNoneMatch, export_tag, saved_version
from parley_gateway.queries import query_error
from parley_gateway.readmodels import ConversationFilter, ConversationSummary, DayStats, Transcript
from parley_gateway.routes.bot_schema import DOCUMENTS, EXPORTS
from parley_gateway.routes.erasures import erasure_routes
from parley_gateway.routes.guards import admin_guard, existing_bot
from parley_gateway.routes.keys import key_routes
from parley_gateway.routes.models import model_routes
from parley_gateway.routes.openapi import ADMIN_ERRORS, errors
from parley_gateway.training import TrainingJob
from parley_messages import BotSummary, ParseRequest, ParseResult, TimeZoneName, is_blank
from parley_runtime.errors import InvalidInputError, ModelFaultError, TransientError
from parley_runtime.preconditions import create_only, etag
from parley_runtime.timezones import check_timezone


class ParseBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    text: str
    timezone: TimeZoneName | None = None
    """The IANA time zone relative dates ("tomorrow") are read in; none: UTC."""


class TrainBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    force: bool = False


class TrainAccepted(msgspec.Struct, frozen=True, kw_only=True):
    job_id: str
    status: str


class AnalyticsReport(msgspec.Struct, frozen=True, kw_only=True):
    bot: str
    start: date = msgspec.field(name="from")
    end: date = msgspec.field(name="to")
    days: list[DayStats]


_ERRORS = errors(*ADMIN_ERRORS)

_ETAG = ResponseHeader(
    name="ETag",
    description=(
        'The bot\'s version, quoted (`"5"`; an export in another format names it: `"5-acf"`): sent back as '
        "`If-Match`, a save replaces only that version"
    ),
    documentation_only=True,
    required=True,
)
_UPLOAD = Schema(
    type=OpenAPIType.OBJECT,
    properties={
        "file": Schema(
            type=OpenAPIType.STRING,
            format=OpenAPIFormat.BINARY,
            description="A definition file, JSON or YAML, read as the body would be",
        )
    },
    required=["file"],
)


def _documented_body(body: RequestBody) -> type[Operation]:
    """An `operation_class` showing `body`, for a handler that reads its request's body itself."""

    @dataclass
    class WithBody(Operation):
        def __post_init__(self) -> None:
            self.request_body = body

    return WithBody


@dataclass
class _Exported(Operation):
    """The export's operation: its answer is a definition (the handler returns a plain dictionary)."""

    def __post_init__(self) -> None:
        answer = self.responses["200"] if self.responses else None
        if isinstance(answer, OpenAPIResponse) and answer.content:
            answer.content["application/json"] = EXPORTS


@dataclass
class _OptionalBody(Operation):
    """An operation whose body may be left out (Litestar marks every body it documents required)."""

    def __post_init__(self) -> None:
        if isinstance(self.request_body, RequestBody):
            self.request_body = replace(self.request_body, required=False)


@get("/bots", tags=["bots"], responses=_ERRORS)
async def list_bots(gateway: GatewayDep) -> list[BotSummary]:
    return await gateway.catalog.list_bots()


@put(
    "/bots/{bot:str}",
    tags=["bots"],
    responses=errors(*ADMIN_ERRORS, 412),
    response_headers=[_ETAG],
    status_code=200,
    operation_class=_documented_body(
        RequestBody(content=DOCUMENTS, required=True, description="The definition, as JSON or YAML")
    ),
)
async def put_bot(
    bot: BotPath,
    request: Request[Any, Any, Any],
    gateway: GatewayDep,
    if_match: IfMatch = None,
    if_none_match: IfNoneMatch = None,
) -> Response[BotSummary]:
    """Create or replace a bot from a definition (native or AI Chatbot Framework format, JSON or YAML).

    With `If-Match` naming a version (the `ETag` of the export the editor loaded) only that version is
    replaced, with `If-None-Match: *` the bot is only created; otherwise 412 `precondition_failed`,
    with the bot's `current_version` (null: none) in `details`. Without either, the save wins."""
    if_match, if_none_match = (
        _as_list(request, "if-match", if_match),
        _as_list(request, "if-none-match", if_none_match),
    )
    version, create = saved_version(if_match), create_only(if_none_match)
    if version is not None and create:
        raise InvalidInputError(
            "send If-Match or If-None-Match, not both", details={"header": "If-None-Match"}
        )
    body = await request.body()
    summary = await gateway.catalog.put_bot(
        check_bot_name(bot),
        body,
        request.headers.get("content-type"),
        expected_version=version,
        create_only=create,
    )
    gateway.access.policies.remember(bot, summary.chat_access)
    return Response(summary, headers={"ETag": etag(summary.version)})


def _as_list(request: Request[Any, Any, Any], header: str, first: str | None) -> str | None:
    """`header` as HTTP reads it (RFC 9110 5.3): when it is given more than once, the list of its
    values, which the preconditions refuse as they refuse a list in one header (Litestar gave the
    first value alone, so `If-Match: "4"` and `If-Match: "5"` saved over version 4)."""
    values = request.headers.getall(header, [])
    return ", ".join(values) if len(values) > 1 else first


@post(
    "/bots/{bot:str}/import",
    tags=["bots"],
    responses=_ERRORS,
    status_code=200,
    operation_class=_documented_body(
        RequestBody(
            content={**DOCUMENTS, "multipart/form-data": OpenAPIMediaType(schema=_UPLOAD)},
            required=True,
            description="The definition as the body (JSON or YAML), or uploaded as the `file` field",
        )
    ),
)
async def import_bot(bot: BotPath, request: Request[Any, Any, Any], gateway: GatewayDep) -> BotSummary:
    """Import a definition: the document as the body, or a multipart upload with a `file` field."""
    content_type = request.headers.get("content-type", "")
    if request.content_type[0] == "multipart/form-data":  # Litestar's reading: any case
        form = await request.form()
        uploads = form.getall("file", [])
        if len(uploads) != 1 or isinstance(uploads[0], str):
            raise InvalidInputError(
                "the multipart upload needs one `file` field, the document",
                details={"field": "file", "given": len(uploads)},
            )
        body, content_type = await uploads[0].read(), uploads[0].content_type
    else:
        body = await request.body()
    summary = await gateway.catalog.put_bot(check_bot_name(bot), body, content_type)
    gateway.access.policies.remember(bot, summary.chat_access)
    return summary


@get("/bots/{bot:str}", tags=["bots"], responses=_ERRORS, response_headers=[_ETAG], operation_class=_Exported)
async def get_bot(
    bot: BotPath,
    gateway: GatewayDep,
    export_format: Annotated[
        ExportFormat,
        QueryParameter(
            name="format", description="`native` (Parley's format) or `acf` (an AI Chatbot Framework export)"
        ),
    ] = "native",
) -> Response[dict[str, Any]]:
    """Export a bot's definition (`format=acf` for the AI Chatbot Framework format); `ETag` is its
    version (`"5"`, `"5-acf"` for ACF), for `If-Match` on the save that follows an edit."""
    exported = await gateway.catalog.export_bot(check_bot_name(bot), export_format)
    return Response(exported.document, headers={"ETag": export_tag(exported.version, export_format)})


@delete("/bots/{bot:str}", tags=["bots"], responses=_ERRORS, status_code=204)
async def delete_bot(bot: BotPath, gateway: GatewayDep) -> None:
    """Delete a bot and retire its models: they are no longer served, and a bot created again under
    the name is untrained until it is trained."""
    name = await existing_bot(gateway, bot)
    # Models first: should that fail, the bot is still there for the delete to be tried again.
    await gateway.parser.retire_models(name)
    await gateway.catalog.delete_bot(name)
    gateway.access.policies.forget(name)


@post(
    "/bots/{bot:str}/train",
    tags=["training"],
    responses=_ERRORS,
    status_code=202,
    operation_class=_OptionalBody,
)
async def train(
    bot: BotPath,
    gateway: GatewayDep,
    data: JSONBody[TrainBody | None] = None,
) -> TrainAccepted:
    """Queue a training job; poll `GET /bots/{bot}/train/{job_id}` for its status."""
    job = await gateway.training.start(check_bot_name(bot), force=bool(data and data.force))
    return TrainAccepted(job_id=job.job_id, status=job.status)


@get("/bots/{bot:str}/train/{job_id:str}", tags=["training"], responses=_ERRORS)
async def training_status(bot: BotPath, job_id: IdPath, gateway: GatewayDep) -> TrainingJob:
    return await gateway.training.get(check_bot_name(bot), check_job_id(job_id))


@post("/bots/{bot:str}/parse", tags=["nlu"], responses=_ERRORS, status_code=200)
async def parse(bot: BotPath, data: JSONBody[ParseBody], gateway: GatewayDep) -> ParseResult:
    """Intent, ranking and entities of one utterance, as the bot's current model sees it."""
    try:
        check_text(data.text)
    except FrameError as exc:
        raise InvalidInputError(exc.message, details={"field": "text"}) from None
    check_timezone(data.timezone)
    request = ParseRequest(
        bot=await existing_bot(gateway, bot),
        text=data.text,
        correlation_id=current_correlation_id(),
        timezone=data.timezone,
    )
    timeout = gateway.settings.upstream_timeout_seconds
    try:
        return await within_timeout(gateway.parser.parse(request), timeout, "nlu")
    except TransientError as exc:
        if isinstance(exc.__cause__, ModelFaultError):  # the admin can mend it: say what it is
            raise exc.__cause__ from None
        raise


_DATE_OR_TIME = {
    "any_of": [
        Schema(type=OpenAPIType.STRING, format=f) for f in (OpenAPIFormat.DATE, OpenAPIFormat.DATE_TIME)
    ]
}
From = Annotated[
    str | None, QueryParameter(name="from", schema_extra=_DATE_OR_TIME, description=f"{FORMS}, UTC")
]
To = Annotated[
    str | None,
    QueryParameter(name="to", schema_extra=_DATE_OR_TIME, description=f"{FORMS}; a date includes its day"),
]

Before = Annotated[
    str | None,
    QueryParameter(schema_extra={"format": OpenAPIFormat.DATE_TIME}, description=f"The next page: {BEFORE}"),
]

MAX_SEARCH_CHARS = 200
_Q = f"Text a turn's user text or reply holds, in any case; trimmed, 1 to {MAX_SEARCH_CHARS} characters"


def _search_text(q: str) -> str:
    """`q` trimmed, or a 400 naming it: blank, or longer than a search needs."""
    text = q.strip()
    if is_blank(text):
        raise query_error("q", "`q` must not be blank")
    if len(text) > MAX_SEARCH_CHARS:
        raise query_error("q", f"`q` is limited to {MAX_SEARCH_CHARS} characters")
    return text


@get("/bots/{bot:str}/conversations", tags=["conversations"], responses=_ERRORS)
async def conversations(
    bot: BotPath,
    gateway: GatewayDep,
    *,
    limit: Annotated[int, QueryParameter(ge=1, le=200, description="Conversations on a page")] = 50,
    before: Before = None,
    before_id: Annotated[
        str | None,
        QueryParameter(
            min_length=1,
            max_length=64,
            description="The next page, with `before`: the last listed conversation's `conversation_id`",
        ),
    ] = None,
    start: From = None,
    end: To = None,
    intent: Annotated[
        str | None,
        QueryParameter(
            min_length=1,
            max_length=64,
            description="Only conversations with a turn of this intent in the period (the fallback intent: "
            "those with a message the bot did not understand)",
        ),
    ] = None,
    q: Annotated[str | None, QueryParameter(description=_Q)] = None,
) -> list[ConversationSummary]:
    """Conversations, newest first, whose last turn is from `from` up to `to` (each a date or a
    time: a date `to` includes its day, a time `to` does not); with `intent`, only those with a turn
    of that intent then; with `q`, only those with a turn then whose user text or a reply holds it,
    in any case. Page with `before` and `before_id` = the last conversation's `last_turn_at` and
    `conversation_id` (with `before` alone, conversations that share the last one's millisecond but
    did not fit on its page are skipped)."""
    if before_id is not None:
        check_conversation_id(before_id)
        if before is None:
            raise InvalidInputError("`before_id` needs `before`: the last conversation's last_turn_at")
    asked = period(start, end)
    where = ConversationFilter(
        start=asked.since(),
        end=asked.until(),
        before=None if before is None else instant(before, "before"),
        before_id=before_id,
        intent=intent,
        text=None if q is None else _search_text(q),
    )
    return await gateway.transcripts.conversations(await existing_bot(gateway, bot), limit=limit, where=where)


@get("/bots/{bot:str}/conversations/{conversation_id:str}", tags=["conversations"], responses=_ERRORS)
async def conversation(bot: BotPath, conversation_id: IdPath, gateway: GatewayDep) -> Transcript:
    """One conversation and its turns, oldest first."""
    name = await existing_bot(gateway, bot)
    return await gateway.transcripts.conversation(name, check_conversation_id(conversation_id))


@get("/bots/{bot:str}/analytics", tags=["analytics"], responses=_ERRORS)
async def analytics(
    bot: BotPath,
    gateway: GatewayDep,
    start: From = None,
    end: To = None,
) -> AnalyticsReport:
    """Daily turns, conversations, fallback rate and intents for the UTC days from the one `from`
    is in to the one `to` is in, both included (default: the last 30 days)."""
    first, last = period(start, end).days(today=datetime.now(UTC).date())
    days = await gateway.analytics.daily(await existing_bot(gateway, bot), start=first, end=last)
    return AnalyticsReport(bot=bot, start=first, end=last, days=days)


admin_router = Router(
    path="/api/v1",
    guards=[admin_guard],
    route_handlers=[
        list_bots,
        put_bot,
        import_bot,
        get_bot,
        delete_bot,
        train,
        training_status,
        parse,
        conversations,
        conversation,
        *erasure_routes,
        analytics,
        *model_routes,
        *key_routes,
    ],
    security=[{"bearer": []}],
)
