"""The GM mailbox in a real Chromium: a named letter travels from its writer through the GM
office and the production department back to its writer, and an anonymous letter is followed
by its receipt code without signing in."""
from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.pages import LetterPage, LoginPage, MailboxPages, ReceiptPage

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
    """A unique word for a subject, so that a letter is found among the demo letters."""
    return uuid.uuid4().hex[:8]


def open_from_office(page, subject: str) -> LetterPage:
    """The GM office's way to a letter: its inbox tab, then the letter's row."""
    mailbox = MailboxPages(page)
    page.goto(MailboxPages.inbox_path)
    mailbox.open_tab("来信处理")
    expect(page).to_have_url(re.compile(r"/mailbox/office"))
    return mailbox.open_letter(subject)


def test_a_named_letter_is_handled_by_the_office_and_the_department_and_answered(new_context):
    subject = f"建议增加夜班班车 {marker()}"
    writer = signed_in(new_context, "sales1")
    mailbox = MailboxPages(writer).open_write()
    mailbox.write(subject, "晚上九点以后没有公交车，希望公司安排班车。", "建议")
    letter = LetterPage(writer)
    expect(letter.subject).to_have_text(subject, timeout=SLOW_MS)
    mailbox.open_tab("我的来信")
    expect(mailbox.row(subject).get_by_test_id("status")).to_have_text("已提交", timeout=SLOW_MS)

    office = signed_in(new_context, "gmo")
    letter = open_from_office(office, subject)
    expect(letter.status).to_have_text("已提交")
    letter = letter.perform("accept", "已收到，转生产部研究。")
    expect(letter.status).to_have_text("已受理", timeout=SLOW_MS)
    due = (date.today() + timedelta(days=7)).isoformat()
    letter = letter.perform("assign", "请一周内给出方案。", department="生产部", due_date=due)
    expect(letter.status).to_have_text("督办中", timeout=SLOW_MS)
    expect(letter.department).to_contain_text("生产部")

    head = signed_in(new_context, "prod_head")
    desk = MailboxPages(head)
    head.goto(MailboxPages.inbox_path)
    desk.open_tab("督办")
    expect(head).to_have_url(re.compile(r"/mailbox/assigned"))
    handled = desk.open_letter(subject)
    expect(handled.status).to_have_text("督办中")
    result = "已与车队商定：每晚 21:30 加开一班班车。"
    handled = handled.perform("resolve", result)
    expect(handled.status).to_have_text("已解决", timeout=SLOW_MS)

    office.reload()
    letter = LetterPage(office)
    expect(letter.status).to_have_text("已解决", timeout=SLOW_MS)
    expect(letter.event("resolve")).to_contain_text(result)
    answer = "自下周一起每晚 21:30 加开班车，感谢您的建议。"
    letter = letter.perform("answer", answer)
    expect(letter.status).to_have_text("已答复", timeout=SLOW_MS)

    mailbox.open_tab("我的来信")
    expect(mailbox.row(subject).get_by_test_id("status")).to_have_text("已答复", timeout=SLOW_MS)
    read = mailbox.open_letter(subject)
    expect(read.answer).to_contain_text(answer)
    for action, label in (("submit", "提交来信"), ("accept", "受理"), ("assign", "交办督办"),
                          ("answer", "答复")):
        expect(read.event(action)).to_contain_text(label)
    expect(read.event("assign")).to_contain_text("承办部门：生产部")
    expect(read.event("answer")).to_contain_text("已解决 → 已答复")
    # The department's own result is for the handlers: the writer reads the office's answer.
    expect(read.event("resolve")).to_have_count(0)
    expect(read.timeline).not_to_contain_text(result)


def test_an_anonymous_letter_is_followed_by_its_receipt_code_without_signing_in(new_context):
    subject = f"车间通风太差 {marker()}"
    writer = signed_in(new_context, "prod1")
    mailbox = MailboxPages(writer).open_write()
    mailbox.write(subject, "夏天车间里很闷，希望加装排风扇。", "重要问题", anonymous=True)
    code_shown = writer.get_by_test_id("receipt-code")
    expect(code_shown).to_be_visible(timeout=SLOW_MS)
    code = code_shown.inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4})+", code), code

    office = signed_in(new_context, "gmo")
    letter = open_from_office(office, subject)
    expect(letter.page.get_by_test_id("writer")).to_contain_text("匿名来信人")
    letter = letter.perform("accept")
    expect(letter.status).to_have_text("已受理", timeout=SLOW_MS)
    reply = "已收到，我们会安排设备科到车间查看。"
    letter = letter.perform("reply", reply)
    expect(letter.event("reply")).to_contain_text(reply, timeout=SLOW_MS)

    stranger = new_context().new_page()
    stranger.set_default_timeout(SLOW_MS)
    receipt = ReceiptPage(stranger).open()
    expect(stranger).to_have_url(re.compile(r"/receipt/$"))
    receipt.look_up(code)
    expect(receipt.subject).to_have_text(subject)
    expect(receipt.status).to_have_text("已受理")
    expect(receipt.event("reply")).to_contain_text(reply)

    follow_up = "补充：三号车间最严重。"
    receipt.send(follow_up)
    expect(receipt.sent).to_be_visible()
    expect(receipt.event("message")).to_contain_text(follow_up)

    receipt = ReceiptPage(stranger).open()
    receipt.look_up("ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    expect(receipt.not_found).to_contain_text("没有找到这个查询码")
