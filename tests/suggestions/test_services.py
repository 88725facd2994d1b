"""The report inbox's rules: routing, conflicts of interest, anonymity, lifecycle, audit."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select

from hub.extensions import db
from hub.suggestions import services as sv
from hub.suggestions.models import Report, ReportAudit, ReportEvent
from tests.support.factories import company_today


def file(author, **kw):
    fields = {"kind": "whistleblowing", "subject": "销售主管虚报差旅费",
              "body": "华东销售组主管多次虚报差旅费。", "anonymous": True}
    fields.update(kw)
    filed = sv.file_report(author, **fields)
    db.session.commit()
    return filed


def viewers(demo, report):
    return {name for name, user in demo.items() if sv.can_view_report(user, report)}


def test_anonymous_report_naming_a_manager_is_hidden_from_the_whole_line(app, demo):
    filed = file(demo["sales1"], named_users=[demo["sales_lead"]])
    report = filed.report
    assert report.number.startswith("JB-")
    assert viewers(demo, report) == {"hr_head", "hr1", "hr2"}
    for name in ("sales_lead", "sales_head", "gm", "sales2", "sales1", "gmo"):
        assert sv.visible_report_ids(demo[name]) == [], name
    assert sv.visible_report_ids(demo["hr1"]) == [report.id]


def test_anonymous_report_stores_no_filer_and_no_clear_code(app, demo):
    filed = file(demo["sales1"], named_users=[demo["sales_lead"]])
    report = filed.report
    assert report.author_id is None and report.author_department_id is None
    assert filed.receipt_code not in (report.receipt_hash or "")
    for row in [report, *report.events]:
        for column in inspect(row).mapper.column_attrs:
            value = getattr(row, column.key)
            assert value != filed.receipt_code
            assert "何磊" not in str(value) and "sales1" not in str(value)
    assert all(e.actor_id is None for e in report.events)
    assert report.filed_at.minute == 0 and report.filed_at.second == 0
    assert sv.report_by_receipt(filed.receipt_code) == report


def test_no_notification_at_the_moment_of_an_anonymous_filing(app, demo):
    from hub.notifications.models import Notification
    file(demo["sales1"])
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    assert sv.announce_anonymous_reports() == 1
    db.session.commit()
    titles = db.session.scalars(select(Notification.title)
                                .where(Notification.user_id == demo["hr1"].id)).all()
    assert titles and "虚报" not in titles[0]  # the digest names numbers only


def test_messages_both_ways_through_the_receipt(app, demo):
    filed = file(demo["sales1"])
    report = filed.report
    sv.accept(report, demo["hr1"])
    sv.reply(report, demo["hr1"], "请问具体是哪几次出差？")
    db.session.commit()
    found = sv.report_by_receipt(filed.receipt_code)
    assert "请问具体是哪几次出差？" in [e.text for e in sv.visible_events(None, found)]
    sv.add_filer_message(found, "三月和五月的两次。")
    db.session.commit()
    assert "三月和五月的两次。" in [e.text for e in sv.visible_events(demo["hr1"], report)]
    message = [e for e in report.events if e.action == "message"][0]
    assert message.actor_id is None and message.at.minute == 0
    # Dated to the day only, the answer still follows the question.
    assert [e.action for e in sv.visible_events(None, report)][-2:] == ["reply", "message"]


def test_internal_notes_and_handlers_steps_stay_internal(app, demo):
    filed = file(demo["sales1"])
    report = filed.report
    sv.accept(report, demo["hr1"])
    sv.add_note(report, demo["hr1"], "内部：与财务核对报销单")
    sv.assign(report, demo["hr_head"], demo["hr2"])
    db.session.commit()
    filer_texts = [e.text for e in sv.visible_events(None, report)]
    assert "内部：与财务核对报销单" not in filer_texts
    assert all(e.visibility == "filer" for e in sv.visible_events(None, report))


def test_whistleblowing_falls_back_when_the_whole_unit_is_conflicted(app, demo):
    report = file(demo["sales1"], named_users=[demo["hr_head"], demo["hr1"],
                                               demo["hr2"]]).report
    # HR is conflicted; the GM office takes over, minus gm (above hr_head).
    assert sv.effective_unit(report).code == "gm_office"
    assert viewers(demo, report) == {"gmo"}


def test_members_of_a_handling_unit_have_a_queue(app, demo):
    assert sv.handles_reports(demo["hr1"]) and sv.handles_reports(demo["safety1"])
    assert sv.handles_reports(demo["gmo"])  # the fallback unit: empty until something falls
    assert not sv.handles_reports(demo["sales1"]) and not sv.handles_reports(demo["admin"])


def test_the_unit_head_can_exclude_a_handler(app, demo):
    report = file(demo["sales1"]).report
    with pytest.raises(Exception):
        sv.exclude_handler(report, demo["hr1"], demo["hr2"])  # not the head
    sv.exclude_handler(report, demo["hr_head"], demo["hr2"], "亲属关系")
    db.session.commit()
    assert viewers(demo, report) == {"hr_head", "hr1"}
    assert sv.visible_report_ids(demo["hr2"]) == []


def test_named_whistleblowing_is_hidden_from_the_filers_managers(app, demo):
    report = file(demo["prod1"], anonymous=False, subject="仓库物料丢失").report
    assert "prod_head" not in viewers(demo, report)
    assert "prod1" in viewers(demo, report)
    assert sv.filer_label(demo["hr1"], report) != demo["prod1"].name
    assert sv.reveal_filer(demo["hr1"], report) == demo["prod1"].name
    db.session.commit()
    reveals = db.session.scalar(select(func.count()).select_from(ReportAudit)
                                .where(ReportAudit.action == "reveal"))
    assert reveals == 1


def test_suggestion_adopted_with_reward_and_department_head_comments(app, demo):
    report = file(demo["sales2"], kind="suggestion", anonymous=False,
                  subject="建议统一采购办公用品", body="集中采购可以节省约 10% 费用。").report
    assert report.number.startswith("JY-")
    assert sv.is_reviewer(demo["sales_lead"], report)      # head of 华东销售组
    assert "sales_lead" in viewers(demo, report)
    sv.add_comment(report, demo["sales_lead"], "本组支持，可先试点。")
    sv.accept(report, demo["hr1"])
    sv.adopt(report, demo["hr1"], reason="节约成本", expected_benefit="每年约 2 万元",
             reward_amount="500", reward_note="年终奖励")
    sv.answer(report, demo["hr1"], "您的建议已采纳，谢谢！")
    db.session.commit()
    assert report.status == "answered"
    assert report.reward_amount == Decimal("500.00")
    assert sv.reward_list(demo["hr1"], report.year) == [report]
    assert sv.reward_list(demo["sales1"], report.year) == []
    # The filer never sees the head's comment; the head never sees internal notes.
    assert "本组支持，可先试点。" not in [e.text for e in sv.visible_events(demo["sales2"],
                                                                            report)]
    assert not sv.can_act(demo["sales_lead"], report, "accept")


def test_a_complaint_is_invisible_to_the_filers_department_head(app, demo):
    report = file(demo["sales2"], kind="complaint", anonymous=False,
                  subject="食堂服务态度差").report
    assert not sv.can_view_report(demo["sales_lead"], report)
    assert sv.visible_report_ids(demo["sales_lead"]) == []


def test_routing_by_kind_and_admin_change(app, demo):
    hazard = file(demo["prod1"], kind="safety", subject="车间消防通道堵塞").report
    assert hazard.unit.code == "safety"
    assert viewers(demo, hazard) == {"safety_head", "safety1"}
    customer = file(demo["cs1"], kind="customer", subject="客户反映发票开错").report
    assert customer.unit.code == "customer_service"
    sv.set_route("safety", sv.unit_by_code("hr"))
    db.session.commit()
    assert file(demo["prod1"], kind="safety", subject="叉车刹车失灵").report.unit.code == "hr"


def test_decline_only_for_suggestions_and_illegal_transitions(app, demo):
    report = file(demo["sales1"], kind="complaint").report
    sv.accept(report, demo["hr1"])
    with pytest.raises(sv.InvalidTransition):
        sv.decline(report, demo["hr1"], "不采纳")
    with pytest.raises(sv.InvalidTransition):
        sv.accept(report, demo["hr1"])
    sv.close(report, demo["hr1"], "重复提交，已合并处理")
    db.session.commit()
    assert report.status == "closed" and db.session.get(Report, report.id) is not None


def test_rectification_is_seen_by_the_department_not_the_report(app, demo):
    report = file(demo["prod2"], kind="safety", subject="车间噪音超标").report
    sv.accept(report, demo["safety1"])
    rect = sv.request_rectification(report, demo["safety1"],
                                    department=demo["prod_head"].department,
                                    due_date=company_today() + timedelta(days=7),
                                    text="加装隔音设施")
    db.session.commit()
    assert sv.can_view_rectification(demo["prod_head"], rect)
    assert not sv.can_view_report(demo["prod_head"], report)
    assert sv.rectifications_for(demo["prod_head"]) == [rect]
    assert sv.can_complete_rectification(demo["prod_head"], rect)
    assert not sv.can_complete_rectification(demo["safety1"], rect)  # follows it only
    sv.complete_rectification(rect, demo["prod_head"], "已加装隔音板")
    db.session.commit()
    assert rect.status == "done"
    assert not sv.can_complete_rectification(demo["prod_head"], rect)
    assert "已加装隔音板" in " ".join(e.text for e in sv.visible_events(demo["safety1"], report))


def test_every_view_by_a_handler_is_audited_and_the_head_reads_it(app, demo):
    report = file(demo["sales1"]).report
    sv.record_view(demo["hr1"], report)
    sv.record_view(demo["hr1"], report)
    db.session.commit()
    rows = sv.audit_rows(demo["hr_head"], report.unit)
    assert [r.action for r in rows].count("view") == 2
    with pytest.raises(Exception):
        sv.audit_rows(demo["hr1"], report.unit)  # not the head: 404


def test_history_and_audit_cannot_be_changed(app, demo):
    report = file(demo["sales1"]).report
    event = db.session.scalar(select(ReportEvent).where(ReportEvent.report_id == report.id))
    event.text = "篡改"
    with pytest.raises(Exception, match="append-only"):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("fields", [
    {"subject": ""}, {"subject": "x" * 100_000}, {"body": " "}, {"kind": "gossip"},
])
def test_bad_input_saves_nothing(app, demo, fields):
    with pytest.raises(sv.ReportError):
        sv.file_report(demo["sales1"], **{"kind": "complaint", "subject": "s", "body": "b",
                                          **fields})
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_timers_escalate_once(app, demo):
    from datetime import datetime
    report = file(demo["sales1"], kind="complaint").report
    assert sv.escalate_overdue(report.ack_due_at - timedelta(minutes=1)) == 0
    assert sv.escalate_overdue(report.ack_due_at + timedelta(minutes=1)) == 1
    assert sv.escalate_overdue(report.ack_due_at + timedelta(minutes=2)) == 0
    assert sv.escalate_overdue(report.feedback_due_at + timedelta(minutes=1)) == 1
    assert sv.overdue_reasons(report, datetime.max) == ["ack", "feedback"]


def test_small_cells_are_suppressed():
    assert sv.suppress_small(0) == 0
    assert sv.suppress_small(3) == "<5"
    assert sv.suppress_small(5) == 5
