"""`parley run` reports every bad setting of every group at once, and prints only what it serves."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import structlog

from parley.cli import main
from parley.embedded import chat_page_bot, kept_admin_token, start_message
from parley.settings import EmbeddedSettings
from parley_runtime.errors import PermanentError

BAD = {
    "PARLEY_PORT": "eighty",
    "NLU_ENCODER": "bogus",
    "DIALOGUE_LOCK_SECONDS": "soon",
    "GATEWAY_MAX_FRAME_BYTES": "big",
    "WORKER_CONCURRENCY": "0",
    "PARLEY_WEBHOOK_ALLOW_NETWORKS": "nowhere",
    "GATEWAY_CORS_ORIGINS": "http://127.0.0.1:8312/",
}


def test_run_lists_the_bad_settings_of_every_group_at_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in BAD.items():
        monkeypatch.setenv(name, value)
    assert main(["run"]) == 2
    reported = capsys.readouterr().err
    assert [name for name in BAD if name in reported] == list(BAD)


OUT_OF_RANGE = {
    "PARLEY_LOG_LEVEL": "LOUD",
    "GATEWAY_MAX_FRAME_BYTES": "-5",
    "GATEWAY_MAX_BODY_BYTES": "0",
    "NLU_MAX_MODELS": "0",
    "NLU_THREADS": "-1",
    "DIALOGUE_NLU_TIMEOUT_SECONDS": "0",
    "PARLEY_PORT": "70000",
}


def test_values_of_the_right_type_but_out_of_range_are_reported_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in OUT_OF_RANGE.items():
        monkeypatch.setenv(name, value)
    assert main(["run"]) == 2
    reported = capsys.readouterr().err
    assert [name for name in OUT_OF_RANGE if f"{name}=" in reported] == list(OUT_OF_RANGE)


def test_run_warns_of_a_misspelt_variable_naming_the_setting_meant(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GATEWAY_PORT=8391 started on 8000 without a word (the port is PARLEY_PORT); a bad value makes
    the run stop here, before anything heavy is loaded."""
    monkeypatch.setenv("GATEWAY_PORT", "8391")
    monkeypatch.setenv("NLU_ENCODER", "bogus")
    with structlog.testing.capture_logs() as logs:
        assert main(["run"]) == 2
    assert "NLU_ENCODER" in capsys.readouterr().err
    warned = [log for log in logs if log["event"] == "settings.unread_variable"]
    assert [(log["variable"], log["did_you_mean"]) for log in warned] == [("GATEWAY_PORT", "PARLEY_PORT")]


def test_the_console_is_announced_only_where_it_is_served(tmp_path: Path) -> None:
    settings = EmbeddedSettings(port=8123)
    assert "/console/" not in start_message(settings, None, None, bot="pizzeria")
    assert "/console/" not in start_message(settings, str(tmp_path), None, bot="pizzeria")
    (tmp_path / "console").mkdir()
    (tmp_path / "console" / "index.html").write_text("<!doctype html>")
    assert "console: http://127.0.0.1:8123/console/" in start_message(settings, str(tmp_path), None, bot=None)


def test_the_chat_page_is_linked_for_a_bot_that_is_there_or_not_at_all() -> None:
    """With PARLEY_DEMO=false the message linked /?bot=pizzeria, which answered 'no bot'."""
    assert chat_page_bot(["bikeshop", "pizzeria"]) == "pizzeria"
    assert chat_page_bot(["repairs", "bikeshop"]) == "bikeshop"
    assert chat_page_bot([]) is None
    linked = start_message(EmbeddedSettings(port=8123), None, None, bot="bikeshop").splitlines()[0]
    assert linked == (
        "Parley is running at http://127.0.0.1:8123  "
        "(chat page: http://127.0.0.1:8123/?bot=bikeshop, API docs: http://127.0.0.1:8123/docs)"
    )
    unlinked = start_message(EmbeddedSettings(port=8123), None, None, bot=None).splitlines()[0]
    assert "?bot=" not in unlinked
    assert "no bot yet: parley bots push BOT.yaml" in unlinked


def test_a_kept_admin_token_is_printed_with_the_addresses() -> None:
    message = start_message(EmbeddedSettings(), None, "secret-token", bot="pizzeria")
    assert message.splitlines()[0].startswith("Parley is running at http://127.0.0.1:8000")
    assert message.splitlines()[1].endswith(": secret-token")
    assert "PARLEY_DATA_DIR/admin-token" in message.splitlines()[1]


def test_a_generated_admin_token_is_kept_for_the_owner_and_the_next_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    token = kept_admin_token(data_dir)
    assert len(token) >= 32
    assert kept_admin_token(data_dir) == token
    assert stat.S_IMODE((data_dir / "admin-token").stat().st_mode) == 0o600
    (data_dir / "admin-token").write_text("\n")  # emptied by hand: a new one is made
    assert kept_admin_token(data_dir) not in ("", token)


def test_an_admin_token_path_that_is_no_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "admin-token").mkdir()
    with pytest.raises(PermanentError, match="admin-token is not a file"):
        kept_admin_token(tmp_path)
