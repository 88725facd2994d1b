"""Talks in a real Chromium: sales_lead proposes a 上下级 talk in a free slot of the next
window, sales1 accepts it and gets the calendar file, sales2 cannot open it; sales_lead logs
the talk (a time in the future is refused first), sales1 reads it without the private note
and confirms it; the compliance page of sales_head's line counts one more talk held."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import Locator, Page, expect

from tests.browser.pages import LoginPage

pytestmark = pytest.mark.browser

PASSWORD = "hub-demo"
SLOW_MS = 30_000
COMPANY = ZoneInfo("Asia/Shanghai")


def signed_in(new_context, username: str) -> Page:
    page = new_context().new_page()
    page.set_default_timeout(SLOW_MS)
    LoginPage(page).open().sign_in(username, PASSWORD)
    return page


def local_input(moment: datetime) -> str:
    return moment.astimezone(COMPANY).strftime("%Y-%m-%dT%H:%M")


class TalkPages:
    """The 沟通 pages as a person uses them."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.status = page.get_by_test_id("meeting-status")
        self.form_error = page.locator(".invalid-feedback, [data-testid=form-error]")

    def open_index(self) -> TalkPages:
        self.page.get_by_test_id("nav-talks").click()
        expect(self.page).to_have_url(re.compile(r"/talks/$"))
        return self

    def propose(self, kind: str, person: str, location: str) -> None:
        """Look up both sides' free times, take the first slot, send the invitation."""
        self.page.goto("/talks/meetings/new")
        self.page.locator("#kind").select_option(label=kind)
        self.page.locator("#with_user").select_option(label=person)
        self.page.get_by_test_id("find-slots").click()
        slot = self.page.get_by_test_id("slot").first
        expect(slot).to_be_visible()
        slot.click()
        expect(self.page.locator("#start")).not_to_have_value("")
        self.page.locator("#location").fill(location)
        self.page.get_by_test_id("propose").click()
        expect(self.page).to_have_url(re.compile(r"/talks/meetings/\d+$"))

    def answer(self, button: str) -> None:
        self.page.get_by_test_id(button).click()

    def fill_talk(self, held_at: datetime, topics: str, item: str, note: str) -> None:
        self.page.locator("#held_at").fill(local_input(held_at))
        self.page.locator("#topics").fill(topics)
        self.page.locator("#items-0-text").fill(item)
        self.page.locator("#private_note").fill(note)
        self.page.get_by_test_id("save-talk").click()


def held_count(page: Page, manager: str) -> int:
    """The talks held this month that the compliance page counts for ``manager``."""
    page.goto("/talks/compliance")
    cell: Locator = page.locator(f"tr[data-manager={manager}] [data-testid=month-held]")
    expect(cell).to_be_visible()
    return int(re.match(r"\d+", cell.inner_text().strip()).group())


def test_propose_accept_log_and_compliance(new_context):
    head = signed_in(new_context, "sales_head")
    held_before = held_count(head, "sales_lead")

    lead = signed_in(new_context, "sales_lead")
    talks = TalkPages(lead)
    talks.open_index()
    place = f"小会议室 {uuid.uuid4().hex[:6]}"
    talks.propose("上下级沟通", "何磊（销售专员）", place)
    expect(talks.status).to_have_text("待确认")
    meeting_url = lead.url

    sales1 = signed_in(new_context, "sales1")
    invitee = TalkPages(sales1).open_index()
    sales1.get_by_test_id("awaiting").get_by_role("link").filter(has_text="冯涛").first.click()
    expect(sales1).to_have_url(meeting_url)
    invitee.answer("accept")
    expect(invitee.status).to_have_text("已接受")
    ics = sales1.request.get(meeting_url + ".ics")
    assert ics.ok and ics.headers["content-type"].startswith("text/calendar")
    event = Calendar.from_ical(ics.body()).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == place and str(event["STATUS"]) == "CONFIRMED"
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"

    # Somebody who was not invited: as if the meeting did not exist.
    sales2 = signed_in(new_context, "sales2")
    assert sales2.goto(meeting_url).status == 404
    assert sales2.request.get(meeting_url + ".ics").status == 404

    lead.reload()
    expect(talks.status).to_have_text("已接受")
    lead.get_by_test_id("log-this").click()
    expect(lead.locator("#with_user")).to_have_value(re.compile(r"\d+"))
    topics, note = "本月客户拜访计划和报价问题", f"私人备注 {uuid.uuid4().hex[:6]}"
    talks.fill_talk(datetime.now(COMPANY) + timedelta(days=2), topics, "整理客户名单", note)
    expect(lead.get_by_text("沟通时间不能在将来")).to_be_visible()
    talks.fill_talk(datetime.now(COMPANY) - timedelta(minutes=5), topics, "整理客户名单", note)
    expect(lead).to_have_url(re.compile(r"/talks/logs/\d+$"))
    expect(lead.get_by_test_id("talk-number")).to_have_text(re.compile(r"GT-\d{4}-\d{6}"))
    expect(lead.get_by_test_id("private-note")).to_contain_text(note)
    talk_url = lead.url

    sales1.goto(talk_url)
    expect(sales1.get_by_test_id("topics")).to_have_text(topics)
    expect(sales1.get_by_test_id("action-item")).to_contain_text("整理客户名单")
    expect(sales1.get_by_test_id("private-note")).to_have_count(0)
    expect(sales1.locator("main")).not_to_contain_text(note)
    sales1.locator("#comment").fill("名单周五前给您。")
    sales1.get_by_test_id("acknowledge-button").click()
    expect(sales1.get_by_test_id("ack")).to_contain_text("已确认")

    head.goto(talk_url)  # the manager up the line reads the shared part, not the note
    expect(head.get_by_test_id("comment")).to_have_text("名单周五前给您。")
    expect(head.locator("main")).not_to_contain_text(note)
    assert held_count(head, "sales_lead") == held_before + 1
