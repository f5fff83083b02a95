"""`parley bots` and `parley chat` against a running Parley, as an author uses them: push a bot,
train it, chat with it, and every refusal said in one line with a non-zero status."""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from parley import bots, shell
from parley.api import Api
from parley.cli import main
from parley.welcome import NO_CLIENT
from tests.e2e.stack import EmbeddedParley, embedded_parley, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BOT = """\
name: {name}
description: {description}
settings: {{fallback_intent: no_idea}}
intents:
  - id: hello
    examples: [hello, hi there, good morning, hey hello, hello friend]
    replies: ["Hello! What would you like?"]
    buttons:
      - {{title: Opening hours, payload: /hours}}
      - {{title: Say goodbye, payload: /bye}}
  - id: hours
    examples: [when are you open, opening hours, what time do you open, are you open today, hours please]
    replies: ["Every day from 9 to 5."]
  - id: bye
    examples: [bye, goodbye, see you, bye bye, see you later]
    replies: ["Goodbye!"]
  - id: no_idea
    replies: ["Sorry?"]
"""


@pytest.fixture(scope="module")
def parley(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedParley]:
    env = {"NLU_ENCODER": "hashing", "PARLEY_DEMO": "false"}
    try:
        with embedded_parley(tmp_path_factory.mktemp("author-cli"), env) as running:
            yield running
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(autouse=True)
def no_token_in_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PARLEY_ADMIN_TOKEN", raising=False)
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "no-data"))


def _bot_file(folder: Path, name: str, description: str = "first") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(BOT.format(name=name, description=description))
    return path


def _cli(parley: EmbeddedParley, *words: str) -> int:
    return main([*words, "--url", parley.base_url, "--token", parley.token])


def _version(parley: EmbeddedParley, bot: str) -> str:
    return httpx.get(parley.url(f"/api/v1/bots/{bot}"), headers=parley.admin).headers["etag"]


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    return err[0]


class _Recorded(httpx.HTTPTransport):
    """Passes every request on, keeping the JSON bodies of those to `path`."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path, self.bodies = path, list[dict[str, object]]()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == self.path:
            self.bodies.append(json.loads(request.content))
        return super().handle_request(request)


def _console_edit(parley: EmbeddedParley, bot: str, version: int, description: str) -> None:
    """Save the bot as the console does: over the version it loaded."""
    other = BOT.format(name=bot, description=description)
    headers = {**parley.admin, "if-match": f'"{version}"'}
    saved = httpx.put(parley.url(f"/api/v1/bots/{bot}"), content=other, headers=headers)
    assert saved.status_code == 200, saved.text


def _described(parley: EmbeddedParley, bot: str) -> str:
    return httpx.get(parley.url(f"/api/v1/bots/{bot}"), headers=parley.admin).json()["description"]


def _turns_recorded(parley: EmbeddedParley, bot: str, count: int) -> list[tuple[str, bool]]:
    """The user text and welcome flag of each turn of the bot's one conversation, once the
    transcript worker has recorded `count` of them (it writes after the answers)."""
    listing = parley.url(f"/api/v1/bots/{bot}/conversations")
    deadline = time.monotonic() + 15
    while True:
        conversations = httpx.get(listing, headers=parley.admin).json()
        transcripts = [
            httpx.get(f"{listing}/{found['conversation_id']}", headers=parley.admin).json()
            for found in conversations
        ]
        turns = [(t["user_text"], t.get("welcome", False)) for found in transcripts for t in found["turns"]]
        if len(conversations) > 1 or len(turns) >= count or time.monotonic() > deadline:
            assert len(conversations) == 1, conversations
            return turns
        time.sleep(0.1)


def test_push_creates_the_bot_its_file_names_then_updates_it(
    parley: EmbeddedParley, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _bot_file(tmp_path, "cli-shop")
    assert _cli(parley, "bots", "push", str(path)) == 0
    assert "created bot 'cli-shop': version 1, 4 intents" in capsys.readouterr().out
    path.write_text(BOT.format(name="cli-shop", description="second"))
    assert _cli(parley, "bots", "push", str(path)) == 0
    assert "updated bot 'cli-shop': version 2" in capsys.readouterr().out
    assert _cli(parley, "bots", "list") == 0
    assert any(line.split()[:2] == ["cli-shop", "2"] for line in capsys.readouterr().out.splitlines())


def test_push_of_a_stale_version_is_refused_and_saves_nothing(
    parley: EmbeddedParley, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _bot_file(tmp_path, "cli-stale")
    assert _cli(parley, "bots", "push", str(path)) == 0
    assert _cli(parley, "bots", "push", str(path)) == 0
    capsys.readouterr()
    assert _cli(parley, "bots", "push", str(path), "--if-match", "1") == 1
    line = _one_error_line(capsys)
    assert line.startswith("parley bots push: bot 'cli-stale' was saved by someone else since you loaded")
    assert "nothing was saved" in line
    assert _version(parley, "cli-stale") == '"2"'


class _EditsFirst(httpx.HTTPTransport):
    """Saves the bot as someone else would just before the push's own save reaches the gateway."""

    def __init__(self, parley: EmbeddedParley, bot: str) -> None:
        super().__init__()
        self._parley, self._bot = parley, bot

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            other = BOT.format(name=self._bot, description="someone else's")
            url = self._parley.url(f"/api/v1/bots/{self._bot}")
            saved = httpx.put(url, content=other, headers=self._parley.admin)
            assert saved.status_code == 200, saved.text
        return super().handle_request(request)


def test_push_is_refused_when_someone_saves_between_its_read_and_its_save(
    parley: EmbeddedParley, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _bot_file(tmp_path, "cli-raced")
    assert _cli(parley, "bots", "push", str(path)) == 0
    api = Api(parley.base_url, parley.token, transport=_EditsFirst(parley, "cli-raced"))
    args = argparse.Namespace(action="push", file=path, bot=None, if_match=None, force=False)
    try:
        with pytest.raises(bots.CommandError, match="saved by someone else") as refused:
            bots.run(api, args)
    finally:
        api.close()
    assert refused.value.http_status == 412
    exported = httpx.get(parley.url("/api/v1/bots/cli-raced"), headers=parley.admin).json()
    assert exported["description"] == "someone else's"


def test_pull_writes_yaml_that_pushes_back_unchanged(
    parley: EmbeddedParley, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(parley, "bots", "push", str(_bot_file(tmp_path, "cli-pulled"))) == 0
    pulled = tmp_path / "out" / "pulled.yaml"
    pulled.parent.mkdir()
    assert _cli(parley, "bots", "pull", "cli-pulled", "-o", str(pulled)) == 0
    assert "wrote bot 'cli-pulled' version 1" in capsys.readouterr().err
    before = httpx.get(parley.url("/api/v1/bots/cli-pulled"), headers=parley.admin).json()
    assert _cli(parley, "bots", "push", str(pulled), "--if-match", "1") == 0
    after = httpx.get(parley.url("/api/v1/bots/cli-pulled"), headers=parley.admin).json()
    assert after == before


def test_push_after_pull_refuses_an_edit_saved_since_and_force_overwrites_it(
    parley: EmbeddedParley, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(parley, "bots", "push", str(_bot_file(tmp_path, "cli-since"))) == 0
    pulled = tmp_path / "pulled.yaml"
    assert _cli(parley, "bots", "pull", "cli-since", "-o", str(pulled)) == 0
    assert pulled.read_text().startswith("# parley: version 1 of bot cli-since\nname: cli-since\n")
    capsys.readouterr()
    _console_edit(parley, "cli-since", 1, "edited in the console")
    pulled.write_text(pulled.read_text().replace("description: first", "description: edited in my file"))
    assert _cli(parley, "bots", "push", str(pulled)) == 1
    assert _one_error_line(capsys) == (
        "parley bots push: bot 'cli-since' was changed since you pulled version 1 (now version 2): nothing"
        f" was saved; pull it again (parley bots pull cli-since -o FILE --url {parley.base_url}) and merge"
        " your edits, or push --force"
    )
    assert _described(parley, "cli-since") == "edited in the console"
    assert _cli(parley, "bots", "push", str(pulled), "--force") == 0
    assert "updated bot 'cli-since': version 3" in capsys.readouterr().out
    assert _described(parley, "cli-since") == "edited in my file"
    assert pulled.read_text().startswith("# parley: version 3 of bot cli-since\n")


def test_a_push_records_its_save_in_the_file_so_the_next_push_saves_over_it(
    parley: EmbeddedParley, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(parley, "bots", "push", str(_bot_file(tmp_path, "cli-again"))) == 0
    pulled = tmp_path / "pulled.yaml"
    assert _cli(parley, "bots", "pull", "cli-again", "-o", str(pulled)) == 0
    assert "to " + str(pulled) + ": push saves it only over version 1" in capsys.readouterr().err
    for version in (2, 3):
        assert _cli(parley, "bots", "push", str(pulled)) == 0
        assert f"updated bot 'cli-again': version {version}" in capsys.readouterr().out
        assert pulled.read_text().startswith(f"# parley: version {version} of bot cli-again\n")


def test_a_file_pulled_from_another_bot_creates_its_own(
    parley: EmbeddedParley, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(parley, "bots", "push", str(_bot_file(tmp_path, "cli-origin"))) == 0
    _console_edit(parley, "cli-origin", 1, "edited in the console")
    mine = tmp_path / "mine.yaml"
    assert _cli(parley, "bots", "pull", "cli-origin", "-o", str(mine)) == 0
    mine.write_text(mine.read_text().replace("name: cli-origin", "name: cli-copy"))
    assert _cli(parley, "bots", "push", str(mine)) == 0
    assert "created bot 'cli-copy': version 1" in capsys.readouterr().out
    assert mine.read_text().startswith("# parley: version 1 of bot cli-copy\n")


def test_a_push_over_a_bot_deleted_since_the_pull_is_refused(
    parley: EmbeddedParley, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(parley, "bots", "push", str(_bot_file(tmp_path, "cli-gone"))) == 0
    pulled = tmp_path / "pulled.yaml"
    assert _cli(parley, "bots", "pull", "cli-gone", "-o", str(pulled)) == 0
    assert _cli(parley, "bots", "delete", "cli-gone", "--yes") == 0
    capsys.readouterr()
    assert _cli(parley, "bots", "push", str(pulled)) == 1
    assert _one_error_line(capsys) == (
        "parley bots push: there is no bot 'cli-gone' now (you pulled version 1): nothing was saved;"
        " push --force creates it"
    )
    assert _cli(parley, "bots", "push", str(pulled), "--force") == 0
    assert "created bot 'cli-gone': version 2" in capsys.readouterr().out  # versions go on


def test_a_json_pull_says_which_version_to_push_over(
    parley: EmbeddedParley, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(parley, "bots", "push", str(_bot_file(tmp_path, "cli-json"))) == 0
    pulled = tmp_path / "pulled.json"
    capsys.readouterr()
    assert _cli(parley, "bots", "pull", "cli-json", "-o", str(pulled)) == 0
    assert capsys.readouterr().err == (
        f"wrote bot 'cli-json' version 1 to {pulled}: push --if-match 1 saves it only over that version"
        " (JSON cannot record it)\n"
    )
    assert json.loads(pulled.read_text())["name"] == "cli-json"


def test_train_wait_reports_what_users_get(
    parley: EmbeddedParley, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(parley, "bots", "push", str(_bot_file(tmp_path, "cli-trained"))) == 0
    capsys.readouterr()
    assert _cli(parley, "bots", "train", "cli-trained", "--wait") == 0
    out = capsys.readouterr().out
    assert out.startswith("cli-trained: model ")
    assert "At the fallback threshold, of 15 held-out examples" in out
    assert "get the right intent" in out


def test_push_says_how_the_served_model_differs_after_a_rename(
    parley: EmbeddedParley, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _bot_file(tmp_path, "cli-renamed")
    assert _cli(parley, "bots", "push", str(path)) == 0
    capsys.readouterr()
    assert _cli(parley, "bots", "train", "cli-renamed", "--wait") == 0
    model = capsys.readouterr().out.split()[2]
    path.write_text(path.read_text().replace("id: bye", "id: farewell").replace("/bye", "/farewell"))
    assert _cli(parley, "bots", "push", str(path)) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        f"  the served model {model} was not trained on farewell: until you train, messages for it get"
        " another intent or the fallback",
        f"  the served model {model} still gives bye, which the bot no longer has: until you train,"
        " messages read as it get the fallback",
    ]


def test_chat_numbers_buttons_and_sends_the_one_picked(
    parley: EmbeddedParley,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _cli(parley, "bots", "push", str(_bot_file(tmp_path, "cli-chat"))) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("/hello\n1\n"))
    assert _cli(parley, "chat", "cli-chat", "--debug") == 0
    out = capsys.readouterr().out.splitlines()
    assert "bot> Hello! What would you like?" in out
    assert out[out.index("bot> Hello! What would you like?") + 1 :][:3] == [
        "  1) Opening hours",
        "  2) Say goodbye",
        "  [intent hello 1.00 (trigger); entities none]",
    ]
    assert "bot> Every day from 9 to 5." in out  # "1" sent the first button's payload, /hours
    assert "  [intent hours 1.00 (trigger); entities none]" in out


def test_chat_opens_with_the_welcome_the_widget_shows(
    parley: EmbeddedParley,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _bot_file(tmp_path, "cli-welcome")
    welcome = '  - id: init_conversation\n    replies: ["Welcome to the shop!"]\n'
    path.write_text(path.read_text() + welcome)
    assert _cli(parley, "bots", "push", str(path)) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("/hours\n"))
    assert _cli(parley, "chat", "cli-welcome") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == ["bot> Welcome to the shop!", "you> /hours", "bot> Every day from 9 to 5."]
    # One conversation, the welcome's, which the message continued; the greeting is no user turn.
    assert _turns_recorded(parley, "cli-welcome", 2) == [("", True), ("/hours", False)]


def test_chat_with_a_bot_that_greets_with_nothing_starts_at_the_prompt(
    parley: EmbeddedParley,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _cli(parley, "bots", "push", str(_bot_file(tmp_path, "cli-silent"))) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert _cli(parley, "chat", "cli-silent") == 0
    assert capsys.readouterr().out == "you> \n"


def test_chat_without_a_websocket_client_goes_on_ungreeted(
    parley: EmbeddedParley,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _bot_file(tmp_path, "cli-no-ws")
    path.write_text(path.read_text() + '  - id: init_conversation\n    replies: ["Welcome!"]\n')
    assert _cli(parley, "bots", "push", str(path)) == 0
    capsys.readouterr()
    for module in ("websockets", "websockets.exceptions", "websockets.sync.client"):
        monkeypatch.setitem(sys.modules, module, None)  # as in the cli image: not importable
    monkeypatch.setattr("sys.stdin", io.StringIO("/hours\n"))
    assert _cli(parley, "chat", "cli-no-ws") == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[:2] == ["you> /hours", "bot> Every day from 9 to 5."]
    assert captured.err.splitlines()[1:] == [NO_CLIENT]


@pytest.mark.parametrize(
    ("given", "sent_zone", "said"),
    [
        (None, "Asia/Tokyo", "(dates in Asia/Tokyo)"),  # this machine's: TZ
        ("Europe/Paris", "Europe/Paris", "(dates in Europe/Paris)"),
        ("none", None, "(dates in the bot's time zone, else UTC)"),
    ],
)
def test_chat_sends_the_local_time_zone_or_the_one_given(
    given: str | None,
    sent_zone: str | None,
    said: str,
    parley: EmbeddedParley,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _cli(parley, "bots", "push", str(_bot_file(tmp_path, "cli-zone"))) == 0
    capsys.readouterr()
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    sent = _Recorded("/api/v1/bots/cli-zone/chat")
    api = Api(parley.base_url, parley.token, transport=sent)
    args = argparse.Namespace(bot="cli-zone", debug=False, timezone=given)
    try:
        assert shell.run(api, args, stdin=io.StringIO("/hello\n/hours\n")) == 0
    finally:
        api.close()
    assert [body.get("timezone") for body in sent.bodies] == [sent_zone, sent_zone]
    assert said in capsys.readouterr().err


def test_delete_asks_first(
    parley: EmbeddedParley,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _cli(parley, "bots", "push", str(_bot_file(tmp_path, "cli-deleted"))) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert _cli(parley, "bots", "delete", "cli-deleted") == 1
    assert _version(parley, "cli-deleted") == '"1"'
    assert _cli(parley, "bots", "delete", "cli-deleted", "--yes") == 0
    assert "deleted bot 'cli-deleted'" in capsys.readouterr().out
    assert httpx.get(parley.url("/api/v1/bots/cli-deleted"), headers=parley.admin).status_code == 404


def test_the_token_parley_run_kept_is_used_for_a_parley_on_this_machine(
    parley: EmbeddedParley, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "admin-token").write_text(parley.token + "\n")
    monkeypatch.setenv("PARLEY_DATA_DIR", str(data))
    assert main(["bots", "list", "--url", parley.base_url]) == 0


def test_the_commands_find_parley_where_parley_port_moved_it(
    parley: EmbeddedParley,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PARLEY_HOST", "0.0.0.0")
    monkeypatch.setenv("PARLEY_PORT", str(parley.port))
    path = _bot_file(tmp_path, "cli-moved")
    assert main(["bots", "push", str(path), "--token", parley.token]) == 0
    assert capsys.readouterr().out.endswith("train it with: parley bots train cli-moved --wait\n")
    assert main(["bots", "list", "--token", parley.token]) == 0
    assert "cli-moved" in capsys.readouterr().out


def test_a_refused_definition_lists_its_problems(
    parley: EmbeddedParley, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _bot_file(tmp_path, "cli-bad")
    path.write_text(path.read_text().replace("    examples: [bye", "    exmples: [bye"))
    assert _cli(parley, "bots", "push", str(path)) == 1
    assert capsys.readouterr().err.splitlines() == [
        "parley bots push: invalid bot definition (1 problem)",
        "  intents[2].exmples: unknown field (did you mean 'examples'?); "
        "an intent has id, name, examples, parameters, replies, buttons, action",
    ]
    assert httpx.get(parley.url("/api/v1/bots/cli-bad"), headers=parley.admin).status_code == 404


def test_a_file_that_is_not_yaml_is_refused_in_one_line_before_anything_is_sent(
    parley: EmbeddedParley, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: [cli-broken\n")
    assert _cli(parley, "bots", "push", str(path)) == 2
    line = _one_error_line(capsys)
    assert line.startswith(
        f"parley bots push: {path}: not valid YAML: while parsing a flow sequence at line 1"
    )


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (["bots", "pull", "cli-nobody"], "parley bots pull: no bot named 'cli-nobody'"),
        (["bots", "train", "cli-nobody"], "parley bots train: no bot named 'cli-nobody'"),
        (["bots", "delete", "cli-nobody", "--yes"], "parley bots delete: no bot named 'cli-nobody'"),
    ],
)
def test_an_unknown_bot_is_said_in_one_line(
    parley: EmbeddedParley, words: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(parley, *words) == 1
    assert _one_error_line(capsys) == said


def test_chat_with_an_unknown_bot_ends_with_one_line(
    parley: EmbeddedParley, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("hello\n"))
    assert _cli(parley, "chat", "cli-nobody") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[1:] == ["parley chat: no bot named 'cli-nobody'"]


def test_a_wrong_or_missing_token_says_where_the_token_comes_from(
    parley: EmbeddedParley, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bots", "list", "--url", parley.base_url, "--token", "wrong"]) == 1
    line = _one_error_line(capsys)
    assert "(the token given was refused): give --token or set PARLEY_ADMIN_TOKEN" in line
    assert main(["bots", "list", "--url", parley.base_url]) == 1
    line = _one_error_line(capsys)
    assert "(no admin token given): give --token or set PARLEY_ADMIN_TOKEN" in line
    assert "PARLEY_DATA_DIR/admin-token" in line


def test_no_parley_listening_says_how_to_start_one(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert main(["bots", "list", "--url", url, "--token", "t"]) == 1
    assert _one_error_line(capsys) == (
        f"parley bots list: cannot reach Parley at {url}: start it with `just run` or"
        " `python -m parley run`, or give --url"
    )


def test_a_key_that_may_not_administer_says_so(
    parley: EmbeddedParley, capsys: pytest.CaptureFixture[str]
) -> None:
    made = httpx.post(
        parley.url("/api/v1/keys"), json={"name": "cli chat only", "scopes": ["chat"]}, headers=parley.admin
    )
    assert made.status_code == 201, made.text
    assert main(["bots", "list", "--url", parley.base_url, "--token", made.json()["key"]]) == 1
    line = _one_error_line(capsys)
    assert line.startswith("parley bots list: ")
    assert ": this key may not do that; give --token or set PARLEY_ADMIN_TOKEN" in line
