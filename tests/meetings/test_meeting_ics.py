"""The meeting's calendar file names the other side in each person's calendar (issue 14,
problem 13): the organizer's own file shows the invitee, the invitee's the organizer — as
downloaded from the page, from the API, and as attached to the invitation e-mail."""
from __future__ import annotations

from icalendar import Calendar

from tests.meetings.test_meetings import org, propose  # noqa: F401 - the fixture


def summary_of(data: bytes) -> str:
    return str(Calendar.from_ical(data).walk("VEVENT")[0]["SUMMARY"])


def test_each_calendar_names_the_other_side(app, client, org, login, bearer):
    from hub.extensions import db
    from hub.notifications.models import OutboxMail

    meeting = propose(org.lead, org.one)
    db.session.commit()
    url = f"/talks/meetings/{meeting.id}.ics"

    login(client, org.lead)
    organizer_file = summary_of(client.get(url).data)
    assert org.one.name in organizer_file and org.lead.name not in organizer_file
    invitee = app.test_client()
    login(invitee, org.one)
    invitee_file = summary_of(invitee.get(url).data)
    assert org.lead.name in invitee_file and org.one.name not in invitee_file

    api = app.test_client().get(f"/api/v1/meetings/{meeting.id}.ics", headers=bearer(org.one))
    assert api.status_code == 200 and org.lead.name in summary_of(api.data)

    # The invitation e-mail carries the invitee's own file.
    mail = db.session.scalar(db.select(OutboxMail).where(OutboxMail.to_addr == org.one.email))
    assert org.lead.name in summary_of(mail.attachment_content.encode())
