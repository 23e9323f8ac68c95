"""End-to-end fixtures: the app on a live server, Debian's Chromium driven by Playwright.

Chromium comes from Debian's ``chromium`` package (``/usr/bin/chromium``); Playwright
never downloads a browser. Without Chromium these tests are skipped, and pytest says so
in its summary (``-ra``).

One browser for the whole test session; each person in a journey gets a fresh browser
context (cookies, viewport, language). Every journey runs at a desktop and at a phone
viewport (the ``viewport`` fixture); its screenshots go to
``test-artifacts/screenshots/<journey>/`` (``E2E_SCREENSHOTS`` moves the folder).
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
DEMO_PASSWORD = "demo-haiphong-2022"
# How long a step may wait for the page (ms): generous for a loaded CI machine.
TIMEOUT = 15_000

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is not None


def pytest_collection_modifyitems(config, items):
    e2e_items = [item for item in items if "e2e" in item.nodeid.split("/")]
    for item in e2e_items:
        item.add_marker(pytest.mark.browser)
    if chromium_available():
        return
    skip = pytest.mark.skip(
        reason=f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium)"
    )
    for item in e2e_items:
        item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so its fixtures know whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def seeded(transactional_db):
    """Live-server tests run outside a transaction: load the seed data again."""
    call_command("loaddata", "fixtures/units.json", "fixtures/plans.json", verbosity=0)
    call_command("setup_demo", verbosity=0)


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    """Each journey runs once at a desktop and once at a phone viewport."""
    return request.param


class Journey:
    """The screenshots of one journey at one viewport: numbered in the order taken."""

    def __init__(self, name, viewport):
        self.name = name
        self.viewport = viewport
        self.folder = SCREENSHOTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob(f"*-{viewport}.png"):
            old.unlink()
        self.count = 0

    def path(self, who, label) -> Path:
        self.count += 1
        return self.folder / f"{self.count:02d}-{who}-{label}-{self.viewport}.png"


class Session:
    """One person in a browser context, with what the journey must never see: console
    errors and requests to any host other than the app."""

    def __init__(self, browser, live_server, journey, who, locale="vi-VN"):
        self.live_server = live_server
        self.journey = journey
        self.who = who
        self.viewport = journey.viewport
        self.context = browser.new_context(
            viewport=VIEWPORTS[self.viewport], locale=locale, accept_downloads=True
        )
        self.context.set_default_timeout(TIMEOUT)
        self.page = self.context.new_page()
        self.console_errors: list[tuple[str, str]] = []
        self.foreign_requests: list[str] = []
        self.expected_error_urls: set[str] = set()
        host = urlparse(live_server.url).hostname
        self.page.on(
            "console",
            lambda msg: (
                self.console_errors.append((msg.text, msg.location.get("url", "")))
                if msg.type == "error"
                else None
            ),
        )
        self.page.on("pageerror", lambda error: self.console_errors.append((str(error), "")))
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

    def goto(self, path, status=200):
        """Open ``path`` as if typed in the address bar; the response must have ``status``
        (an expected error page's "failed to load" console line is not an error)."""
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == status, (path, response.status)
        if status >= 400:
            self.expected_error_urls.add(self.url(path))
        return response

    def login(self, username, password=DEMO_PASSWORD):
        self.goto("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        # The login form's own button: the header's language switcher comes first.
        with self.page.expect_navigation():
            self.page.click("main form button[type=submit]")
        assert "/accounts/login/" not in self.page.url, f"{username} could not log in"

    def shot(self, label):
        """Save a full-page screenshot; on the phone, the page must not scroll sideways."""
        self.page.screenshot(path=str(self.journey.path(self.who, label)), full_page=True)
        if self.viewport == "phone":
            overflow = self.horizontal_overflow()
            assert overflow <= 0, f"{label} ({self.page.url}) scrolls sideways by {overflow}px"

    def horizontal_overflow(self) -> int:
        return self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )

    def unexpected_console_errors(self) -> list[str]:
        return [
            text
            for text, url in self.console_errors
            if not (url in self.expected_error_urls and "Failed to load resource" in text)
        ]

    def close(self):
        self.context.close()


@pytest.fixture
def session_for(request, browser, live_server, seeded, viewport):
    """``session_for(who)``: a new person in the browser for this journey. The journey's
    name is the test's name without ``test_``; screenshots are named after ``who``."""
    journey = Journey(request.node.originalname.removeprefix("test_"), viewport)
    sessions = []

    def build(who, locale="vi-VN"):
        session = Session(browser, live_server, journey, who, locale)
        sessions.append(session)
        return session

    yield build
    call = getattr(request.node, "report_call", None)
    if call is not None and call.failed:
        for session in sessions:  # the page each person was on when the journey failed
            try:
                session.page.screenshot(
                    path=str(journey.path(session.who, "FAILED")), full_page=True
                )
            except Exception:  # noqa: BLE001 - never hide the test's own failure
                pass
    try:
        for session in sessions:
            assert not session.unexpected_console_errors(), (
                session.who,
                session.unexpected_console_errors(),
            )
            assert not session.foreign_requests, (session.who, session.foreign_requests)
    finally:
        for session in sessions:
            session.close()
