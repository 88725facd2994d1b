"""History entries the hub words itself are shown in the reader's language, whatever
language the actor used (issue 14, problem 8: "Set urgency 特急"); what people typed, and
rows written before the message key existed, show as stored."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale

from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.mailbox import services as mb
from hub.mailbox.models import LetterEvent
from hub.suggestions import services as sv
from hub.suggestions.models import ReportEvent


def english(client):
    with client.session_transaction() as session:
        session["lang"] = "en"


def timeline(html: str) -> str:
    return html[html.index('data-testid="timeline"'):]


def test_a_report_step_set_in_chinese_reads_in_english(app, demo, login, bearer):
    report = sv.file_report(demo["prod1"], kind="issue", subject="车间通风", body="通风不足。",
                            anonymous=False).report
    sv.accept(report, demo["hr1"])
    with force_locale("zh"):
        sv.set_urgency(report, demo["hr1"], "urgent")
    db.session.commit()
    event = db.session.scalars(db.select(ReportEvent).where(
        ReportEvent.action == "set_urgency")).one()
    assert event.text == "特急" and event.params == {"key": "urgency", "urgency": "urgent"}

    hr1 = app.test_client()
    login(hr1, demo["hr1"])
    demo["hr1"].locale = "en"
    db.session.commit()
    page = timeline(hr1.get(f"/suggestions/reports/{report.id}").get_data(as_text=True))
    assert "Set urgency" in page and "特急" not in page
    history = app.test_client().get(f"/api/v1/reports/{report.id}",
                                    headers=bearer(demo["hr1"])).get_json()["history"]
    assert [e["text"] for e in history if e["action"] == "set_urgency"] == ["Very urgent"]

    demo["hr1"].locale = "zh"
    db.session.commit()
    assert "特急" in timeline(hr1.get(f"/suggestions/reports/{report.id}").get_data(
        as_text=True))


def test_an_old_row_without_a_key_and_typed_text_show_as_stored(app, demo):
    report = sv.file_report(demo["prod1"], kind="issue", subject="车间通风", body="通风不足。",
                            anonymous=False).report
    old = ReportEvent(report=report, at=utcnow(), action="set_urgency", text="特急",
                      visibility="handlers")
    typed = ReportEvent(report=report, at=utcnow(), action="note", text="已联系车间主任",
                        visibility="handlers")
    unknown = ReportEvent(report=report, at=utcnow(), action="note", text="原文",
                          visibility="handlers", params={"key": "no-such-key"})
    db.session.add_all([old, typed, unknown])
    db.session.commit()
    with force_locale("en"):
        assert old.shown_text == "特急"
        assert typed.shown_text == "已联系车间主任"
        assert unknown.shown_text == "原文"


def test_the_mailbox_overdue_step_reads_in_the_readers_language(app, demo):
    filed = mb.file_letter(demo["sales1"], subject="食堂", body="太咸了。", category="suggestion")
    letter = filed.letter
    mb.accept(letter, demo["gmo"])
    mb.assign(letter, demo["gmo"], department=demo["prod_head"].department,
              due_date=local_date(utcnow()))
    db.session.commit()
    with force_locale("zh"):
        assert mb.escalate_overdue(letter.due_at + timedelta(minutes=1)) == 1
    db.session.commit()
    event = db.session.scalars(db.select(LetterEvent).where(
        LetterEvent.action == "escalate")).one()
    assert event.text == f"超期：督办来信 {letter.number} 已过办理期限"
    with force_locale("en"):
        shown = event.shown_text
    assert letter.number in shown and not any("\u4e00" <= ch <= "\u9fff" for ch in shown)
