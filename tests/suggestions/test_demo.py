"""The demo reports: every kind and state over three months, made through the inbox's
services with dated steps (``at=``), anonymous ones without a trace, sales_lead shown
nothing that names them, and no mail to anybody."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import func, select

from hub.common.time import utcnow
from hub.common.workdays import due_after_working_days, local_date
from hub.extensions import db
from hub.notifications.models import OutboxMail
from hub.suggestions import services as sv
from hub.suggestions.demo import REPORTS, create_demo_reports
from hub.suggestions.models import (
    KINDS,
    STATUSES,
    Rectification,
    Report,
    ReportAudit,
    ReportEvent,
)

RECEIPT_CODE = re.compile(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}")


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def all_reports() -> list[Report]:
    return list(db.session.scalars(select(Report).order_by(Report.filed_on, Report.id)))


def test_every_kind_and_state_that_matters_is_there(app, demo):
    create_demo_reports(demo)
    db.session.commit()
    reports = all_reports()
    assert len(reports) == len(REPORTS)
    assert {r.kind for r in reports} == set(KINDS)
    assert {r.status for r in reports} == set(STATUSES)
    assert {r.unit.code for r in reports} == {"hr", "safety", "customer_service"}
    assert all(r.unit.code == "safety" for r in reports if r.kind == "safety")
    whistle = [r for r in reports if r.kind == "whistleblowing"]
    assert sum(r.anonymous for r in whistle) >= 3
    assert len({r.status for r in whistle if r.anonymous}) >= 3
    # Rewards, a department head's comment, replies and both kinds of filer messages.
    rewarded = [r for r in reports if r.reward_amount]
    assert len(rewarded) >= 3 and all(r.kind == "suggestion" for r in rewarded)
    assert sv.reward_list(demo["hr_head"], rewarded[-1].year)
    assert any(r.status == "declined" for r in reports if r.kind == "suggestion")
    assert count(ReportEvent, ReportEvent.action == "comment") >= 1
    assert count(ReportEvent, ReportEvent.action == "reply") >= 2
    messages = list(db.session.scalars(select(ReportEvent)
                                       .where(ReportEvent.action == "message")))
    assert {m.actor_id is None for m in messages} == {True, False}
    # Rectifications: one done, one overdue and escalated, one still in time.
    now = utcnow()
    rects = list(db.session.scalars(select(Rectification)))
    assert any(r.status == "done" for r in rects)
    assert any(r.status == "requested" and r.due_at < now and r.escalated for r in rects)
    assert any(r.status == "requested" and r.due_at > now for r in rects)
    assert any(sv.overdue_reasons(r, now) for r in reports)


def test_sales_lead_sees_no_report_that_names_them(app, demo):
    create_demo_reports(demo)
    db.session.commit()
    naming = [r for r in all_reports() if demo["sales_lead"].id in {n.user_id for n in r.named}]
    assert naming and all(r.anonymous for r in naming)
    for username in ("sales_lead", "sales_head", "gm"):
        visible = set(sv.visible_report_ids(demo[username]))
        assert not visible & {r.id for r in naming}, username
        assert not any(sv.can_view_report(demo[username], r) for r in naming)
    assert all(sv.can_view_report(demo["hr1"], r) for r in naming)


def test_demo_history_is_real_history(app, demo):
    create_demo_reports(demo)
    db.session.commit()
    now = utcnow()
    reports = all_reports()
    numbers = [(r.year, r.seq) for r in reports if r.kind == "suggestion"]
    assert numbers == sorted(numbers)  # numbers follow the filing dates
    today = local_date(now)
    assert min(r.filed_on for r in reports) >= today - timedelta(days=92)
    assert min(r.filed_on for r in reports) <= today - timedelta(days=60)
    for report in reports:
        events = report.events
        assert events[0].action == "submit" and events[0].at == report.filed_at
        assert all(e.at <= now for e in events)
        assert [e.at for e in events] == sorted(e.at for e in events), report.subject
        changes = [e.to_status for e in events if e.to_status]
        assert changes[-1] == report.status, report.subject
        if report.anonymous:
            assert report.author_id is None and report.author_department_id is None
            assert all(e.actor_id is None for e in events
                       if e.action in ("submit", "message"))
    # The audit log agrees with the history: every change is dated like its step.
    changes = db.session.scalars(select(ReportAudit).where(ReportAudit.action == "change"))
    steps = {(e.report_id, e.at) for e in db.session.scalars(select(ReportEvent))}
    assert all((row.report_id, row.at) in steps for row in changes)
    assert count(ReportEvent, ReportEvent.action == "escalate") > 0
    assert sv.announce_anonymous_reports() == 0


def test_every_demo_step_lies_in_the_past():
    for spec in REPORTS:
        assert all(step.day < spec.days_ago for step in spec.steps), spec.subject


def test_lifecycle_steps_can_be_dated_in_the_past(app, demo):
    """``at=`` dates the step, the audit row and the report's stamps alike; deadlines
    count from the step's day (a rectification due before today is possible then)."""
    filed_at = utcnow() - timedelta(days=30)
    report = sv.file_report(demo["prod1"], kind="complaint", subject="更衣室热水器坏了",
                            body="一个多月了。", anonymous=False, now=filed_at).report
    at = filed_at + timedelta(days=1)
    sv.accept(report, demo["hr1"], at=at)
    sv.set_urgency(report, demo["hr1"], "urgent", at=at)
    rect = sv.request_rectification(report, demo["hr1"], department=demo["prod1"].department,
                                    due_date=local_date(at) + timedelta(days=3), text="请修复",
                                    at=at)
    event = sv.reply(report, demo["hr1"], "已请生产部修复。", at=at)
    sv.answer(report, demo["hr1"], "已修复。", at=at + timedelta(days=5))
    db.session.commit()
    assert report.accepted_at == at and report.answered_at == at + timedelta(days=5)
    assert report.handle_due_at == due_after_working_days(at, 1)  # 特急: 1 working day
    assert rect.requested_at == at and rect.due_at < utcnow()
    assert event.at == at
    assert {row.at for row in db.session.scalars(select(ReportAudit))} == {
        at, at + timedelta(days=5)}
    anonymous = sv.file_report(demo["prod1"], kind="complaint", subject="匿名",
                               body="内容").report
    message = sv.add_filer_message(anonymous, "补充", at=datetime(2026, 3, 9, 13, 45))
    assert (message.at.hour, message.at.minute) == (16, 0)  # 2026-03-09 00:00 +08:00
    assert message.at.date() == datetime(2026, 3, 8).date()


def test_the_demo_company_has_the_reports_and_sends_no_mail(app):
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert count(Report) == len(REPORTS)
    assert count(OutboxMail) == 0
    assert not RECEIPT_CODE.search(result.output)
