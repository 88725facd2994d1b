"""In-app notifications and e-mail through the outbox to a real SMTP server."""
from __future__ import annotations

from hub.extensions import db
from hub.notifications.models import OutboxMail
from hub.notifications.sender import deliver_due, retry_now
from hub.notifications.services import notify, unread_count
from tests.support.smtp import html_of, text_of


def test_notification_reaches_the_bell_and_the_mailbox(app, client, smtp, create_user, login):
    user = create_user("zhang", name="张三", email="zhang@test.example.com")
    notify(user, kind="test", title="您的来信已受理", body="编号 GM-2026-000001", url="/")
    db.session.commit()

    login(client, user)
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="unread-count">1<' in html
    assert "您的来信已受理" in client.get("/notifications/").get_data(as_text=True)

    assert deliver_due() == 1
    [message] = smtp.inbox.wait_for(1)
    assert message["To"] == "zhang@test.example.com"
    assert message["Subject"] == "您的来信已受理"
    assert "张三，您好" in text_of(message)
    assert "GM-2026-000001" in html_of(message)
    assert "http://127.0.0.1:5000/" in text_of(message)


def test_mail_waits_for_the_server_and_goes_out_once_it_is_back(app, smtp, create_user):
    user = create_user("zhang", email="zhang@test.example.com")
    smtp.stop()
    notify(user, kind="test", title="提醒")
    db.session.commit()

    assert deliver_due() == 0
    row = db.session.scalar(db.select(OutboxMail))
    assert row.attempts == 1 and row.sent_at is None and row.last_error
    assert deliver_due() == 0  # backing off: not due yet, no second attempt
    assert row.attempts == 1

    smtp.start()
    retry_now()
    assert deliver_due() == 1
    assert len(smtp.inbox.wait_for(1)) == 1
    assert deliver_due() == 0  # sent exactly once


def test_nothing_is_mailed_when_the_transaction_rolls_back(app, smtp, create_user):
    user = create_user("zhang")
    notify(user, kind="test", title="不会发出")
    db.session.rollback()
    assert deliver_due() == 0
    assert smtp.inbox.messages == []


def test_opening_a_notification_marks_it_read(app, client, create_user, login, get_csrf):
    user = create_user("zhang")
    note = notify(user, kind="test", title="去看看", url="/people/", email=False)
    db.session.commit()
    login(client, user)
    response = client.post(f"/notifications/{note.id}/open",
                           data={"csrf_token": get_csrf(client, "/notifications/")})
    assert response.headers["Location"] == "/people/"
    assert unread_count(user) == 0


def test_somebody_elses_notification_is_404(app, client, create_user, login, get_csrf):
    owner, other = create_user("zhang"), create_user("li")
    note = notify(owner, kind="test", title="私人", email=False)
    db.session.commit()
    login(client, other)
    response = client.post(f"/notifications/{note.id}/open",
                           data={"csrf_token": get_csrf(client, "/notifications/")})
    assert response.status_code == 404
    assert "私人" not in client.get("/notifications/").get_data(as_text=True)
    assert unread_count(owner) == 1


def test_inactive_people_get_nothing(app, create_user):
    user = create_user("zhang", active=False)
    assert notify(user, kind="test", title="x") is None
