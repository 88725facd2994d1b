"""The feedback pages: my list, filing a report, a period for its recipient, the
obligations (admin, HR) — 404 for whoever may not see them, bad input kept in the form."""
from __future__ import annotations

from hub.extensions import db
from hub.feedback.models import FeedbackObligation, FeedbackReport
from hub.feedback.periods import Period
from hub.feedback.services import open_due_reports
from tests.conftest import csrf_token
from tests.feedback.conftest import backdate_people
from tests.support.factories import company_today, sign_in


def post(client, url, data, **kw):
    """A form's POST with the CSRF token of the page it is on."""
    return client.post(url, data={"csrf_token": csrf_token(client, "/feedback/"), **data}, **kw)


def test_a_rep_files_his_report_on_the_page_and_the_head_sees_who_is_missing(
        app, client, company, obligations):
    """"营销人员……如实填写相应表格，按要求送交市场部" on the page; the head of 市场部 sees the
    period's reports: filed ones with their text, the missing ones by name."""
    backdate_people(company.head, company.lead, company.rep1, company.rep2)
    open_due_reports()
    db.session.commit()
    week = Period.of("weekly", company_today()).previous.key
    row = db.session.scalar(db.select(FeedbackReport).where(
        FeedbackReport.person_id == company.rep1.id, FeedbackReport.period == week))
    sign_in(client, company.rep1)
    mine = client.get("/feedback/").get_data(as_text=True)
    assert f"/feedback/{row.id}" in mine and "销售信息反馈表（周）" in mine

    empty = post(client, f"/feedback/{row.id}", {"body": "   "})
    assert empty.status_code == 200 and "请填写" in empty.get_data(as_text=True)
    too_long = "长" * 10_001
    kept = post(client, f"/feedback/{row.id}", {"body": too_long}).get_data(as_text=True)
    assert "不能超过" in kept and too_long in kept
    assert db.session.get(FeedbackReport, row.id).filed_at is None

    done = post(client, f"/feedback/{row.id}", {"body": "本周拜访 8 家，竞品降价。"})
    assert done.status_code == 302
    page = client.get(f"/feedback/{row.id}").get_data(as_text=True)
    assert "本周拜访 8 家，竞品降价。" in page and 'data-testid="file-form"' not in page
    assert post(client, f"/feedback/{row.id}", {"body": "再交"}).status_code == 302
    assert "已提交或现在不能提交" in client.get(f"/feedback/{row.id}").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(FeedbackReport, row.id).body == "本周拜访 8 家，竞品降价。"

    weekly = obligations["sales_weekly"]
    period_url = f"/feedback/received/{weekly.id}/{week}"
    sign_in(client, company.head)
    overview = client.get("/feedback/").get_data(as_text=True)
    assert period_url in overview
    period = client.get(period_url).get_data(as_text=True)
    assert company.rep1.name in period and company.rep2.name in period
    assert f"/feedback/{row.id}" in period
    assert client.get(f"/feedback/{row.id}").status_code == 200
    assert client.get(f"/feedback/received/{weekly.id}/nonsense").status_code == 404
    for person in (company.rep2, company.lead, company.hr, company.gm, company.other):
        sign_in(client, person)
        assert client.get(f"/feedback/{row.id}").status_code == 404, person.username
        if person is company.gm:  # the GM gets the head's summary of the period, not the reports
            summary = client.get(period_url).get_data(as_text=True)
            assert 'data-testid="period-summary"' in summary and company.rep2.name not in summary
        else:
            assert client.get(period_url).status_code == 404, person.username
        assert post(client, f"/feedback/{row.id}", {"body": "x"}).status_code == 404


def test_hr_sets_the_obligations_from_the_policy_and_others_cannot(app, client, company):
    """The seed's set is offered as templates; HR and the admin edit the obligations (who
    owes, how often, due when, to whom); everybody else gets a 404."""
    sign_in(client, company.hr)
    listing = client.get("/feedback/obligations").get_data(as_text=True)
    assert "/feedback/obligations/new?preset=customer_visit" in listing
    form = client.get("/feedback/obligations/new?preset=customer_visit").get_data(as_text=True)
    assert "客户回访征询表" in form
    data = {"name": "客户回访征询表", "clause": "一月、四月、七月、十月的月末5日内完成",
            "department": str(company.sales.id), "filers": "members",
            "frequency": "quarterly", "anchor_month": "1", "window_days": "5",
            "due_days": "0", "recipient": "", "summary_days": "7", "summary_to": "",
            "starts_on": "", "active": "y"}
    bad = post(client, "/feedback/obligations/new?preset=customer_visit",
               {**data, "frequency": "monthly", "window_days": "0"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "1 到 92" in page and "客户回访征询表" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(FeedbackObligation)) == 0
    saved = post(client, "/feedback/obligations/new?preset=customer_visit", data)
    assert saved.status_code == 302
    obligation = db.session.scalar(db.select(FeedbackObligation))
    assert (obligation.code, obligation.anchor_month, obligation.window_days,
            obligation.summary_days) == ("customer_visit", 1, 5, 7)
    edited = post(client, f"/feedback/obligations/{obligation.id}",
                  {**data, "window_days": "6"})
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(FeedbackObligation, obligation.id).window_days == 6
    for person in (company.rep1, company.head, company.gm):
        sign_in(client, person)
        for url in ("/feedback/obligations", "/feedback/obligations/new",
                    f"/feedback/obligations/{obligation.id}"):
            assert client.get(url).status_code == 404, (person.username, url)
        assert "反馈项目设置" not in client.get("/feedback/").get_data(as_text=True)


def test_the_feedback_pages_speak_english(app, client, company, obligations):
    """In English, the pages' own words are English (the obligations' names are data)."""
    import re

    backdate_people(company.rep1)
    open_due_reports()
    company.rep1.locale = "en"
    db.session.commit()
    sign_in(client, company.rep1)
    row = db.session.scalar(db.select(FeedbackReport).where(
        FeedbackReport.person_id == company.rep1.id))
    names = {o.name for o in obligations.values()} | {company.rep1.name, company.head.name,
                                                       "市场部", "华东销售组"}
    for path in ("/feedback/", f"/feedback/{row.id}"):
        html = client.get(path).get_data(as_text=True)
        main = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1].split("</main>", 1)[0])
        for name in sorted(names, key=len, reverse=True):
            main = main.replace(name, "")
        assert not re.findall(r"[\u4e00-\u9fff]+", main), (path, re.findall(
            r"[\u4e00-\u9fff]+", main))
    assert "My reports" in client.get("/feedback/").get_data(as_text=True)
