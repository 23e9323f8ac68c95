"""End-to-end fixtures: the app on a live server, Debian's Chromium driven by Playwright.

Chromium comes from Debian's ``chromium`` package (``/usr/bin/chromium``); Playwright
never downloads a browser. Without Chromium these tests are skipped, and pytest says so.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "test-artifacts/screenshots"))
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 375, "height": 740}}

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() and shutil.which(CHROMIUM):
        return
    skip = pytest.mark.skip(
        reason=f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium)"
    )
    for item in items:
        if "e2e" in item.nodeid.split("/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def seeded(transactional_db):
    """Live-server tests run outside a transaction: load the seed data again."""
    call_command("loaddata", "fixtures/units.json", "fixtures/plans.json", verbosity=0)
    call_command("setup_demo", verbosity=0)


class Session:
    """One browser context for one person, with what the journey must never see."""

    def __init__(self, browser, live_server, name, viewport="desktop", locale="vi-VN"):
        self.live_server = live_server
        self.name = name
        self.viewport = viewport
        self.context = browser.new_context(
            viewport=VIEWPORTS[viewport], locale=locale, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        self.shots = 0
        host = urlparse(live_server.url).hostname
        self.page.on(
            "console",
            lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        self.page.on(
            "request",
            lambda req: (
                None
                if urlparse(req.url).hostname in (host, None) or req.url.startswith("data:")
                else self.foreign_requests.append(req.url)
            ),
        )

    def url(self, path):
        return self.live_server.url + path

    def goto(self, path):
        response = self.page.goto(self.url(path))
        return response

    def login(self, username, password="demo-haiphong-2022"):
        self.goto("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("[type=submit]")

    def shot(self, label):
        """Save a screenshot of the page as it is, at this session's viewport."""
        self.shots += 1
        folder = SCREENSHOTS / self.name
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=str(folder / f"{self.shots:02d}-{label}-{self.viewport}.png"), full_page=True
        )

    def horizontal_overflow(self) -> int:
        return self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )

    def close(self):
        self.context.close()


@pytest.fixture
def session_for(browser, live_server, seeded):
    sessions = []

    def build(name, viewport="desktop", locale="vi-VN"):
        session = Session(browser, live_server, name, viewport, locale)
        sessions.append(session)
        return session

    yield build
    for session in sessions:
        assert not session.console_errors, session.console_errors
        assert not session.foreign_requests, session.foreign_requests
        session.close()
