"""Announcements in a real Chromium: the head of 市场部 publishes to the department, an
employee of a sub-department sees the banner and confirms, and the head's confirmation list
changes accordingly."""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import LoginPage

pytestmark = pytest.mark.browser

PASSWORD = "hub-demo"
SLOW_MS = 30_000


class AnnouncementPages:
    """The 公告 pages: publishing, the feed, one announcement, the confirmation list."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.banner = page.get_by_test_id("announcement-banner")
        self.badge = page.get_by_test_id("unconfirmed-count")
        self.title = page.get_by_test_id("announcement-title")
        self.confirm_button = page.get_by_test_id("confirm")
        self.confirmed_at = page.get_by_test_id("confirmed-at")
        self.summary = page.get_by_test_id("summary")

    def open_new(self) -> AnnouncementPages:
        self.page.goto("/announcements/new")
        return self

    def publish(self, title: str, body: str, kind: str, departments: list[str],
                confirm: bool = True) -> None:
        form = self.page.get_by_test_id("publish-form")
        form.locator("#title").fill(title)
        form.locator("#kind").select_option(label=kind)
        form.locator("#body").fill(body)
        form.locator("#departments").select_option(label=departments)
        if confirm:
            form.locator("#requires_confirmation").check()
        self.page.get_by_test_id("publish").click()
        self.page.wait_for_url(re.compile(r"/announcements/\d+$"))

    def open_from_feed(self, title: str) -> AnnouncementPages:
        self.page.get_by_test_id("nav-announcements").click()
        self.page.get_by_test_id("feed-item").filter(has_text=title).click()
        return self

    def confirm(self) -> None:
        self.confirm_button.click()
        self.page.wait_for_load_state()

    def open_confirmations(self) -> AnnouncementPages:
        self.page.get_by_test_id("open-confirmations").click()
        self.page.wait_for_url(re.compile(r"/confirmations$"))
        return self

    def person(self, username: str):
        return self.page.locator(f"[data-testid=person][data-username='{username}']")


def signed_in(new_context, username: str) -> Page:
    page = new_context().new_page()
    page.set_default_timeout(SLOW_MS)
    LoginPage(page).open().sign_in(username, PASSWORD)
    return page


def test_a_head_publishes_an_employee_confirms_the_head_sees_it(new_context):
    title = f"市场部周例会纪要 {uuid.uuid4().hex[:8]}"
    head_page = signed_in(new_context, "sales_head")
    head = AnnouncementPages(head_page).open_new()
    head.publish(title, "本周起，每周一 9:00 召开**销售例会**，请准时参加。", "计划", ["市场部"])
    expect(head.title).to_have_text(title)
    head.open_confirmations()
    expect(head.person("sales1")).to_have_attribute("data-state", "pending")
    expect(head.person("sales2")).to_have_attribute("data-state", "pending")
    expect(head.person("prod1")).to_have_count(0)

    employee_page = signed_in(new_context, "sales1")
    employee = AnnouncementPages(employee_page)
    expect(employee.banner).to_be_visible()
    expect(employee.badge).to_be_visible()
    employee.open_from_feed(title)
    expect(employee.title).to_have_text(title)
    employee.confirm()
    expect(employee.confirmed_at).to_contain_text("已阅读并遵守")
    employee_page.goto("/")
    expect(employee.banner).to_have_count(0)

    head_page.reload()
    expect(head.person("sales1")).to_have_attribute("data-state", "confirmed")
    expect(head.person("sales2")).to_have_attribute("data-state", "pending")
    expect(head.summary).to_contain_text("已确认 1 / 7 人")  # the publisher is not asked

    outsider_page = signed_in(new_context, "prod1")
    outsider_page.goto("/announcements/")
    expect(outsider_page.get_by_test_id("feed-item").filter(has_text=title)).to_have_count(0)
