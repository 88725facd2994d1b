"""Calendar files (RFC 5545) of meetings, made with the ``icalendar`` package.

One UID per meeting for its whole life, so that calendar programs update the event they
already have; SEQUENCE grows with each new time or the cancellation.  Times carry the
company's TZID (Asia/Shanghai) with its VTIMEZONE.  The file holds only what the meeting
page shows every participant: never anything of a talk log.  Its summary names the other
side as seen from the person whose calendar it goes to: the organizer's file names the
invitees, an invitee's file the organizer.
"""
from __future__ import annotations

from datetime import timedelta, timezone
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from hub.common.time import company_tz
from hub.common.urls import path_for
from hub.meetings.kinds import KIND_LABELS
from hub.meetings.models import Meeting
from hub.notifications.services import absolute_url

MIMETYPE = "text/calendar"
PARTSTAT = {"pending": "NEEDS-ACTION", "accepted": "ACCEPTED", "declined": "DECLINED",
            "proposed": "TENTATIVE"}
STATUS = {"proposed": "TENTATIVE", "accepted": "CONFIRMED", "declined": "CANCELLED",
          "cancelled": "CANCELLED"}


def uid_of(meeting: Meeting) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "hub.local"
    return f"meeting-{meeting.id}@{host}"


def filename_of(meeting: Meeting) -> str:
    return f"meeting-{meeting.id}.ics"


def _address(user) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}" if user.email
                          else f"urn:hub:user:{user.id}")
    address.params["CN"] = vText(user.name)
    return address


def other_side(meeting: Meeting, reader) -> str:
    """Whom the meeting is with, for ``reader``: the invitees for the organizer (or for
    nobody in particular), the organizer for an invitee."""
    if reader is not None and reader.id != meeting.organizer_id:
        return meeting.organizer.name
    return "、".join(p.user.name for p in meeting.participants
                    if p.user_id != meeting.organizer_id and p.user is not None)


def meeting_calendar(meeting: Meeting, reader=None) -> bytes:
    """The calendar file of ``meeting`` for ``reader``'s calendar."""
    tz = company_tz()
    cancelled = meeting.status in ("cancelled", "declined")
    cal = Calendar()
    cal.add("prodid", "-//Intranet Communication Hub//talks//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid_of(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at.replace(tzinfo=timezone.utc))
    start = meeting.start_at.replace(tzinfo=timezone.utc).astimezone(tz)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", f"{KIND_LABELS[meeting.kind]}：{other_side(meeting, reader)}")
    if meeting.location:
        event.add("location", meeting.location)
    description = meeting.agenda or ""
    link = absolute_url(path_for("meetings.meeting", meeting_id=meeting.id))
    event.add("description", (description + "\n\n" if description else "") + link)
    event.add("url", link)
    event.add("status", STATUS[meeting.status])
    event.add("organizer", _address(meeting.organizer))
    for p in meeting.participants:
        if p.user_id == meeting.organizer_id or p.user is None:
            continue
        attendee = _address(p.user)
        attendee.params["PARTSTAT"] = vText(PARTSTAT[p.response])
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        attendee.params["RSVP"] = vText("TRUE" if p.response == "pending" else "FALSE")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def ics_attachment(meeting: Meeting, reader) -> tuple[str, str, str]:
    """The calendar file for ``reader`` as an e-mail attachment (filename, MIME type,
    text)."""
    return filename_of(meeting), MIMETYPE, meeting_calendar(meeting, reader).decode("utf-8")
