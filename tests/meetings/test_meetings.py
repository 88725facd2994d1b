"""Meetings: proposing (the senior side, inside the window), answering, the calendar file,
free slots, reminders, who may see and answer (404 for anybody else), bad input.

The ``org`` fixture is a small hand-made organisation, shared with test_talk_logs.py
(cheaper than the demo):

    head (市场部经理) ── lead (销售主管) ── one, two
    outsider, hr (hr role), office (gm_office role)
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from types import SimpleNamespace

import pytest

from hub.common.time import company_tz, utcnow
from hub.common.workdays import local_date
from hub.meetings.services import windows_of


@pytest.fixture
def org(create_user, create_department):
    sales = create_department("市场部")
    east = create_department("华东销售组", parent=sales)
    head = create_user("head", name="钱经理", department=sales, heads=True)
    lead = create_user("lead", name="冯主管", department=east, manager=head, heads=True)
    one = create_user("one", name="何一", department=east, manager=lead)
    two = create_user("two", name="韩二", department=east, manager=lead)
    other = create_department("生产部")
    outsider = create_user("outsider", name="局外人", department=other)
    hr = create_user("hr", name="人事", department=other, roles=["hr"])
    office = create_user("office", name="总经办", department=other, roles=["gm_office"])
    return SimpleNamespace(head=head, lead=lead, one=one, two=two, outsider=outsider, hr=hr,
                           office=office)


def local_to_utc(day, hour: int, minute: int = 0) -> datetime:
    local = datetime.combine(day, time(hour, minute), company_tz())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def window_start(kind: str = "one_on_one", hour: int = 10) -> datetime:
    """``hour`` company time on the first working day after today inside a window of
    ``kind`` (of 上下级 for kinds without a fixed window), as naive UTC."""
    from hub.common.workdays import is_working_day

    today = local_date(utcnow())
    fixed = kind if windows_of(kind, today) is not None else "one_on_one"
    # Two months of windows and the two after (a whole window may fall on a holiday).
    for start, end in windows_of(fixed, today) + windows_of(fixed, today + timedelta(days=62)):
        day = max(start, today + timedelta(days=1))
        while day <= end:
            if is_working_day(day):
                return local_to_utc(day, hour)
            day += timedelta(days=1)
    raise AssertionError("no working day in a window ahead")


def outside_window(kind: str = "one_on_one") -> datetime:
    """A future time outside every window of ``kind``."""
    today = local_date(utcnow())
    windows = windows_of(kind, today)
    day = today + timedelta(days=1)
    while any(s <= day <= e for s, e in windows):
        day += timedelta(days=1)
    return local_to_utc(day, 10)


# --- helpers ------------------------------------------------------------------------------

def propose(organizer, person, start=None, kind="one_on_one", **extra):
    from hub.meetings.services import propose_meeting

    return propose_meeting(organizer, kind=kind, with_user_ids=[person.id],
                           start_at=start or window_start(kind), duration_minutes=20,
                           **extra)


def form_time(moment: datetime) -> str:
    """A stored time as a ``datetime-local`` value (company time)."""
    return moment.replace(tzinfo=timezone.utc).astimezone(company_tz()).strftime(
        "%Y-%m-%dT%H:%M")


# --- the service --------------------------------------------------------------------------

def test_proposed_accepted_and_the_calendar_file(app, org, smtp):
    from icalendar import Calendar

    from hub.extensions import db
    from hub.meetings.ics import meeting_calendar
    from hub.meetings.services import respond
    from hub.notifications.models import Notification, OutboxMail

    meeting = propose(org.lead, org.one, location="小会议室", agenda="本月目标")
    db.session.commit()
    assert meeting.status == "proposed" and meeting.sequence == 0
    assert {p.user_id: p.response for p in meeting.participants} == {
        org.lead.id: "accepted", org.one.id: "pending"}
    invitation = db.session.scalar(db.select(Notification).where(
        Notification.user_id == org.one.id, Notification.kind == "meeting.proposed"))
    assert invitation is not None and invitation.url.endswith(f"/meetings/{meeting.id}")
    mail = db.session.scalar(db.select(OutboxMail).where(OutboxMail.to_addr == org.one.email))
    assert mail.attachment_filename == f"meeting-{meeting.id}.ics"
    assert mail.attachment_mimetype == "text/calendar"

    respond(meeting, org.one, "accept")
    db.session.commit()
    assert meeting.status == "accepted"

    cal = Calendar.from_ical(meeting_calendar(meeting))
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]).startswith(f"meeting-{meeting.id}@")
    assert event.decoded("DTSTART").replace(tzinfo=None) == meeting.start_at.replace(
        tzinfo=timezone.utc).astimezone(company_tz()).replace(tzinfo=None)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=20)
    assert str(event["STATUS"]) == "CONFIRMED" and str(event["LOCATION"]) == "小会议室"
    assert int(event["SEQUENCE"]) == 0
    attendee = event["ATTENDEE"]
    assert str(attendee) == f"mailto:{org.one.email}" and attendee.params["PARTSTAT"] == "ACCEPTED"

    # The mail really goes out with the calendar file attached.
    from hub.notifications.sender import deliver_due

    assert deliver_due() >= 2
    sent = smtp.inbox.to(org.one.email)
    assert sent
    parts = [p for p in sent[0].walk() if p.get_content_type() == "text/calendar"]
    assert parts and Calendar.from_ical(parts[0].get_payload(decode=True)).walk("VEVENT")


def test_another_time_moves_the_meeting_and_bumps_the_sequence(app, org):
    from hub.extensions import db
    from hub.meetings.ics import meeting_calendar
    from hub.meetings.services import TalkError, respond
    from icalendar import Calendar

    meeting = propose(org.lead, org.one)
    later = meeting.start_at + timedelta(hours=2)
    respond(meeting, org.one, "propose", later)
    db.session.commit()
    assert meeting.status == "proposed" and meeting.start_at != later
    # The organizer takes the proposed time: the meeting moves, everybody agrees.
    respond(meeting, org.lead, "accept")
    db.session.commit()
    assert (meeting.start_at, meeting.status, meeting.sequence) == (later, "accepted", 1)
    # The organizer cancels: SEQUENCE again, the calendar file says so.
    respond(meeting, org.lead, "decline")
    db.session.commit()
    event = Calendar.from_ical(meeting_calendar(meeting)).walk("VEVENT")[0]
    assert (meeting.status, int(event["SEQUENCE"]), str(event["STATUS"])) == (
        "cancelled", 2, "CANCELLED")
    with pytest.raises(TalkError) as refused:
        respond(meeting, org.one, "accept")
    assert refused.value.status == 409


def test_only_the_senior_side_proposes_inside_the_window(app, org):
    from hub.meetings.services import TalkError

    with pytest.raises(TalkError) as junior:
        propose(org.one, org.lead)
    assert "with_user_ids" in junior.value.fields
    with pytest.raises(TalkError) as skip:
        propose(org.lead, org.one, kind="skip_level")
    assert "with_user_ids" in skip.value.fields
    assert propose(org.head, org.one, kind="skip_level", start=window_start("one_on_one"))
    with pytest.raises(TalkError) as outside:
        propose(org.lead, org.one, start=outside_window())
    assert "窗口" in outside.value.fields["start"][0]


BAD_PROPOSALS = [
    ({"with_user_ids": [999999]}, "with_user_ids"),
    ({"with_user_ids": []}, "with_user_ids"),
    ({"with_user_ids": ["x"]}, "with_user_ids"),
    ({"start_at": None}, "start"),
    ({"start_at": datetime(2000, 1, 1)}, "start"),
    ({"duration_minutes": 3}, "duration_minutes"),
    ({"duration_minutes": 241}, "duration_minutes"),
    ({"kind": "gossip"}, "kind"),
    ({"location": "x" * 201}, "location"),
    ({"agenda": "\x00"}, "agenda"),
]


def test_bad_proposals_are_refused_and_nothing_is_saved(app, org):
    """One organisation for every case (cheaper than a test each)."""
    from hub.extensions import db
    from hub.meetings.models import Meeting
    from hub.meetings.services import TalkError, propose_meeting

    for change, field in BAD_PROPOSALS:
        args = {"kind": "one_on_one", "with_user_ids": [org.one.id],
                "start_at": window_start(), "duration_minutes": 20, **change}
        with pytest.raises(TalkError) as refused:
            propose_meeting(org.lead, **args)
        assert field in refused.value.fields and refused.value.message, change
        db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Meeting)) == 0


def test_free_slots_skip_both_sides_meetings(app, org):
    from hub.extensions import db
    from hub.meetings.services import free_slots

    start = window_start()
    day = local_date(start)
    first = free_slots([org.lead, org.one], day, day, 20)[0]
    assert first == local_to_utc(day, 9) and local_date(first) == day
    # lead meets two at 09:00 (a commendation); one meets head at 09:30 (skip-level).
    propose(org.lead, org.two, kind="commendation", start=local_to_utc(day, 9))
    propose(org.head, org.one, kind="skip_level", start=local_to_utc(day, 9, 30))
    db.session.commit()
    slots = free_slots([org.lead, org.one], day, day, 20)
    assert local_to_utc(day, 9) not in slots and local_to_utc(day, 9, 30) not in slots
    # Working hours: the morning until 12:00, the afternoon from 13:30.
    assert slots[:5] == [local_to_utc(day, 10), local_to_utc(day, 10, 30),
                         local_to_utc(day, 11), local_to_utc(day, 11, 30),
                         local_to_utc(day, 13, 30)]
    assert local_to_utc(day, 11, 30) not in free_slots([org.lead], day, day, 40)


def test_reminder_the_day_before_once(app, org):
    from hub.extensions import db
    from hub.meetings.services import respond, send_reminders
    from hub.notifications.models import Notification

    meeting = propose(org.lead, org.one)
    respond(meeting, org.one, "accept")
    db.session.commit()
    before = meeting.start_at - timedelta(hours=30)
    assert send_reminders(now=before) == 0
    day_before = meeting.start_at - timedelta(hours=20)
    assert send_reminders(now=day_before) == 1
    assert send_reminders(now=day_before + timedelta(hours=1)) == 0
    db.session.commit()
    reminded = db.session.scalars(db.select(Notification.user_id).where(
        Notification.kind == "meeting.reminder")).all()
    assert sorted(reminded) == sorted([org.lead.id, org.one.id])


# --- the pages ----------------------------------------------------------------------------

def test_pages_propose_accept_and_404_for_others(app, client, org, login, get_csrf):
    from hub.extensions import db
    from hub.meetings.models import Meeting

    login(client, org.lead)
    page = client.get(f"/talks/meetings/new?kind=one_on_one&person={org.one.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="slot"' in html
    start = window_start()
    token = get_csrf(client, "/talks/meetings/new")
    response = client.post("/talks/meetings/new", data={
        "csrf_token": token, "kind": "one_on_one", "with_user": org.one.id,
        "start": form_time(start), "duration_minutes": 20, "location": "", "agenda": "目标"})
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = db.session.scalar(db.select(Meeting))
    assert response.headers["Location"].endswith(f"/talks/meetings/{meeting.id}")
    assert meeting.start_at == start

    # Somebody else: 404 on the page, the calendar file and the answer.
    for person in (org.two, org.hr, org.office, org.head):
        other = app.test_client()
        login(other, person)
        assert other.get(f"/talks/meetings/{meeting.id}").status_code == 404
        assert other.get(f"/talks/meetings/{meeting.id}.ics").status_code == 404
        token = get_csrf(other, "/talks/")
        assert other.post(f"/talks/meetings/{meeting.id}/respond", data={
            "csrf_token": token, "response": "accept"}).status_code == 404

    invitee = app.test_client()
    login(invitee, org.one)
    assert "等我答复" in invitee.get("/talks/").get_data(as_text=True)
    assert f"/talks/meetings/{meeting.id}" in invitee.get("/talks/").get_data(as_text=True)
    token = get_csrf(invitee, f"/talks/meetings/{meeting.id}")
    response = invitee.post(f"/talks/meetings/{meeting.id}/respond",
                            data={"csrf_token": token, "response": "accept"})
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.status == "accepted"
    ics = invitee.get(f"/talks/meetings/{meeting.id}.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert b"BEGIN:VCALENDAR" in ics.data and b"TZID=Asia/Shanghai" in ics.data


BAD_PAGE_INPUT = [
    ({"with_user": 999999}, "找不到这些人员"),
    ({"start": "2020-01-01T10:00"}, "开始时间必须在将来"),
    ({"start": "not a time"}, "请按“年-月-日 时:分”填写时间"),
    ({"duration_minutes": 500}, "时长应在"),
    ({"kind": "gossip"}, "请从列表中选择沟通类别"),
    ({"with_user": 0}, "请选择沟通对象"),
]


def test_page_bad_input_is_a_clear_message(app, client, org, login, get_csrf):
    from hub.extensions import db
    from hub.meetings.models import Meeting

    login(client, org.lead)
    token = get_csrf(client, "/talks/meetings/new")
    for fields, message in BAD_PAGE_INPUT:
        data = {"csrf_token": token, "kind": "one_on_one", "with_user": org.one.id,
                "start": form_time(window_start()), "duration_minutes": 20,
                "location": "老地方", **fields}
        response = client.post("/talks/meetings/new", data=data)
        assert response.status_code == 400, fields
        html = response.get_data(as_text=True)
        assert message in html, fields
        assert 'value="老地方"' in html  # the form stays filled
    assert db.session.scalar(db.select(db.func.count()).select_from(Meeting)) == 0


def test_pages_another_time_and_taking_it(app, client, org, login, get_csrf):
    from hub.extensions import db

    meeting = propose(org.lead, org.one)
    db.session.commit()
    url = f"/talks/meetings/{meeting.id}"
    login(client, org.one)
    token = get_csrf(client, url)
    missing = client.post(url + "/respond", data={"csrf_token": token, "response": "propose"})
    assert missing.status_code == 400 and "请填写建议的新时间" in missing.get_data(as_text=True)
    later = meeting.start_at + timedelta(hours=3)
    assert client.post(url + "/respond", data={"csrf_token": token, "response": "propose",
                                               "start": form_time(later)}).status_code == 302

    organizer = app.test_client()
    login(organizer, org.lead)
    index = organizer.get("/talks/").get_data(as_text=True)
    assert 'data-testid="awaiting-meeting"' in index and url in index
    page = organizer.get(url).get_data(as_text=True)
    assert "同意改到" in page
    token = get_csrf(organizer, url)
    assert organizer.post(url + "/respond", data={"csrf_token": token,
                                                  "response": "accept"}).status_code == 302
    db.session.refresh(meeting)
    assert (meeting.start_at, meeting.status, meeting.sequence) == (later, "accepted", 1)
    # Nothing more to take: a second "accept" by the organizer is a conflict, said in words.
    again = organizer.post(url + "/respond", data={"csrf_token": token, "response": "accept"})
    assert again.status_code == 409 and "没有待您确认的改期建议" in again.get_data(as_text=True)
