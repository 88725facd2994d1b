"""Opening what is owed, filing once per period, and the lapses the accountability register
gets (信息反馈制度 二 and 四)."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from hub.common.time import company_tz, utcnow
from hub.extensions import db
from hub.feedback.lapses import feedback_lapses
from hub.feedback.models import FeedbackReport
from hub.feedback.periods import Period
from hub.feedback.services import FeedbackError, file_report, open_due_reports, save_obligation
from tests.feedback.conftest import backdate_people
from tests.support.factories import company_today, create_user


def noon(day) -> datetime:
    """Company-local noon of ``day`` as the naive UTC the hub stores."""
    local = datetime.combine(day, time(12), tzinfo=company_tz())
    return local.astimezone(UTC).replace(tzinfo=None)


def rows(**where) -> list[FeedbackReport]:
    stmt = select(FeedbackReport)
    for key, value in where.items():
        stmt = stmt.where(getattr(FeedbackReport, key) == value)
    return list(db.session.scalars(stmt))


def test_the_worker_opens_each_owed_report_once_for_whoever_owes_it(company, obligations):
    """"营销人员……如实填写相应表格，按要求送交市场部。市场部在一周内将信息分析汇总，上报主管副总
    经理" — every rep of 市场部 (sub-groups included) owes each period's report to the head of
    市场部, who owes the summary, which goes to his manager; 客服部's head owes the monthly
    客户沟通总结 to his manager."""
    backdate_people(company.head, company.lead, company.rep1, company.rep2, company.cs_head,
                    company.cs1)
    now = noon(company_today())
    opened = open_due_reports(now)
    db.session.commit()
    assert opened > 0 and open_due_reports(now) == 0  # idempotent
    weekly = obligations["sales_weekly"]
    last_week = Period.of("weekly", company_today()).previous
    owed = rows(obligation_id=weekly.id, period=last_week.key)
    reports = {r.person_id: r for r in owed if r.role == "report"}
    assert set(reports) == {company.lead.id, company.rep1.id, company.rep2.id}
    assert {r.recipient_id for r in reports.values()} == {company.head.id}
    [summary] = [r for r in owed if r.role == "summary"]
    assert (summary.person_id, summary.recipient_id) == (company.head.id, company.gm.id)
    assert summary.due_on == reports[company.rep1.id].due_on + timedelta(days=7)
    service = rows(obligation_id=obligations["customer_service_monthly"].id)
    assert {(r.person_id, r.recipient_id) for r in service} <= {(company.cs_head.id,
                                                                  company.gm.id)}
    assert not rows(person_id=company.cs1.id) and not rows(person_id=company.other.id)


def test_somebody_who_joins_owes_only_the_windows_that_open_after(company, obligations):
    """A rep who joined today owes no earlier period (the window opened before he was
    there); the others owe them."""
    backdate_people(company.rep1)
    newcomer = create_user("sales9", department=company.sales, manager=company.head)
    open_due_reports(noon(company_today()))
    db.session.commit()
    assert rows(person_id=company.rep1.id)
    last_week = Period.of("weekly", company_today()).previous
    assert not [r for r in rows(person_id=newcomer.id) if r.period == last_week.key]


def test_a_report_is_filed_once_per_period(company, obligations):
    """"按要求送交市场部" — one report per person and period: a second one is refused (409),
    and the first stays as it was."""
    backdate_people(company.rep1)
    period = Period.of("weekly", company_today()).previous.key
    first = file_report(company.rep1, kind="sales_weekly", period=period, body="本周拜访 8 家。")
    db.session.commit()
    assert first.filed_at is not None and first.role == "report"
    with pytest.raises(FeedbackError) as refused:
        file_report(company.rep1, kind="sales_weekly", period=period, body="再交一次")
    assert refused.value.status == 409
    db.session.rollback()
    assert db.session.get(FeedbackReport, first.id).body == "本周拜访 8 家。"
    assert db.session.scalar(select(func.count()).select_from(FeedbackReport).where(
        FeedbackReport.person_id == company.rep1.id, FeedbackReport.period == period)) == 1


def test_what_cannot_be_filed_is_refused_with_a_reason(company, obligations):
    """A period whose window has not opened, a report one does not owe, a period of the
    wrong kind or an empty text: a 400 naming the field, nothing stored."""
    backdate_people(company.rep1, company.other)
    later = Period.of("monthly", company_today()).next.next.key
    cases = [
        (company.rep1, "sales_monthly", later, "内容", "period"),
        (company.other, "sales_monthly", Period.of("monthly", company_today()).previous.key,
         "内容", "kind"),
        (company.rep1, "sales_weekly", "2026-12", "内容", "period"),
        (company.rep1, "no_such_report", "2026-12", "内容", "kind"),
        (company.rep1, "sales_weekly", Period.of("weekly", company_today()).previous.key,
         "   ", "body"),
    ]
    for person, kind, period, body, field in cases:
        with pytest.raises(FeedbackError) as refused:
            file_report(person, kind=kind, period=period, body=body)
        assert refused.value.status == 400 and field in refused.value.fields, (kind, period)
        db.session.rollback()
    assert all(r.filed_at is None for r in rows())  # nothing was filed


def test_reports_not_filed_by_their_due_day_are_lapses(company, obligations):
    """"凡对信息沟通工作不重视、弄虚作假、敷衍塞责的，对市场和客户反映的问题不及时上报……要通报
    批评，追究责任" — a report still missing after its due day is a lapse of the person who
    owes it; a filed one, one still within its time and one of somebody who has left are
    not."""
    backdate_people(company.rep1, company.rep2, company.lead)
    now = noon(company_today())
    open_due_reports(now)
    last_week = Period.of("weekly", company_today()).previous
    file_report(company.rep2, kind="sales_weekly", period=last_week.key, body="已交", now=now)
    db.session.commit()
    later = noon(company_today() + timedelta(days=8))  # last week's reports are due by then
    lapses = [lapse for lapse in feedback_lapses(db.session, later)]
    weekly = {(lapse.person_id, lapse.source_id) for lapse in lapses
              if db.session.get(FeedbackReport, lapse.source_id).period == last_week.key}
    rep1_row = next(r for r in rows(person_id=company.rep1.id) if r.period == last_week.key)
    assert (company.rep1.id, rep1_row.id) in weekly
    assert company.rep2.id not in {person for person, _row in weekly}
    for lapse in lapses:
        row = db.session.get(FeedbackReport, lapse.source_id)
        assert (lapse.kind, lapse.source_kind, lapse.number) == \
            ("feedback_overdue", "feedback", None)
        assert row.filed_at is None and lapse.since < later
    assert not [lapse for lapse in feedback_lapses(db.session, noon(rep1_row.due_on))
                if lapse.source_id == rep1_row.id]  # on its due day it is not late yet
    company.rep1.active = False
    db.session.commit()
    assert company.rep1.id not in {lapse.person_id for lapse in feedback_lapses(db.session, later)}


def test_an_obligation_switched_off_is_owed_no_more(company, obligations):
    """HR switches an obligation off: what was not due yet goes from the lists; what was
    already overdue stays for the register."""
    backdate_people(company.rep1, company.rep2, company.lead)
    open_due_reports(utcnow())
    db.session.commit()
    weekly = obligations["sales_weekly"]
    before = rows(obligation_id=weekly.id, filed_at=None)
    today = company_today()
    save_obligation(weekly, company.hr, **_values_of(weekly), active=False)
    db.session.commit()
    after = rows(obligation_id=weekly.id, filed_at=None)
    assert {r.id for r in after} == {r.id for r in before if r.due_on < today}
    assert open_due_reports(utcnow()) == 0
    with pytest.raises(FeedbackError) as refused:
        save_obligation(weekly, company.rep1, **_values_of(weekly))
    assert refused.value.status == 404


def _values_of(obligation) -> dict:
    return {key: getattr(obligation, key) for key in (
        "name", "clause", "department", "filers", "frequency", "anchor_month", "window_days",
        "due_days", "recipient", "summary_days", "summary_to")}


def test_the_register_opens_an_entry_for_a_missed_report(company, obligations):
    """"对市场和客户反映的问题不及时上报……追究责任" — the accountability register's job turns
    a missed report into one open entry against the person who owed it, and only one."""
    from hub.accountability.models import AccountabilityEntry
    from hub.accountability.services import open_entries

    backdate_people(company.rep1, company.rep2, company.lead)
    open_due_reports(noon(company_today()))
    db.session.commit()
    later = noon(company_today() + timedelta(days=8))
    open_entries(later, tell=False)
    open_entries(later, tell=False)
    db.session.commit()
    entries = list(db.session.scalars(select(AccountabilityEntry).where(
        AccountabilityEntry.source_kind == "feedback")))
    missed = {r.id for r in rows(filed_at=None) if r.due_on < company_today() + timedelta(days=8)}
    assert {e.source_id for e in entries} == missed and len(entries) == len(missed)
    assert {e.kind for e in entries} == {"feedback_overdue"}
    assert {e.person_id for e in entries} >= {company.rep1.id, company.rep2.id}
    # the register names the report, its period and its due day, not just "a feedback report"
    from hub.accountability.access import describe
    entry = next(e for e in entries if e.person_id == company.rep1.id)
    row = db.session.get(FeedbackReport, entry.source_id)
    words = describe(entry, number_shown=False)
    assert row.obligation.name in words and Period.parse(row.period).label in words
    assert row.due_on.isoformat() in words
