"""The public receipt pages: an anonymous writer follows the letter with the code, which
travels only in POST bodies; wrong codes are a 404 and are throttled without storing who
asked; the pages never show or touch the signed-in user."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hub.common.time import utcnow
from hub.extensions import db, limiter
from hub.mailbox.models import Letter, LetterEvent
from tests.conftest import csrf_token
from tests.mailbox.test_pages import CODE_RE, Person

WRONG = "AAAA-BBBB-CCCC-DDDD-EEEE"


@pytest.fixture
def person(app, login, demo):
    return lambda username: Person(app, login, demo[username])


@pytest.fixture
def visitor(app):
    """A browser that nobody signed in to."""
    return app.test_client()


def lookup(client, code: str):
    return client.post("/receipt/", data={"csrf_token": csrf_token(client, "/receipt/"),
                                          "code": code})


def send(client, code: str, text: str):
    return client.post("/receipt/message", data={
        "csrf_token": csrf_token(client, "/receipt/"), "code": code, "text": text})


def write_anonymously(writer: Person, **fields) -> tuple[Letter, str]:
    filed = writer.write(anonymous="anonymous", **fields)
    response = writer.get(filed.headers["Location"])  # the receipt page it redirects to
    code = CODE_RE.search(response.get_data(as_text=True)).group(1)
    db.session.expire_all()
    return db.session.scalars(select(Letter)).one(), code


def html_of(response) -> str:
    return response.get_data(as_text=True)


def test_an_anonymous_writer_follows_the_letter_to_its_answer(app, demo, person, visitor):
    office, head = person("gmo"), person("prod_head")
    letter, code = write_anonymously(person("sales1"), subject="食堂的饭菜太咸了")
    assert letter.author_id is None

    first = lookup(visitor, code)
    assert first.status_code == 200
    html = html_of(first)
    assert letter.number in html and "食堂的饭菜太咸了" in html
    assert 'data-status="submitted"' in html and 'data-testid="no-answer"' in html
    assert first.headers["Cache-Control"] == "no-store"

    office.act(letter.id, "accept")
    office.act(letter.id, "reply", text="收到，已转食堂。")
    office.act(letter.id, "note", text="内部：请勿外传")
    office.act(letter.id, "assign", department=demo["prod_head"].department_id, handler=0,
               due_date=(utcnow().date() + timedelta(days=5)).isoformat())
    head.act(letter.id, "resolve", text="生产部内部的办理结果")
    office.act(letter.id, "answer", text="感谢来信，食堂已调整菜谱。")

    # Typed the way people type: lower case, spaces instead of dashes.
    later = html_of(lookup(visitor, code.lower().replace("-", " ")))
    assert 'data-status="answered"' in later and 'data-testid="answer"' in later
    assert "感谢来信，食堂已调整菜谱。" in later and "收到，已转食堂。" in later
    assert "内部：请勿外传" not in later and "生产部内部的办理结果" not in later
    assert "仅处理人可见" not in later

    sent = send(visitor, code, "补充：每周三最咸")
    assert sent.status_code == 200 and "补充说明已发送" in html_of(sent)
    assert "补充：每周三最咸" in html_of(sent)
    message = db.session.scalars(select(LetterEvent).where(LetterEvent.action == "message")).one()
    assert message.actor_id is None and message.actor_label == "writer"
    seen_by_office = office.page(f"/mailbox/letters/{letter.id}")
    assert "补充：每周三最咸" in seen_by_office and "匿名来信人" in seen_by_office


def test_a_wrong_code_is_404_without_a_hint(app, demo, person, visitor):
    _letter, code = write_anonymously(person("sales1"))
    near_miss = ("B" if code[0] != "B" else "C") + code[1:]
    for wrong in (WRONG, near_miss, "not a code", "ä" * 20):
        response = lookup(visitor, wrong)
        assert response.status_code == 404
        assert "没有找到这个查询码" in html_of(response)
    assert send(visitor, WRONG, "你好").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(LetterEvent)) == 1


@pytest.mark.parametrize(("code", "message"), [("", "请输入查询码"), ("A" * 65, "查询码不正确")])
def test_an_empty_or_absurd_code_is_a_form_error(app, visitor, code, message):
    response = lookup(visitor, code)
    assert response.status_code == 400 and message in html_of(response)
    follow_up = send(visitor, code, "你好")
    assert follow_up.status_code == 400 and message in html_of(follow_up)


def test_a_code_in_the_url_is_not_honoured(app, demo, person, visitor):
    letter, code = write_anonymously(person("sales1"), subject="匿名的标题")
    moved = visitor.get(f"/receipt?code={code}")
    assert moved.status_code == 308  # to /receipt/?code=…, which shows the empty form
    for path in (f"/receipt/?code={code}", moved.headers["Location"]):
        response = visitor.get(path)
        html = html_of(response)
        assert response.status_code == 200
        assert letter.number not in html and "匿名的标题" not in html
        assert f'value="{code}"' not in html  # the code field is not filled in either
    assert visitor.post(f"/receipt/?code={code}",
                        data={"csrf_token": csrf_token(visitor, "/receipt/")}).status_code == 400


def test_a_forged_lookup_without_csrf_is_refused(app, demo, person, visitor):
    _letter, code = write_anonymously(person("sales1"))
    assert visitor.post("/receipt/", data={"code": code}).status_code == 400
    assert visitor.post("/receipt/message", data={"code": code, "text": "伪造"}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(LetterEvent)) == 1


def test_wrong_codes_are_throttled_without_storing_the_address(app, demo, person, visitor):
    _letter, code = write_anonymously(person("sales1"))
    for _ in range(5):
        assert lookup(visitor, WRONG).status_code == 404
        assert send(visitor, WRONG, "试试").status_code == 404
    assert lookup(visitor, code).status_code == 429  # the 11th try, even with the right code
    assert "错误次数过多" in html_of(lookup(visitor, WRONG))
    stored = repr(vars(limiter.storage))
    assert "receipt-codes" in stored and "127.0.0.1" not in stored


def test_right_codes_are_not_throttled(app, demo, person, visitor):
    _letter, code = write_anonymously(person("sales1"))
    for _ in range(15):
        assert lookup(visitor, code).status_code == 200


def test_a_follow_up_needs_text_and_an_open_letter(app, demo, person, visitor):
    office = person("gmo")
    letter, code = write_anonymously(person("sales1"))
    empty = send(visitor, code, "   ")
    assert empty.status_code == 400 and "请填写此项" in html_of(empty)
    assert letter.number in html_of(empty)  # the receipt is shown again, with the message

    office.act(letter.id, "reject", text="不属于信箱范围")
    office.act(letter.id, "archive")
    archived = html_of(lookup(visitor, code))
    assert "不予受理的理由" in archived and "不属于信箱范围" in archived
    assert "已归档，不能再补充" in archived
    late = send(visitor, code, "还想补充")
    assert late.status_code == 409 and "来信已归档" in html_of(late)
    assert db.session.scalar(select(func.count()).select_from(LetterEvent)
                             .where(LetterEvent.action == "message")) == 0


def test_the_pages_never_show_or_touch_the_signed_in_user(app, demo, person):
    writer = person("sales1")
    letter, code = write_anonymously(writer)
    with writer.client.session_transaction() as session:
        before = dict(session)
    for response in (writer.get("/receipt/"), lookup(writer.client, code),
                     send(writer.client, code, "补充说明")):
        html = html_of(response)
        assert response.status_code == 200
        assert demo["sales1"].name not in html
        assert 'data-testid="bell"' not in html and 'data-testid="logout"' not in html
    with writer.client.session_transaction() as session:
        assert dict(session) == before
    assert demo["sales1"].name in writer.page("/")  # still signed in elsewhere
    assert writer.get(f"/mailbox/letters/{letter.id}").status_code == 404


def test_a_visitor_gets_nothing_identifying_in_the_session(app, visitor):
    visitor.get("/receipt/")
    with visitor.session_transaction() as session:
        # Flask-Login's freshness flag, whoever is (not) signed in.
        assert set(session) <= {"csrf_token", "_fresh"}
