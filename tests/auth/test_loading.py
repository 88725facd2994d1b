"""The signed-in person is loaded once per request, in one statement, and activity times
are kept to 15 minutes."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hub.auth.loading import ACTIVITY_RESOLUTION, activity_time
from hub.auth.models import ApiToken, UserSession
from hub.extensions import db
from tests.support.sqlcount import statements


def test_activity_time_is_the_start_of_its_quarter_hour():
    from datetime import datetime

    assert activity_time(datetime(2026, 3, 2, 9, 44, 59, 999)) == datetime(2026, 3, 2, 9, 30)
    assert activity_time(datetime(2026, 3, 2, 9, 45)) == datetime(2026, 3, 2, 9, 45)
    assert ACTIVITY_RESOLUTION == timedelta(minutes=15)


def test_a_session_is_loaded_in_one_statement_and_its_time_kept_to_15_minutes(
        app, client, create_user, login):
    user = create_user(roles=["hr"])
    login(client, user)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    row.last_seen_at -= timedelta(minutes=20)  # seen in an earlier quarter hour
    db.session.commit()
    assert client.get("/notifications/").status_code == 200
    db.session.refresh(row)
    seen = row.last_seen_at
    assert seen == activity_time(seen) and seen.second == 0 and seen.minute % 15 == 0
    with statements() as found:
        assert client.get("/notifications/").status_code == 200
    db.session.refresh(row)
    assert row.last_seen_at == seen  # same quarter hour: nothing written
    assert not any(text.lstrip().upper().startswith("UPDATE") for text in found)
    loads = [text for text in found if "user_sessions" in text]
    assert len(loads) == 1 and "JOIN users" in loads[0] and "user_roles" in loads[0]
    assert not any(text.lstrip().startswith("SELECT user_roles") for text in found)


def test_a_token_is_loaded_with_its_person_and_its_time_kept_to_15_minutes(
        app, client, create_user, bearer):
    user = create_user()
    headers = bearer(user)
    assert client.get("/api/v1/letters", headers=headers).status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.last_used_at == activity_time(token.last_used_at)
