"""The suggestion and report pages, used as people use them: through the real forms, with
CSRF tokens, signed in as the demo company's people."""
from __future__ import annotations

import base64
import io
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from hub.common.models import Attachment
from hub.common.time import utcnow
from hub.extensions import db
from hub.suggestions import services as sv
from hub.suggestions.models import Rectification, Report, ReportAudit, ReportEvent
from tests.conftest import csrf_token

# A real 1×1 PNG, and the start of a Windows program.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9Q"
                       "DwADhgGAWjR9awAAAABJRU5ErkJggg==")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
CODE_RE = re.compile(r'data-testid="receipt-code">([0-9A-Z-]+)<')
WHISTLE = {"kind": "whistleblowing", "subject": "销售主管虚报差旅费",
           "body": "华东销售组主管**多次**虚报差旅费。"}
#: Every action a report page may offer.
ACTIONS = ("accept", "assign", "set_urgency", "request_rectification", "adopt", "decline",
           "resolve", "answer", "close", "reply", "note", "comment", "exclude", "message")


class Person:
    """One person's browser: signed in, sending the forms with the page's CSRF token."""

    def __init__(self, app, login, user) -> None:
        self.user = user
        self.client = app.test_client()
        login(self.client, user)
        self._token: str | None = None

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = csrf_token(self.client, "/suggestions/new")
        return self._token

    def get(self, path: str):
        return self.client.get(path)

    def page(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, path
        return response.get_data(as_text=True)

    def post(self, path: str, data: dict, **kwargs):
        return self.client.post(path, data={"csrf_token": self.token, **data}, **kwargs)

    def file(self, *, files=(), named=(), **fields):
        """Send the filing form; anonymous unless ``anonymous="named"``."""
        data = {"kind": "suggestion", "subject": "建议统一采购办公用品",
                "body": "集中采购可以节省约 10% 费用。", "anonymous": "anonymous", **fields}
        if named:
            data["named"] = [str(n) for n in named]
        if files:
            data["attachments"] = list(files)
        response = self.post("/suggestions/new", data, content_type="multipart/form-data")
        if data["anonymous"] == "anonymous" and response.status_code == 302:
            # an anonymous filing redirects to its receipt page (post → redirect → get)
            return self.client.get(response.headers["Location"])
        return response

    def act(self, report_id: int, action: str, **fields):
        """Send the action's form from the report page (its fields carry the action as
        prefix, the CSRF token included)."""
        data = {f"{action}-{name}": value for name, value in fields.items()}
        data[f"{action}-csrf_token"] = self.token
        return self.client.post(f"/suggestions/reports/{report_id}/actions/{action}",
                                data=data)


@pytest.fixture
def person(app, login, demo):
    return lambda username: Person(app, login, demo[username])


def png_file(name: str = "现场照片.png"):
    return (io.BytesIO(PNG), name)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def only_report() -> Report:
    db.session.expire_all()
    return db.session.scalars(select(Report)).one()


def html_of(response) -> str:
    return response.get_data(as_text=True)


def views_of(user, report) -> int:
    return count(ReportAudit, ReportAudit.action == "view", ReportAudit.actor_id == user.id,
                 ReportAudit.report_id == report.id)


def in_days(n: int) -> str:
    return (utcnow().date() + timedelta(days=n)).isoformat()


def file_directly(author, **fields) -> Report:
    """A report filed through the service (for lists that need several)."""
    data = {"kind": "complaint", "subject": "投诉", "body": "内容", "anonymous": False, **fields}
    report = sv.file_report(author, **data).report
    db.session.commit()
    return report


# --- the anonymous whistle-blowing report of the issue -----------------------------------------

def test_an_anonymous_report_naming_a_manager_is_seen_by_hr_only(app, demo, person, caplog):
    caplog.set_level(logging.DEBUG)
    filer = person("sales1")
    response = filer.file(**WHISTLE, named=[demo["sales_lead"].id], files=[png_file()])
    assert response.status_code == 200 and "Location" not in response.headers
    html = html_of(response)
    code = CODE_RE.search(html).group(1)
    report = only_report()
    assert report.number.startswith("JB-") and report.number in html
    assert "只显示这一次" in html and "/receipt/" in html

    # Nothing stored or logged links the report to sales1, and the code is nowhere.
    assert report.author_id is None and report.author_department_id is None
    for row in [report, *report.events]:
        for column in inspect(row).mapper.column_attrs:
            value = str(getattr(row, column.key))
            assert code not in value and "何磊" not in value and "sales1" not in value
    assert all(e.actor_id is None for e in report.events)
    for record in caplog.records:
        assert code not in record.getMessage() and "虚报差旅费" not in record.getMessage()
    with filer.client.session_transaction() as session:
        assert code not in str(dict(session)) and report.number not in str(dict(session))
    assert report.number not in filer.page("/suggestions/")

    # HR opens it; every opening is one audit row.
    hr = person("hr1")
    page = hr.page(f"/suggestions/reports/{report.id}")
    assert "销售主管虚报差旅费" in page and "<strong>多次</strong>" in page
    assert "冯涛" in page  # the named person, for the handlers
    hr.page(f"/suggestions/reports/{report.id}")
    assert views_of(demo["hr1"], report) == 2
    attachment_id = report.attachments[0].id
    download = hr.get(f"/suggestions/reports/{report.id}/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == PNG
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert report.number in hr.page("/suggestions/queue")

    # The named person, everybody above them and a colleague: as if it did not exist.
    for name in ("sales_lead", "sales_head", "gm", "sales2"):
        other = person(name)
        assert other.get(f"/suggestions/reports/{report.id}").status_code == 404, name
        assert other.get(f"/suggestions/reports/{report.id}/attachments/{attachment_id}") \
            .status_code == 404, name
        assert other.post(f"/suggestions/reports/{report.id}/reveal", {}).status_code == 404
        for action in ACTIONS:
            assert other.act(report.id, action, text="试试").status_code == 404, action
        pages = ["/", "/suggestions/", "/suggestions/?show=department", "/suggestions/new"]
        if sv.handles_reports(other.user):
            pages.append("/suggestions/queue")  # gm: the GM office is the fallback unit
        else:
            assert other.get("/suggestions/queue").status_code == 404
        for path in pages:
            listed = other.page(path)
            assert report.number not in listed and "虚报差旅费" not in listed, (name, path)
            assert "共 1 项" not in listed, (name, path)
        assert views_of(other.user, report) == 0
    assert [e.action for e in only_report().events] == ["submit"]


def test_a_named_filer_is_revealed_one_audited_click_at_a_time(app, demo, person):
    filer, hr = person("prod1"), person("hr1")
    response = filer.file(kind="whistleblowing", subject="仓库物料丢失", body="多次发现物料短少。",
                          anonymous="named")
    report = only_report()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/suggestions/reports/{report.id}")
    assert "已提交" in filer.page(f"/suggestions/reports/{report.id}")
    assert report.number in filer.page("/suggestions/")

    hidden = hr.page(f"/suggestions/reports/{report.id}")
    assert "黄海" not in hidden and "实名提交（身份已隐藏）" in hidden
    assert "显示提交人身份" in hidden
    revealed = hr.post(f"/suggestions/reports/{report.id}/reveal", {})
    assert revealed.status_code == 200
    assert 'data-testid="revealed-filer">黄海<' in html_of(revealed)
    assert count(ReportAudit, ReportAudit.action == "reveal") == 1
    assert "黄海" not in hr.page(f"/suggestions/reports/{report.id}")  # not kept anywhere
    # The filer's managers never see a named whistle-blowing report; nobody else reveals.
    assert person("prod_head").get(f"/suggestions/reports/{report.id}").status_code == 404
    assert filer.post(f"/suggestions/reports/{report.id}/reveal", {}).status_code == 404
    assert count(ReportAudit, ReportAudit.action == "reveal") == 1


def lookup(client, code: str):
    return client.post("/receipt/", data={"csrf_token": csrf_token(client, "/receipt/"),
                                          "code": code})


def send(client, code: str, text: str):
    return client.post("/receipt/message", data={
        "csrf_token": csrf_token(client, "/receipt/"), "code": code, "text": text})


def test_the_anonymous_filer_and_hr_talk_through_the_receipt(app, demo, person):
    code = CODE_RE.search(html_of(person("sales1").file(**WHISTLE))).group(1)
    report = only_report()
    visitor, hr = app.test_client(), person("hr1")

    first = lookup(visitor, code)
    assert first.status_code == 200
    html = html_of(first)
    assert report.number in html and "销售主管虚报差旅费" in html
    assert 'data-kind="whistleblowing"' in html and 'data-status="submitted"' in html

    hr.act(report.id, "accept")
    hr.act(report.id, "reply", text="请问具体是哪几次出差？")
    hr.act(report.id, "note", text="内部：与财务核对报销单")
    later = html_of(lookup(visitor, code.lower().replace("-", " ")))
    assert "请问具体是哪几次出差？" in later and "人力资源部" in later
    assert "内部：与财务核对报销单" not in later and "仅处理人可见" not in later
    assert "刘芳" not in later  # the handler is the unit, not a person

    sent = send(visitor, code, "三月和五月的两次。")
    assert sent.status_code == 200 and "补充说明已发送" in html_of(sent)
    assert "三月和五月的两次。" in hr.page(f"/suggestions/reports/{report.id}")
    message = db.session.scalars(select(ReportEvent).where(ReportEvent.action == "message")).one()
    assert message.actor_id is None and message.at.minute == 0

    hr.act(report.id, "close", text="查实后已处理")
    closed = html_of(lookup(visitor, code))
    assert "查实后已处理" in closed and "已关闭，不能再补充" in closed
    late = send(visitor, code, "还有一件事")
    assert late.status_code == 409 and "此事项已关闭" in html_of(late)


# --- suggestions: the department head's comment, HR's decision --------------------------------

def test_a_suggestion_is_commented_by_the_head_and_adopted_with_a_reward(app, demo, person):
    filer, head, hr = person("sales2"), person("sales_lead"), person("hr1")
    assert filer.file(anonymous="named").status_code == 302
    report = only_report()
    assert report.number.startswith("JY-")

    listed = head.page("/suggestions/?show=department")
    assert report.number in listed and "本部门的合理化建议" in listed
    page = head.page(f"/suggestions/reports/{report.id}")
    assert 'data-testid="action-comment"' in page and 'data-testid="action-accept"' not in page
    assert head.act(report.id, "comment", text="本组支持，可先试点。").status_code == 302

    assert hr.act(report.id, "accept", text="已收到").status_code == 302
    assert hr.act(report.id, "note", text="内部：与采购部核对").status_code == 302
    adopted = hr.act(report.id, "adopt", text="节约成本", expected_benefit="每年约 2 万元",
                     reward_amount="500", reward_note="年终奖励")
    assert adopted.status_code == 302
    assert hr.act(report.id, "answer", text="您的建议已采纳，谢谢！").status_code == 302

    report = only_report()
    assert report.status == "answered" and str(report.reward_amount) == "500.00"
    handler_page = hr.page(f"/suggestions/reports/{report.id}")
    assert 'data-visibility="reviewers"' in handler_page and "本组支持，可先试点。" in handler_page
    assert 'data-testid="reward"' in handler_page and "每年约 2 万元" in handler_page
    filer_page = filer.page(f"/suggestions/reports/{report.id}")
    assert "您的建议已采纳，谢谢！" in filer_page and 'data-testid="answer"' in filer_page
    assert "本组支持" not in filer_page and "内部：与采购部核对" not in filer_page
    assert "刘芳" not in filer_page  # the filer sees the unit, not the person
    head_page = head.page(f"/suggestions/reports/{report.id}")
    assert "内部：与采购部核对" not in head_page and "本组支持，可先试点。" in head_page
    assert views_of(demo["sales2"], report) == 0  # the filer's own views are not audited


def test_a_complaint_is_invisible_to_the_filers_head(app, demo, person):
    filer = person("sales2")
    filer.file(kind="complaint", subject="食堂服务态度差", body="多次被呵斥。", anonymous="named")
    report = only_report()
    head = person("sales_lead")
    assert head.get(f"/suggestions/reports/{report.id}").status_code == 404
    for path in ("/suggestions/", "/suggestions/?show=department"):
        listed = head.page(path)
        assert report.number not in listed and "食堂服务态度差" not in listed
    assert report.number in person("hr1").page("/suggestions/queue")


def test_a_safety_hazard_lands_with_the_safety_department(app, demo, person):
    filer = person("prod1")
    form = filer.page("/suggestions/new")
    assert re.search(r'data-testid="kind-safety".*?由 安全环保部 受理', form, re.S)
    filer.file(kind="safety", subject="车间消防通道堵塞", body="二号车间东侧通道堆满物料。")
    report = only_report()
    assert report.number.startswith("AQ-")
    assert report.number in person("safety1").page("/suggestions/queue")
    assert report.number not in person("hr1").page("/suggestions/queue")
    assert person("hr1").get(f"/suggestions/reports/{report.id}").status_code == 404


# --- rectification ----------------------------------------------------------------------------

def test_a_rectification_is_seen_by_the_department_head_without_the_report(app, demo, person):
    person("prod2").file(kind="safety", subject="车间噪音超标", body="冲压机旁噪音过大。")
    report = only_report()
    safety, head = person("safety1"), person("prod_head")
    assert safety.act(report.id, "accept").status_code == 302
    requested = safety.act(report.id, "request_rectification",
                           department=demo["prod_head"].department_id, due_date=in_days(7),
                           text="请加装隔音设施")
    assert requested.status_code == 302
    rect = db.session.scalars(select(Rectification)).one()

    tasks = head.page("/suggestions/")
    assert "整改任务" in tasks and "请加装隔音设施" in tasks
    assert "车间噪音超标" not in tasks
    page = head.page(f"/suggestions/rectifications/{rect.id}")
    # the head may not see the report: a neutral label, never its number or kind
    assert "请加装隔音设施" in page and report.number not in page
    assert f"整改事项 {rect.id}" in page and "安全隐患" not in page
    assert "车间噪音超标" not in page and "冲压机" not in page
    assert f"/suggestions/reports/{report.id}" not in page
    assert head.get(f"/suggestions/reports/{report.id}").status_code == 404
    for outsider in ("prod1", "hr1", "sales_head"):
        assert person(outsider).get(f"/suggestions/rectifications/{rect.id}") \
            .status_code == 404

    handler_view = safety.page(f"/suggestions/rectifications/{rect.id}")
    assert f"/suggestions/reports/{report.id}" in handler_view
    assert "报告整改完成" not in handler_view
    assert safety.post(f"/suggestions/rectifications/{rect.id}/done",
                       {"text": "代报"}).status_code == 404

    empty = head.post(f"/suggestions/rectifications/{rect.id}/done", {"text": " "})
    assert empty.status_code == 400 and "请填写此项" in html_of(empty)
    done = head.post(f"/suggestions/rectifications/{rect.id}/done", {"text": "已加装隔音板"})
    assert done.status_code == 302
    assert "已完成" in head.page(f"/suggestions/rectifications/{rect.id}")
    again = head.post(f"/suggestions/rectifications/{rect.id}/done", {"text": "再报一次"})
    assert again.status_code == 409 and "该整改已完成" in html_of(again)
    assert "已加装隔音板" in safety.page(f"/suggestions/reports/{report.id}")


# --- the triage queue --------------------------------------------------------------------------

def test_the_queue_filters_sorts_and_flags_the_timers(app, demo, person):
    old = file_directly(demo["sales1"], subject="很久以前的投诉",
                        now=utcnow() - timedelta(days=30))
    suggestion = file_directly(demo["sales2"], kind="suggestion", subject="一条建议")
    urgent = file_directly(demo["prod1"], kind="issue", subject="紧急问题")
    sv.accept(urgent, demo["hr1"])
    sv.set_urgency(urgent, demo["hr1"], "urgent")
    db.session.commit()
    hr = person("hr1")

    def listed(query: str) -> list[str]:
        html = hr.page("/suggestions/queue" + query)
        return re.findall(r'data-testid="report-row" data-number="([^"]+)"', html)

    assert listed("") == [urgent.number, suggestion.number, old.number]
    assert listed("?sort=oldest")[0] == old.number
    assert listed("?sort=urgency")[0] == urgent.number
    assert listed("?kind=suggestion") == [suggestion.number]
    assert listed("?status=accepted") == [urgent.number]
    assert listed("?urgency=urgent") == [urgent.number]
    assert listed("?overdue=y") == [old.number]
    html = hr.page("/suggestions/queue?overdue=y")
    assert 'data-reason="ack"' in html and "受理超期" in html
    bogus = hr.page("/suggestions/queue?kind=gossip&status=x&sort=random&page=-3")
    assert "筛选条件无效" in bogus and old.number in bogus
    assert "事项处理" in bogus and 'data-testid="nav-report-desk"' in bogus


def test_the_queue_pages(app, demo, person):
    from hub.suggestions.views import QUEUE_PER_PAGE

    for n in range(QUEUE_PER_PAGE + 1):
        sv.file_report(demo["sales1"], kind="issue", subject=f"问题{n}", body="内容",
                       anonymous=False)
    db.session.commit()
    hr = person("hr1")
    first = hr.page("/suggestions/queue?kind=issue")
    assert f"共 {QUEUE_PER_PAGE + 1} 项" in first and "page=2" in first
    second = hr.page("/suggestions/queue?kind=issue&page=2")
    assert second.count('data-testid="report-row"') == 1


def test_who_has_a_queue(app, demo, person):
    assert 'data-testid="no-reports"' in person("gmo").page("/suggestions/queue")
    assert person("sales1").get("/suggestions/queue").status_code == 404
    employee = person("sales1").page("/suggestions/")
    assert 'data-testid="nav-report-desk"' not in employee and "/suggestions/queue" not in employee
    assert "/suggestions/stats" not in employee
    assert 'data-testid="nav-suggestions"' in person("sales1").page("/")
    assert "/suggestions/stats" in person("hr_head").page("/suggestions/")  # 统计与审计


# --- handling a report -------------------------------------------------------------------------

def test_a_report_is_assigned_excluded_resolved_and_closed(app, demo, person):
    report = file_directly(demo["prod1"], kind="issue", subject="设备老化")
    head, hr1, hr2 = person("hr_head"), person("hr1"), person("hr2")
    assert hr1.act(report.id, "accept").status_code == 302
    assert hr1.act(report.id, "set_urgency", urgency="high").status_code == 302
    assigned = hr1.act(report.id, "assign", handler=demo["hr2"].id, text="请跟进")
    assert assigned.status_code == 302 and only_report().handler_id == demo["hr2"].id
    assert report.number in hr2.page("/suggestions/queue")

    # Only the head of the unit may take a handler off, and never a stranger to the team.
    assert 'data-testid="action-exclude"' not in hr1.page(f"/suggestions/reports/{report.id}")
    assert hr1.act(report.id, "exclude", person=demo["hr2"].id).status_code == 404
    assert head.act(report.id, "exclude", person=demo["sales1"].id).status_code == 400
    assert head.act(report.id, "exclude", person=demo["hr2"].id, text="亲属关系") \
        .status_code == 302
    assert hr2.get(f"/suggestions/reports/{report.id}").status_code == 404
    assert report.number not in hr2.page("/suggestions/queue")

    assert hr1.act(report.id, "resolve", text="已更换设备").status_code == 302
    assert hr1.act(report.id, "close", text="已处理完毕").status_code == 302
    report = only_report()
    assert report.status == "closed" and report.handler_id is None
    page = hr1.page(f"/suggestions/reports/{report.id}")
    assert 'data-action="exclude"' in page and "仅处理人可见" in page
    assert 'data-testid="action-' not in page.replace('data-testid="action-note"', "")
    filer_page = person("prod1").page(f"/suggestions/reports/{report.id}")
    assert "已处理完毕" in filer_page and "已更换设备" not in filer_page
    assert "回避" not in filer_page and 'data-testid="action-message"' not in filer_page


def test_the_named_filer_and_hr_exchange_messages(app, demo, person):
    filer, hr = person("sales2"), person("hr1")
    filer.file(kind="complaint", subject="加班费计算有误", body="三月加班费少算。",
               anonymous="named")
    report = only_report()
    assert hr.act(report.id, "reply", text="请提供考勤截图。").status_code == 302
    assert filer.act(report.id, "message", text="已找到截图，下周提交。").status_code == 302
    assert "已找到截图，下周提交。" in hr.page(f"/suggestions/reports/{report.id}")
    assert "请提供考勤截图。" in filer.page(f"/suggestions/reports/{report.id}")


# --- refused input -------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "message"), [
    ({"subject": ""}, "请填写此项"),
    ({"subject": "   "}, "请填写此项"),
    ({"body": ""}, "请填写此项"),
    ({"subject": "长" * 100_000}, "不能超过 200 个字符"),
    ({"kind": "gossip"}, "请从列表中选择类别"),
    ({"kind": ""}, "请选择类别"),
    ({"anonymous": "maybe"}, "请选择署名方式"),
    ({"named": ["abc"]}, "请从列表中选择人员"),
    ({"named": [str(2**63)]}, "请从列表中选择人员"),
    ({"named": ["99999"]}, "请从列表中选择人员"),
])
def test_bad_reports_are_refused_with_a_message(app, demo, person, fields, message):
    response = person("sales1").file(**fields)
    assert response.status_code == 400
    html = html_of(response)
    assert message in html and "尚未提交" in html
    assert count(Report) == 0


def test_the_form_keeps_what_was_typed(app, demo, person):
    html = html_of(person("sales1").file(subject="", body="内容留着", kind="issue",
                                         named=[demo["sales_lead"].id]))
    assert "内容留着" in html
    assert re.search(r'<input checked[^>]*value="issue"', html)
    assert re.search(rf'<option [^>]*selected value="{demo["sales_lead"].id}">', html)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("virus.png", EXE, "文件内容与类型不符"),
    ("run.exe", EXE, "不支持的文件类型"),
])
def test_bad_attachments_save_nothing(app, demo, person, name, data, message):
    response = person("sales1").file(files=[png_file("ok.png"), (io.BytesIO(data), name)])
    assert response.status_code == 400
    html = html_of(response)
    assert message in html and "附件需要重新选择" in html
    assert count(Report) == 0 and count(Attachment) == 0


def test_forged_forms_are_refused(app, demo, person):
    filer = person("sales1")
    response = filer.client.post("/suggestions/new", data={
        "kind": "complaint", "subject": "伪造", "body": "伪造", "anonymous": "anonymous"})
    assert response.status_code == 400 and "安全令牌" in html_of(response)
    assert count(Report) == 0
    report = file_directly(demo["sales1"])
    forged = filer.client.post(f"/suggestions/reports/{report.id}/actions/message",
                               data={"message-text": "伪造"})
    assert forged.status_code == 400
    assert count(ReportEvent) == 1


@pytest.mark.parametrize("path", [
    f"/suggestions/reports/{2**63}",
    f"/suggestions/reports/{2**63 + 1}/attachments/1",
    f"/suggestions/reports/1/attachments/{2**64}",
    f"/suggestions/rectifications/{2**63}",
    "/suggestions/reports/99999999999999999999",
    "/suggestions/reports/-1",
    "/suggestions/reports/abc",
])
def test_impossible_ids_are_404(app, demo, person, path):
    assert person("hr1").get(path).status_code == 404


def test_impossible_ids_in_actions_are_404(app, demo, person):
    hr = person("hr1")
    assert hr.act(2**63, "accept").status_code == 404
    assert hr.post(f"/suggestions/reports/{2**63}/reveal", {}).status_code == 404
    assert hr.post(f"/suggestions/rectifications/{2**63}/done", {"text": "x"}).status_code == 404


def test_refused_actions_say_why(app, demo, person):
    report = file_directly(demo["sales2"], kind="suggestion", subject="建议")
    hr, head = person("hr1"), person("sales_lead")

    early = hr.act(report.id, "resolve", text="跳过受理")
    assert early.status_code == 409
    assert 'data-testid="problem"' in html_of(early) and "不能执行" in html_of(early)
    refused = head.act(report.id, "accept")
    assert refused.status_code == 400 and "您不能对此事项执行此操作" in html_of(refused)
    assert hr.act(report.id, "delete").status_code == 404
    assert only_report().status == "submitted"

    hr.act(report.id, "accept")
    for fields, message in [
        ({"handler": str(demo["sales1"].id)}, "不是有效的选择"),
        ({"handler": str(2**63)}, "不是有效的选择"),
        ({"handler": "abc"}, "不是有效的选择"),
    ]:
        response = hr.act(report.id, "assign", **fields)
        assert response.status_code == 400 and message in html_of(response), fields
    department = demo["prod_head"].department_id
    for fields, message in [
        ({"department": department, "due_date": "2000-01-01", "text": "整改"},
         "不早于今天"),
        ({"department": department, "due_date": "明天", "text": "整改"}, "不是有效的日期"),
        ({"department": "abc", "due_date": in_days(3), "text": "整改"}, "不是有效的选择"),
        ({"department": department, "due_date": in_days(3), "text": ""}, "请填写此项"),
    ]:
        response = hr.act(report.id, "request_rectification", **fields)
        assert response.status_code == 400 and message in html_of(response), fields
        assert "整改" in html_of(response) or not fields["text"]
    bad_amount = hr.act(report.id, "adopt", text="好建议", reward_amount="五百")
    assert bad_amount.status_code == 400 and "请输入有效的金额" in html_of(bad_amount)
    assert "好建议" in html_of(bad_amount)
    bad_urgency = hr.act(report.id, "set_urgency", urgency="panic")
    assert bad_urgency.status_code == 400
    report = only_report()
    assert report.status == "accepted" and report.urgency == "normal"
    assert count(Rectification) == 0


def test_an_attachment_of_another_report_is_404(app, demo, person):
    filer = person("sales1")
    filer.file(anonymous="named", files=[png_file()])
    filer.file(anonymous="named", subject="第二条")
    first, second = db.session.scalars(select(Report).order_by(Report.id)).all()
    attachment_id = first.attachments[0].id
    assert filer.get(f"/suggestions/reports/{second.id}/attachments/{attachment_id}") \
        .status_code == 404
    assert filer.get(f"/suggestions/reports/{first.id}/attachments/{attachment_id}") \
        .status_code == 200
