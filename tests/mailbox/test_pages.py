"""The GM mailbox pages, used as people use them: through the real forms, with CSRF tokens,
signed in as the demo company's people."""
from __future__ import annotations

import base64
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hub.common.holding import HeldFiling
from hub.common.models import Attachment
from hub.common.time import utcnow
from hub.extensions import db
from hub.mailbox import services as mb
from hub.mailbox.models import Letter, LetterEvent
from tests.conftest import csrf_token

# A real 1×1 PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9Q"
                       "DwADhgGAWjR9awAAAABJRU5ErkJggg==")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
def png_file(name: str = "照片.png"):
    return (io.BytesIO(PNG), name)


CODE_RE = re.compile(r'data-testid="receipt-code">([0-9A-Z-]+)<')


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
            self._token = csrf_token(self.client, "/mailbox/write")
        return self._token

    def get(self, path: str):
        return self.client.get(path)

    def page(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, path
        return response.get_data(as_text=True)

    def post(self, path: str, data: dict, **kwargs):
        return self.client.post(path, data={"csrf_token": self.token, **data}, **kwargs)

    def write(self, *, files=(), **fields):
        data = {"subject": "食堂的饭菜太咸了", "body": "最近食堂的**红烧肉**太咸了。",
                "category": "suggestion", "anonymous": "named", **fields}
        if files:
            data["attachments"] = list(files)
        return self.post("/mailbox/write", data, content_type="multipart/form-data")

    def act(self, letter_id: int, action: str, **fields):
        """Send the action's form from the letter page (its fields carry the action as
        prefix, the CSRF token included)."""
        data = {f"{action}-{name}": value for name, value in fields.items()}
        data[f"{action}-csrf_token"] = self.token
        return self.client.post(f"/mailbox/letters/{letter_id}/actions/{action}", data=data)


@pytest.fixture
def person(app, login, demo):
    return lambda username: Person(app, login, demo[username])


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def only_letter() -> Letter:
    db.session.expire_all()
    return db.session.scalars(select(Letter)).one()


def due_date() -> str:
    return (utcnow().date() + timedelta(days=10)).isoformat()


def html_of(response) -> str:
    return response.get_data(as_text=True)


# --- a named letter through every state ------------------------------------------------------

def test_a_named_letter_goes_through_every_state(app, demo, person):
    writer, office, head = person("sales1"), person("gmo"), person("prod_head")

    written = writer.write(files=[png_file()])
    assert written.status_code == 302
    letter = only_letter()
    assert written.headers["Location"].endswith(f"/mailbox/letters/{letter.id}")
    assert letter.author_id == demo["sales1"].id and letter.status == "submitted"
    page = writer.page(f"/mailbox/letters/{letter.id}")
    assert letter.number in page and "来信已提交" in page
    assert "<strong>红烧肉</strong>" in page  # Markdown rendered
    listed = writer.page("/mailbox/")
    assert letter.number in listed and 'data-status="submitted"' in listed

    download = writer.get(f"/mailbox/letters/{letter.id}/attachments/{letter.attachments[0].id}")
    assert download.status_code == 200 and download.data == PNG
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    assert office.act(letter.id, "accept", text="已收到，转生产部。").status_code == 302
    assigned = office.act(letter.id, "assign", department=demo["prod_head"].department_id,
                          handler=0, due_date=due_date(), text="请协调食堂。")
    assert assigned.status_code == 302
    assert letter.number in head.page("/mailbox/assigned")
    assert head.act(letter.id, "resolve", text="已与食堂沟通，减少用盐。").status_code == 302
    assert office.act(letter.id, "note", text="内部：此人上月也反映过").status_code == 302
    assert office.act(letter.id, "answer", text="感谢来信，食堂已调整菜谱。").status_code == 302

    assert only_letter().status == "answered"
    seen_by_writer = writer.page(f"/mailbox/letters/{letter.id}")
    assert 'data-testid="answer"' in seen_by_writer and "感谢来信，食堂已调整菜谱。" in seen_by_writer
    for step in ("submit", "accept", "assign", "answer"):
        assert f'data-action="{step}"' in seen_by_writer
    assert "内部：此人上月也反映过" not in seen_by_writer
    assert "已与食堂沟通" not in seen_by_writer  # the department's result is internal

    seen_by_office = office.page(f"/mailbox/letters/{letter.id}")
    for step in ("submit", "accept", "assign", "resolve", "note", "answer"):
        assert f'data-action="{step}"' in seen_by_office
    assert "内部：此人上月也反映过" in seen_by_office and "仅处理人可见" in seen_by_office
    assert [e.action for e in only_letter().events] == \
        ["submit", "accept", "assign", "resolve", "note", "answer"]

    assert office.act(letter.id, "archive").status_code == 302
    assert only_letter().status == "archived"


def test_the_writer_may_add_a_message(app, demo, person):
    writer, office = person("sales1"), person("gmo")
    writer.write()
    letter = only_letter()
    assert writer.act(letter.id, "message", text="补充：每周三最咸").status_code == 302
    assert "补充：每周三最咸" in office.page(f"/mailbox/letters/{letter.id}")


# --- who may see a letter ----------------------------------------------------------------------

@pytest.mark.parametrize("outsider", ["sales2", "sales_head", "hr1"])
def test_outsiders_get_404_everywhere(app, demo, person, outsider):
    writer, office = person("sales1"), person("gmo")
    writer.write(files=[png_file()])
    letter = only_letter()
    office.act(letter.id, "accept")
    office.act(letter.id, "assign", department=demo["prod_head"].department_id, handler=0,
               due_date=due_date())
    attachment_id = only_letter().attachments[0].id
    other = person(outsider)

    assert other.get(f"/mailbox/letters/{letter.id}").status_code == 404
    assert other.get(f"/mailbox/letters/{letter.id}/attachments/{attachment_id}") \
        .status_code == 404
    for action in ("accept", "resolve", "answer", "note", "message", "reply"):
        assert other.act(letter.id, action, text="试试").status_code == 404
    assert other.get("/mailbox/office").status_code == 404
    for path in ("/mailbox/", "/mailbox/assigned"):
        listed = other.page(path)
        assert letter.number not in listed and "共 0 封" in listed
    assert [e.action for e in only_letter().events] == ["submit", "accept", "assign"]


def test_an_attachment_of_another_letter_is_404(app, demo, person):
    writer = person("sales1")
    writer.write(files=[png_file()])
    writer.write(subject="第二封")
    first, second = db.session.scalars(select(Letter).order_by(Letter.id)).all()
    attachment_id = first.attachments[0].id
    assert writer.get(f"/mailbox/letters/{second.id}/attachments/{attachment_id}") \
        .status_code == 404


# --- anonymous letters -------------------------------------------------------------------------

def test_an_anonymous_letter_shows_its_code_once_and_keeps_no_author(app, demo, person):
    writer = person("sales1")
    response = writer.write(anonymous="anonymous", subject="匿名反映加班问题")
    # post → redirect → get: the code is nowhere in the redirect, its URL or the cookie
    assert response.status_code == 302
    assert response.headers["Location"] == "/mailbox/write/receipt"
    letter = only_letter()
    with writer.client.session_transaction() as session:
        waiting = str(dict(session))
    response = writer.get("/mailbox/write/receipt")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = html_of(response)
    code = CODE_RE.search(html).group(1)
    assert code not in waiting and code.replace("-", "") not in waiting
    assert letter.number in html and "只显示这一次" in html and "/receipt/" in html
    assert letter.author_id is None and letter.author_department_id is None
    assert mb.letter_by_receipt(code) == letter
    assert all(e.actor_id is None for e in letter.events)

    listed = writer.page("/mailbox/")
    assert letter.number not in listed and code not in listed
    assert writer.get(f"/mailbox/letters/{letter.id}").status_code == 404
    with writer.client.session_transaction() as session:
        assert code not in str(dict(session)) and letter.number not in str(dict(session))


def test_reloading_the_anonymous_letters_receipt_page_files_nothing_and_shows_no_code(
        app, demo, person):
    writer = person("sales1")
    first = writer.write(anonymous="anonymous", subject="匿名反映加班问题")
    shown = writer.get(first.headers["Location"])
    code = CODE_RE.search(html_of(shown)).group(1)
    assert '/static/js/receipt.js' in html_of(shown)
    assert "按 Ctrl+P 打印" in html_of(shown)  # the hint for a browser without scripts

    for _ in range(2):  # a reload, and once more
        again = writer.get("/mailbox/write/receipt")
        assert again.status_code == 200
        html = html_of(again)
        assert "回执码已显示过，请妥善保存" in html
        assert code not in html and CODE_RE.search(html) is None
    assert count(Letter) + count(HeldFiling) == 1
    assert mb.letter_by_receipt(code) == only_letter()


def test_the_anonymous_letters_receipt_page_is_the_writers_own(app, demo, person):
    """Another person (another session) opening the receipt page finds no code."""
    writer, other = person("sales1"), person("sales2")
    writer.write(anonymous="anonymous", subject="匿名反映加班问题")
    html = html_of(other.get("/mailbox/write/receipt"))
    assert "回执码已显示过" in html and CODE_RE.search(html) is None
    assert CODE_RE.search(html_of(writer.get("/mailbox/write/receipt")))


# --- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "message"), [
    ({"subject": ""}, "请填写此项"),
    ({"subject": "   "}, "请填写此项"),
    ({"body": ""}, "请填写此项"),
    ({"subject": "长" * 100_000}, "不能超过 200 个字符"),
    ({"category": "bribe"}, "请从列表中选择类别"),
    ({"category": ""}, "请选择类别"),
    ({"anonymous": "maybe"}, "请选择署名方式"),
])
def test_bad_letters_are_refused_with_a_message(app, demo, person, fields, message):
    response = person("sales1").write(**fields)
    assert response.status_code == 400
    html = html_of(response)
    assert message in html and "来信尚未提交" in html
    assert count(Letter) == 0


def test_the_form_keeps_what_was_typed(app, demo, person):
    html = html_of(person("sales1").write(subject="", body="正文留着"))
    assert "正文留着" in html


@pytest.mark.parametrize(("name", "data", "message"), [
    ("virus.png", EXE, "文件内容与类型不符"),
    ("run.exe", EXE, "不支持的文件类型"),
    ("empty.png", b"", "文件是空的"),
])
def test_bad_attachments_save_nothing(app, demo, person, name, data, message):
    response = person("sales1").write(files=[png_file("ok.png"), (io.BytesIO(data), name)])
    assert response.status_code == 400
    html = html_of(response)
    assert message in html and "附件需要重新选择" in html
    assert count(Letter) == 0 and count(Attachment) == 0


def test_too_many_attachments_save_nothing(app, demo, person):
    files = [png_file(f"{n}.png") for n in range(app.config["ATTACHMENT_MAX_FILES"] + 1)]
    response = person("sales1").write(files=files)
    assert response.status_code == 400 and "最多上传" in html_of(response)
    assert count(Letter) == 0 and count(Attachment) == 0


def test_a_forged_form_without_csrf_is_refused(app, demo, person):
    writer = person("sales1")
    response = writer.client.post("/mailbox/write", data={
        "subject": "伪造", "body": "伪造", "category": "other", "anonymous": "named"})
    assert response.status_code == 400 and "安全令牌" in html_of(response)
    writer.write()
    letter = only_letter()
    forged = writer.client.post(f"/mailbox/letters/{letter.id}/actions/message",
                                data={"message-text": "伪造"})
    assert forged.status_code == 400
    assert count(Letter) == 1 and count(LetterEvent) == 1


@pytest.mark.parametrize("path", [
    "/mailbox/letters/99999999999999999999",
    f"/mailbox/letters/{2**63}",
    f"/mailbox/letters/{2**63 + 1}/attachments/1",
    f"/mailbox/letters/1/attachments/{2**64}",
    "/mailbox/letters/-1",
    "/mailbox/letters/abc",
])
def test_impossible_ids_are_404(app, demo, person, path):
    assert person("gmo").get(path).status_code == 404


def test_an_action_on_an_impossible_id_is_404(app, demo, person):
    assert person("gmo").act(2**63, "accept").status_code == 404


# --- actions refused -----------------------------------------------------------------------------

def test_an_illegal_transition_posted_by_hand_is_a_message(app, demo, person):
    writer, office = person("sales1"), person("gmo")
    writer.write()
    letter = only_letter()
    response = office.act(letter.id, "resolve", text="跳过受理")
    assert response.status_code == 409
    html = html_of(response)
    assert 'data-testid="problem"' in html and "不能执行" in html
    assert only_letter().status == "submitted" and count(LetterEvent) == 1

    refused = writer.act(letter.id, "accept")
    assert refused.status_code == 400 and "您不能对这封来信执行此操作" in html_of(refused)
    assert only_letter().status == "submitted" and count(LetterEvent) == 1
    assert office.act(letter.id, "delete").status_code == 404


def test_action_forms_show_their_errors(app, demo, person):
    writer, office = person("sales1"), person("gmo")
    writer.write()
    letter = only_letter()
    office.act(letter.id, "accept")

    empty = office.act(letter.id, "answer", text="  ")
    assert empty.status_code == 400 and "请填写此项" in html_of(empty)

    wrong_handler = office.act(letter.id, "assign", department=demo["prod_head"].department_id,
                               handler=demo["sales2"].id, due_date=due_date(), text="留着")
    html = html_of(wrong_handler)
    assert wrong_handler.status_code == 400
    assert "承办人必须是承办部门" in html and "留着" in html

    past = office.act(letter.id, "assign", department=demo["prod_head"].department_id,
                      handler=0, due_date="2000-01-01")
    assert past.status_code == 400 and "办理期限不能早于今天" in html_of(past)
    for bad in ({"department": "0"}, {"department": "abc"}, {"department": str(2**64)}):
        response = office.act(letter.id, "assign", handler=0, due_date=due_date(), **bad)
        assert response.status_code == 400
    nonsense_date = office.act(letter.id, "assign", department=demo["prod_head"].department_id,
                               handler=0, due_date="明天")
    assert nonsense_date.status_code == 400
    assert only_letter().status == "accepted"


def test_a_re_assignment_starts_from_the_current_one(app, demo, person):
    writer, office = person("sales1"), person("gmo")
    writer.write()
    letter = only_letter()
    office.act(letter.id, "accept")
    office.act(letter.id, "assign", department=demo["prod_head"].department_id,
               handler=demo["prod2"].id, due_date=due_date())
    html = office.page(f"/mailbox/letters/{letter.id}")
    assert "重新交办" in html
    assert re.search(rf'<option [^>]*selected value="{demo["prod2"].id}">', html)
    moved = office.act(letter.id, "assign", department=demo["fin_head"].department_id,
                       handler=0, due_date=due_date())
    assert moved.status_code == 302
    assert person("prod2").get(f"/mailbox/letters/{letter.id}").status_code == 404
    assert person("fin_head").get(f"/mailbox/letters/{letter.id}").status_code == 200


# --- lists ----------------------------------------------------------------------------------------

def _file(author, **fields):
    data = {"subject": "来信", "body": "正文", "category": "suggestion", **fields}
    letter = mb.file_letter(author, **data).letter
    db.session.commit()
    return letter


def test_the_office_filters_its_inbox(app, demo, person):
    office = person("gmo")
    complaint = _file(demo["sales1"], subject="投诉一", category="complaint")
    old = _file(demo["sales2"], subject="很久以前", now=utcnow() - timedelta(days=30))
    assigned = _file(demo["prod1"], subject="交办了")
    mb.accept(assigned, demo["gmo"])
    mb.assign(assigned, demo["gmo"], department=demo["prod_head"].department,
              due_date=utcnow().date() + timedelta(days=5))
    db.session.commit()

    def listed(query: str) -> set[str]:
        html = office.page("/mailbox/office" + query)
        return {n for n in (complaint.number, old.number, assigned.number) if n in html}

    assert listed("") == {complaint.number, old.number, assigned.number}
    assert listed("?category=complaint") == {complaint.number}
    assert listed("?status=assigned") == {assigned.number}
    assert listed(f"?department={demo['prod_head'].department_id}") == {assigned.number}
    assert listed("?overdue=y") == {old.number}
    assert listed("?status=submitted&category=suggestion") == {old.number}
    bogus = office.page("/mailbox/office?status=bogus&department=abc&page=-3")
    assert "筛选条件无效" in bogus and complaint.number in bogus
    assert 'data-testid="overdue"' in office.page("/mailbox/office?overdue=y")


def test_the_office_inbox_pages(app, demo, person):
    from hub.mailbox.views import OFFICE_PER_PAGE

    for n in range(OFFICE_PER_PAGE + 1):
        mb.file_letter(demo["sales1"], subject=f"来信{n}", body="正文", category="other")
    db.session.commit()
    office = person("gmo")
    first = office.page("/mailbox/office?category=other")
    assert f"共 {OFFICE_PER_PAGE + 1} 封" in first
    assert "page=2" in first and "category=other" in first
    second = office.page("/mailbox/office?category=other&page=2")
    assert second.count('data-testid="letter-row"') == 1


def test_status_links_for_the_office_lead_to_its_inbox(app, demo, person):
    response = person("gmo").get("/mailbox/?status=submitted")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/mailbox/office?status=submitted")
    mine = person("sales1").get("/mailbox/?status=submitted")
    assert mine.status_code == 200


def test_bulk_accept(app, demo, person):
    office = person("gmo")
    first, second, third = (_file(demo[name]) for name in ("sales1", "sales2", "prod1"))
    html = office.page("/mailbox/office")
    assert 'form="bulk-accept"' in html and "批量受理" in html

    response = office.post("/mailbox/office/accept", {
        "letters": [first.id, second.id], "return_to": "/mailbox/office?status=submitted"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/mailbox/office?status=submitted")
    statuses = dict(db.session.execute(select(Letter.id, Letter.status)).all())
    assert statuses == {first.id: "accepted", second.id: "accepted", third.id: "submitted"}
    assert "已受理 2 封来信" in office.page("/mailbox/office")

    again = office.post("/mailbox/office/accept", {"letters": [first.id, third.id]})
    assert again.status_code == 302
    assert "另有 1 封" in office.page("/mailbox/office")
    assert only_status(third) == "accepted"

    for bad in ([], ["abc"], [str(2**63)], [str(10**30)]):
        refused = office.post("/mailbox/office/accept",
                              {"letters": bad, "return_to": "https://evil.example/"})
        assert refused.status_code == 302
        assert refused.headers["Location"].endswith("/mailbox/office")
    assert person("sales1").post("/mailbox/office/accept",
                                 {"letters": [first.id]}).status_code == 404


def only_status(letter: Letter) -> str:
    db.session.expire_all()
    return db.session.get(Letter, letter.id).status


def test_the_assigned_list_shows_deadlines_and_overdue(app, demo, person):
    letter = _file(demo["sales1"], subject="督办的来信")
    mb.accept(letter, demo["gmo"])
    mb.assign(letter, demo["gmo"], department=demo["prod_head"].department,
              due_date=utcnow().date() + timedelta(days=3))
    letter.due_at = utcnow() - timedelta(days=1)  # the deadline has passed since
    db.session.commit()
    head = person("prod_head")
    html = head.page("/mailbox/assigned")
    assert letter.number in html and 'data-testid="overdue"' in html
    assert 'data-testid="nav-mailbox-desk"' in html
    assert "/mailbox/assigned" in html
    assert 'data-testid="nav-mailbox-desk"' not in person("sales2").page("/mailbox/")
    assert "/mailbox/office" in person("gmo").page("/mailbox/")
