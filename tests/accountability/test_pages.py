"""The register's pages: HR's steps and the appeal through the forms (a refused step keeps
what was typed), the monthly 通报 for the GM office with its Excel export, and the
workbench rows.

Seed: 沟通管理办法 五、执行责任 1(3) "每月对《沟通记录》和对本办法的执行情况进行汇总,报总经理审核,
并在月例会上公布"; 信息反馈制度 四 "要通报批评,追究责任。"
"""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from hub.accountability.services import open_entries, perform
from hub.common.months import Month
from hub.common.time import utcnow
from hub.extensions import db
from hub.workbench.services import workbench_of
from tests.accountability.conftest import entries
from tests.conftest import csrf_token


@pytest.fixture
def entry(demo, assigned_letter):
    assigned_letter.due_at = utcnow() - timedelta(hours=1)
    open_entries()
    db.session.commit()
    return entries("letter_overdue", source_id=assigned_letter.id)[0]


def test_hr_penalises_and_the_person_appeals_through_the_pages(app, demo, entry, login):
    hr = app.test_client()
    login(hr, demo["hr1"])
    path = f"/accountability/{entry.id}"
    html = hr.get(path).get_data(as_text=True)
    assert 'data-testid="step-penalise"' in html and 'data-testid="step-appeal"' not in html
    token = csrf_token(hr, path)
    # no text: refused, shown again with the message (400, never a 500)
    refused = hr.post(f"{path}/penalise", data={"csrf_token": token, "penalise-text": " "})
    assert refused.status_code == 400 and "请填写此项" in refused.get_data(as_text=True)
    done = hr.post(f"{path}/penalise", data={"csrf_token": token,
                                             "penalise-text": "通报批评。"})
    assert done.status_code == 302
    db.session.expire_all()
    assert entries(id=entry.id)[0].status == "penalised"
    person = app.test_client()
    login(person, demo["prod1"])
    html = person.get(path).get_data(as_text=True)
    assert "通报批评。" in html and 'data-testid="step-appeal"' in html
    # a head who is not HR is refused the step even with a forged form
    head = app.test_client()
    login(head, demo["prod_head"])
    forged = head.post(f"{path}/excuse", data={"csrf_token": csrf_token(head, path),
                                               "excuse-text": "免了吧"})
    assert forged.status_code == 400 and "不能对这条记录执行此操作" in forged.get_data(as_text=True)
    too_long = person.post(f"{path}/appeal", data={"csrf_token": csrf_token(person, path),
                                                   "appeal-text": "长" * 2001})
    assert too_long.status_code == 400 and "长" * 2001 in too_long.get_data(as_text=True)
    person.post(f"{path}/appeal", data={"csrf_token": csrf_token(person, path),
                                        "appeal-text": "当周出差。"})
    db.session.expire_all()
    appealed = entries(id=entry.id)[0]
    assert appealed.appeal_state == "pending" and appealed.appeal_text == "当周出差。"
    assert [e.action for e in appealed.events] == ["open", "penalise", "appeal"]


def test_the_workbench_lists_entries_to_decide_and_to_appeal(app, demo, entry):
    """HR sees the open entry to decide; the person sees it to appeal; nobody else."""
    def kinds(who):
        return {(i.kind, i.item_id) for i in workbench_of(demo[who]).items
                if i.kind.startswith("accountability")}

    assert kinds("hr1") == {("accountability_decide", entry.id)}
    assert kinds("prod1") == {("accountability_appeal", entry.id)}
    assert kinds("prod_head") == set() and kinds("gmo") == set()
    perform(entry, demo["prod1"], "appeal", "出差。")
    db.session.commit()
    assert kinds("prod1") == set()
    assert kinds("hr1") == {("accountability_decide", entry.id)}  # the appeal to answer
    perform(entry, demo["hr1"], "uphold", "维持。")
    db.session.commit()
    assert kinds("hr1") == set()


def test_the_monthly_bulletin_lists_penalised_entries_per_department(app, demo, entry,
                                                                     report, login):
    """Seed: 信息反馈制度 四 "要通报批评,追究责任。" — the GM office announces the month's
    penalties at the monthly meeting."""
    report.feedback_due_at = utcnow() - timedelta(hours=1)
    open_entries()
    other = entries("report_overdue", source_id=report.id)[0]
    perform(entry, demo["hr1"], "penalise", "通报批评。")
    perform(other, demo["hr_head"], "penalise", "扣考核分。")
    db.session.commit()
    month = Month.of(entry.decided_at)
    gmo = app.test_client()
    login(gmo, demo["gmo"])
    html = gmo.get(f"/accountability/bulletin?month={month}").get_data(as_text=True)
    assert html.count('data-testid="bulletin-department"') == 2
    assert html.count('data-testid="bulletin-entry"') == 2
    assert "通报批评。" in html and "扣考核分。" in html
    # the month before holds nothing; a wrong month is a message, not a 500
    earlier = gmo.get(f"/accountability/bulletin?month={month.previous}")
    assert 'data-testid="empty"' in earlier.get_data(as_text=True)
    assert gmo.get("/accountability/bulletin?month=2026-13").status_code == 200
    export = gmo.get(f"/accountability/bulletin.xlsx?month={month}")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.data))
    rows = list(book.worksheets[0].values)
    assert rows[0][:2] == ("部门", "人员") and len(rows) == 3
    assert {r[1] for r in rows[1:]} == {"刘芳", demo["prod1"].name}
    assert all(hasattr(r[6], "year") for r in rows[1:])  # dates are dates
    counts = list(book.worksheets[1].values)
    assert sorted(r[1] for r in counts[1:]) == [1, 1]
    for who in ("prod_head", "prod1", "sales1"):
        other_client = app.test_client()
        login(other_client, demo[who])
        assert other_client.get("/accountability/bulletin").status_code == 404
        assert other_client.get("/accountability/bulletin.xlsx").status_code == 404
