"""An anonymous filing through the pages, as a real browser makes it (Chromium: style
sheets, scripts, fonts, every request it sends), leaves no trace in the server's output —
neither its routes nor a request they caused (``Referer``, or a burst of asset requests
without a page), nor its text, nor its receipt code — with the shipped gunicorn config and
with werkzeug's development server."""
from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from hub import create_app
from hub.demo import create_demo_organisation
from hub.extensions import db
from tests.browser.pages import LoginPage, ReceiptPage, SuggestionPages
from tests.production.server import development_server, flask_cli, gunicorn, hub_environment

pytestmark = pytest.mark.browser

PASSWORD = "hub-demo"
TIMEOUT_MS = 30_000
ANONYMOUS_ROUTES = ("/suggestions/new", "/receipt", "/mailbox/write")
SERVERS = {"gunicorn": gunicorn, "werkzeug": development_server}


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    """A SQLite file migrated by ``flask db upgrade``, holding the demo company."""
    workdir = tmp_path_factory.mktemp("anonymous-logs")
    url = f"sqlite:///{workdir / 'hub.sqlite3'}"
    flask_cli(hub_environment(url, workdir), "db", "upgrade")
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": str(workdir / "instance"),
                      "SEARCH_INDEX_DIR": str(workdir / "index"), "DEMO_BOOTSTRAP": False})
    with app.app_context():
        create_demo_organisation()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return url


def file_anonymously(browser, base_url: str) -> tuple[list[str], list[tuple[str, str]]]:
    """sales1 files an anonymous suggestion, looks it up by its code, then goes back to
    the home page.  Returns what must never be logged, and every
    (URL, Referer) the browser sent."""
    marker = uuid.uuid4().hex[:10]
    subject, body = f"匿名建议{marker}", f"正文{marker}内容"
    context = browser.new_context(base_url=base_url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    sent: list[tuple[str, str]] = []
    context.on("request", lambda r: sent.append((r.url, r.headers.get("referer") or "")))
    try:
        page = context.new_page()
        LoginPage(page).open().sign_in("sales1", PASSWORD)
        filing = SuggestionPages(page).open_new()
        filing.file("suggestion", subject, body)
        expect(filing.receipt_code).to_be_visible()
        code = filing.receipt_code.inner_text().strip()
        with page.expect_navigation():
            page.get_by_test_id("receipt-link").click()
        ReceiptPage(page).look_up(code)
        expect(page.get_by_test_id("follow-up")).to_be_visible()  # the item's own page
        with page.expect_navigation():
            page.locator("a.navbar-brand").click()  # away, as a person would
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return [subject, body, code, marker], sent


@pytest.mark.parametrize("server_kind", SERVERS)
def test_an_anonymous_filing_leaves_no_log_line(server_kind, demo_database, browser,
                                                tmp_path):
    env = hub_environment(demo_database, tmp_path)
    with SERVERS[server_kind](env, tmp_path) as server:
        secrets, sent = file_anonymously(browser, server.url)
    output = server.output()  # the server has stopped: everything it logged is there

    assert "POST /login" in output and "GET /static/" in output  # the log works
    # the sign-in page loaded the style sheets, scripts and fonts; every page after it,
    # the anonymous ones included, took them from the browser's cache
    assert "/static/" not in output[output.index("POST /login"):]
    for route in ANONYMOUS_ROUTES:
        assert route not in output
    for secret in secrets:
        assert secret not in output
    # the browser did ask for the anonymous pages and their assets, never naming the
    # page in a Referer
    urls = [url for url, _referer in sent]
    assert any(url.endswith("/suggestions/new") for url in urls)
    assert any("/static/" in url for url in urls)
    for url, referer in sent:
        assert not any(route in referer for route in ANONYMOUS_ROUTES), (url, referer)
