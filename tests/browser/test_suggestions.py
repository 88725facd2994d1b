"""Suggestions, complaints and whistle-blowing in a real Chromium: an anonymous report
travels from its filer to HR and back by receipt code, without the filer ever signing in
again, and stays out of sight of the people it does not concern."""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.pages import LoginPage, ReportPage, ReportReceiptPage, SuggestionPages

pytestmark = pytest.mark.browser

PASSWORD = "hub-demo"
#: The machine running these tests is busy: let every expectation wait long enough.
SLOW_MS = 30_000


def signed_in(new_context, username: str):
    """A page in a fresh browser context, signed in as ``username``."""
    page = new_context().new_page()
    page.set_default_timeout(SLOW_MS)
    LoginPage(page).open().sign_in(username, PASSWORD)
    return page


def marker() -> str:
    """A unique word for a subject, so that a report is found among the demo reports."""
    return uuid.uuid4().hex[:8]


def file_anonymous_whistleblowing(new_context, subject: str) -> tuple[str, str]:
    """sales1 files an anonymous 举报; returns the receipt code and the report number
    shown once on the result page."""
    filer = signed_in(new_context, "sales1")
    pages = SuggestionPages(filer).open_new()
    pages.file("whistleblowing", subject, "有人在报销时虚开发票，金额较大。")
    expect(pages.receipt_code).to_be_visible(timeout=SLOW_MS)
    code = pages.receipt_code.inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4})+", code), code
    return code, pages.report_number.inner_text().strip()


def open_from_queue(page, subject: str) -> ReportPage:
    """HR's way to a report: the queue (事项处理), then the report's row."""
    queue = SuggestionPages(page).open_queue()
    return queue.open_report(subject)


def test_an_anonymous_report_is_triaged_by_hr_and_followed_by_receipt_code(new_context):
    subject = f"报销发票造假 {marker()}"
    code, number = file_anonymous_whistleblowing(new_context, subject)

    hr = signed_in(new_context, "hr1")
    report = open_from_queue(hr, subject)
    expect(report.subject).to_have_text(subject)
    expect(report.number).to_have_text(number)
    expect(report.status).to_have_text("已提交")
    report = report.perform("accept")
    expect(report.status).to_have_text("已受理", timeout=SLOW_MS)
    reply = "已收到，请补充发生的时间和涉及的部门。"
    report = report.perform("reply", reply)
    expect(report.event("reply")).to_contain_text(reply, timeout=SLOW_MS)

    stranger = new_context().new_page()
    stranger.set_default_timeout(SLOW_MS)
    receipt = ReportReceiptPage(stranger).open()
    expect(stranger).to_have_url(re.compile(r"/receipt/$"))
    receipt.look_up(code)
    expect(receipt.subject).to_have_text(subject)
    expect(receipt.status).to_have_text("已受理")
    expect(receipt.event("reply")).to_contain_text(reply)

    follow_up = "补充：上个月的差旅报销，销售部。"
    receipt.send(follow_up)
    expect(receipt.sent).to_be_visible()
    expect(receipt.event("message")).to_contain_text(follow_up)

    hr.reload()
    report = ReportPage(hr)
    expect(report.event("message")).to_contain_text(follow_up, timeout=SLOW_MS)


def test_a_report_is_out_of_sight_of_the_filers_team_lead(new_context):
    subject = f"销售回扣 {marker()}"
    file_anonymous_whistleblowing(new_context, subject)

    hr = signed_in(new_context, "hr1")
    report = open_from_queue(hr, subject)
    expect(report.subject).to_have_text(subject)
    report_url = hr.url

    lead = signed_in(new_context, "sales_lead")
    queue = SuggestionPages(lead).open_queue()
    expect(lead.locator("main")).not_to_contain_text(subject)
    expect(queue.row(subject)).to_have_count(0)
    response = lead.goto(report_url)
    assert response is not None and response.status == 404
    expect(lead.locator("main h1")).to_have_text("页面不存在")
    expect(lead.locator("main")).not_to_contain_text(subject)
