"""A real browser for the tests that need one: Debian's Chromium, driven by Playwright.

Playwright's own browser download is not used: the tests launch the system's `chromium` by path.
Without it they skip, except under CI=true, where a missing browser is a failure (`.ci/run` installs it).
Screenshots of what a person would see are kept under var/test-artifacts/ (TEST_ARTIFACTS to move it).
The fixtures `browser` and `page` are registered for every test by tests/conftest.py; a test module
imports only `screenshot` from here (importing the fixtures would start a second Playwright).
"""
from __future__ import annotations

import atexit
import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "var" / "test-artifacts"))


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


_RUNNING: dict = {}  # one Playwright and one Chromium per test process


def _shared_chromium(path: str):
    """Playwright's sync API allows one instance per thread: should the session fixture be defined
    twice (a module importing it), both share the first Chromium, closed when the process ends."""
    if "chromium" not in _RUNNING:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        # Root (as in CI) cannot use Chromium's sandbox.
        _RUNNING["chromium"] = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        atexit.register(playwright.stop)
        atexit.register(_RUNNING["chromium"].close)
    return _RUNNING["chromium"]


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API keeps an event loop running in this thread; the ORM calls the tests make
    # between page actions are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return _shared_chromium(path)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Keep what the page shows now as ARTIFACTS/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target
