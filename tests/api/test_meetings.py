"""Meetings through ``/api/v1/meetings``: sales_lead proposes, sales1 accepts, the calendar
file parses, nobody else can answer (404), and bad input is a 400 with fields, never a 500."""
from __future__ import annotations

from icalendar import Calendar

from hub.common.time import isoformat
from tests.api.conftest import API, assert_error
from tests.meetings.test_meetings import org, outside_window, window_start  # noqa: F401

MEETINGS = f"{API}/meetings"


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def test_sales_lead_proposes_sales1_accepts(app, client, demo, bearer):
    lead, sales1 = bearer(demo["sales_lead"]), bearer(demo["sales1"])
    start = window_start()
    meeting = ok(client.post(MEETINGS, headers=lead, json={
        "kind": "one_on_one", "with_user_id": demo["sales1"].id, "start": isoformat(start),
        "duration_minutes": 20, "location": "3 楼小会议室", "agenda": "月中沟通"}), 201)
    assert meeting["status"] == "proposed" and meeting["organizer"]["username"] == "sales_lead"
    assert meeting["start"] == isoformat(start) and meeting["start"].endswith("+08:00")
    assert {p["user"]["username"]: p["response"] for p in meeting["participants"]} == {
        "sales_lead": "accepted", "sales1": "pending"}

    # Nobody else may answer, read it or fetch its calendar file: 404, as if it did not exist.
    for username in ("sales2", "sales_head", "hr1", "gmo", "admin"):
        other = bearer(demo[username])
        url = f"{MEETINGS}/{meeting['id']}"
        assert_error(client.post(f"{url}/respond", headers=other, json={"response": "accept"}),
                     404, "not_found")
        assert_error(client.get(url, headers=other), 404, "not_found")
        assert_error(client.get(f"{url}.ics", headers=other), 404, "not_found")

    accepted = ok(client.post(f"{MEETINGS}/{meeting['id']}/respond", headers=sales1,
                              json={"response": "accept"}))
    assert accepted["status"] == "accepted"
    ics = client.get(meeting["ics_url"], headers=sales1)
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CONFIRMED" and str(event["LOCATION"]) == "3 楼小会议室"
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event.decoded("DTSTART").isoformat() == meeting["start"]
    assert client.get(f"{MEETINGS}/{meeting['id']}.ics", headers=lead).status_code == 200


def test_another_time_then_cancel(app, client, org, bearer):
    lead, one = bearer(org.lead), bearer(org.one)
    meeting = ok(client.post(MEETINGS, headers=lead, json={
        "kind": "one_on_one", "with_user_ids": [org.one.id],
        "start": isoformat(window_start())}), 201)
    url = f"{MEETINGS}/{meeting['id']}/respond"
    later = isoformat(window_start(hour=15))
    answered = ok(client.post(url, headers=one, json={"response": "propose", "start": later}))
    mine = next(p for p in answered["participants"] if p["user"]["id"] == org.one.id)
    assert (mine["response"], mine["proposed_start"]) == ("proposed", later)
    moved = ok(client.post(url, headers=lead, json={"response": "accept"}))
    assert (moved["start"], moved["status"], moved["sequence"]) == (later, "accepted", 1)
    cancelled = ok(client.post(url, headers=lead, json={"response": "decline"}))
    assert cancelled["status"] == "cancelled" and cancelled["sequence"] == 2
    assert_error(client.post(url, headers=one, json={"response": "accept"}), 409, "conflict")


BAD_PROPOSALS = [
    ({"with_user_id": 999999}, "with_user_ids"),
    ({"with_user_id": None, "with_user_ids": None}, "with_user_ids"),
    ({"with_user_ids": [0, -1]}, "with_user_ids"),
    ({"start": "2001-01-01T10:00:00+08:00"}, "start"),
    ({"start": "yesterday"}, "start"),
    ({"start": "0001-01-01T00:00:00+08:00"}, "start"),
    ({"start": "9999-12-31T23:59:00-12:00"}, "start"),
    ({"with_user_ids": [2**31, 10**15]}, "with_user_ids"),
    ({"start": None}, "start"),
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"duration_minutes": 10**12}, "duration_minutes"),
    ({"kind": "lunch"}, "kind"),
    ({"location": "x" * 201}, "location"),
    ({"agenda": "a\x00b"}, "agenda"),
    ({"with_user_id": "two"}, "with_user_id"),
]


def test_bad_proposals(app, client, org, bearer):
    from hub.extensions import db
    from hub.meetings.models import Meeting

    headers = bearer(org.lead)
    for body, field in BAD_PROPOSALS:
        json = {"kind": "one_on_one", "with_user_id": org.one.id,
                "start": isoformat(window_start()), **body}
        error = assert_error(client.post(MEETINGS, headers=headers, json=json), 400,
                             "validation_error")
        assert field in error.get("fields", {}), (body, error)
    assert db.session.scalar(db.select(db.func.count()).select_from(Meeting)) == 0


def test_outside_the_window_and_not_the_senior_side(app, client, org, bearer):
    start = isoformat(window_start())
    error = assert_error(client.post(MEETINGS, headers=bearer(org.one), json={
        "kind": "one_on_one", "with_user_id": org.lead.id, "start": start}), 400,
        "validation_error")
    assert "上级" in error["fields"]["with_user_ids"][0]
    error = assert_error(client.post(MEETINGS, headers=bearer(org.lead), json={
        "kind": "one_on_one", "with_user_id": org.one.id,
        "start": isoformat(outside_window())}), 400, "validation_error")
    assert "窗口" in error["fields"]["start"][0]


def test_bad_answers(app, client, org, bearer):
    from hub.meetings.services import propose_meeting

    meeting = propose_meeting(org.lead, kind="one_on_one", with_user_ids=[org.one.id],
                              start_at=window_start(), duration_minutes=20)
    headers = bearer(org.one)
    for body in ({"response": "maybe"}, {"response": "propose"},
                 {"response": "propose", "start": "x"},
                 {"response": "propose", "start": "2001-01-01T10:00:00+08:00"}, {}, []):
        assert_error(client.post(f"{MEETINGS}/{meeting.id}/respond", headers=headers,
                                 json=body), 400, "validation_error")
    assert_error(client.post(f"{MEETINGS}/2147483647/respond", headers=headers,
                             json={"response": "accept"}), 404, "not_found")
    assert_error(client.post(f"{MEETINGS}/99999999999/respond", headers=headers,
                             json={"response": "accept"}), 404, "not_found")
