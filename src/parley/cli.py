"""The `parley` command."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import cast

import msgspec

from parley import bots, shell
from parley.api import Api, CommandError, admin_token, default_url
from parley.settings import EmbeddedSettings, check_run_settings
from parley_runtime.errors import InvalidInputError, ParleyError, SettingsError
from parley_runtime.infra import Infra, InfraSettings, connect_infra
from parley_runtime.logging import configure_logging
from parley_runtime.settings import check_settings, load_settings

NEEDS_DATABASE = frozenset({"transcripts", "backup", "restore"})
"""Commands that read or write Parley's documents, so need MONGODB_URL: on a fresh emulation a
backup would save nothing, a restore would fill a database that vanishes with the command, and the
archive would find no turns, each reporting success."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in ("bots", "chat"):
        return _author(args)
    return _operate(args)


def _operate(args: argparse.Namespace) -> int:
    """The commands run here rather than against a running Parley."""
    try:
        if args.command == "run":
            return _run()
        if args.command == "nlu":
            from parley.evaluate import evaluate  # noqa: PLC0415 - loads the language model stack

            return evaluate(args.args)
        return asyncio.run(_with_infra(args))
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    except InvalidInputError as exc:
        # A problem the message already states (a YAML or JSON syntax error) is not said twice.
        problems = [f"  {line}" for line in _problems(exc.details) if line not in str(exc)]
        print(f"{_name(args)}: {exc}", *problems, sep="\n", file=sys.stderr)
        return 2
    except ParleyError as exc:
        print(f"{_name(args)}: {exc}", file=sys.stderr)
        return 1


def _name(args: argparse.Namespace) -> str:
    """The command as typed: `parley nlu evaluate`, `parley queues replay`, `parley backup`."""
    words = [args.command, getattr(args, "tool", None), getattr(args, "action", None)]
    return " ".join(["parley", *(word for word in words if word)])


def _problems(details: object) -> list[str]:
    """An `InvalidInputError`'s details, one line each: `path: message` where a problem has a path."""
    items = cast(list[object], details) if isinstance(details, list) else [details]
    lines: list[str] = []
    for item in items:
        if isinstance(item, dict):
            fields = cast(dict[str, object], item)
            message = fields.get("message")
            if message is None:  # no message: its fields as they are, e.g. {"key": ...}
                lines.append(", ".join(f"{name}: {value}" for name, value in fields.items()))
            else:
                lines.append(f"{fields['path']}: {message}" if fields.get("path") else str(message))
        elif item is not None:
            lines.append(str(item))
    return lines


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parley", description="Parley, a self-hosted chatbot framework.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run every service in one process, with no infrastructure")
    connection = _connection_options()
    bots.add_parser(commands, parents=[connection])
    shell.add_parser(commands, parents=[connection])
    nlu = commands.add_parser(
        "nlu",
        help="evaluate a bot's NLU: parley nlu evaluate BOT.yaml|DATASET.json [--test TEST.jsonl]",
    )
    nlu.add_argument("tool", choices=["evaluate"])
    nlu.add_argument("args", nargs=argparse.REMAINDER, help="see parley nlu evaluate --help")
    queues = commands.add_parser("queues", help="inspect the queues, replay dead letters").add_subparsers(
        dest="action", required=True
    )
    queues.add_parser("stats", help="waiting, in-flight and delayed messages per queue and dead-letter queue")
    replay = queues.add_parser("replay", help="move a queue's dead letters back onto it")
    replay.add_argument("queue", help="the queue, e.g. parley-logger (its -dlq is emptied)")
    replay.add_argument("--limit", type=_positive, default=None, help="move at most this many (1 or more)")
    transcripts = commands.add_parser("transcripts", help="transcript archives").add_subparsers(
        dest="action", required=True
    )
    archive = transcripts.add_parser("archive", help="archive a day's turns to blob storage, then retention")
    archive.add_argument(
        "--day", type=date.fromisoformat, default=None, help="YYYY-MM-DD, UTC; default yesterday"
    )
    commands.add_parser(
        "backup",
        help="every collection and the model artifacts to backups/{id}/ in blob storage (needs MONGODB_URL)",
    )
    restore = commands.add_parser(
        "restore", help="restore a backup into an empty database, and its models (needs MONGODB_URL)"
    )
    restore.add_argument("backup_id", nargs="?", default="latest", help="a backup id; default the newest")
    restore.add_argument("--force", action="store_true", help="upsert into a database that is not empty")
    return parser


def _connection_options() -> argparse.ArgumentParser:
    """Where `parley bots` and `parley chat` find Parley, and the admin token they send."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--url",
        help="the gateway; default where `parley run` listens: http://127.0.0.1:8000, or as PARLEY_HOST"
        " and PARLEY_PORT say",
    )
    options.add_argument(
        "--token",
        help="the admin token; default PARLEY_ADMIN_TOKEN, or for a Parley on this machine"
        " the one it kept in PARLEY_DATA_DIR/admin-token",
    )
    return options


def _author(args: argparse.Namespace) -> int:
    """`parley bots` and `parley chat`: each failure said in one line (and a refused definition's
    problems after it), with a non-zero status."""
    try:
        url = args.url or default_url(load_settings(EmbeddedSettings))
    except SettingsError as exc:
        print(f"{_name(args)}: {exc}", file=sys.stderr)
        return 2
    api = Api(url, admin_token(args.token, url))
    try:
        return (bots.run if args.command == "bots" else shell.run)(api, args)
    except CommandError as exc:
        print(f"{_name(args)}: {exc}", *(f"  {line}" for line in exc.problems), sep="\n", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:  # `bots train --wait` stops following; the job goes on
        print(file=sys.stderr)
        return 130
    finally:
        api.close()


def _positive(text: str) -> int:
    """A count of 1 or more: `--limit 0` would move nothing and report success without asking SQS."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} moves nothing: give 1 or more, or leave it out for all")
    return value


def _run() -> int:
    check_run_settings()
    from parley.embedded import serve  # noqa: PLC0415 - heavy (torch, onnxruntime): only when running

    settings = load_settings(EmbeddedSettings)
    configure_logging(load_settings(InfraSettings).log_level)
    asyncio.run(serve(settings))
    return 0


async def _with_infra(args: argparse.Namespace) -> int:
    check_settings(*_settings_read(args.command))
    settings = load_settings(InfraSettings)
    configure_logging(settings.log_level)
    commands: dict[str, Callable[[Infra, argparse.Namespace], Awaitable[int]]] = {
        "queues": _queues,
        "transcripts": _transcripts,
        "backup": _backup,
        "restore": _restore,
    }
    if settings.mongodb_url is None and args.command in NEEDS_DATABASE:
        print(
            f"{_name(args)}: set MONGODB_URL. Unset, this command would work on an in-process emulation"
            " of its own, empty at start and gone at exit: embedded mode keeps its documents in the"
            " `parley run` process, which alone reads and writes their snapshot file. To back them up,"
            " copy PARLEY_DATA_DIR/mongo/snapshot.bson, then the rest of PARLEY_DATA_DIR: that is a"
            " consistent copy even while `parley run` runs (docs/operations.md, Backups)",
            file=sys.stderr,
        )
        return 2
    infra = await connect_infra(settings)
    try:
        return await commands[args.command](infra, args)
    finally:
        await infra.aclose()


def _settings_read(command: str) -> tuple[type[msgspec.Struct], ...]:
    """The settings groups an operations command reads, checked at its start as a service checks
    its own: every bad value listed at once, and each variable under Parley's prefixes that none of
    them reads warned of with the setting it likely meant (decision 132)."""
    if command == "transcripts":
        from parley_logger.settings import LoggerSettings  # noqa: PLC0415 - as _transcripts

        return (InfraSettings, LoggerSettings)
    return (InfraSettings,)


async def _queues(infra: Infra, args: argparse.Namespace) -> int:
    from parley.queues import queue_stats, replay, stats_table  # noqa: PLC0415

    if infra.settings.bus != "sqs":
        print(
            "parley queues: set PARLEY_BUS=sqs (the in-process bus lives inside one process)", file=sys.stderr
        )
        return 2
    if args.action == "stats":
        print(stats_table(await queue_stats(infra.queues)))
    else:
        moved = await replay(infra.queues, args.queue, limit=args.limit)
        print(f"moved {moved} message(s) from {args.queue}-dlq back to {args.queue}")
    return 0


async def _transcripts(infra: Infra, args: argparse.Namespace) -> int:
    from parley.transcripts import archive_and_prune, yesterday  # noqa: PLC0415
    from parley_logger.settings import LoggerSettings  # noqa: PLC0415

    now = datetime.now(UTC)
    report = await archive_and_prune(
        infra, load_settings(LoggerSettings), day=args.day or yesterday(now), now=now
    )
    print(msgspec.json.encode(report).decode())
    return 0


async def _backup(infra: Infra, args: argparse.Namespace) -> int:
    from parley.backup import backup  # noqa: PLC0415

    manifest = await backup(infra.db, infra.blobs, now=datetime.now(UTC))
    print(msgspec.json.encode(manifest).decode())
    return 0


async def _restore(infra: Infra, args: argparse.Namespace) -> int:
    from parley.backup import restore  # noqa: PLC0415

    manifest = await restore(infra.db, infra.blobs, args.backup_id, force=args.force)
    print(msgspec.json.encode(manifest).decode())
    return 0
