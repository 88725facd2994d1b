"""Anonymous filings leave no timing trace: they wait in the holding table and enter the
records in shuffled batches, released by the real worker entry point (``flask tick``).

The hub has no clock of its own to wind forward, so "the release moment has come" is the
one thing these tests change by hand: the held rows' ``release_after`` is moved into the
past (``time_passes``), which is exactly what the clock reaching it would look like to the
worker.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from hub.auth.models import ApiToken, UserSession
from hub.common import holding
from hub.common.holding import HeldFiling
from hub.common.models import Attachment, RegistrationCounter
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.mailbox.models import Letter, LetterEvent
from hub.notifications.models import Notification
from hub.search.models import SearchOutbox
from hub.suggestions.models import Report
from tests.api.conftest import assert_error
from tests.conftest import csrf_token

API = "/api/v1"
LOOKUP = f"{API}/receipts/lookup"
MESSAGES = f"{API}/receipts/messages"
CODE_RE = re.compile(r'data-testid="receipt-code">([0-9A-Z-]+)<')


@pytest.fixture
def window(app):
    """The production default: a 60-minute release window (the suite runs with 0)."""
    app.config["ANONYMOUS_RELEASE_MINUTES"] = 60
    return timedelta(minutes=60)


def held() -> list[HeldFiling]:
    db.session.commit()
    return list(db.session.scalars(select(HeldFiling)))


def time_passes() -> None:
    """The clock reaches every held filing's release moment."""
    db.session.execute(update(HeldFiling).values(release_after=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def tick(app) -> None:
    result = app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    db.session.commit()
    db.session.expire_all()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def file_letter(client, headers, subject="匿名反映", **body):
    response = client.post(f"{API}/letters", headers=headers, json={
        "subject": subject, "body": "内容", "category": "complaint", **body})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


# --- holding, receipts, release -----------------------------------------------------------

def test_an_anonymous_letter_is_held_until_the_worker_releases_it(app, client, demo, login,
                                                                    window):
    login(client, demo["sales1"])
    token = csrf_token(client, "/mailbox/write")
    page = client.post("/mailbox/write", content_type="multipart/form-data", data={
        "csrf_token": token, "subject": "匿名反映夜班加班费", "body": "三月的加班费未发放。",
        "category": "complaint", "anonymous": "anonymous"})
    assert page.status_code == 302
    page = client.get(page.headers["Location"])  # post → redirect → the receipt page
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="held-status"' in html and 'data-testid="letter-number"' not in html
    code = CODE_RE.search(html).group(1)

    # Nothing in the records yet: no letter, number, history, index entry or notification.
    (row,) = held()
    assert (count(Letter), count(LetterEvent), count(RegistrationCounter)) == (0, 0, 0)
    assert count(Notification) == 0
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)
                             .where(SearchOutbox.kind == "letter")) == 0
    # The holding row knows nobody and no moment but its window's release.
    assert set(HeldFiling.__table__.columns.keys()) == {
        "id", "kind", "fields", "receipt_hash", "release_after"}
    assert set(row.fields) == {"subject", "body", "category", "attachments"}
    assert utcnow() < row.release_after <= utcnow() + 2 * window

    # The code works from the first second, on the page and in the API.
    receipt_token = csrf_token(client, "/receipt/")
    shown = client.post("/receipt/", data={"csrf_token": receipt_token, "code": code})
    assert shown.status_code == 200
    assert "已收到，登记中" in shown.get_data(as_text=True)
    looked_up = client.post(LOOKUP, json={"code": code}).get_json()
    assert (looked_up["kind"], looked_up["status"], looked_up["number"], looked_up["history"]) \
        == ("letter", "received", None, [])
    assert looked_up["subject"] == "匿名反映夜班加班费"
    # Follow-ups wait, politely, until it is recorded.
    refused = client.post("/receipt/message", data={"csrf_token": receipt_token, "code": code,
                                                    "text": "补充"})
    assert refused.status_code == 409 and "登记完成后" in refused.get_data(as_text=True)
    assert "登记完成后" in assert_error(
        client.post(MESSAGES, json={"code": code, "text": "补充"}), 409, "conflict")["message"]

    tick(app)  # not due yet
    assert len(held()) == 1 and count(Letter) == 0

    time_passes()
    tick(app)
    assert held() == []
    letter = db.session.scalar(select(Letter))
    assert letter.anonymous and letter.author_id is None
    assert letter.number.startswith(f"GM-{letter.year}-")
    assert [e.at for e in letter.events] == [letter.filed_at]
    looked_up = client.post(LOOKUP, json={"code": code}).get_json()
    assert (looked_up["status"], looked_up["number"]) == ("submitted", letter.number)
    shown = client.post("/receipt/", data={"csrf_token": receipt_token, "code": code})
    assert letter.number in shown.get_data(as_text=True)
    assert client.post(MESSAGES, json={"code": code, "text": "补充"}).status_code == 201
    # The GM office heard of it with the release, through the anonymous digest.
    told = db.session.scalars(select(Notification.body).where(
        Notification.user_id == demo["gmo"].id, Notification.kind == "letter.office"))
    assert list(told) == [letter.number]


def test_an_anonymous_report_is_held_and_released_with_its_named_persons(app, client, demo,
                                                                         bearer, window):
    headers = bearer(demo["sales1"])
    filed = client.post(f"{API}/reports", headers=headers, json={
        "kind": "whistleblowing", "subject": "反映主管", "body": "内容",
        "named_user_ids": [demo["sales_lead"].id]}).get_json()
    assert set(filed) == {"kind", "status", "anonymous", "receipt_code"}
    assert (filed["status"], filed["kind"]) == ("received", "whistleblowing")
    assert client.post(LOOKUP, json={"code": filed["receipt_code"]}).get_json()[
        "report_kind"] == "whistleblowing"
    assert count(Report) == 0
    time_passes()
    tick(app)
    report = db.session.scalar(select(Report))
    assert [n.user_id for n in report.named] == [demo["sales_lead"].id]
    assert report.anonymous and report.author_id is None and held() == []
    assert client.post(LOOKUP, json={"code": filed["receipt_code"]}).get_json()[
        "number"] == report.number


def test_urgent_filings_and_safety_hazards_are_recorded_at_once(client, demo, bearer, window):
    headers = bearer(demo["sales1"])
    urgent = file_letter(client, headers, anonymous=True, urgent=True)
    assert urgent["status"] == "submitted" and urgent["number"].startswith("GM-")
    safety = client.post(f"{API}/reports", headers=headers, json={
        "kind": "safety", "subject": "仓库消防通道被堵", "body": "内容"}).get_json()
    assert safety["status"] == "submitted" and safety["id"]
    report = client.post(f"{API}/reports", headers=headers, json={
        "kind": "complaint", "subject": "投诉", "body": "内容", "urgent": True}).get_json()
    assert report["status"] == "submitted" and report["number"]
    assert held() == []
    # A named filing is never held, urgent or not.
    assert file_letter(client, headers, anonymous=False)["number"]


def test_the_forms_offer_urgent_and_say_what_it_costs(client, demo, login, window):
    login(client, demo["sales1"])
    for path in ("/mailbox/write", "/suggestions/new"):
        html = client.get(path).get_data(as_text=True)
        assert 'name="urgent"' in html
        assert "更容易被人从时间上推断出" in html


def test_attachments_wait_with_the_filing_and_get_their_rows_at_release(app, client, demo,
                                                                        login, window):
    from io import BytesIO

    login(client, demo["sales1"])
    token = csrf_token(client, "/mailbox/write")
    page = client.post("/mailbox/write", content_type="multipart/form-data", data={
        "csrf_token": token, "subject": "附件", "body": "见附件", "category": "other",
        "anonymous": "anonymous", "attachments": [(BytesIO("夜班记录".encode()), "记录.txt")]})
    assert page.status_code == 302
    assert count(Attachment) == 0  # no row, no id written at filing time
    time_passes()
    tick(app)
    letter = db.session.scalar(select(Letter))
    (attachment,) = letter.attachments
    assert attachment.data == "夜班记录".encode() and attachment.filename == "记录.txt"
    assert attachment.created_on == local_date(letter.filed_at)


# --- no timing trace ------------------------------------------------------------------------

def test_named_and_anonymous_filings_cannot_be_ordered_after_the_release(app, client, demo,
                                                                          bearer, window):
    from hub.search.index import index_root, open_index, read_toc
    from hub.search.indexer import apply_pending

    def segments() -> dict[str, set[str]]:
        """Every segment of the search index → the keys of the documents in it."""
        ix = open_index(index_root(app))
        found = {}
        for segment in read_toc(ix).segments:
            reader = segment.open_reader(ix.storage, ix.schema) \
                if hasattr(segment, "open_reader") else None
            if reader is None:
                from whoosh.reading import SegmentReader
                reader = SegmentReader(ix.storage, ix.schema, segment)
            found[segment.segment_id()] = {fields["key"] for _n, fields
                                           in reader.iter_docs()}
            reader.close()
        return found

    first = file_letter(client, bearer(demo["sales2"]), "署名一", anonymous=False)
    writer = bearer(demo["sales1"])
    codes = [file_letter(client, writer, f"匿名第{n}封", anonymous=True)["receipt_code"]
             for n in range(8)]
    last = file_letter(client, bearer(demo["sales3"]), "署名二", anonymous=False)
    apply_pending(app)
    before = segments()
    assert len(held()) == 8

    time_passes()
    tick(app)
    apply_pending(app)
    released_at = utcnow()
    anonymous = list(db.session.scalars(
        select(Letter).where(Letter.anonymous.is_(True)).order_by(Letter.id)))
    named = {letter.id: letter for letter in db.session.scalars(
        select(Letter).where(Letter.anonymous.is_(False)))}
    a, b = named[first["id"]], named[last["id"]]

    # Ids, numbers and history ids: the whole batch comes after both named letters.
    assert all(letter.id > b.id and letter.seq > b.seq for letter in anonymous)
    last_named_event = max(e.id for e in a.events + b.events)
    assert all(e.id > last_named_event for letter in anonymous for e in letter.events)
    # Times: every released letter carries the one release moment, not its filing moment.
    moment = anonymous[0].filed_at
    assert moment > b.filed_at and moment <= released_at
    assert {letter.filed_at for letter in anonymous} == {moment}
    assert {e.at for letter in anonymous for e in letter.events} == {moment}
    assert {letter.filed_on for letter in anonymous} == {local_date(moment)}
    # Order: shuffled within the batch (8 letters filed in order: 1 in 40 320 to be sorted).
    assert [letter.subject for letter in anonymous] != [f"匿名第{n}封" for n in range(8)]
    # Index: none of them is in a segment written with the named letters.
    after = segments()
    keys = {f"letter:{letter.id}" for letter in anonymous}
    assert {f"letter:{a.id}", f"letter:{b.id}"} <= set().union(*before.values())
    assert all(keys.isdisjoint(docs) for docs in before.values())
    assert keys <= set().union(*(docs for seg, docs in after.items() if seg not in before))
    outbox = db.session.scalars(select(SearchOutbox).where(SearchOutbox.kind == "letter"))
    assert all(row.created_at >= moment for row in outbox if row.obj_id in
               {letter.id for letter in anonymous})
    # Every code still opens its own letter.
    numbers = {client.post(LOOKUP, json={"code": code}).get_json()["number"] for code in codes}
    assert numbers == {letter.number for letter in anonymous}


def test_filings_of_one_window_share_one_unpredictable_release_moment(app, window):
    start = utcnow().replace(minute=0, second=0, microsecond=0)
    moments = {holding.release_moment(start + timedelta(minutes=m)) for m in (0, 17, 59)}
    assert len(moments) == 1
    (moment,) = moments
    assert start + window <= moment < start + 2 * window
    later = [holding.release_moment(start + n * window) - (start + n * window)
             for n in range(1, 9)]
    assert len(set(later)) > 1  # not the same offset every window
    app.config["SECRET_KEY"] = "another-" + "k" * 40
    assert holding.release_moment(start) != moment


def test_a_crash_between_filing_and_release_loses_nothing(app, client, demo, bearer, window,
                                                          database_url, tmp_path):
    from hub import create_app
    from tests.conftest import make_config

    filed = file_letter(client, bearer(demo["sales1"]), "宕机前提交", anonymous=True)
    assert len(held()) == 1
    # The worker was down when the moment came; a new process starts and runs its tick.
    time_passes()
    restarted = create_app(make_config(database_url, tmp_path / "restart",
                                       ANONYMOUS_RELEASE_MINUTES=60))
    with restarted.app_context():
        result = restarted.test_cli_runner().invoke(args=["tick"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()  # its connections closed now, not by the garbage collector
    db.session.expire_all()
    assert held() == []
    letter = db.session.scalar(select(Letter))
    assert letter.subject == "宕机前提交"
    assert client.post(LOOKUP, json={"code": filed["receipt_code"]}).get_json()[
        "number"] == letter.number


def test_a_row_that_cannot_be_recorded_stays_held_and_the_rest_go(app, client, demo, bearer,
                                                                 window):
    headers = bearer(demo["sales1"])
    good = file_letter(client, headers, "能登记", anonymous=True)
    file_letter(client, headers, "坏数据", anonymous=True)
    broken = next(row for row in held() if row.fields["subject"] == "坏数据")
    broken.fields = {"attachments": []}  # e.g. written by an older version
    db.session.commit()
    time_passes()
    tick(app)
    assert [row.id for row in held()] == [broken.id]
    assert [letter.subject for letter in db.session.scalars(select(Letter))] == ["能登记"]
    assert client.post(LOOKUP, json={"code": good["receipt_code"]}).get_json()["number"]


def test_a_window_of_0_records_within_the_request(client, demo, bearer, app):
    app.config["ANONYMOUS_RELEASE_MINUTES"] = 0
    filed = file_letter(client, bearer(demo["sales1"]), anonymous=True)
    assert filed["number"] and filed["status"] == "submitted" and held() == []


# --- activity times ---------------------------------------------------------------------------

def test_the_anonymous_filing_routes_never_touch_the_session_or_token(app, client, demo, login,
                                                                      bearer, window):
    login(client, demo["sales1"])
    headers = bearer(demo["sales1"])
    long_ago = utcnow().replace(microsecond=0) - timedelta(minutes=40)
    db.session.execute(update(UserSession).values(last_seen_at=long_ago))
    db.session.execute(update(ApiToken).values(last_used_at=long_ago))
    db.session.commit()

    token = csrf_token(client, "/mailbox/write")
    client.post("/mailbox/write", content_type="multipart/form-data", data={
        "csrf_token": token, "subject": "匿名", "body": "内容", "category": "other",
        "anonymous": "anonymous"})
    client.get("/mailbox/write/receipt")  # the receipt pages touch nothing either
    client.get("/suggestions/new")
    client.get("/suggestions/new/receipt")
    file_letter(client, headers, anonymous=True)
    client.post(f"{API}/reports", headers=headers, json={
        "kind": "complaint", "subject": "投诉", "body": "内容"})
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.last_seen_at)) == long_ago
    assert db.session.scalar(select(ApiToken.last_used_at)) == long_ago
    assert len(held()) == 3

    # Any other page keeps the activity time, to 15 minutes.
    client.get("/mailbox/")
    client.get(f"{API}/me", headers=headers)
    db.session.expire_all()
    for seen in (db.session.scalar(select(UserSession.last_seen_at)),
                 db.session.scalar(select(ApiToken.last_used_at))):
        assert seen > long_ago and seen.minute % 15 == 0 and seen.second == 0
