"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server."""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop in this thread, which makes
# Django refuse ORM calls from the test body; they are still plain sync calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
# Root on a closed network: no sandbox, and nothing that phones home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    # A common cheap Android phone, where most participants open the portal.
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, request):
    """Opens browser contexts (one per person) that are closed after the test."""
    contexts = []
    request.node.browser_contexts = contexts

    def open_context(device="desktop"):
        context = browser.new_context(
            locale="id-ID", timezone_id="Asia/Jakarta", **VIEWPORTS[device]
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture(params=list(VIEWPORTS))
def device(request):
    return request.param


@pytest.fixture
def page(new_context, device):
    return new_context(device).new_page()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and report.when in ("setup", "call"):
        _save_screenshots(item)
    return report


def _save_screenshots(item):
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)
    pages = [page for context in getattr(item, "browser_contexts", []) for page in context.pages]
    for number, page in enumerate(pages, start=1):
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{name}-{number}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except PlaywrightError:
            continue  # a crashed or closed page: the failure itself says more
        (RESULTS / f"{name}-{number}.url.txt").write_text(page.url + "\n")
