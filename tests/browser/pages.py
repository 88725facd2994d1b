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
        self.language_button = page.get_by_test_id("language-button")
        self.menu_button = page.get_by_test_id("menu-button")
        self.current_user = page.get_by_test_id("current-user")
        self.logout_button = page.get_by_test_id("logout")

    def switch_language(self, code: str) -> None:
        """Choose a language in the list and press 切换: choosing alone changes nothing
        (WCAG 3.2.2), with or without JavaScript."""
        self.language_select.select_option(code)
        with self.page.expect_navigation():
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
        self.greeting = page.get_by_test_id("greeting")  # under the 工作台 heading
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


# --- 总经理信箱 GM mailbox ----------------------------------------------------------------

def _select_by_text(select: Locator, text: str) -> None:
    """Choose the option reading ``text`` once its tree indentation (ideographic spaces)
    is stripped, as a person reads a department list."""
    labels = [label.strip() for label in select.locator("option").all_inner_texts()]
    select.select_option(index=labels.index(text))


class MailboxPages:
    """The lists of the mailbox: 写信, 我的来信, the office inbox (来信处理) and 督办."""

    write_path = "/mailbox/write"
    inbox_path = "/mailbox/"
    office_path = "/mailbox/office"
    assigned_path = "/mailbox/assigned"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.tabs = page.get_by_test_id("mailbox-tabs")
        self.rows = page.get_by_test_id("letter-row")
        form = page.get_by_test_id("write-form")
        self.subject = form.get_by_label("标题")
        self.category = form.get_by_label("类别")
        self.body = form.get_by_label("正文")
        self.submit = form.get_by_test_id("submit-letter")
        self.write_form = form

    def open_write(self) -> MailboxPages:
        self.page.goto(self.write_path)
        return self

    def open_tab(self, name: str) -> MailboxPages:
        """Follow one of the tabs above every mailbox page (我的来信, 写信, 督办, 来信处理)."""
        self.tabs.get_by_role("link", name=name, exact=True).click()
        self.page.wait_for_load_state()
        return self

    def write(self, subject: str, body: str, category: str, *, anonymous: bool = False) -> None:
        """Fill and send the letter form; the person lands on the letter or, anonymous,
        on the page that shows the receipt code once."""
        self.subject.fill(subject)
        self.category.select_option(label=category)
        self.body.fill(body)
        self.write_form.get_by_label("匿名来信" if anonymous else "署名来信", exact=True).check()
        with self.page.expect_navigation():
            self.submit.click()

    def row(self, subject: str) -> Locator:
        return self.rows.filter(has_text=subject)

    def open_letter(self, subject: str) -> LetterPage:
        self.row(subject).get_by_role("link", name=subject).click()
        self.page.wait_for_url("**/mailbox/letters/*")
        return LetterPage(self.page)


class LetterPage:
    """A letter: what it says, its answer and history, and one small form per action."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.number = page.locator("main").get_by_test_id("letter-number")
        self.subject = page.get_by_test_id("letter-subject")
        self.status = page.locator("main").get_by_test_id("status").first
        self.body = page.get_by_test_id("letter-body")
        self.answer = page.get_by_test_id("answer")
        self.department = page.get_by_test_id("assigned-department")
        self.timeline = page.get_by_test_id("timeline")
        self.events = self.timeline.get_by_test_id("event")
        self.flash = page.locator(".alert-success")

    def action(self, name: str) -> Locator:
        """The card of an action (accept, assign, resolve, answer, reply, …), unfolded."""
        card = self.page.get_by_test_id(f"action-{name}")
        others = self.page.get_by_test_id("other-actions")  # a report's folded 其他操作
        if others.count() and not card.is_visible() and others.get_attribute("open") is None:
            others.locator("xpath=./summary").click()
        if card.get_attribute("open") is None:
            card.locator("xpath=./summary").click()
        return card

    def event(self, action: str) -> Locator:
        return self.timeline.locator(f"[data-testid=event][data-action={action}]")

    def perform(self, name: str, text: str = "", **fields: str) -> LetterPage:
        """Take the action ``name``: fill its text and fields (department by name, due date
        as ``YYYY-MM-DD``), press its button and wait for the page to come back."""
        card = self.action(name)
        if "department" in fields:
            _select_by_text(card.locator(f"#{name}-department"), fields["department"])
        if "due_date" in fields:
            card.locator(f"#{name}-due_date").fill(fields["due_date"])
        if text:
            card.locator(f"#{name}-text").fill(text)
        with self.page.expect_navigation():
            card.locator("button[type=submit]").click()
        return LetterPage(self.page)


class ReceiptPage:
    """/receipt/: type the code given once to an anonymous writer, read the status and
    answer, and send a follow-up message."""

    path = "/receipt/"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.code = page.get_by_test_id("lookup-form").get_by_label("查询码")
        self.lookup_button = page.get_by_test_id("lookup-form").locator("button[type=submit]")
        self.not_found = page.get_by_test_id("not-found")
        self.subject = page.get_by_test_id("letter-subject")
        self.status = page.locator("main").get_by_test_id("status").first
        self.answer = page.get_by_test_id("answer")
        self.timeline = page.get_by_test_id("timeline")
        follow_up = page.get_by_test_id("follow-up")
        self.message = follow_up.get_by_label("补充说明")
        self.send_button = follow_up.locator("button[type=submit]")
        self.sent = page.get_by_test_id("message-sent")

    def open(self) -> ReceiptPage:
        self.page.goto(self.path)
        return self

    def look_up(self, code: str) -> ReceiptPage:
        self.code.fill(code)
        with self.page.expect_navigation():
            self.lookup_button.click()
        return self

    def event(self, action: str) -> Locator:
        return self.timeline.locator(f"[data-testid=event][data-action={action}]")

    def send(self, text: str) -> ReceiptPage:
        self.message.fill(text)
        with self.page.expect_navigation():
            self.send_button.click()
        return self


# --- 合理化建议与举报 Suggestions, complaints and whistle-blowing ---------------------------

class SuggestionPages:
    """The filing form (/suggestions/new), its once-only receipt page and the handlers'
    queue (事项处理)."""

    new_path = "/suggestions/new"
    queue_path = "/suggestions/queue"

    def __init__(self, page: Page) -> None:
        self.page = page
        form = page.get_by_test_id("file-form")
        self.file_form = form
        self.subject = form.get_by_label("标题")
        self.body = form.get_by_label("内容")
        self.submit = form.get_by_test_id("submit-report")
        self.receipt_code = page.get_by_test_id("receipt-code")
        self.report_number = page.locator("main").get_by_test_id("report-number")
        self.rows = page.get_by_test_id("report-row")
        self.no_reports = page.get_by_test_id("no-reports")

    def open_new(self) -> SuggestionPages:
        self.page.goto(self.new_path)
        return self

    def open_queue(self) -> SuggestionPages:
        self.page.goto(self.queue_path)
        return self

    def file(self, kind: str, subject: str, body: str, *, anonymous: bool = True) -> None:
        """Fill and send the filing form; ``kind`` is the value (``whistleblowing`` …).
        Anonymous, the person lands on the page that shows the receipt code once."""
        self.file_form.get_by_test_id(f"kind-{kind}").locator("input[type=radio]").check()
        self.subject.fill(subject)
        self.body.fill(body)
        self.file_form.get_by_label("匿名提交" if anonymous else "实名提交", exact=True).check()
        with self.page.expect_navigation():
            self.submit.click()

    def row(self, subject: str) -> Locator:
        return self.rows.filter(has_text=subject)

    def open_report(self, subject: str) -> ReportPage:
        self.row(subject).get_by_role("link", name=subject).click()
        self.page.wait_for_url("**/suggestions/reports/*")
        return ReportPage(self.page)


class ReportPage(LetterPage):
    """A report as its handlers see it: the same action cards and timeline as a letter,
    with the report's own subject and number."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.number = page.locator("main").get_by_test_id("report-number")
        self.subject = page.get_by_test_id("report-subject")
        self.body = page.get_by_test_id("report-body")
        self.filer = page.get_by_test_id("filer")

    def perform(self, name: str, text: str = "", **fields: str) -> ReportPage:
        super().perform(name, text, **fields)
        return ReportPage(self.page)


class ReportReceiptPage(ReceiptPage):
    """/receipt/ for a report: the same lookup and follow-up, the report's subject."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.subject = page.get_by_test_id("report-subject")
        self.no_answer = page.get_by_test_id("no-answer")


class SearchPage:
    """档案检索: the header's box on every page, and the results page it leads to."""

    path = "/search/"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.header_box = page.locator("[data-testid=header-search] input[name=q]")
        self.box = page.get_by_test_id("search-q")
        self.hits = page.get_by_test_id("search-hit")
        self.total = page.get_by_test_id("search-total")
        self.no_results = page.get_by_test_id("no-results")

    def search_from_header(self, text: str) -> SearchPage:
        self.header_box.fill(text)
        with self.page.expect_navigation():
            self.header_box.press("Enter")
        return self

    def hit(self, text: str) -> Locator:
        return self.hits.filter(has_text=text)

    def snippet_marks(self, text: str) -> Locator:
        return self.hit(text).locator("[data-testid=search-snippet] mark")

    def filter_by(self, facet: str, value: str) -> SearchPage:
        with self.page.expect_navigation():
            self.page.get_by_test_id(f"facet-{facet}-{value}").click()
        return self
