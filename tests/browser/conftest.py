"""Fixtures for browser tests: one live demo hub for the session (and the session's one
Chromium, ``browser`` in tests/conftest.py), a fresh browser context (cookies, storage) for
every test.

These tests do not use the ``app`` fixture: they run once, against SQLite, like a newcomer's
first start, and drive the hub only through the browser.
"""
from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.browser.live import live_server

#: What a Chromium on an English desktop sends; the hub must still answer in Chinese.
BROWSER_LOCALE = "en-US"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def live_url(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("live-hub")) as url:
        yield url


@contextmanager
def _contexts(browser, base_url: str):
    """``make(**options)``: browser contexts on the hub at ``base_url``, closed at the end."""
    contexts = []

    def make(**options):
        options = {"base_url": base_url, "locale": BROWSER_LOCALE, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def new_context(browser, live_url):
    """``new_context(**options)``: a browser context on the live hub, closed after the test."""
    with _contexts(browser, live_url) as make:
        yield make


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture(scope="session")
def company_url(tmp_path_factory):
    """A second live hub holding the whole demo company (letters, reports, announcements,
    talks), built once for the tests that only look at full pages (accessibility, layout)."""
    with live_server(tmp_path_factory.mktemp("company-hub"), company=True) as url:
        yield url


@pytest.fixture
def company_context(browser, company_url):
    """``company_context(**options)``: a browser context on the demo company's hub."""
    with _contexts(browser, company_url) as make:
        yield make
