"""Two editors of one bot through the running system: the one who saves second over the version
both loaded is refused with 412 and told what to do, and nobody's save recreates a deleted bot."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BOT = "e2e-edited"
DEFINITION = {"intents": [{"id": "hello", "examples": ["hello there", "hi"], "replies": ["Hi"]}]}


def test_a_stale_editor_is_refused_and_told_to_reload(parley: EmbeddedParley) -> None:
    url, admin = parley.url(f"/api/v1/bots/{BOT}"), parley.admin
    created = httpx.put(url, json=DEFINITION, headers=admin | {"If-None-Match": "*"})
    assert (created.status_code, created.headers["etag"]) == (200, '"1"'), created.text
    loaded = httpx.get(url, headers=admin).headers["etag"]
    first = httpx.put(url, json=DEFINITION | {"description": "first"}, headers=admin | {"If-Match": loaded})
    assert (first.status_code, first.headers["etag"]) == (200, '"2"')
    second = httpx.put(url, json=DEFINITION | {"description": "second"}, headers=admin | {"If-Match": loaded})
    assert second.status_code == 412
    assert second.json()["error"] == {
        "code": "precondition_failed",
        "message": f"bot {BOT!r} was saved by someone else since you loaded version 1 "
        "(it is now version 2): reload it and apply your changes again",
        "details": {"current_version": 2},
    }
    assert httpx.get(url, headers=admin).json()["description"] == "first"
    assert httpx.delete(url, headers=admin).status_code == 204
    late = httpx.put(url, json=DEFINITION, headers=admin | {"If-Match": '"2"'})
    assert (late.status_code, late.json()["error"]["details"]) == (412, {"current_version": None})
    assert httpx.get(url, headers=admin).status_code == 404
