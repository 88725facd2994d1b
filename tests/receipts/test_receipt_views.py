"""The receipt pages render the access modules' views for an anonymous filer (issue 12), and
a message from the handlers is never read as the answer, nor "尚未答复" as silence
(issue 14, problem 7)."""
from __future__ import annotations

from hub.extensions import db
from hub.mailbox import services as mb
from hub.mailbox.access import RECEIPT_FIELDS as LETTER_RECEIPT_FIELDS
from hub.mailbox.access import letter_receipt_view
from hub.suggestions import services as sv
from hub.suggestions.access import RECEIPT_FIELDS as REPORT_RECEIPT_FIELDS
from hub.suggestions.access import report_receipt_view
from tests.conftest import csrf_token
from tests.support.parity import page_fields


def lookup(client, code: str) -> str:
    response = client.post("/receipt/", data={"csrf_token": csrf_token(client, "/receipt/"),
                                              "code": code})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_anonymous_reports_receipt_shows_the_message_thread_and_a_clear_status(
        app, client, demo):
    filed = sv.file_report(demo["sales1"], kind="complaint", subject="食堂服务态度差",
                           body="多次被呵斥。", urgent=True)
    report = filed.report
    sv.accept(report, demo["hr1"])
    sv.reply(report, demo["hr1"], "请问是哪个窗口？")
    db.session.commit()

    html = lookup(client, filed.receipt_code)
    assert 'data-testid="messages"' in html and "请问是哪个窗口？" in html
    progress = html[html.index('data-testid="progress-text"'):]
    progress = progress[:progress.index("</p>")]
    assert "尚未作出正式答复" in progress and "留言 1 条" in progress
    assert "尚未答复。" not in html  # the old wording next to the message
    assert "刘芳" not in html  # the unit answers, never a person

    # every field the page shows is one the filer's view holds
    view = report_receipt_view(report)
    assert page_fields(html) <= REPORT_RECEIPT_FIELDS
    assert {"number", "status", "subject", "unit", "history", "messages"} <= page_fields(html)
    assert view.may("message") and view.handler is None and view.named is None


def test_an_anonymous_letters_receipt_renders_the_writers_view(app, client, demo):
    filed = mb.file_letter(demo["sales1"], subject="加班费", body="三月未发。",
                           category="complaint", anonymous=True, urgent=True)
    letter = filed.letter
    mb.accept(letter, demo["gmo"])
    mb.reply(letter, demo["gmo"], "已转财务核对。")
    db.session.commit()

    html = lookup(client, filed.receipt_code)
    assert page_fields(html) <= LETTER_RECEIPT_FIELDS
    assert {"number", "status", "subject", "history"} <= page_fields(html)
    assert "尚未正式答复。总经办给您的留言见下方处理记录" in html
    view = letter_receipt_view(letter)
    assert view.author is None and view.department is None and view.due_at is None
    assert view.allowed_actions == ["message"]  # no verdict before an answer
