"""The monthly 沟通记录 summary's loop (报送 → 审核 / 退回 → 公布) and the GM office's spot
checks (抽查): each step, who may take it, wrong states, the announcement to the heads, the
workbench, and spot checks that never pick a talk log the checker may not read."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from hub.announcements.access import audience_of
from hub.announcements.models import Announcement
from hub.common.months import Month
from hub.common.time import utcnow
from hub.extensions import db
from hub.meetings import summaries as sm
from hub.meetings.services import log_talk
from hub.meetings.summaries_models import DepartmentSummary, SpotCheck
from hub.notifications.models import Notification
from tests.api.conftest import API, assert_error

SEED_LOOP = "每月对《沟通记录》和对本办法的执行情况进行汇总，报总经理审核，并在月例会上公布"
SEED_CHECK = "负责对各部门的执行情况进行监督，监督方式为不定期抽查及对月汇总进行审核"


class Company:
    """The GM (GM office, nobody above), the GM office's secretary, two departments whose
    heads report to the GM, each with one employee."""

    def __init__(self, create_user, create_department):
        office = create_department("总经办")
        self.gm = create_user("gm", name="总经理", department=office, roles=["gm_office"],
                              heads=True)
        self.gmo = create_user("gmo", name="秘书", department=office, roles=["gm_office"],
                               manager=self.gm)
        self.sales = create_department("市场部")
        self.prod = create_department("生产部")
        self.sales_head = create_user("sales_head", name="市场经理", department=self.sales,
                                      manager=self.gm, heads=True)
        self.prod_head = create_user("prod_head", name="生产经理", department=self.prod,
                                     manager=self.gm, heads=True)
        self.sales1 = create_user("sales1", name="销售", department=self.sales,
                                  manager=self.sales_head)
        self.prod1 = create_user("prod1", name="工人", department=self.prod,
                                 manager=self.prod_head)
        self.month = Month.of(utcnow()).previous
        self.drafts = {s.department.name: s for s in sm.open_month(self.month)}
        db.session.commit()


@pytest.fixture
def company(app, create_user, create_department):
    return Company(create_user, create_department)


def step(client, summary, action, text=""):
    page = client.get(f"/talks/summaries/{summary.id}")
    token = page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    return client.post(f"/talks/summaries/{summary.id}/{action}",
                       data={"csrf_token": token, "text": text})


def test_drafts_for_every_head_but_the_gm_once(company):
    """每月对《沟通记录》和对本办法的执行情况进行汇总: on the 1st every department with a head owes last month's summary —
    not the GM's own office, whose head reviews the others; the job opens them once."""
    assert sorted(company.drafts) == ["市场部", "生产部"]
    assert {s.status for s in company.drafts.values()} == {"draft"}
    asked = db.session.scalars(select(Notification).where(
        Notification.kind == "talk.summary_due")).all()
    assert sorted(n.user_id for n in asked) == sorted([company.sales_head.id,
                                                       company.prod_head.id])
    assert sm.open_due_month() == 0  # last month's drafts exist already
    assert sm.open_month(company.month) == []


def test_the_loop_from_draft_to_published(company, client, login, bearer):
    """每月对《沟通记录》和对本办法的执行情况进行汇总，报总经理审核，并在月例会上公布: the head
    submits with a comment, the GM returns it with a reason, the head submits again, the GM
    approves, the GM office publishes the month as an announcement to the department heads;
    every step in the history and the next person told."""
    sales = company.drafts["市场部"]
    login(client, company.sales_head)
    empty = step(client, sales, "submit", "  ")
    assert empty.status_code == 400 and "请写明本部门本月沟通记录" in empty.text
    assert step(client, sales, "submit", "本月按时沟通。").status_code == 302
    db.session.refresh(sales)
    assert sales.status == "submitted" and sales.comment == "本月按时沟通。"
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == company.gm.id, Notification.kind == "talk.summary_submitted"))

    login(client, company.gm)
    no_reason = step(client, sales, "return", "")
    assert no_reason.status_code == 400 and "请写明退回的原因" in no_reason.text
    assert step(client, sales, "return", "请补充超期未谈的原因。").status_code == 302
    db.session.refresh(sales)
    assert sales.status == "returned" and sales.return_reason == "请补充超期未谈的原因。"
    told = db.session.scalar(select(Notification).where(
        Notification.user_id == company.sales_head.id,
        Notification.kind == "talk.summary_returned"))
    assert told is not None and "请补充超期未谈的原因" in told.title

    login(client, company.sales_head)
    page = client.get(f"/talks/summaries/{sales.id}")
    assert "本月按时沟通。</textarea>" in page.text  # the comment to edit
    assert step(client, sales, "submit", "本月按时沟通，超期一人已补谈。").status_code == 302
    login(client, company.gm)
    assert step(client, sales, "approve", "同意。").status_code == 302
    db.session.refresh(sales)
    assert sales.status == "approved" and sales.review_note == "同意。"
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == company.gmo.id, Notification.task == "publish"))

    answer = client.post(f"{API}/compliance/summaries/{sales.id}/actions",
                         json={"action": "publish"}, headers=bearer(company.gmo))
    assert answer.status_code == 200, answer.text
    assert answer.json["status"] == "published" and answer.json["announcement_id"]
    announcement = db.session.get(Announcement, answer.json["announcement_id"])
    assert announcement.kind == "notice" and announcement.author_id == company.gmo.id
    assert audience_of(announcement).roles == ("department_head",)
    assert "市场部" in announcement.body and "超期一人已补谈" in announcement.body
    assert "尚未审核通过：生产部" in announcement.body
    # The heads are the monthly meeting's audience: they are told of it.
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == company.prod_head.id, Notification.kind.like("announcement%")))
    db.session.refresh(sales)
    assert [e.action for e in sales.events] == ["open", "submit", "return", "submit",
                                                "approve", "publish"]
    assert [e.actor_id for e in sales.events][1:] == [
        company.sales_head.id, company.gm.id, company.sales_head.id, company.gm.id,
        company.gmo.id]
    # Each request to somebody was done by the next step.
    assert db.session.scalar(select(Notification).where(
        Notification.item == f"summary:{sales.id}", Notification.task.is_not(None),
        Notification.done_at.is_(None))) is None


def test_who_may_take_which_step(company, client, login, bearer):
    """报总经理审核: only the department's head submits, only the GM reviews, only the GM
    office publishes; a step the state does not allow is a 409 with the reason, a step the
    caller may never take a 403, a summary the caller may not see a 404."""
    sales, prod = company.drafts["市场部"], company.drafts["生产部"]
    url = f"{API}/compliance/summaries/{sales.id}/actions"
    head, gm, gmo = (bearer(company.sales_head), bearer(company.gm), bearer(company.gmo))

    assert_error(client.post(url, json={"action": "submit", "text": "x"},
                             headers=bearer(company.prod_head)), 404, "not_found")
    assert_error(client.post(url, json={"action": "submit", "text": "x"},
                             headers=bearer(company.sales1)), 404, "not_found")
    assert_error(client.post(url, json={"action": "submit", "text": "x"}, headers=gm),
                 403, "forbidden")
    error = assert_error(client.post(url, json={"action": "approve"}, headers=gm),
                         409, "conflict")
    assert "待报送" in error["message"]
    assert_error(client.post(url, json={"action": "publish"}, headers=gmo), 409, "conflict")
    assert_error(client.post(url, json={"action": "approve"}, headers=head), 403, "forbidden")
    assert_error(client.post(url, json={"action": "fly"}, headers=head), 400,
                 "validation_error")
    assert_error(client.post(url, json={"action": "submit", "text": "x" * 2001},
                             headers=head), 400, "validation_error")

    assert client.post(url, json={"action": "submit", "text": "按时"},
                       headers=head).status_code == 200
    assert_error(client.post(url, json={"action": "submit", "text": "again"}, headers=head),
                 409, "conflict")
    assert_error(client.post(url, json={"action": "approve"}, headers=gmo), 403, "forbidden")
    assert_error(client.post(url, json={"action": "return"}, headers=gm), 400,
                 "validation_error")
    assert client.post(url, json={"action": "approve"}, headers=gm).status_code == 200
    assert_error(client.post(url, json={"action": "return", "text": "晚了"}, headers=gm),
                 409, "conflict")

    # The page says the same in Chinese and keeps the form filled.
    login(client, company.gm)
    page = step(client, sales, "approve")
    assert page.status_code == 409 and "不能审核通过" in page.text
    login(client, company.sales1)
    assert client.get(f"/talks/summaries/{prod.id}").status_code == 404
    assert client.get("/talks/summaries").status_code == 404
    assert client.get(f"/talks/summaries/{prod.id}/fly").status_code == 405


def test_list_and_workbench_per_person(company, client, bearer):
    """报总经理审核: a head sees their department's summary and has it to submit; the GM
    has the submitted ones to review; the GM office the approved month to publish."""
    sales = company.drafts["市场部"]
    period = str(company.month)

    def listed(user):
        answer = client.get(f"{API}/compliance/summaries?period={period}",
                            headers=bearer(user))
        assert answer.status_code == 200, answer.text
        return {i["department"]["name"]: i["status"] for i in answer.json["items"]}

    def todo(user):
        answer = client.get(f"{API}/me/todo", headers=bearer(user))
        return sorted(i["kind"] for i in answer.json["items"] if i["kind"].startswith("summary"))

    assert listed(company.sales_head) == {"市场部": "draft"}
    assert listed(company.gmo) == {"市场部": "draft", "生产部": "draft"}
    assert_error(client.get(f"{API}/compliance/summaries", headers=bearer(company.sales1)),
                 404, "not_found")
    assert_error(client.get(f"{API}/compliance/summaries?period=2026-13",
                            headers=bearer(company.gmo)), 400, "validation_error")
    assert client.get(f"{API}/compliance/summaries?period=2020-01",
                      headers=bearer(company.gmo)).json["items"] == []
    assert todo(company.sales_head) == ["summary_submit"]
    assert todo(company.gm) == []

    sm.act(sales, company.sales_head, "submit", "按时")
    sm.act(company.drafts["生产部"], company.prod_head, "submit", "按时")
    db.session.commit()
    assert todo(company.sales_head) == []
    assert todo(company.gm) == ["summary_review", "summary_review"]
    sm.act(sales, company.gm, "approve")
    sm.act(company.drafts["生产部"], company.gm, "approve")
    db.session.commit()
    assert todo(company.gmo) == ["summary_publish"]  # one month, one publication
    sm.act(sales, company.gmo, "publish")
    db.session.commit()
    assert todo(company.gmo) == []
    assert set(listed(company.gm).values()) == {"published"}


def test_submitted_figures_are_kept(company, create_user):
    """报总经理审核: the figures go to the GM as they stood when the head submitted; a talk
    logged later changes the draft's live figures only."""
    sales = company.drafts["市场部"]
    start, _end = company.month.bounds_utc()
    log_talk(company.sales_head, kind="one_on_one", with_user_ids=[company.sales1.id],
             held_at=start + timedelta(days=14, hours=2), duration_minutes=20, topics="月中")
    db.session.commit()
    view = sm.view_of(company.sales_head, sales)
    assert view.talks_logged == 1 and view.minutes == 20
    sm.act(sales, company.sales_head, "submit", "按时")
    db.session.commit()
    log_talk(company.sales_head, kind="one_on_one", with_user_ids=[company.sales1.id],
             held_at=start + timedelta(days=15, hours=2), duration_minutes=15, topics="补")
    db.session.commit()
    kept = sm.view_of(company.gm, sales)
    assert (kept.talks_logged, kept.minutes) == (1, 20)
    assert sm.view_of(company.gm, company.drafts["生产部"]).talks_logged == 0


# --- spot checks ---------------------------------------------------------------------------

def test_spot_check_picks_at_random_among_visible_logs_only(app, create_user,
                                                            create_department, client,
                                                            login):
    """监督方式为不定期抽查: the GM office picks N talk logs of a month at random — never one
    it may not read: a skip-level talk that goes around the checker stays out, however many
    are asked for."""
    dept = create_department("生产部")
    boss = create_user("boss", name="厂长", department=dept, heads=True)
    checker = create_user("checker", name="总经办主管", department=dept, manager=boss,
                          roles=["gm_office"])
    worker = create_user("worker", name="工人", department=dept, manager=checker)
    peers = [create_user(f"p{i}", name=f"员工{i}", department=dept, manager=boss)
             for i in range(8)]
    held = utcnow() - timedelta(hours=1)
    month = Month.of(held)
    visible = {log_talk(boss, kind="one_on_one", with_user_ids=[p.id], held_at=held,
                        duration_minutes=20, topics=f"例行{i}").id
               for i, p in enumerate(peers)}
    hidden = log_talk(boss, kind="skip_level", with_user_ids=[worker.id], held_at=held,
                      duration_minutes=20, topics="隔级").id
    db.session.commit()

    everything = sm.start_spot_check(checker, month, sm.SPOT_CHECK_MAX)
    assert {i.talk_id for i in everything.items} == visible  # all it may read, not more
    assert hidden not in {i.talk_id for i in everything.items}
    picks = [frozenset(i.talk_id for i in sm.start_spot_check(
        checker, month, 3, rng=random.Random(seed)).items) for seed in range(6)]
    assert all(len(p) == 3 and p <= visible for p in picks)
    assert len(set(picks)) > 1  # not the same three every time
    with pytest.raises(sm.SummaryError, match="抽查数量"):
        sm.start_spot_check(checker, month, 0)
    with pytest.raises(sm.SummaryError, match="没有你可以查看的沟通记录"):
        sm.start_spot_check(checker, Month(2020, 1), 3)
    with pytest.raises(sm.SummaryForbidden):
        sm.start_spot_check(boss, month, 3)
    db.session.commit()

    login(client, checker)
    page = client.get("/talks/spot-checks")
    assert page.status_code == 200 and page.text.count('data-testid="spot-check"') == 7
    token = page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    bad = client.post("/talks/spot-checks", data={"csrf_token": token, "month": "2026-13",
                                                  "count": "五"})
    assert bad.status_code == 400 and "抽查数量须在 1 到 20 之间" in bad.text
    assert "请按“年-月”填写月份" in bad.text and 'value="2026-13"' in bad.text
    made = client.post("/talks/spot-checks", data={"csrf_token": token, "month": str(month),
                                                   "count": "2"})
    assert made.status_code == 302
    check = db.session.scalar(select(SpotCheck).order_by(SpotCheck.id.desc()))
    shown = client.get(made.headers["Location"])
    assert shown.text.count('data-testid="spot-check-item"') == 2
    item = check.items[0]
    url = f"/talks/spot-checks/{check.id}/items/{item.id}"
    issue = client.post(url, data={"csrf_token": token, f"i{item.id}-verdict": "issue"})
    assert issue.status_code == 400 and "请写明发现的问题" in issue.text
    assert client.post(url, data={"csrf_token": token, f"i{item.id}-verdict": "issue",
                                  f"i{item.id}-finding": "记录过于简单"}).status_code == 302
    db.session.refresh(item)
    assert (item.verdict, item.finding, item.checked_by_id) == ("issue", "记录过于简单",
                                                                  checker.id)
    login(client, boss)  # not the GM office: no spot checks at all
    assert client.get("/talks/spot-checks").status_code == 404
    assert client.get(f"/talks/spot-checks/{check.id}").status_code == 404


def test_spot_check_api(company, client, bearer):
    """不定期抽查 through the API: start, read, record a finding; others get a 404."""
    held = utcnow() - timedelta(hours=1)
    for person in (company.sales1,):
        log_talk(company.sales_head, kind="one_on_one", with_user_ids=[person.id],
                 held_at=held, duration_minutes=20, topics="例行")
    db.session.commit()
    gmo = bearer(company.gmo)
    made = client.post(f"{API}/compliance/spot-checks",
                       json={"period": str(Month.of(held)), "count": 5}, headers=gmo)
    assert made.status_code == 201, made.text
    assert len(made.json["items"]) == 1 and made.json["requested"] == 5
    item = made.json["items"][0]
    assert set(item["talk"]) == {"id", "number", "kind", "held_at", "duration_minutes"}
    found = client.post(f"{API}/compliance/spot-checks/{made.json['id']}/items/{item['id']}",
                        json={"verdict": "ok"}, headers=gmo)
    assert found.status_code == 200 and found.json["verdict"] == "ok"
    listed = client.get(f"{API}/compliance/spot-checks", headers=gmo).json
    assert listed["total"] == 1 and listed["items"][0]["checked"] == 1
    assert_error(client.post(f"{API}/compliance/spot-checks",
                             json={"period": "2026-13", "count": 5}, headers=gmo),
                 400, "validation_error")
    assert_error(client.post(f"{API}/compliance/spot-checks",
                             json={"period": "2020-01", "count": 5}, headers=gmo),
                 400, "validation_error")
    head = bearer(company.sales_head)
    assert_error(client.get(f"{API}/compliance/spot-checks/{made.json['id']}", headers=head),
                 404, "not_found")
    assert_error(client.post(f"{API}/compliance/spot-checks",
                             json={"period": "2026-01", "count": 5}, headers=head),
                 404, "not_found")


def test_demo_has_the_loop_going(demo):
    """每月…汇总，报总经理审核: the demo company has a summary waiting for the GM, one
    returned, one approved, and a spot check."""
    from hub.meetings.demo import create_demo_talks
    from hub.meetings.summaries_demo import create_demo_summaries

    create_demo_talks(demo)
    create_demo_summaries(demo)
    db.session.commit()
    statuses = {s.department.name: s.status for s in db.session.scalars(
        select(DepartmentSummary))}
    assert statuses["市场部"] == "submitted"
    assert statuses["生产部"] == "returned" and statuses["客服部"] == "approved"
    assert "总经办" not in statuses and statuses["华东销售组"] == "draft"
    assert db.session.scalar(select(SpotCheck)) is not None
