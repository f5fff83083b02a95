"""The operators' `parley` commands: queues stats/replay, transcripts archive, backup and restore."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

from parley import cli
from parley_logger.archive import archive_key, encode_archive
from parley_messages import LOGGER_QUEUE, TurnCompleted, dead_letter_queue, encode
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.infra import Infra, InfraSettings, connect_infra
from parley_runtime.mongo import connect_mongo
from tests import localstack
from tests.faults import scenario


@pytest.fixture(autouse=True)
def quiet(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The commands configure logging for a process; inside the test session that would leak.
    monkeypatch.setattr(cli, "configure_logging", lambda level: None)
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    for name in (
        "MONGODB_URL",
        "PARLEY_BUCKET",
        "PARLEY_BUS",
        "PARLEY_QUEUE_PREFIX",
        "LOGGER_RETENTION_DAYS",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The database MONGODB_URL names, as the commands see it: one in-process emulation shared by
    every command of the test (each process's own emulation starts empty, so they refuse it)."""
    shared = connect_mongo(InfraSettings(mongodb_database="cli"))

    async def connect(settings: InfraSettings) -> Infra:
        infra = await connect_infra(msgspec.structs.replace(settings, mongodb_url=None))
        return dataclasses.replace(infra, db=shared)

    monkeypatch.setenv("MONGODB_URL", "mongodb://database.invalid")
    monkeypatch.setattr(cli, "connect_infra", connect)
    return shared


@pytest.fixture
def sqs_prefix(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with scenario.worker_queues(30) as prefix:
        monkeypatch.setenv("PARLEY_BUS", "sqs")
        monkeypatch.setenv("PARLEY_QUEUE_PREFIX", prefix)
        monkeypatch.setenv("AWS_ENDPOINT_URL", scenario.ENDPOINT)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", os.environ.get("AWS_ACCESS_KEY_ID", "test"))
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", os.environ.get("AWS_SECRET_ACCESS_KEY", "test"))
        yield prefix


def _dead_letters(prefix: str, count: int) -> None:
    sqs = localstack.sqs_client()
    try:
        url = sqs.get_queue_url(QueueName=prefix + dead_letter_queue(LOGGER_QUEUE))["QueueUrl"]
        for index in range(count):
            turn = TurnCompleted(
                bot="b", conversation_id="c", channel="rest", user_text=str(index), replies=[]
            )
            sqs.send_message(QueueUrl=url, MessageBody=encode(turn).decode())
    finally:
        sqs.close()


@pytest.mark.integration
def test_replay_moves_a_queues_dead_letters_back_onto_it(
    sqs_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _dead_letters(sqs_prefix, 3)
    assert cli.main(["queues", "replay", LOGGER_QUEUE]) == 0
    assert "moved 3 message(s)" in capsys.readouterr().out
    assert scenario.queue_depths(sqs_prefix, LOGGER_QUEUE) == (3, 0)
    assert scenario.queue_depths(sqs_prefix, dead_letter_queue(LOGGER_QUEUE)) == (0, 0)


@pytest.mark.integration
def test_stats_list_each_queue_and_its_dead_letter_queue(
    sqs_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _dead_letters(sqs_prefix, 2)
    assert cli.main(["queues", "stats"]) == 0
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()[1:]}
    assert rows[dead_letter_queue(LOGGER_QUEUE)] == ["2", "0", "0"]
    assert rows[LOGGER_QUEUE] == ["0", "0", "0"]


@pytest.mark.parametrize("limit", ["0", "-5", "two"])
def test_a_replay_limit_that_is_not_a_positive_count_is_refused(
    limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["queues", "replay", LOGGER_QUEUE, "--limit", limit])
    assert exit_.value.code == 2
    assert "argument --limit:" in capsys.readouterr().err


def test_queue_commands_need_the_sqs_bus(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["queues", "stats"]) == 2
    assert "PARLEY_BUS=sqs" in capsys.readouterr().err


@pytest.mark.integration
def test_replaying_an_unknown_queue_is_refused(sqs_prefix: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["queues", "replay", "parley-nothing"]) == 2  # bad input
    assert "unknown queue" in capsys.readouterr().err


def test_archiving_a_day_reports_what_it_archived(database: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["transcripts", "archive", "--day", "2026-11-26"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "archived": [],
        "deleted_turns": 0,
        "purged": [],
        "erased": [],
    }


async def test_archiving_takes_a_deleted_bots_turns_out_of_its_archives(
    database: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blobs = LocalBlobStore(tmp_path / "data")
    key = archive_key("pizzeria", date(2026, 11, 25))
    await blobs.put(key, encode_archive([{"event_id": "t1", "at": "2026-11-25T09:00:00Z"}]))
    await database["bot_purges"].insert_one(
        {"_id": "pizzeria", "through": datetime(2026, 11, 26, tzinfo=UTC)}
    )
    assert await _in_thread(["transcripts", "archive", "--day", "2026-11-26"]) == 0
    # The report is the last line: unconfigured here, structlog prints its events to stdout too.
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert report["purged"] == [
        {"bot": "pizzeria", "through": "2026-11-26T00:00:00Z", "rewritten": [], "deleted": [key]}
    ]
    assert await blobs.list("transcripts/") == []


async def test_a_backup_can_be_restored_by_its_id(database: Any, capsys: pytest.CaptureFixture[str]) -> None:
    await database["bots"].insert_one({"_id": "pizzeria", "version": 3})
    assert await _in_thread(["backup"]) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest["collections"]["bots"] == 1
    await database["bots"].delete_many({})
    assert await _in_thread(["restore", manifest["backup_id"]]) == 0
    assert json.loads(capsys.readouterr().out)["backup_id"] == manifest["backup_id"]
    assert await database["bots"].find_one({}) == {"_id": "pizzeria", "version": 3}


async def _in_thread(argv: list[str]) -> int:
    """`cli.main` runs its own event loop, so not on the test's."""
    return await asyncio.to_thread(cli.main, argv)


@pytest.mark.parametrize("command", [["backup"], ["restore"], ["transcripts", "archive"]])
def test_the_database_commands_refuse_to_run_without_mongodb_url(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Embedded mode's documents live in the `parley run` process: a backup here would save an empty
    # emulation, and `parley restore` takes the newest backup by default.
    assert cli.main(command) == 2
    err = capsys.readouterr().err
    assert "set MONGODB_URL" in err
    assert not (tmp_path / "data").exists()
    # How to back up embedded mode instead, as docs/operations.md says (decision 80): a live copy works.
    assert "copy PARLEY_DATA_DIR/mongo/snapshot.bson, then the rest" in err and "stopped" not in err


def test_the_help_says_backup_and_restore_need_mongodb_url(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())  # as wrapped to any terminal's width
    assert re.search(r" backup [^()]+\(needs MONGODB_URL\) restore [^()]+\(needs MONGODB_URL\)", text)


def test_bad_input_is_refused_with_its_problems_listed(
    database: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["restore", ".."]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "parley restore: invalid blob key 'backups/../manifest.json': "
        "must not contain empty, `.` or `..` segments",
        "  key: backups/../manifest.json",
    ]
