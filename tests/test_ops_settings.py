"""The operations commands (`parley queues`, `transcripts`, `backup`, `restore`) check the settings
they read as the services do: a misspelt variable is warned of, a bad value stops them, listed."""

from __future__ import annotations

import pytest
import structlog

from parley.cli import main

OPERATIONS = [["queues", "stats"], ["transcripts", "archive"], ["backup"], ["restore"]]


@pytest.fixture(autouse=True)
def _no_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each command stops before connecting to anything: no MONGODB_URL, the in-process bus."""
    monkeypatch.delenv("MONGODB_URL", raising=False)
    monkeypatch.delenv("PARLEY_BUS", raising=False)


@pytest.mark.parametrize("command", OPERATIONS, ids=" ".join)
def test_an_operations_command_warns_of_a_misspelt_variable_naming_the_setting_meant(
    command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_BUKET", "parley-prod")
    with structlog.testing.capture_logs() as logs:
        assert main(command) == 2  # no MONGODB_URL, or not PARLEY_BUS=sqs: after the warning
    warned = [log for log in logs if log["event"] == "settings.unread_variable"]
    assert [(log["variable"], log.get("did_you_mean")) for log in warned] == [
        ("PARLEY_BUKET", "PARLEY_BUCKET")
    ]


@pytest.mark.parametrize(
    ("command", "meant"),
    [(["transcripts", "archive"], "LOGGER_RETENTION_DAYS"), (["backup"], None)],
    ids=["transcripts archive", "backup"],
)
def test_only_the_transcript_archive_names_the_retention_setting_it_reads(
    command: list[str], meant: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGGER_RETENTION_DAY", "30")
    with structlog.testing.capture_logs() as logs:
        assert main(command) == 2  # no MONGODB_URL
    warned = [log for log in logs if log["event"] == "settings.unread_variable"]
    assert [(log["variable"], log.get("did_you_mean")) for log in warned] == [("LOGGER_RETENTION_DAY", meant)]


def test_a_setting_the_archive_reads_is_not_warned_of(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGGER_RETENTION_DAYS", "30")
    with structlog.testing.capture_logs() as logs:
        assert main(["transcripts", "archive"]) == 2  # no MONGODB_URL
    assert not [log for log in logs if log["event"] == "settings.unread_variable"]


def test_an_operations_command_lists_every_bad_setting_it_reads_before_anything_else(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REDIS_MAX_CONNECTIONS", "lots")
    monkeypatch.setenv("LOGGER_RETENTION_DAYS", "0")
    assert main(["transcripts", "archive"]) == 2
    reported = capsys.readouterr().err
    assert reported.startswith("invalid settings:\n")
    assert "REDIS_MAX_CONNECTIONS='lots'" in reported
    assert "LOGGER_RETENTION_DAYS='0'" in reported
    assert "MONGODB_URL" not in reported  # the settings first, then what the command needs
