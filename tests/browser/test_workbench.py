"""The 工作台 in a real Chromium, at 1 366 px and on a 390 px phone: gm, gmo, hr1,
sales_lead and sales1 sign in, see what waits for them, do one task each, and see it leave
the list and its notification turn done.  One demo company for the module (its own: the
tasks done here change it), with a few more tasks so that each viewport has its own."""
from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from hub.extensions import db
from tests.browser.conftest import BROWSER_LOCALE, TIMEOUT_MS
from tests.browser.live import QuietRequestHandler, demo_app
from tests.browser.pages import LetterPage, LoginPage, ReportPage

pytestmark = pytest.mark.browser

PASSWORD = "hub-demo"
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def more_tasks() -> None:
    """One more announcement for the sales team to confirm and one more meeting for sales1
    to answer, so both viewports find a task of their own."""
    from sqlalchemy import select

    from hub.announcements import services as an
    from hub.meetings.services import propose_meeting
    from hub.org.models import User
    from tests.meetings.test_meetings import window_start

    people = {u.username: u for u in db.session.scalars(select(User))}
    lead, sales1 = people["sales_lead"], people["sales1"]
    an.publish(people["hr_head"], title="客户拜访记录填写要求", body="请当天填写拜访记录。",
               kind="notice", audience=an.Audience(department_ids=(lead.department_id,)),
               requires_confirmation=True)
    propose_meeting(lead, kind="performance", with_user_ids=[sales1.id],
                    start_at=window_start("performance", hour=15), duration_minutes=30)
    db.session.commit()


@pytest.fixture(scope="module")
def hub_url(tmp_path_factory):
    app = demo_app(tmp_path_factory.mktemp("workbench-hub"), company=True)
    with app.app_context(), app.test_request_context("/", base_url=app.config["BASE_URL"]):
        more_tasks()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True,
                         request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="workbench-hub", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        db.engine.dispose()


class Workbench:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.items = page.get_by_test_id("todo-item")
        self.header_count = page.get_by_test_id("todo-count")

    def open(self) -> Workbench:
        self.page.goto("/")
        return self

    def keys(self, kind: str) -> list[str]:
        return [key for key in self.items.evaluate_all("els => els.map(e => e.dataset.todo)")
                if key.split(":")[0].startswith(kind)]

    def item(self, key: str):
        return self.page.locator(f'[data-testid="todo-item"][data-todo="{key}"]')


def unread_items(page: Page) -> set[str]:
    page.goto("/notifications/?state=unread")
    return set(page.get_by_test_id("notification-group").evaluate_all(
        "els => els.map(e => e.dataset.item).filter(Boolean)"))


def accept_letter(page: Page) -> None:
    LetterPage(page).perform("accept", "已收到，转相关部门研究。")


def answer_letter(page: Page) -> None:
    LetterPage(page).perform("answer", "感谢来信，已经处理完毕。")


def accept_report(page: Page) -> None:
    ReportPage(page).perform("accept", "已受理。")


def confirm_announcement(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_test_id("confirm").click()


def accept_meeting(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_test_id("respond").get_by_test_id("accept").click()


#: person → (the kind of task they do, the item's kind in notifications, how it is done)
TASKS: dict[str, tuple[str, str, Callable[[Page], None]]] = {
    "gmo": ("letter_accept", "letter", accept_letter),
    "gm": ("letter_answer", "letter", answer_letter),
    "hr1": ("report_triage", "report", accept_report),
    "sales_lead": ("announcement_confirm", "announcement", confirm_announcement),
    "sales1": ("meeting_answer", "meeting", accept_meeting),
}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("username", list(TASKS))
def test_a_task_done_leaves_the_workbench_and_its_notification_is_done(
        browser, hub_url, username, viewport):
    kind, item_kind, do_it = TASKS[username]
    context = browser.new_context(base_url=hub_url, locale=BROWSER_LOCALE,
                                  viewport=VIEWPORTS[viewport])
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        LoginPage(page).open().sign_in(username, PASSWORD)
        workbench = Workbench(page).open()
        expect(page.get_by_test_id("workbench")).to_be_visible()
        expect(workbench.items.first).to_be_visible()
        total = int(workbench.header_count.text_content())
        waiting = workbench.keys(kind)
        asked = unread_items(page)
        # a task whose notification is still unread (an anonymous filing has only a digest)
        key = next(k for k in waiting if f"{item_kind}:{k.split(':')[1]}" in asked)
        item_key = f"{item_kind}:{key.split(':')[1]}"

        workbench.open()
        link = workbench.item(key).get_by_test_id("todo-open")
        box = link.bounding_box()
        assert box and box["x"] + box["width"] <= VIEWPORTS[viewport]["width"], box
        link.click()
        page.wait_for_load_state()
        do_it(page)
        expect(page.locator(".alert-danger")).to_have_count(0)

        workbench.open()
        expect(workbench.item(key)).to_have_count(0)
        # the header counts what the workbench lists from stored tasks: one fewer, unless
        # the step made a new task of the item (an accepted letter waits to be assigned)
        follow_up = len([k for k in workbench.keys(kind.split("_")[0])
                         if k.split(":")[1] == key.split(":")[1]])
        if total - 1 + follow_up:
            expect(workbench.header_count).to_have_text(str(total - 1 + follow_up))
        else:
            expect(workbench.header_count).to_have_count(0)
        page.goto("/notifications/?state=done")
        group = page.locator(f'[data-testid="notification-group"][data-item="{item_key}"]')
        expect(group.get_by_test_id("notification-done").first).to_be_visible()
        assert item_key not in unread_items(page)
    finally:
        context.close()
