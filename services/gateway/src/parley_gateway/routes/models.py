"""A bot's models under `/api/v1/bots/{bot}/models` (admin keys only): its history, and serving an
earlier one again. The registry is the NLU's; the gateway asks it through its `Parser` port."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import get, post
from litestar.params import QueryParameter

from parley_gateway.correlation import current_correlation_id
from parley_gateway.deps import Gateway, GatewayDep
from parley_gateway.names import BotPath, IdPath, check_model_version
from parley_gateway.queries import query_error
from parley_gateway.routes.guards import existing_bot
from parley_gateway.routes.openapi import ADMIN_ERRORS, errors
from parley_messages import ID_PATTERN, ModelSummary
from parley_runtime.errors import InvalidInputError

_ERRORS = errors(*ADMIN_ERRORS)


class IntentDifferences(msgspec.Struct, frozen=True, kw_only=True):
    """How the intents a model tells apart differ from those the bot has now."""

    intents_not_in_model: list[str]
    """The bot's intents the model was not trained on: their messages get another intent, or the
    fallback, until the bot is trained again."""
    intents_not_in_bot: list[str]
    """Intents the model tells apart that the bot no longer has: messages the model gives one of
    them are answered with the bot's fallback."""


class PublishedModel(ModelSummary, frozen=True, kw_only=True):
    """The model the bot is served by now, and how it differs from the bot."""

    differences: IntentDifferences | None = None
    """Null when the model did not record its intents, or the bot has none it could be trained on."""


@get("/bots/{bot:str}/models", tags=["models"], responses=_ERRORS)
async def list_models(
    bot: BotPath,
    gateway: GatewayDep,
    *,
    limit: Annotated[int, QueryParameter(ge=1, le=200, description="Models on a page")] = 50,
    before_version: Annotated[
        str | None,
        QueryParameter(pattern=ID_PATTERN, description="The next page: the last listed model's `version`"),
    ] = None,
) -> list[ModelSummary]:
    """The bot's trained models, newest first: ordered by when their training was requested, or
    they were published again. `served` marks the one the bot is served by; models of a deleted
    bot are `retired`. Page with `before_version` = the last listed model's `version`."""
    name = await existing_bot(gateway, bot)
    try:
        return await gateway.parser.models(name, limit=limit, before_version=before_version)
    except InvalidInputError as exc:  # the NLU knows no model `before_version` of the bot
        raise query_error("before_version", str(exc)) from None


@post("/bots/{bot:str}/models/{version:str}/publish", tags=["models"], responses=_ERRORS, status_code=200)
async def publish_model(bot: BotPath, version: IdPath, gateway: GatewayDep) -> PublishedModel:
    """Serve an earlier model again (a rollback): every replica serves it within seconds, and a
    training job requested before this does not replace it. It is registered as a new version with
    `republished_from` naming the model (publishing the model served already changes nothing); the
    next training is held to its scores. It is served even if the bot's intents changed since it was
    trained: `differences` lists them. 404 for an unknown version, 409 for a retired model or one
    that can no longer be loaded."""
    name = await existing_bot(gateway, bot)
    intents = await _trainable_intents(gateway, name)
    publication = await gateway.parser.publish_model(name, check_model_version(version))
    gateway.publisher.submit(
        msgspec.structs.replace(publication.event, correlation_id=current_correlation_id())
    )
    model = publication.model
    return PublishedModel(**msgspec.structs.asdict(model), differences=_differences(model, intents))


async def _trainable_intents(gateway: Gateway, bot: str) -> set[str] | None:
    """The intents training the bot now would learn; None for a bot stored before saving refused
    one with nothing to learn."""
    try:
        dataset = await gateway.catalog.training_dataset(bot)
    except InvalidInputError:
        return None
    return {intent.name for intent in dataset.intents}


def _differences(model: ModelSummary, intents: set[str] | None) -> IntentDifferences | None:
    if intents is None or model.intents is None:
        return None
    known = set(model.intent_names)
    return IntentDifferences(
        intents_not_in_model=sorted(intents - known), intents_not_in_bot=sorted(known - intents)
    )


model_routes = [list_models, publish_model]
