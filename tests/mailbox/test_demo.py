"""The demo letters: every state, three months, anonymous ones without a trace, made on the
first start and by ``flask --app app demo-data``, without mail to anybody."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from hub import create_app
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.mailbox import services as mb
from hub.mailbox.demo import LETTERS, create_demo_letters
from hub.mailbox.models import STATUSES, Letter, LetterEvent
from hub.notifications.models import Notification, OutboxMail
from tests.conftest import TEST_SECRET

RECEIPT_CODE = re.compile(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def all_letters() -> list[Letter]:
    return list(db.session.scalars(select(Letter).order_by(Letter.year, Letter.seq)))


def test_demo_letters_cover_every_state(app, demo):
    create_demo_letters(demo)
    db.session.commit()
    letters = all_letters()
    assert len(letters) == len(LETTERS) >= 30
    assert {letter.status for letter in letters} == set(STATUSES)

    now = utcnow()
    waiting = [x for x in letters if x.status == "submitted"]
    assert any(mb.is_overdue(x, now) for x in waiting)
    assert any(not mb.is_overdue(x, now) for x in waiting)
    with_department = [x for x in letters if x.status == "assigned"]
    assert any(mb.is_overdue(x, now) for x in with_department)
    assert any(not mb.is_overdue(x, now) for x in with_department)
    assert len({x.department_id for x in letters if x.department_id}) >= 5
    assert all(x.answer for x in letters if x.status == "rejected")
    assert sum(x.anonymous for x in letters) >= 5

    today = local_date(now)
    assert min(x.filed_on for x in letters) >= today - timedelta(days=92)
    assert min(x.filed_on for x in letters) <= today - timedelta(days=60)
    assert max(x.filed_on for x in letters) == today


def test_demo_history_is_real_history(app, demo):
    create_demo_letters(demo)
    db.session.commit()
    now = utcnow()
    letters = all_letters()
    # Numbers follow the filing dates (anonymous letters are dated to the day only).
    assert [x.filed_on for x in letters] == sorted(x.filed_on for x in letters)
    named = [x.filed_at for x in letters if not x.anonymous]
    assert named == sorted(named)
    for letter in letters:
        events = letter.events
        assert events[0].action == "submit" and events[0].at == letter.filed_at
        assert all(e.at <= now for e in events)
        assert [e.at for e in events] == sorted(e.at for e in events)
        changes = [e.to_status for e in events if e.to_status]
        assert changes[-1] == letter.status, letter.subject
    # Overdue letters have been reminded of, and the office told of the anonymous letters.
    assert count(LetterEvent) > 0
    assert db.session.scalar(select(func.count()).select_from(LetterEvent)
                             .where(LetterEvent.action == "escalate")) > 0
    assert mb.announce_anonymous_letters() == 0


def test_anonymous_demo_letters_keep_no_trace_of_their_writers(app, demo):
    create_demo_letters(demo)
    db.session.commit()
    for letter in all_letters():
        if letter.anonymous:
            assert letter.author_id is None and letter.author_department_id is None
            assert letter.receipt_hash is not None
            assert all(e.actor_id is None for e in letter.events
                       if e.action in ("submit", "message"))
            assert letter.filed_at == letter.events[0].at
            assert (letter.filed_at.hour, letter.filed_at.minute) == (16, 0)  # midnight +08


def test_every_demo_step_lies_in_the_past():
    for spec in LETTERS:
        assert all(step.day < spec.days_ago for step in spec.steps), spec.subject


def test_demo_data_command_makes_the_letters_without_sending_mail(app):
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert count(Letter) == len(LETTERS)
    assert count(Notification) > 0
    assert count(OutboxMail) == 0
    assert not RECEIPT_CODE.search(result.output)


def test_first_start_makes_the_demo_letters(tmp_path, capsys):
    app = create_app({
        "TESTING": True, "SECRET_KEY": TEST_SECRET, "DEMO_BOOTSTRAP": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'first-start.sqlite3'}",
    })
    console = capsys.readouterr()
    assert "hub-demo" in console.out
    assert not RECEIPT_CODE.search(console.out + console.err)
    with app.app_context():
        try:
            assert count(Letter) == len(LETTERS)
            assert {s for (s,) in db.session.execute(select(Letter.status).distinct())} == \
                set(STATUSES)
            assert count(OutboxMail) == 0
        finally:
            db.session.remove()
            db.engine.dispose()
