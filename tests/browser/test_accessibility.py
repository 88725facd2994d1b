"""axe-core in Chromium over the main pages of each demo role, at 1 366 px and on a phone.

axe-core is a test dependency vendored from npm (tests/support/vendor/axe-core/, its MPL-2.0
licence beside it): Playwright serves it on the live hub's own origin (a path the hub does
not have), so the page's CSP (``script-src 'self'``) lets it in and nothing is fetched from
the internet.  Each page is checked against the WCAG 2.0/2.1 A and AA rules; a critical or
serious violation fails the test with the rule, the page and the offending nodes.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import LoginPage, Navbar

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "support" / "vendor" / "axe-core" / "axe.min.js"
AXE_PATH = "/__tests__/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"critical", "serious"}
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

#: Pages every signed-in person has besides the header's links and their tabs.
COMMON_PAGES = ["/mailbox/write", "/suggestions/new", "/notifications/", "/search/?q=公告",
                "/people/", "/account/password"]
#: Pages that look the same whoever opens them (forms, the directory, search): checked for
#: the first role that has them, once per test session, to keep the run short.
SHARED_PAGES = ("/people/", "/search/", "/account/", "/receipt/", "/mailbox/write",
                "/suggestions/new", "/talks/meetings/new", "/talks/logs/new",
                "/talks/occasions/new", "/announcements/new")
#: One item of each kind is opened too, the first one met in a list.
DETAIL_PAGES = re.compile(r"^/(mailbox/letters|suggestions/reports|suggestions/rectifications|"
                          r"announcements|talks/logs|talks/meetings|surveys)/\d+$")
ROLES = ["gm", "gmo", "hr1", "sales_lead", "sales1", "admin"]
_shared_checked: set[str] = set()


@pytest.fixture
def new_page(company_context, company_url):
    """A page on the demo company's hub, with axe-core at hand."""
    page = company_context(viewport=DESKTOP, reduced_motion="reduce").new_page()
    _install_axe(page, company_url)
    return page


def _install_axe(page: Page, base_url: str) -> None:
    source = AXE.read_bytes()
    page.route(urljoin(base_url, AXE_PATH),
               lambda route: route.fulfill(body=source, content_type="text/javascript"))


def _axe(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now; the serious and critical violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_PATH)
    results = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations']})""", WCAG_TAGS)
    return [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]


def _report(found: dict[tuple[str, str], list[str]]) -> str:
    """One line per rule and node, with the pages (and widths) where it failed."""
    lines = []
    for (rule, node), where in sorted(found.items()):
        pages = ", ".join(where[:6]) + (f" … ({len(where)} in all)" if len(where) > 6 else "")
        lines.append(f"  {rule} — {node}\n      on {pages}")
    return "\n".join(lines)


def _collect(found: dict, where: str, violations: list[dict]) -> None:
    for violation in violations:
        rule = f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for node in violation["nodes"]:
            summary = node["failureSummary"].splitlines()[-1].strip()
            key = (rule, f"{' '.join(map(str, node['target']))}: {summary}")
            found.setdefault(key, []).append(where)


def _links(page: Page, selector: str) -> list[str]:
    """The hub's own pages linked by ``selector`` (path and query), downloads left out."""
    paths = []
    for href in page.locator(selector).evaluate_all("els => els.map(e => e.href)"):
        parts = urlsplit(href)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.endswith((".xlsx", ".csv", ".ics")) and path not in paths:
            paths.append(path)
    return paths


def _check_pages_of(page: Page, username: str) -> tuple[list[str], dict]:
    """Visit the signed-in person's main pages — the header's links, the tabs on each of
    them, the common pages and the first item of each kind met in a list — and run axe at
    1 366 px on each, and at 390 px on the header's pages too.  Returns the pages visited and what axe found."""
    page.goto("/")
    todo = ["/"] + _links(page, "nav .navbar-nav a.nav-link")
    # The phone's layout differs where lists become cards and the header folds: the header's
    # pages are checked at 390 px too; tabs, forms and items render the same elements at
    # both widths, so once (at 1 366 px) is enough for them and keeps the run short.
    phone_pages = set(todo)
    todo += [p for p in COMMON_PAGES if p not in todo]
    visited, found, detail_kinds = [], {}, set()
    while todo:
        path = todo.pop(0)
        if path in visited:
            continue
        if path.startswith(SHARED_PAGES):
            if path in _shared_checked:
                continue
            _shared_checked.add(path)
        visited.append(path)
        page.set_viewport_size(DESKTOP)
        response = page.goto(path)
        assert response.ok, f"{username} {path}: {response.status}"
        for viewport in (DESKTOP, PHONE) if path in phone_pages else (DESKTOP,):
            page.set_viewport_size(viewport)
            _collect(found, f"{path} @ {viewport['width']} px", _axe(page))
        if path == "/":  # the phone's menu, unfolded
            page.get_by_test_id("menu-button").focus()
            page.keyboard.press("Enter")
            _collect(found, "/ @ 390 px, menu open", _axe(page))
        if len(visited) <= 12:  # the header's pages: their tabs are main pages too
            todo += [p for p in _links(page, "main .nav-tabs a, main .nav-pills a")
                     if p not in todo and p not in visited]
        for link in _links(page, "main a[href]"):
            kind = DETAIL_PAGES.match(link)
            if kind and kind.group(1) not in detail_kinds:
                detail_kinds.add(kind.group(1))
                todo.append(link)
    return visited, found


@pytest.mark.parametrize("username", ROLES)
def test_main_pages_have_no_serious_accessibility_violation(new_page, username):
    page = new_page
    LoginPage(page).open().sign_in(username, "hub-demo")

    visited, found = _check_pages_of(page, username)
    print(f"{username}: {len(visited)} pages: {' '.join(visited)}")
    assert len(visited) >= 8, visited
    assert not found, (f"{username}: serious or critical WCAG 2.1 A/AA violations on "
                       f"{len(visited)} pages\n{_report(found)}")


def test_signed_out_pages_have_no_serious_accessibility_violation(new_page):
    page, found = new_page, {}
    for path in ("/login", "/receipt/"):
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            if viewport is DESKTOP:
                page.goto(path)
            _collect(found, f"{path} @ {viewport['width']} px", _axe(page))
    assert not found, _report(found)


def test_language_picker_changes_only_when_switch_is_pressed(new_page):
    """WCAG 3.2.2: arrowing through the list reloads nothing; 切换 applies the choice."""
    page = new_page
    LoginPage(page).open().sign_in("sales1", "hub-demo")
    navbar = Navbar(page)
    page.evaluate("() => { window.stillHere = true; }")  # a navigation would forget it
    navbar.language_select.focus()
    page.keyboard.press("ArrowDown")
    expect(navbar.language_select).to_have_value("en")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.stillHere === true")
    expect(navbar.html).to_have_attribute("lang", "zh-CN")

    with page.expect_navigation():
        navbar.language_button.press("Enter")
    expect(navbar.html).to_have_attribute("lang", "en")
    navbar.switch_language("zh_CN")
    expect(navbar.html).to_have_attribute("lang", "zh-CN")


def test_search_landmarks_have_distinct_names(new_page):
    page = new_page
    LoginPage(page).open().sign_in("admin", "hub-demo")
    for path in ("/search/?q=公告", "/people/", "/admin/users"):
        page.goto(path)
        landmarks = page.get_by_role("search")
        names = [landmarks.nth(i).get_attribute("aria-label")
                 for i in range(landmarks.count())]
        assert len(names) == 2 and all(names) and len(set(names)) == 2, (path, names)
