"""`parley chat BOT`: a conversation with a bot in the terminal, over the REST chat API.

It opens with the bot's welcome, as the web widget does (`welcome.py`), which starts a new
conversation whose id the server assigns (as unguessable as any it gives); each message continues
it (for a bot that greets with nothing, the first message starts it). A reply's buttons are
numbered, and typing a number sends that button's payload. Each message carries this machine's
time zone (`parley.localzone`), as the widget sends the browser's, so dates are read where the
author is; `--timezone` sends another, or `none` sends none, so the bot's own (`settings.timezone`),
else UTC, applies. End-of-file (Ctrl-D) or Ctrl-C ends the conversation.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO, cast

from parley.api import Api, CommandError, bot_path
from parley.localzone import local_zone
from parley.welcome import welcome

RECOVERABLE = frozenset({400, 413, 429})
"""Refusals of one message (too long, too fast): said, and the conversation goes on."""


def add_parser(commands: Any, *, parents: list[argparse.ArgumentParser]) -> None:
    """`parley chat BOT` under the `parley` command's subparsers; `parents` give --url and --token."""
    chat = commands.add_parser(
        "chat", parents=parents, help="talk to a bot in the terminal, in a new conversation"
    )
    chat.add_argument("bot")
    chat.add_argument("--debug", action="store_true", help="show each turn's intent, confidence and entities")
    chat.add_argument(
        "--timezone",
        metavar="ZONE|none",
        help="the IANA time zone dates are read in (Europe/Berlin); default this machine's; none: the"
        " bot's settings.timezone, else UTC",
    )


def run(api: Api, args: argparse.Namespace, *, stdin: TextIO | None = None) -> int:
    try:
        return _converse(api, args, stdin or sys.stdin)
    except KeyboardInterrupt:  # while a reply was awaited
        print()
        return 0


def _converse(api: Api, args: argparse.Namespace, source: TextIO) -> int:
    zone = _zone(args.timezone)
    dates = f"dates in {zone}" if zone else "dates in the bot's time zone, else UTC"
    print(f"chatting with {args.bot!r} at {api.url} ({dates}); Ctrl-D or Ctrl-C to end", file=sys.stderr)
    greeting = welcome(api, args.bot)
    conversation_id: str | None = greeting["conversation_id"] if greeting else None
    buttons = _show(greeting, debug=args.debug) if greeting else []
    while True:
        text = _read(source)
        if text is None:
            return 0
        if not text.strip():
            continue
        body: dict[str, Any] = {"text": _chosen(text.strip(), buttons)}
        if conversation_id is not None:
            body["conversation_id"] = conversation_id
        if zone is not None:
            body["timezone"] = zone
        try:
            reply = cast(dict[str, Any], api.call("POST", bot_path(args.bot, "chat"), json=body).body)
        except CommandError as exc:
            if exc.http_status not in RECOVERABLE:
                raise
            print(f"parley chat: {exc}", *exc.problems, sep="\n  ", file=sys.stderr)
            continue
        conversation_id = reply["conversation_id"]
        buttons = _show(reply, debug=args.debug)


def _zone(given: str | None) -> str | None:
    """The zone to send: `--timezone`'s (the server checks it), none for `none`, else this machine's."""
    if given is None:
        return local_zone()
    return None if given == "none" else given


def _read(source: TextIO) -> str | None:
    """The next line the user typed; None at end of input or Ctrl-C."""
    print("you> ", end="", flush=True)
    try:
        line = source.readline()
    except KeyboardInterrupt:
        line = ""
    if not line:
        print()
        return None
    if not source.isatty():  # a script's line, shown as if typed
        print(line, end="" if line.endswith("\n") else "\n")
    return line.rstrip("\n")


def _chosen(text: str, buttons: list[dict[str, Any]]) -> str:
    """A number that picks one of the last reply's buttons is that button's payload."""
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return str(buttons[int(text) - 1]["payload"])
    return text


def _show(reply: dict[str, Any], *, debug: bool) -> list[dict[str, Any]]:
    """Print the bot's messages and number their buttons; the buttons, in that order."""
    buttons: list[dict[str, Any]] = []
    for message in cast(list[dict[str, Any]], reply.get("messages") or []):
        print(f"bot> {message['text']}")
        for button in cast(list[dict[str, Any]], message.get("buttons") or []):
            buttons.append(button)
            print(f"  {len(buttons)}) {button['title']}")
    if debug:
        print(_turn(reply))
    return buttons


def _turn(reply: dict[str, Any]) -> str:
    """`--debug`'s line: the intent, its confidence and who chose it, and the entities found."""
    intent = reply.get("intent")
    if intent:
        read = f"intent {intent['name']} {intent['confidence']:.2f} ({reply.get('intent_source', 'nlu')})"
    else:
        read = "no intent"
    if reply.get("fallback"):
        read += ", fallback"
    entities = cast(list[dict[str, Any]], reply.get("entities") or [])
    found = ", ".join(f"{e['entity']}={e['value']}" for e in entities) or "none"
    slots = ", ".join(f"{k}={v}" for k, v in cast(dict[str, Any], reply.get("slots") or {}).items())
    return f"  [{read}; entities {found}" + (f"; slots {slots}" if slots else "") + "]"
