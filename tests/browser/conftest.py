"""Browser tests: Playwright drives Debian's Chromium (headless) against an embedded Parley that
serves the built web frontend (web/dist). `scripts/test.sh` installs Chromium and builds the
frontend; elsewhere the tests skip when either is missing, unless PARLEY_REQUIRE_BROWSER=1."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.browser.server import WEB_DIST, Shop
from tests.e2e.stack import EmbeddedParley, free_port

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TOKEN = "browser-admin-token"


def _missing(reason: str) -> None:
    if os.environ.get("PARLEY_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        _missing("Chromium is not installed (apt-get install chromium; scripts/test.sh does it)")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def shop() -> Iterator[Shop]:
    """Another website (its own origin) whose plain pages embed the widget."""
    site = Shop(free_port())
    site.start()
    try:
        yield site
    finally:
        site.stop()


@pytest.fixture(scope="session")
def parley(tmp_path_factory: pytest.TempPathFactory, shop: Shop) -> Iterator[EmbeddedParley]:
    if not (WEB_DIST / "console" / "index.html").is_file() or not (WEB_DIST / "widget.js").is_file():
        _missing("the web frontend is not built (scripts/install.sh builds it when npm is available)")
    server = EmbeddedParley(
        port=free_port(),
        data_dir=tmp_path_factory.mktemp("parley-browser"),
        token=TOKEN,
        env={"GATEWAY_CORS_ORIGINS": shop.origin, "GATEWAY_STATIC_DIR": str(WEB_DIST)},
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def admin(parley: EmbeddedParley) -> Iterator[httpx.Client]:
    """The admin API, for setting up and checking what a test did through the console."""
    with httpx.Client(base_url=parley.base_url, headers=parley.admin, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    # Module scope: Playwright's sync API runs an event loop while it is open, which would break
    # every async test collected after the browser tests.
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@contextmanager
def watched_page(context: BrowserContext, *, timeout_ms: float) -> Iterator[Page]:
    """A page of `context`, which is closed after it; an uncaught script error in it fails the test."""
    context.set_default_timeout(timeout_ms)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context; an uncaught script error anywhere fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="light")
    with watched_page(context, timeout_ms=10_000) as page:
        yield page


def screenshot(page: Page, name: str) -> None:
    """Save `docs/screenshots/{name}.png` when PARLEY_SCREENSHOTS names the folder (just screenshots)."""
    folder = os.environ.get("PARLEY_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def sign_in(page: Page, parley: EmbeddedParley, address: str = "") -> None:
    """Sign in to the console with the admin key, then go to `address` (a hash route) if given."""
    page.goto(parley.url("/console/"))
    page.get_by_label("Admin key").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="pizzeria", exact=True)).to_be_visible()
    if address:
        page.goto(parley.url(f"/console/{address}"))


def select_words(page: Page, example: str, words: str) -> None:
    """Drag the mouse across `words` inside the example sentence, as a user selects text."""
    box = page.locator(".example-text", has_text=example).evaluate(
        """(element, words) => {
            const spans = [...element.querySelectorAll("span")];
            const node = spans.find((s) => s.textContent.includes(words)).firstChild;
            const range = document.createRange();
            const at = node.textContent.indexOf(words);
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            const r = range.getBoundingClientRect();
            return { left: r.left, right: r.right, y: r.top + r.height / 2 };
        }""",
        words,
    )
    page.mouse.move(box["left"] + 1, box["y"])
    page.mouse.down()
    page.mouse.move(box["right"] - 1, box["y"], steps=5)
    page.mouse.up()


def poll(page: Page, check: Callable[[], bool], what: str, timeout: float = 10) -> None:
    """Wait until `check()` holds, letting Playwright deliver the page's events (dialogs) meanwhile."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_timeout(50)
