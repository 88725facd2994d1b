"""``flask --app app backup`` / ``restore``: a snapshot moves the whole hub between engines.

The round trip SQLite → PostgreSQL → SQLite runs over the demo company plus a row in every
table the demo leaves empty (attachments with binary content, sessions, tokens, …), and
compares every row of every table; the receipt code of an anonymous letter still finds it
after the move; a database that holds data is refused; a backup taken while another thread
commits is one consistent state.
"""
from __future__ import annotations

import io
import os
import stat
import threading
import uuid
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.datastructures import FileStorage

from hub import create_app
from hub.common.backup import SKIPPED, BackupError, backup, restore
from hub.extensions import db
from tests.conftest import make_config
from tests.support.postgres import create_database

#: A PNG signature followed by every byte value: binary content that is not text.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def _app(url: str, tmp_path, name: str, **extra):
    return create_app(make_config(url, tmp_path / name, **extra))


def _context(app):
    return app.test_request_context("/", base_url=app.config["BASE_URL"])


def _close():
    db.session.remove()
    db.engine.dispose()


def _upload(name: str, data: bytes) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


def _fill_the_rest(people: dict) -> str:
    """Rows for every table the demo leaves empty; returns an anonymous letter's code."""
    from hub.announcements.models import Announcement, AnnouncementDigest
    from hub.auth.services import create_api_token, start_session
    from hub.common.models import CalendarDay
    from hub.common.time import utcnow
    from hub.mailbox.services import file_letter
    from hub.meetings.obligation_models import MonthlySummary, MonthlySummaryRow
    from hub.notifications.models import OutboxMail
    from hub.suggestions.models import ReportExclusion, UrgencyTimer
    from hub.suggestions.services import file_report, set_route, unit_by_code

    sales1, hr1 = people["sales1"], people["hr1"]
    # anonymous: one recorded at once (a given time), one held back for the next release
    filed = file_letter(sales1, subject="食堂排队太久", body="午饭要排二十分钟。",
                        category="suggestion", anonymous=True, now=utcnow())
    file_letter(sales1, subject="食堂照片", body="见附件。", category="other",
                uploads=[_upload("queue.png", PNG)])
    file_letter(sales1, subject="停车位", body="车位不够。", category="issue", anonymous=True)
    report = file_report(sales1, kind="suggestion", subject="车间照明", body="三号线太暗。",
                         anonymous=False,
                         uploads=[_upload("note.txt", "灯管坏了".encode())]).report
    db.session.flush()
    announcement = db.session.scalars(sa.select(Announcement).limit(1)).one()
    announcement.attachments.append(report.attachments[0])
    db.session.add_all([
        CalendarDay(day=date(2026, 10, 1), is_working=False, note="国庆节"),
        CalendarDay(day=date(2026, 10, 10), is_working=True, note="调休上班"),
        OutboxMail(to_addr="hr1@demo.example.com", subject="提醒", text_body="请确认公告。",
                   html_body=None, next_attempt_at=utcnow() + timedelta(minutes=5)),
        AnnouncementDigest(user_id=hr1.id, sent_up_to=datetime(2026, 11, 30, 0, 0, 0, 123456)),
        ReportExclusion(report_id=report.id, user_id=hr1.id, excluded_by_id=people["hr_head"].id,
                        reason="利益相关", at=utcnow()),
        UrgencyTimer(kind="complaint", urgency="urgent", rule="minutes", amount=20),
    ])
    summary = MonthlySummary(month="2025-01")  # before the demo's own summaries
    summary.rows.append(MonthlySummaryRow(department_id=sales1.department_id, owed=3, held=2,
                                          late=1, overdue=0, talks_logged=2, minutes=45))
    db.session.add(summary)
    set_route("complaint", unit_by_code("customer_service"))
    start_session(sales1)
    create_api_token(sales1, "integration")
    db.session.commit()
    return filed.receipt_code


def _rows(engine) -> dict[str, list[tuple]]:
    """Every row of every table (but the skipped ones), in primary-key order, as values
    that compare equal across engines."""
    metadata = sa.MetaData()
    metadata.reflect(bind=engine)
    out = {}
    with engine.connect() as conn:
        for name, table in metadata.tables.items():
            if name in SKIPPED:
                continue
            key = list(table.primary_key.columns) or list(table.columns)
            columns = sorted(table.columns, key=lambda c: c.name)
            out[name] = [tuple(_plain(v) for v in row) for row in
                         conn.execute(sa.select(*columns).order_by(*key))]
    return out


def _plain(value):
    if isinstance(value, Decimal):
        return ("decimal", value.normalize())
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def test_round_trip_sqlite_postgresql_sqlite(tmp_path, postgres_url):
    from hub.demo import create_demo_company
    from hub.org.models import User
    from hub.receipts.kinds import find_receipt

    # anonymous filings are held back for a batch release (one such row is in the set)
    source = _app(f"sqlite:///{tmp_path / 'source.sqlite3'}", tmp_path, "source",
                  ANONYMOUS_RELEASE_MINUTES=60)
    with _context(source):
        upgrade()
        create_demo_company()
        db.session.commit()
        people = {u.username: u for u in db.session.scalars(sa.select(User))}
        code = _fill_the_rest(people)
        sales2_id = people["sales2"].id
        assert find_receipt(code) is not None
        original = _rows(db.engine)
        contents = sorted(db.session.execute(sa.text("SELECT data FROM attachments")).scalars())
        first = tmp_path / "first.zip"
        manifest = backup(db.engine, first)
        _close()

    empty = sorted(name for name, rows in original.items() if not rows)
    assert not empty, f"add rows of {empty} to the data set: every table is round-tripped"
    assert {t["name"] for t in manifest["tables"]} == set(original)
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o600
    with zipfile.ZipFile(first) as zf:
        blobs = [n for n in zf.namelist() if n.startswith("blobs/attachments/")]
        assert sorted(zf.read(n) for n in blobs) == contents
        assert PNG in contents

    name = f"hub_backup_{uuid.uuid4().hex[:10]}"
    pg_url = create_database(postgres_url, name)
    try:
        moved = _app(pg_url, tmp_path, "pg")
        with _context(moved):
            summary = restore(db.engine, first)
            assert summary["rows"] == sum(len(r) for r in original.values())
            assert _rows(db.engine) == original
            # a full rebuild of the search index is queued
            assert db.session.execute(sa.text(
                "SELECT kind, obj_id FROM search_outbox")).all() == [("*", None)]
            # the receipt code made on SQLite finds its letter on PostgreSQL
            assert find_receipt(code) is not None
            second = tmp_path / "second.zip"
            backup(db.engine, second)
            # the sequences continue after the restored ids
            from hub.mailbox.services import file_letter

            before = db.session.scalar(sa.text("SELECT max(id) FROM letters"))
            later = file_letter(db.session.get(User, sales2_id), subject="新的来信",
                                body="恢复之后写的。", category="other").letter
            db.session.commit()
            assert later.id == before + 1
            _close()
        with _context(_app(pg_url, tmp_path, "pg-other-secret",
                           SECRET_KEY="another-secret-" + "y" * 32)):
            assert find_receipt(code) is None  # the codes need the secret they were made with
            _close()
    finally:
        engine = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    back = _app(f"sqlite:///{tmp_path / 'back.sqlite3'}", tmp_path, "back")
    with _context(back):
        restore(db.engine, second)
        assert _rows(db.engine) == original
        assert find_receipt(code) is not None
        _close()


def test_restore_refuses_a_database_with_data(app, tmp_path, create_user):
    create_user("someone")
    path = tmp_path / "snapshot.zip"
    backup(db.engine, path)
    with pytest.raises(BackupError, match="holds data"):
        restore(db.engine, path)
    assert db.session.scalar(sa.text("SELECT count(*) FROM users")) == 1


def test_restore_into_a_migrated_empty_database(app, tmp_path, create_user, bearer):
    """The usual target: a database ``flask db upgrade`` made.  Ids, secrets and sequences
    carry over: the restored token still signs in, new rows get new ids."""
    from hub.demo import wipe_data

    manager = create_user("manager")
    create_user("member", manager=manager, roles=["hr"])
    headers = bearer(manager)
    before = _rows(db.engine)
    largest_id = db.session.scalar(sa.text("SELECT max(id) FROM users"))
    path = tmp_path / "snapshot.zip"
    backup(db.engine, path)
    wipe_data()
    db.session.commit()
    restore(db.engine, path)
    assert _rows(db.engine) == before
    client = app.test_client()
    assert client.get("/api/v1/me", headers=headers).get_json()["username"] == "manager"
    newcomer = create_user("newcomer")
    assert newcomer.id == largest_id + 1


def test_restore_refuses_what_is_not_a_backup(app, tmp_path):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(BackupError, match="not a hub backup"):
        restore(db.engine, path)


def test_cli_writes_a_private_file(app, tmp_path, create_user):
    create_user("someone")
    db.session.commit()
    path = tmp_path / "cli.zip"
    old = os.umask(0)
    try:
        result = app.test_cli_runner().invoke(args=["backup", str(path)])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    result = app.test_cli_runner().invoke(args=["restore", str(path)])
    assert result.exit_code != 0 and "holds data" in result.output
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    result = app.test_cli_runner().invoke(args=["restore", str(broken)])
    assert result.exit_code == 1 and "not a hub backup" in result.output


def test_backup_while_another_thread_writes_is_consistent(app, tmp_path, create_user):
    """Each of the writer's transactions adds a setting and a notification together; the
    snapshot holds both or neither of every pair, although the tables are read at
    different moments and the writer commits all through the backup."""
    from hub.common.models import Setting
    from hub.demo import create_demo_organisation
    from hub.notifications.models import Notification

    create_demo_organisation()  # enough rows that reading every table takes a while
    user = create_user("writer")
    db.session.commit()
    user_id, app_ = user.id, app
    stop, written = threading.Event(), []

    def write():
        with app_.app_context():
            i = 0
            while not stop.is_set():
                db.session.add(Setting(key=f"pair-{i}", value=str(i)))
                db.session.add(Notification(user_id=user_id, kind="test", title=f"pair-{i}"))
                db.session.commit()
                written.append(i)
                i += 1
            db.session.remove()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 3:
            threading.Event().wait(0.01)
        before = len(written)
        path = tmp_path / "live.zip"
        backup(db.engine, path)
        during = len(written) - before
    finally:
        stop.set()
        writer.join()
    assert during >= 2, "the writer must commit while the backup reads"

    import json

    with zipfile.ZipFile(path) as zf:
        def pairs(table: str, column: str) -> set[str]:
            lines = zf.read(f"tables/{table}.jsonl").decode().splitlines()
            values = (json.loads(line)[column] for line in lines)
            return {v for v in values if v.startswith("pair-")}

        settings, notifications = pairs("settings", "key"), pairs("notifications", "title")
    assert settings and settings == notifications
