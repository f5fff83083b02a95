"""`python -m parley run` keeps what a user made across a restart, with no MONGODB_URL: their bot
and its trained model, API keys, training jobs, transcripts and analytics; the demo bot is neither
loaded twice nor trained again, and a user's edit of it stays. After a crash (SIGKILL) what was
saved up to the last snapshot interval is there."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.stack import EmbeddedParley, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BOT = "e2e-kept"
DEFINITION = {
    "intents": [
        {"id": "hello", "examples": ["hello there", "hi", "good morning"], "replies": ["Hi, kept!"]},
        {"id": "bye", "examples": ["goodbye", "see you later", "bye now"], "replies": ["Bye"]},
    ]
}
EDITED_DEMO_REPLY = "Welcome to my own pizzeria"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedParley]:
    env = {"GATEWAY_ADDRESS_RATE_LIMIT": "0", "PARLEY_SNAPSHOT_SECONDS": "0.5"}
    parley = EmbeddedParley(port=free_port(), data_dir=tmp_path, token="e2e-restart-token", env=env)
    parley.start()
    try:
        yield parley
    finally:
        parley.stop()


def _call(parley: EmbeddedParley, method: str, path: str, **kwargs: Any) -> Any:
    kwargs.setdefault("headers", parley.admin)
    response = httpx.request(method, parley.url(f"/api/v1/{path}"), timeout=30, **kwargs)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def _eventually(read: Callable[[], Any], expected: Any, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while (found := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.25)
    assert found == expected
    return found


def _chat(parley: EmbeddedParley, bot: str, text: str, key: str) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {key}"}
    return _call(parley, "POST", f"bots/{bot}/chat", json={"text": text}, headers=headers)


def _train(parley: EmbeddedParley, bot: str) -> dict[str, Any]:
    job_id = _call(parley, "POST", f"bots/{bot}/train")["job_id"]
    status = lambda: _call(parley, "GET", f"bots/{bot}/train/{job_id}")["status"]  # noqa: E731
    _eventually(status, "succeeded")
    return _call(parley, "GET", f"bots/{bot}/train/{job_id}")


def _history(parley: EmbeddedParley, bot: str) -> tuple[list[int], int]:
    conversations = _call(parley, "GET", f"bots/{bot}/conversations")
    days = _call(parley, "GET", f"bots/{bot}/analytics")["days"]
    return [c["turn_count"] for c in conversations], sum(day["turns"] for day in days)


def _demo_trainings(parley: EmbeddedParley) -> int:
    return parley.log_path.read_text(errors="replace").count('"demo.training"')


def test_a_users_bots_keys_models_jobs_and_history_survive_a_restart(server: EmbeddedParley) -> None:
    _call(server, "PUT", f"bots/{BOT}", json=DEFINITION)
    job = _train(server, BOT)
    key = _call(server, "POST", "keys", json={"name": "site", "scopes": ["chat"], "bots": [BOT]})["key"]
    assert _chat(server, BOT, "hello there", key)["messages"][0]["text"] == "Hi, kept!"
    _eventually(lambda: _history(server, BOT), ([1], 1))
    demo = _call(server, "GET", "bots/pizzeria")
    demo["intents"][0]["replies"] = [EDITED_DEMO_REPLY]
    _call(server, "PUT", "bots/pizzeria", json=demo)
    assert _demo_trainings(server) == 1
    exported = _call(server, "GET", f"bots/{BOT}")

    server.stop()  # SIGTERM, as a user's Ctrl-C or a service manager stops it
    server.start()

    assert _call(server, "GET", f"bots/{BOT}") == exported
    assert [bot["name"] for bot in _call(server, "GET", "bots")].count(BOT) == 1
    assert _call(server, "GET", f"bots/{BOT}/train/{job['job_id']}") == job
    assert _history(server, BOT) == ([1], 1)
    # The model is the one trained before: served without training again, to the key made before.
    assert _chat(server, BOT, "good morning", key)["messages"][0]["text"] == "Hi, kept!"
    _eventually(lambda: _history(server, BOT), ([1, 1], 2))
    # The demo bot is there once, as the user left it, and was not trained again.
    assert [bot["name"] for bot in _call(server, "GET", "bots")].count("pizzeria") == 1
    assert _call(server, "GET", "bots/pizzeria")["intents"][0]["replies"] == [EDITED_DEMO_REPLY]
    assert _demo_trainings(server) == 1


def test_after_a_crash_what_the_last_snapshot_held_is_there(server: EmbeddedParley) -> None:
    _call(server, "PUT", f"bots/{BOT}", json=DEFINITION)
    snapshot = server.data_dir / "mongo" / "snapshot.bson"
    _eventually(lambda: snapshot.exists() and BOT.encode() in snapshot.read_bytes(), True, timeout=15)
    process = server._process  # pyright: ignore[reportPrivateUsage]
    assert process is not None
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    server.start()
    assert BOT in [bot["name"] for bot in _call(server, "GET", "bots")]
    assert _demo_trainings(server) == 1


def test_models_this_parley_cannot_read_are_named_to_the_admin_and_the_demo_is_trained_again(
    server: EmbeddedParley,
) -> None:
    _call(server, "PUT", f"bots/{BOT}", json=DEFINITION)
    _train(server, BOT)
    server.stop()
    artifacts = list(server.data_dir.rglob("model.npz"))
    assert {a.parent.parent.name for a in artifacts} == {BOT, "pizzeria"}
    for artifact in artifacts:  # as a model of a format this Parley no longer reads would be
        artifact.write_bytes(b"not a model")
    server.start()

    assert _demo_trainings(server) == 2
    demo = httpx.post(server.url("/api/v1/bots/pizzeria/chat"), json={"text": "hi"}, timeout=30)
    assert demo.json()["intent"]["name"] == "greet"
    response = httpx.post(server.url(f"/api/v1/bots/{BOT}/parse"), json={"text": "hi"}, headers=server.admin)
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (503, "model_corrupt")
    assert error["message"].startswith("model artifact is unreadable")
    chat = httpx.post(server.url(f"/api/v1/bots/{BOT}/chat"), json={"text": "hi"})
    assert (chat.status_code, chat.json()["error"]["code"]) == (
        503,
        "unavailable",
    )  # chat users get no internals
