"""Page objects: what a person sees and does on each page, in one place.

Tests talk in these terms ("sign in", "switch the language", "the manager shown") so that a
change of layout is mended here, not in every test (STYLE.md habit 13).  Locators prefer
ids and ``data-testid`` attributes over visible text, which changes with the language.
"""
from __future__ import annotations

from playwright.sync_api import Locator, Page

#: ``<html lang>`` for each language code of the language switch.
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}


class Navbar:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.html = page.locator("html")
        self.language_select = page.locator("#lang-select")
        self.language_button = page.locator("form[data-autosubmit] [data-autosubmit-button]")
        self.current_user = page.get_by_test_id("current-user")
        self.logout_button = page.get_by_test_id("logout")

    def switch_language(self, code: str, *, with_button: bool = False) -> None:
        """Choose a language; with JavaScript the form submits on change, without it (or
        when ``with_button``) the person presses the button next to the list."""
        with self.page.expect_navigation():
            self.language_select.select_option(code)
            if with_button:
                self.language_button.click()

    def sign_out(self) -> LoginPage:
        self.logout_button.click()
        self.page.wait_for_url("**/login")
        return LoginPage(self.page)


class LoginPage:
    path = "/login"

    def __init__(self, page: Page) -> None:
        self.page = page
        form = page.locator("main form[action$='/login']")
        self.heading = page.locator("main h1")
        self.username = form.locator("#username")
        self.password = form.locator("#password")
        self.submit = form.locator("button[type=submit]")
        self.error = page.locator("main .alert-danger")

    def open(self) -> LoginPage:
        self.page.goto(self.path)
        return self

    def attempt(self, username: str, password: str) -> None:
        self.username.fill(username)
        self.password.fill(password)
        self.submit.click()
        self.page.wait_for_load_state()

    def sign_in(self, username: str, password: str) -> HomePage:
        self.attempt(username, password)
        self.page.wait_for_url(lambda url: "/login" not in url)
        return HomePage(self.page)


def _definition(page: Page, term: str) -> Locator:
    """The ``<dd>`` that follows the ``<dt>`` reading ``term`` (Chinese UI)."""
    return page.locator(f"main dt:text-is('{term}') + dd")


class HomePage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.greeting = page.locator("main h1")
        self.manager = _definition(page, "直属上级")
        self.skip_level = _definition(page, "隔级上级")

    def open(self) -> HomePage:
        self.page.goto("/")
        return self


class DirectoryPage:
    path = "/people/"

    def __init__(self, page: Page) -> None:
        self.page = page
        form = page.get_by_test_id("directory-search")
        self.query = form.locator("input[name=q]")
        self.search_button = form.locator("button[type=submit]")
        self.results = page.get_by_test_id("directory-results")
        self.count = page.get_by_test_id("result-count")
        self.tree = page.get_by_test_id("department-tree")

    def open(self) -> DirectoryPage:
        self.page.goto(self.path)
        return self

    def search(self, text: str) -> DirectoryPage:
        self.query.fill(text)
        self.search_button.click()
        self.page.wait_for_url("**/people/?*q=*")
        return self

    def choose_department(self, name: str) -> DirectoryPage:
        self.tree.get_by_role("link", name=name).click()
        self.page.wait_for_url("**dept=*")
        return self

    def result(self, name: str) -> Locator:
        return self.results.get_by_role("link", name=name, exact=True)

    def open_person(self, name: str) -> PersonPage:
        self.result(name).click()
        self.page.wait_for_url("**/people/*")
        return PersonPage(self.page)


class PersonPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.name = page.get_by_test_id("person-name")
        self.department = page.get_by_test_id("person-department")
        self.manager = page.get_by_test_id("person-manager")
        self.skip_level = page.get_by_test_id("person-skip-level")
        self.reports = page.get_by_test_id("person-reports")
