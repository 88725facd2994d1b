"""Layout on a 1 366 px screen and on a 390 px phone, measured from the boxes Chromium lays
out: the header's height, no sideways scrolling of the page, list columns that keep their
words on one line, and the phone's menu behind 菜单 (with and without JavaScript)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import LoginPage, Navbar

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
#: The phone's header: the brand and the 菜单 button on one bar.
PHONE_HEADER_MAX = 60
#: At 1 366 px: two fixed rows (tools, then links), whatever the language.
DESKTOP_HEADER_MAX = 110

#: ``(username, list page)``: the queues people work from.
QUEUES = [("gmo", "/mailbox/office"), ("sales1", "/mailbox/"), ("hr1", "/suggestions/queue"), ("sales1", "/suggestions/")]


def _header_height(page: Page) -> float:
    return page.locator("nav.hub-header").bounding_box()["height"]


def _scrolls_sideways(page: Page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth")


def _line_count(page: Page, selector: str) -> list[int]:
    """How many lines the text of each matching element is laid out on."""
    return page.locator(selector).evaluate_all("""els => els.map(el => {
        const range = document.createRange(); range.selectNodeContents(el);
        const boxes = [...range.getClientRects()].filter(r => r.width > 0)
            .sort((a, b) => a.top - b.top);
        let lines = 0, bottom = -Infinity;
        for (const r of boxes) {  // a box starting below the current line opens a new one
            if (r.top >= bottom - 2) { lines += 1; bottom = r.bottom; }
            else { bottom = Math.max(bottom, r.bottom); }
        }
        return lines; })""")


def _sign_in(company_context, username: str, **options) -> Page:
    page = company_context(viewport=DESKTOP, **options).new_page()
    LoginPage(page).open().sign_in(username, "hub-demo")
    return page


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_desktop_header_keeps_its_two_rows_and_the_search_placeholder(company_context, language):
    page = _sign_in(company_context, "gm")  # the longest menu: desks, dashboard, reports
    navbar = Navbar(page)
    if language == "en":
        navbar.switch_language("en")
    try:
        for path in ("/", "/mailbox/office", "/suggestions/queue"):
            page.goto(path)
            assert _header_height(page) <= DESKTOP_HEADER_MAX, (language, path)
            assert not _scrolls_sideways(page), (language, path)
            # the header's own row: its links and 更多 (whose list drops down when opened)
            row = "nav .navbar-nav > li > .nav-link, nav .navbar-nav > li > details > summary"
            links = page.locator(row)
            tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
            assert len(tops) == 1, f"{language} {path}: the links wrap onto {len(tops)} rows"
            assert set(_line_count(page, row)) == {1}
            search = page.locator("#header-q")
            assert search.evaluate("el => el.scrollWidth <= el.clientWidth"), \
                "the search box's placeholder is cut"
            expect(page.get_by_test_id("menu-button")).to_be_hidden()
    finally:
        if language == "en":
            navbar.switch_language("zh_CN")


@pytest.mark.parametrize("username, path", QUEUES)
def test_lists_fit_a_desktop_and_a_phone(company_context, username, path):
    page = _sign_in(company_context, username)
    page.goto(path)
    rows = page.locator("table.table-stack tbody tr")
    assert rows.count() > 0, f"{username} sees no rows on {path}"
    # 1 366 px: the short columns keep their words on one line
    assert set(_line_count(page, "table.table-stack td[data-label]:not(.small)")) == {1}
    assert not _scrolls_sideways(page)

    page.set_viewport_size(PHONE)
    assert not _scrolls_sideways(page)
    assert _header_height(page) <= PHONE_HEADER_MAX
    first = rows.first
    card = first.bounding_box()
    assert card["x"] >= 0 and card["x"] + card["width"] <= PHONE["width"]
    for label in ("状态", "期限"):
        cell = first.locator(f"td[data-label='{label}']")
        if cell.count():  # 期限 is on the desks' lists only
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], label
            expect(cell).to_be_in_viewport()


@pytest.mark.parametrize("javascript", [True, False])
def test_phone_menu_folds_behind_its_button_and_opens_by_keyboard(company_context, javascript):
    page = _sign_in(company_context, "gmo", java_script_enabled=javascript)
    page.set_viewport_size(PHONE)
    page.goto("/mailbox/office")
    menu_button = page.get_by_test_id("menu-button")
    mailbox_link = page.get_by_test_id("nav-mailbox")
    assert _header_height(page) <= PHONE_HEADER_MAX
    expect(menu_button).to_be_visible()
    expect(mailbox_link).to_be_hidden()
    assert not _scrolls_sideways(page)

    menu_button.focus()
    page.keyboard.press("Enter")
    expect(mailbox_link).to_be_visible()
    expect(page.get_by_test_id("logout")).to_be_visible()
    expect(page.locator("#header-q")).to_be_visible()
    assert not _scrolls_sideways(page)
    page.keyboard.press("Tab")  # the first link follows the button
    expect(page.locator("nav .navbar-nav .nav-link").first).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(mailbox_link).to_be_hidden()
    assert _header_height(page) <= PHONE_HEADER_MAX

    menu_button.click()
    with page.expect_navigation():
        mailbox_link.click()
    expect(page).to_have_url(re.compile(r"/mailbox/$"))
