"""The mailbox's rules: numbering, lifecycle, who sees what, anonymity, deadlines."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select

from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.mailbox import services as mb
from hub.mailbox.models import Letter, LetterEvent
from hub.notifications.models import Notification
from tests.support.factories import company_today


def file(author, **kw):
    fields = {"subject": "食堂的饭菜太咸了", "body": "最近食堂的红烧肉太咸了。", "category": "suggestion"}
    fields.update(kw)
    filed = mb.file_letter(author, **fields)
    db.session.commit()
    return filed


def through_to_answer(letter, demo):
    mb.accept(letter, demo["gmo"])
    mb.assign(letter, demo["gmo"], department=demo["prod_head"].department,
              due_date=company_today() + timedelta(days=10))
    mb.resolve(letter, demo["prod_head"], "已调整菜谱")
    mb.answer(letter, demo["gmo"], "感谢来信，食堂已调整。")
    db.session.commit()


def test_numbers_are_sequential_per_year(app, demo):
    first = file(demo["sales1"]).letter
    second = file(demo["sales2"]).letter
    year = first.filed_on.year
    assert first.number == f"GM-{year}-000001"
    assert second.number == f"GM-{year}-000002"


def test_a_rolled_back_filing_gives_its_number_back(app, demo):
    mb.file_letter(demo["sales1"], subject="a", body="b", category="other")
    db.session.rollback()
    letter = file(demo["sales1"]).letter
    assert letter.number.endswith("-000001")


def test_concurrent_filing_is_unique_and_gap_free(app, demo):
    author_id = demo["sales1"].id
    errors = []

    def worker():
        try:
            with app.app_context():
                from hub.org.models import User
                for _ in range(5):
                    mb.file_letter(db.session.get(User, author_id), subject="并发",
                                   body="测试", category="other")
                    db.session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(db.session.scalars(select(Letter.seq)))
    assert seqs == list(range(1, 21))


def test_full_lifecycle_and_history(app, demo):
    letter = file(demo["sales1"]).letter
    through_to_answer(letter, demo)
    mb.archive(letter, demo["gmo"])
    db.session.commit()
    assert letter.status == "archived"
    steps = [(e.action, e.to_status) for e in letter.events]
    assert steps == [("submit", "submitted"), ("accept", "accepted"), ("assign", "assigned"),
                     ("resolve", "resolved"), ("answer", "answered"), ("archive", "archived")]
    assert letter.answer == "感谢来信，食堂已调整。"


@pytest.mark.parametrize("action", ["resolve", "answer", "archive"])
def test_illegal_transitions_are_refused(app, demo, action):
    letter = file(demo["sales1"]).letter
    with pytest.raises(mb.InvalidTransition):
        mb.perform(letter, demo["gmo"], action, {"text": "x"})
    assert letter.status == "submitted"


def test_reject_needs_a_reason_and_answers_the_writer(app, demo):
    letter = file(demo["sales1"]).letter
    with pytest.raises(mb.LetterError):
        mb.reject(letter, demo["gmo"], "  ")
    mb.reject(letter, demo["gmo"], "不属于总经理信箱受理范围，请向工会反映。")
    db.session.commit()
    assert letter.status == "rejected"
    assert letter.answer.startswith("不属于")
    titles = db.session.scalars(select(Notification.title)
                                .where(Notification.user_id == demo["sales1"].id)).all()
    assert any("不予受理" in t for t in titles)


def test_reassignment_moves_the_letter(app, demo):
    letter = file(demo["sales1"]).letter
    mb.accept(letter, demo["gmo"])
    due = company_today() + timedelta(days=5)
    mb.assign(letter, demo["gmo"], department=demo["prod_head"].department, due_date=due)
    mb.assign(letter, demo["gmo"], department=demo["fin_head"].department, due_date=due)
    db.session.commit()
    assert mb.can_view_letter(demo["fin_head"], letter)
    assert not mb.can_view_letter(demo["prod_head"], letter)
    assert [e.action for e in letter.events][-2:] == ["assign", "reassign"]


def test_who_may_see_a_letter(app, demo):
    letter = file(demo["sales1"]).letter
    mb.accept(letter, demo["gmo"])
    mb.assign(letter, demo["gmo"], department=demo["prod_head"].department,
              handler=demo["prod2"], due_date=company_today() + timedelta(days=3))
    db.session.commit()
    can = {name for name, user in demo.items() if mb.can_view_letter(user, letter)}
    assert can == {"sales1", "gm", "gmo", "prod_head", "prod2"}
    for name, user in demo.items():  # lists and counts follow the same rule
        listed = db.session.scalar(
            select(func.count()).select_from(mb.visible_letters(user).subquery()))
        assert listed == (1 if name in can else 0), name


def test_assigned_letters_are_the_handlers_own(app, demo):
    """The 督办 list holds what is assigned to the person, also for the GM office."""
    assigned = file(demo["sales1"]).letter
    written = file(demo["prod_head"], subject="生产部经理自己的来信").letter
    mb.accept(assigned, demo["gmo"])
    mb.assign(assigned, demo["gmo"], department=demo["prod_head"].department,
              handler=demo["prod2"], due_date=company_today() + timedelta(days=3))
    db.session.commit()
    listed = {name: set(db.session.scalars(mb.assigned_letters(user)))
              for name, user in demo.items()}
    assert listed["prod_head"] == listed["prod2"] == {assigned}
    assert written not in listed["prod_head"]
    assert {name for name, letters in listed.items() if letters} == {"prod_head", "prod2"}


def test_internal_notes_never_reach_the_writer(app, demo):
    letter = file(demo["sales1"]).letter
    mb.accept(letter, demo["gmo"])
    mb.add_note(letter, demo["gmo"], "内部：此人上月也反映过")
    db.session.commit()
    writer_view = [e.text for e in mb.visible_events(demo["sales1"], letter)]
    receipt_view = [e.text for e in mb.visible_events(None, letter)]
    assert "内部：此人上月也反映过" not in writer_view + receipt_view
    assert "内部：此人上月也反映过" in [e.text for e in mb.visible_events(demo["gmo"], letter)]


def test_only_handlers_may_resolve(app, demo):
    letter = file(demo["sales1"]).letter
    mb.accept(letter, demo["gmo"])
    mb.assign(letter, demo["gmo"], department=demo["prod_head"].department,
              due_date=company_today() + timedelta(days=3))
    db.session.commit()
    assert not mb.can_act(demo["sales1"], letter, "resolve")
    assert mb.can_act(demo["prod_head"], letter, "resolve")
    assert not mb.can_act(demo["prod_head"], letter, "answer")


def test_anonymous_letter_keeps_no_trace_of_its_writer(app, demo):
    filed = file(demo["sales1"], anonymous=True, subject="匿名反映加班问题")
    letter = filed.letter
    assert letter.author_id is None and letter.author_department_id is None
    assert letter.filed_at.time() == datetime.min.time() or letter.filed_at.minute == 0
    assert all(e.actor_id is None for e in letter.events)
    # No column anywhere in the letter's rows holds the writer's id or name.
    for row in [letter, *letter.events]:
        for column in inspect(row).mapper.column_attrs:
            value = getattr(row, column.key)
            assert value != demo["sales1"].id or column.key in ("id", "seq", "letter_id")
            assert "何磊" not in str(value)
    # The office hears of it only through the digest, not at the moment of writing.
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    assert mb.announce_anonymous_letters() == 1
    db.session.commit()
    assert mb.announce_anonymous_letters() == 0
    assert not mb.can_view_letter(demo["sales1"], letter)


def test_receipt_code_finds_the_letter_and_nothing_else(app, demo):
    filed = file(demo["sales1"], anonymous=True)
    code = filed.receipt_code
    assert len(code.replace("-", "")) == 20  # 100 bits
    assert filed.letter.receipt_hash != code and code not in filed.letter.receipt_hash
    assert mb.letter_by_receipt(code) == filed.letter
    assert mb.letter_by_receipt(code.lower().replace("-", " ")) == filed.letter
    assert mb.letter_by_receipt("AAAA-BBBB-CCCC-DDDD-EEEE") is None
    assert mb.letter_by_receipt("not a code") is None
    assert mb.letter_by_receipt("") is None


def test_anonymous_writer_follows_up_by_receipt(app, demo):
    filed = file(demo["sales1"], anonymous=True)
    mb.add_writer_message(filed.letter, "补充：每周三最咸")
    mb.accept(filed.letter, demo["gmo"])
    mb.reply(filed.letter, demo["gmo"], "收到，已转食堂")
    db.session.commit()
    texts = [e.text for e in mb.visible_events(None, filed.letter)]
    assert "补充：每周三最咸" in texts and "收到，已转食堂" in texts
    message = [e for e in filed.letter.events if e.action == "message"][0]
    assert message.actor_id is None and message.at.second == 0


@pytest.mark.parametrize("fields", [
    {"subject": ""},
    {"subject": "x" * 100_000},
    {"body": "   "},
    {"category": "bribe"},
])
def test_bad_input_saves_nothing(app, demo, fields):
    with pytest.raises(mb.LetterError):
        mb.file_letter(demo["sales1"], **{"subject": "s", "body": "b", "category": "other",
                                           **fields})
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Letter)) == 0


def test_acceptance_due_two_working_days_across_national_day(app, demo):
    # Filed Wednesday 30 September 2026, 10:00 Shanghai (02:00 UTC); 1–7 October are holidays,
    # so acceptance is due by the end of Friday 9 October.
    filed = mb.file_letter(demo["sales1"], subject="s", body="b", category="other",
                           now=datetime(2026, 9, 30, 2, 0))
    db.session.commit()
    assert filed.letter.accept_due_at == datetime(2026, 10, 9, 15, 59, 59)
    assert not mb.acceptance_overdue(filed.letter, datetime(2026, 10, 9, 15, 0))
    assert mb.acceptance_overdue(filed.letter, datetime(2026, 10, 9, 16, 0))


def test_make_up_saturday_counts_for_acceptance(app, demo):
    # Filed Thursday 8 October 2026: Friday 9th and the 调休 Saturday 10th.
    filed = mb.file_letter(demo["sales1"], subject="s", body="b", category="other",
                           now=datetime(2026, 10, 8, 2, 0))
    db.session.commit()
    assert filed.letter.accept_due_at == datetime(2026, 10, 10, 15, 59, 59)


def test_overdue_letters_escalate_to_handler_then_office(app, demo):
    letter = file(demo["sales1"]).letter
    mb.accept(letter, demo["gmo"])
    mb.assign(letter, demo["gmo"], department=demo["prod_head"].department,
              due_date=local_date(utcnow()))  # the company's today
    db.session.commit()

    def titles(user):
        return db.session.scalars(select(Notification.title).where(
            Notification.user_id == user.id, Notification.kind == "letter.overdue")).all()

    assert mb.escalate_overdue(letter.due_at - timedelta(minutes=1)) == 0
    assert mb.escalate_overdue(letter.due_at + timedelta(minutes=1)) == 1
    assert len(titles(demo["prod_head"])) == 1 and titles(demo["gmo"]) == []
    assert mb.escalate_overdue(letter.due_at + timedelta(minutes=2)) == 0  # once per level
    assert mb.escalate_overdue(letter.due_at + timedelta(days=5)) == 1
    assert len(titles(demo["gmo"])) == 1 and len(titles(demo["gm"])) == 1
    assert [e.action for e in letter.events].count("escalate") == 2


def test_history_rows_cannot_be_changed(app, demo):
    letter = file(demo["sales1"]).letter
    event = letter.events[0]
    event.text = "篡改"
    with pytest.raises(Exception, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(LetterEvent, event.id).text == ""


def test_assignment_needs_a_department_member_as_handler(app, demo):
    letter = file(demo["sales1"]).letter
    mb.accept(letter, demo["gmo"])
    with pytest.raises(mb.LetterError):
        mb.assign(letter, demo["gmo"], department=demo["prod_head"].department,
                  handler=demo["sales2"], due_date=company_today())
    with pytest.raises(mb.LetterError):
        mb.assign(letter, demo["gmo"], department=demo["prod_head"].department,
                  due_date=company_today() - timedelta(days=1))
    assert letter.status == "accepted"


def test_escalation_runs_with_utcnow_by_default(app, demo):
    file(demo["sales1"])
    assert mb.escalate_overdue() == 0
    assert utcnow()  # the default path does not need a time given


def test_steps_can_be_dated_in_the_past(app, demo):
    # The demo company and records carried over from paper: history and columns agree.
    filed_at = datetime(2026, 9, 1, 2, 0)  # Tuesday 10:00 Shanghai
    letter = mb.file_letter(demo["sales1"], subject="s", body="b", category="other",
                            now=filed_at).letter
    steps = [datetime(2026, 9, 2, 3, 0), datetime(2026, 9, 2, 4, 0),
             datetime(2026, 9, 8, 6, 0), datetime(2026, 9, 9, 1, 0), datetime(2026, 9, 10, 1, 0)]
    mb.accept(letter, demo["gmo"], at=steps[0])
    mb.assign(letter, demo["gmo"], department=demo["prod_head"].department,
              due_date=date(2026, 9, 7), at=steps[1])  # long past, but not before the step
    mb.resolve(letter, demo["prod_head"], "已处理", at=steps[2])
    mb.answer(letter, demo["gmo"], "已答复", at=steps[3])
    mb.archive(letter, demo["gmo"], at=steps[4])
    db.session.commit()
    assert [e.at for e in letter.events] == [filed_at, *steps]
    assert (letter.accepted_at, letter.assigned_at, letter.resolved_at, letter.answered_at,
            letter.closed_at) == tuple(steps)
    assert letter.due_at == datetime(2026, 9, 7, 15, 59, 59)
    other = mb.file_letter(demo["sales2"], subject="s", body="b", category="other",
                           now=filed_at).letter
    mb.accept(other, demo["gmo"], at=steps[0])
    with pytest.raises(mb.LetterError):  # the due date is checked against the step's day
        mb.assign(other, demo["gmo"], department=demo["prod_head"].department,
                  due_date=date(2026, 9, 1), at=steps[1])
