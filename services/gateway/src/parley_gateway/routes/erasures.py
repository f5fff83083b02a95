"""Erasing one conversation for a user who asks (GDPR art. 17):
`DELETE /api/v1/bots/{bot}/conversations/{id}`.

What Parley keeps per conversation and what becomes of it is listed in the gateway README
("Erasing a conversation"); what this route erases: the conversation's state (the dialogue's), the
replies kept for resent messages (Redis) and the transcript (MongoDB), recorded so that a turn still
queued for the logger is not stored again.
"""

from __future__ import annotations

import structlog
from litestar import delete

from parley_gateway.deps import GatewayDep
from parley_gateway.names import BotPath, IdPath, check_conversation_id
from parley_gateway.routes.guards import existing_bot
from parley_gateway.routes.openapi import ADMIN_ERRORS, errors
from parley_messages import utc_now

log = structlog.get_logger(__name__)


@delete(
    "/bots/{bot:str}/conversations/{conversation_id:str}",
    tags=["conversations"],
    responses=errors(*ADMIN_ERRORS),
    status_code=204,
)
async def erase_conversation(bot: BotPath, conversation_id: IdPath, gateway: GatewayDep) -> None:
    """Erase one conversation: its state (slots, context, an open form), the replies kept for its
    resent messages and its transcript (its turns and its entry in the listing); 404 when the bot
    has no such transcript. Turns of the conversation still queued for the logger are not stored;
    a message sent under its id later starts the conversation and its transcript anew. Transcript
    archives already written lose it at the archive job's next run. Not erased: backups, and its
    counts in analytics (which hold no text)."""
    name = await existing_bot(gateway, bot)
    conversation = check_conversation_id(conversation_id)
    # The state and the kept replies first: should either fail, the transcript is still there for
    # the erasure to be tried again. The state goes after a turn running in the conversation.
    await gateway.chat.forget(name, conversation)
    replies = await gateway.replays.forget_conversation(name, conversation)
    erased = await gateway.erasures.erase(name, conversation, utc_now())
    log.info(
        "conversation.erased",
        bot=name,
        conversation_id=conversation,
        turns=erased.turns,
        later_turns=erased.later_turns,
        kept_replies=replies,
    )


erasure_routes = [erase_conversation]
