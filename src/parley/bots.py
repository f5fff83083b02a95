"""`parley bots list|push|pull|delete|train`: the author's loop over the gateway's admin API.

A push names the bot as its file does (`parley.botfiles`). It saves only over the version the file
was pulled at, which `pull` records in a YAML file (`parley.pulls`), or the one `--if-match` names;
a file that records none (a JSON one, or one written by hand) saves over the version found just
before (or only creates, when there was none). `--force` saves over whatever is there. A save
that came in between is refused rather than overwritten. After a save, push says how the intents
of the model serving the bot now differ from the bot's (`parley.served`).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any, cast

import yaml

from parley.api import Api, CommandError, bot_path
from parley.botfiles import bot_name, content_type
from parley.pulls import Pulled, pulled, record, version_line
from parley.served import differences
from parley_runtime.errors import InvalidInputError

POLL_SECONDS = 0.5
FINISHED = frozenset({"succeeded", "failed", "rejected"})


def add_parser(commands: Any, *, parents: list[argparse.ArgumentParser]) -> None:
    """`parley bots ...` under the `parley` command's subparsers; `parents` give --url and --token."""
    bots = commands.add_parser("bots", help="list, push, pull, delete and train bots on a running Parley")
    actions = bots.add_subparsers(dest="action", required=True)

    def add(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return actions.add_parser(name, parents=parents, **kwargs)

    add("list", help="every bot: version, intents, entities, who may chat")
    push = add(
        "push",
        help="create or update the bot a definition file names (native or ACF, YAML or JSON)",
        description="The bot is the document's `name`; an ACF export, which has none, is named by its"
        " file (order_status.json: order_status) unless --bot names it. A YAML file `bots pull` wrote"
        " records the version pulled (`# parley: version 3 of bot NAME`): push saves only over it, and"
        " then records its own. A file without that line creates the bot, or saves over the version"
        " found just before saving.",
    )
    push.add_argument("file", type=Path, help="the definition, e.g. mybot.yaml")
    push.add_argument("--bot", help="the bot to save it as, instead of the name the file gives")
    over = push.add_mutually_exclusive_group()
    over.add_argument(
        "--if-match",
        type=int,
        metavar="VERSION",
        help="save only over this version (the one `bots pull` said it wrote), else refuse;"
        " default: the version a pulled YAML file records",
    )
    over.add_argument(
        "--force",
        action="store_true",
        help="save over whatever version is there, even an edit saved since the file was pulled",
    )
    pull = add("pull", help="a bot's definition, as JSON on stdout or to a file")
    pull.add_argument("bot")
    pull.add_argument("--format", choices=["native", "acf"], default="native")
    pull.add_argument(
        "-o",
        "--output",
        type=Path,
        help="write it here: YAML for .yaml or .yml, its first line the version pulled (push saves only"
        " over it), else JSON",
    )
    delete = add("delete", help="delete a bot, its models, transcripts and analytics")
    delete.add_argument("bot")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    train = add("train", help="start training a bot")
    train.add_argument("bot")
    train.add_argument("--wait", action="store_true", help="follow the job until it ends, then report")
    train.add_argument("--force", action="store_true", help="publish the model even if it scores lower")


def run(api: Api, args: argparse.Namespace) -> int:
    action = {"list": _list, "push": _push, "pull": _pull, "delete": _delete, "train": _train}
    return action[args.action](api, args)


def _list(api: Api, args: argparse.Namespace) -> int:
    bots = cast(list[dict[str, Any]], api.call("GET", "/api/v1/bots").body)
    if not bots:
        print(f"no bots yet: {command(args, 'bots push mybot.yaml')}")
        return 0
    width = max(len(b["name"]) for b in bots)
    print(f"{'bot':<{width}}  version  intents  entities  chat    updated")
    for b in bots:
        counts = f"{b['version']:>7}  {b['intents']:>7}  {b['entities']:>8}"
        print(f"{b['name']:<{width}}  {counts}  {b.get('chat_access', 'public'):<6}  {b['updated_at']}")
    return 0


def _push(api: Api, args: argparse.Namespace) -> int:
    path: Path = args.file
    raw = _read(path)
    try:
        name = args.bot or bot_name(raw, path)
    except InvalidInputError as exc:
        raise CommandError(f"{path}: {one_line(str(exc))}", status=2) from None
    line = pulled(raw)
    since = line.version if line and line.bot == name and not args.force else None
    headers = _precondition(api, name, args.if_match if args.if_match is not None else since)
    kind = content_type(path)
    if kind:
        headers["content-type"] = kind
    saved = _save(api, args, name, raw, headers, since=since)
    done = "created" if "if-none-match" in headers else "updated"
    print(
        f"{done} bot {name!r}: version {saved['version']}, {saved['intents']} intents,"
        f" {saved['entities']} entities; train it with: {command(args, f'bots train {name} --wait')}"
    )
    if line is not None and not record(path, raw, Pulled(bot=name, version=saved["version"])):
        stale = version_line(line.bot, line.version)
        print(
            f"{path} changed meanwhile or cannot be written: it still says {stale!r};"
            f" push --if-match {saved['version']} saves only over this save",
            file=sys.stderr,
        )
    for difference in differences(api, name, raw, kind):
        print(difference)
    return 0


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}", status=2) from None


def _save(
    api: Api, args: argparse.Namespace, name: str, raw: bytes, headers: dict[str, str], *, since: int | None
) -> dict[str, Any]:
    """The saved bot's summary; a refusal of the precondition said as what it means for the file."""
    try:
        return cast(dict[str, Any], api.call("PUT", bot_path(name), content=raw, headers=headers).body)
    except CommandError as exc:
        if exc.http_status != 412:
            raise
        if args.if_match is None and since is not None:
            raise _changed_since(args, name, since, exc.details) from None
        hint = f"nothing was saved; `{command(args, f'bots pull {name}')}` shows the saved one"
        raise CommandError(f"{exc}; {hint}", http_status=412) from None


def _changed_since(args: argparse.Namespace, name: str, version: int, details: object) -> CommandError:
    """The refusal of a push over an edit saved since the file was pulled at `version`."""
    now = cast(dict[str, Any], details).get("current_version") if isinstance(details, dict) else None
    if now is None:
        said = f"there is no bot {name!r} now (you pulled version {version}): nothing was saved;"
        return CommandError(f"{said} push --force creates it", http_status=412)
    said = f"bot {name!r} was changed since you pulled version {version} (now version {now})"
    pull = command(args, f"bots pull {name} -o FILE")
    again = f"nothing was saved; pull it again ({pull}) and merge your edits, or push --force"
    return CommandError(f"{said}: {again}", http_status=412)


def command(args: argparse.Namespace, words: str) -> str:
    """A command to suggest, with the `--url` this one was given (the token is not repeated)."""
    url: str | None = getattr(args, "url", None)
    return f"parley {words}" + (f" --url {url}" if url else "")


def one_line(message: str) -> str:
    """A YAML syntax error in one line: its marks as `at line 1, column 7`, without the quoted
    source and caret lines under them."""
    lines = [line for line in message.splitlines() if not line.startswith("    ")]
    text = " ".join(line.strip() for line in lines)
    return re.sub(r'in "<[^>]*>", (line \d+, column \d+):', r"at \1:", text).removesuffix(":")


def _precondition(api: Api, name: str, version: int | None) -> dict[str, str]:
    """`If-Match` the version given or found now, or `If-None-Match: *` when there is no bot yet."""
    if version is not None:
        return {"if-match": f'"{version}"'}
    try:
        found = api.call("HEAD", bot_path(name))
    except CommandError as exc:
        if exc.http_status == 404:
            return {"if-none-match": "*"}
        raise
    return {"if-match": found.headers["etag"]}


def _pull(api: Api, args: argparse.Namespace) -> int:
    answer = api.call("GET", bot_path(args.bot), params={"format": args.format})
    version = int(answer.headers.get("etag", "").strip('"').removesuffix("-acf"))
    out: Path | None = args.output
    if out is None:
        print(json.dumps(answer.body, indent=2, ensure_ascii=False))
        return 0
    yaml_file = out.suffix.lower() in (".yaml", ".yml")
    if yaml_file:
        document = yaml.safe_dump(answer.body, sort_keys=False, allow_unicode=True, width=100)
        text = f"{version_line(args.bot, version)}\n{document}"
        over = f"push saves it only over version {version} (push --force: over any)"
    else:
        text = json.dumps(answer.body, indent=2, ensure_ascii=False) + "\n"
        over = f"push --if-match {version} saves it only over that version (JSON cannot record it)"
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"{out}: {exc.strerror}", status=2) from None
    print(f"wrote bot {args.bot!r} version {version} to {out}: {over}", file=sys.stderr)
    return 0


def _delete(api: Api, args: argparse.Namespace) -> int:
    if not args.yes and not _confirmed(
        f"delete bot {args.bot!r} with its models, transcripts and analytics? [y/N] "
    ):
        print("nothing deleted", file=sys.stderr)
        return 1
    api.call("DELETE", bot_path(args.bot))
    print(f"deleted bot {args.bot!r}")
    return 0


def _confirmed(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        print(file=sys.stderr)
        return False


def _train(api: Api, args: argparse.Namespace) -> int:
    body = {"force": True} if args.force else None
    job = cast(dict[str, Any], api.call("POST", bot_path(args.bot, "train"), json=body).body)
    if not args.wait:
        print(
            f"training {args.bot!r}: job {job['job_id']} {job['status']}"
            f" ({command(args, f'bots train {args.bot} --wait')} follows a training to its end)"
        )
        return 0
    print(f"training {args.bot!r} (job {job['job_id']})...", file=sys.stderr)
    while job["status"] not in FINISHED:
        time.sleep(POLL_SECONDS)
        job = cast(dict[str, Any], api.call("GET", bot_path(args.bot, "train", job["job_id"])).body)
    print(headline(job))
    return 0 if job["status"] == "succeeded" else 1


def headline(job: dict[str, Any]) -> str:
    """What a finished job means for the bot's users (decision 124): of its held-out examples, how
    many get the right intent at the fallback threshold, go to fallback, or to another intent."""
    bot, status, metrics = job["bot"], job["status"], cast(dict[str, float], job.get("metrics") or {})
    if status == "failed":
        return f"{bot}: training failed: {job.get('error') or 'no reason given'}"
    lead = f"{bot}: model {job['model_version']} serves" if status == "succeeded" else f"{bot}: rejected"
    if "held_out" not in metrics:
        return f"{lead}: {job['error']}" if job.get("error") else f"{lead} (too few examples to score it)"
    held = round(metrics["held_out"])
    right, fell = round(metrics["in_scope_accuracy"] * held), round(metrics["fallback_rate"] * held)
    lines = [
        f"{lead}. At the fallback threshold, of {held} held-out examples {right}"
        f" ({metrics['in_scope_accuracy']:.1%}) get the right intent, {fell} go to fallback,"
        f" {held - right - fell} to a wrong intent"
    ]
    if "oos_recall" in metrics:
        left_out = round(metrics["left_out"])
        caught = round(metrics["oos_recall"] * left_out)
        lines.append(f"  of {left_out} examples of intents left out of training, {caught} go to fallback")
    if status == "rejected":
        lines.append(f"  not published: {job.get('error')}")
    return "\n".join(lines)
