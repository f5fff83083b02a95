"""The console's Conversations page asks the server for what it lists: the search text, the intent
("Only with fallbacks" is the bot's fallback intent) and the period go to `GET /conversations` as
`q`, `intent`, `from` and `to`, "Load more" asks for the page after the last listed conversation
(`before`, `before_id`), and no transcript is fetched but the one the user opens."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, Request, expect

from tests.browser.conftest import poll, sign_in, watched_page
from tests.e2e.stack import EmbeddedParley

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

BOT = "logbook"
FALLBACK = "not_understood"
DEFINITION = {
    "name": BOT,
    "settings": {"fallback_intent": FALLBACK},
    "intents": [
        {"id": "order", "examples": ["a pizza please", "one margherita"], "replies": ["Coming up."]},
        {"id": "hours", "examples": ["when are you open", "opening hours"], "replies": ["Nine to five."]},
        {"id": FALLBACK, "replies": ["Sorry, I did not get that."]},
    ],
}
ZONE, ZONE_OFFSET = "Pacific/Kiritimati", timedelta(hours=14)
"""The browser's time zone: 14 hours ahead of UTC all year, so its days are not UTC's."""
ORDERS = 52
"""More than a page (50) of conversations with an `order` turn."""


@pytest.fixture(scope="module")
def logbook(parley: EmbeddedParley) -> Iterator[dict[str, list[str]]]:
    """A bot of its own (untrained: triggers name the intent, and anything else is the fallback) with
    52 `order` conversations, 2 `hours` ones and 2 it did not understand: their ids per intent."""
    with httpx.Client(base_url=parley.base_url, headers=parley.admin, timeout=10) as admin:
        admin.put(f"/api/v1/bots/{BOT}", json=DEFINITION).raise_for_status()
        try:
            made = {
                "order": _conversations(admin, "/order", ORDERS),
                "hours": _conversations(admin, "/hours", 2),
                FALLBACK: _conversations(admin, "blorp zzz", 2),
            }
            total = sum(len(ids) for ids in made.values())
            # The logger writes off the turn path: wait until it has listed every conversation.
            deadline = time.monotonic() + 60
            while len(_listed(admin, limit=200)) < total:
                assert time.monotonic() < deadline, "timed out waiting for the logged conversations"
                time.sleep(0.1)
            yield made
        finally:
            admin.delete(f"/api/v1/bots/{BOT}")


def _conversations(admin: httpx.Client, text: str, count: int) -> list[str]:
    """The ids of `count` new conversations, each of one turn that says `text`."""
    chat = f"/api/v1/bots/{BOT}/chat"
    return [
        admin.post(chat, json={"text": text}).raise_for_status().json()["conversation_id"]
        for _ in range(count)
    ]


def _listed(admin: httpx.Client, **query: Any) -> list[dict[str, Any]]:
    return admin.get(f"/api/v1/bots/{BOT}/conversations", params=query).raise_for_status().json()


@pytest.fixture
def page_in_zone(browser: Browser) -> Iterator[Page]:
    """A page in `ZONE`; an uncaught script error fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, timezone_id=ZONE)
    with watched_page(context, timeout_ms=15_000) as page:
        yield page


class Listings:
    """The conversation requests the page sends: listings (their query) and transcripts (ids)."""

    def __init__(self, page: Page) -> None:
        self.queries: list[dict[str, str]] = []
        self.transcripts: list[str] = []
        page.on("request", self._seen)

    def _seen(self, request: Request) -> None:
        url = urlsplit(request.url)
        base = f"/api/v1/bots/{BOT}/conversations"
        if url.path == base:
            self.queries.append({k: v[0] for k, v in parse_qs(url.query).items()})
        elif url.path.startswith(f"{base}/"):
            self.transcripts.append(url.path.rsplit("/", 1)[1])


def _links(page: Page) -> Locator:
    return page.get_by_role("complementary", name="Conversations").get_by_role("link")


def _shown(page: Page) -> list[str]:
    return _links(page).evaluate_all(
        "(links) => links.map((a) => decodeURIComponent(a.hash.split('/').pop()))"
    )


def _wait_until_shown(page: Page, expected: list[str], what: str) -> None:
    """Until the list is exactly `expected` (an earlier list may still be on screen a moment)."""
    poll(page, lambda: _shown(page) == expected, what, timeout=15)


def _ids(conversations: list[dict[str, Any]]) -> list[str]:
    return [c["conversation_id"] for c in conversations]


def test_load_more_lists_the_page_after_the_last_conversation(
    page_in_zone: Page, parley: EmbeddedParley, admin: httpx.Client, logbook: dict[str, list[str]]
) -> None:
    page = page_in_zone
    listings = Listings(page)
    every = _listed(admin, limit=200)
    sign_in(page, parley, f"#/bots/{BOT}/conversations")
    _wait_until_shown(page, _ids(every[:50]), "the first page")
    assert listings.queries == [{"limit": "50"}]

    page.get_by_role("button", name="Load more").click()
    _wait_until_shown(page, _ids(every), "the second page after the first")
    last = every[49]  # its time goes back as the server wrote it
    assert listings.queries[1:] == [
        {"limit": "50", "before": last["last_turn_at"], "before_id": last["conversation_id"]}
    ]
    expect(page.get_by_role("button", name="Load more")).to_have_count(0)
    assert listings.transcripts == []


def test_the_server_filters_by_intent_and_fallback_and_pages_the_filtered_list(
    page_in_zone: Page, parley: EmbeddedParley, admin: httpx.Client, logbook: dict[str, list[str]]
) -> None:
    page = page_in_zone
    listings = Listings(page)
    sign_in(page, parley, f"#/bots/{BOT}/conversations")
    expect(_links(page)).to_have_count(50)

    page.get_by_label("Filter by intent").select_option("order")
    orders = _listed(admin, limit=200, intent="order")
    assert sorted(_ids(orders)) == sorted(logbook["order"])
    _wait_until_shown(page, _ids(orders[:50]), "the first page of order conversations")
    page.get_by_role("button", name="Load more").click()
    _wait_until_shown(page, _ids(orders), "every order conversation")
    assert [q.get("intent") for q in listings.queries] == [None, "order", "order"]
    assert listings.queries[2]["before_id"] == orders[49]["conversation_id"]

    page.get_by_label("Filter by intent").select_option("hours")
    _wait_until_shown(page, _ids(_listed(admin, intent="hours")), "the hours conversations")
    expect(page.get_by_role("button", name="Load more")).to_have_count(0)

    page.get_by_label("Only with fallbacks").check()
    expect(page.get_by_label("Filter by intent")).to_have_value(FALLBACK)
    not_understood = _ids(_listed(admin, intent=FALLBACK))
    assert sorted(not_understood) == sorted(logbook[FALLBACK])
    _wait_until_shown(page, not_understood, "the conversations with a fallback")
    assert listings.queries[-1] == {"limit": "50", "intent": FALLBACK}
    assert listings.transcripts == []

    _links(page).first.click()
    expect(page.locator(".turn.fallback")).to_have_count(1)
    assert listings.transcripts == [not_understood[0]]

    page.get_by_label("Only with fallbacks").uncheck()
    expect(page.get_by_label("Filter by intent")).to_have_value("")
    expect(_links(page)).to_have_count(50)


def test_the_server_searches_what_was_said_and_pages_the_matches(
    page_in_zone: Page, parley: EmbeddedParley, admin: httpx.Client, logbook: dict[str, list[str]]
) -> None:
    page = page_in_zone
    listings = Listings(page)
    sign_in(page, parley, f"#/bots/{BOT}/conversations")
    expect(_links(page)).to_have_count(50)
    search = page.get_by_role("searchbox", name="Search conversations")

    search.press_sequentially("BLORP", delay=40)  # what the user said, in another case
    not_understood = _ids(_listed(admin, q="blorp"))
    assert sorted(not_understood) == sorted(logbook[FALLBACK])
    _wait_until_shown(page, not_understood, "the conversations where the user said blorp")
    searched = [query["q"] for query in listings.queries if "q" in query]
    assert searched[-1] == "BLORP"
    assert len(searched) < len("BLORP"), f"one query per key: {searched}"  # asked once typing paused

    search.fill("  coming UP.  ")  # what the bot replied, the dot a dot; trimmed
    orders = _listed(admin, limit=200, q="coming up.")
    assert sorted(_ids(orders)) == sorted(logbook["order"])
    _wait_until_shown(page, _ids(orders[:50]), "the first page of conversations replied 'Coming up.'")
    page.get_by_role("button", name="Load more").click()
    _wait_until_shown(page, _ids(orders), "every conversation replied 'Coming up.'")
    last = orders[49]
    assert listings.queries[-1] == {
        "limit": "50",
        "q": "coming UP.",
        "before": last["last_turn_at"],
        "before_id": last["conversation_id"],
    }

    page.get_by_label("Filter by intent").select_option("hours")
    _wait_for_query(page, listings, {"limit": "50", "q": "coming UP.", "intent": "hours"})
    expect(page.get_by_text("No conversation matches.")).to_be_visible()

    page.get_by_label("Filter by intent").select_option("")
    search.fill("nine.*")  # a pattern would find the hours conversations; the text finds none
    _wait_for_query(page, listings, {"limit": "50", "q": "nine.*"})
    expect(page.get_by_text("No conversation matches.")).to_be_visible()

    search.fill("")
    _wait_for_query(page, listings, {"limit": "50"})
    expect(_links(page)).to_have_count(50)
    assert listings.transcripts == []


def _wait_for_query(page: Page, listings: Listings, query: dict[str, str]) -> None:
    poll(page, lambda: bool(listings.queries) and listings.queries[-1] == query, f"the query {query}")


def test_the_period_is_the_users_days_and_the_server_applies_it(
    page_in_zone: Page, parley: EmbeddedParley, admin: httpx.Client, logbook: dict[str, list[str]]
) -> None:
    page = page_in_zone
    listings = Listings(page)
    every = _listed(admin, limit=200)
    sign_in(page, parley, f"#/bots/{BOT}/conversations")
    expect(_links(page)).to_have_count(50)
    first = _local_day(page, every[-1]["last_turn_at"])
    last = _local_day(page, every[0]["last_turn_at"])

    page.get_by_label("From", exact=True).fill(first)
    page.get_by_label("To", exact=True).fill(last)
    poll(page, lambda: listings.queries[-1].get("to") is not None, "the period's query")
    assert listings.queries[-1] == {"limit": "50", "from": _midnight(first), "to": _midnight(last, plus=1)}
    _wait_until_shown(page, _ids(every[:50]), "the conversations of the period")

    day_after = (datetime.fromisoformat(last) + timedelta(days=1)).date().isoformat()
    page.get_by_label("To", exact=True).fill("")
    page.get_by_label("From", exact=True).fill(day_after)
    expect(page.get_by_text("No conversation matches.")).to_be_visible()
    assert listings.queries[-1] == {"limit": "50", "from": _midnight(day_after)}

    page.get_by_label("To", exact=True).fill(first)
    expect(page.get_by_role("alert").filter(has_text="“From” is after “To”")).to_be_visible()
    asked = len(listings.queries)
    expect(_links(page)).to_have_count(0)

    page.get_by_role("button", name="Any time").click()
    _wait_until_shown(page, _ids(every[:50]), "every conversation again")
    assert len(listings.queries) == asked + 1  # the refused period asked nothing
    assert listings.transcripts == []


def _local_day(page: Page, moment: str) -> str:
    """The browser's day of `moment`, as a date input writes it."""
    return page.evaluate("(moment) => new Date(moment).toLocaleDateString('en-CA')", moment)


def _midnight(day: str, plus: int = 0) -> str:
    """The first instant of `day` (+ `plus` days) in `ZONE`, as the console sends it."""
    moment = datetime.fromisoformat(day) + timedelta(days=plus) - ZONE_OFFSET
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
