"""Talk records the other side has not acknowledged (沟通记录未确认).

A record waits for the other participants' confirmation (``services.acknowledge``).  Each
of them is reminded once, ``REMIND_WORKING_DAYS`` working days after it was written
(``hub.common.workdays``), and the compliance pages count, per author, the records of the
month still waiting — "随时记《沟通记录》" is only kept when both sides stand behind it.

Services flush and never commit.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hub.common.tasks import item_key
from hub.common.time import utcnow
from hub.common.urls import path_for
from hub.common.workdays import due_after_working_days, end_of_day_utc
from hub.extensions import db
from hub.meetings.access import standing
from hub.meetings.kinds import KIND_LABELS
from hub.meetings.models import TalkLog, TalkParticipant
from hub.notifications.services import notify
from hub.org.models import User

#: Working days after a record was written before its other side is reminded (once).
REMIND_WORKING_DAYS = 3
#: Records older than this are not chased any more (the reminder job looks this far back).
REMIND_LOOKBACK_DAYS = 60


def remind_unacknowledged(now: datetime | None = None) -> int:
    """Remind, once each, the participants who have not acknowledged a record written more
    than ``REMIND_WORKING_DAYS`` working days ago; returns how many were reminded."""
    now = now or utcnow()
    rows = db.session.execute(
        select(TalkParticipant, TalkLog, User)
        .join(TalkLog, TalkLog.id == TalkParticipant.talk_id)
        .join(User, User.id == TalkLog.author_id)
        .where(TalkParticipant.acknowledged_at.is_(None),
               TalkParticipant.reminded_at.is_(None),
               TalkParticipant.user_id != TalkLog.author_id,
               TalkLog.created_at >= now - timedelta(days=REMIND_LOOKBACK_DAYS))
        .order_by(TalkLog.created_at, TalkParticipant.id)).all()
    count = 0
    for participant, talk, author in rows:
        if now < due_after_working_days(talk.created_at, REMIND_WORKING_DAYS):
            continue
        person = participant.user
        if person is not None and person.active:
            notify(person, kind="talk.acknowledge_reminder",
                   title=_l("提醒：请确认 %(name)s 记录的沟通 %(number)s", name=author.name,
                            number=talk.number),
                   body=KIND_LABELS.get(talk.kind, talk.kind),
                   url=path_for("meetings.talk", talk_id=talk.id),
                   item=item_key("talk", talk.id), task="acknowledge")
            count += 1
        participant.reminded_at = now
    db.session.flush()
    return count


def unacknowledged_by_author(viewer: User, first: date, last: date) -> dict[int, int]:
    """Per author: the records held in [``first``, ``last``] (company dates) that somebody
    else in them has not acknowledged, without the skip-level talks that go around
    ``viewer`` (whose existence the viewer must not learn).  One statement."""
    start, end = end_of_day_utc(first - timedelta(days=1)), end_of_day_utc(last)
    talks: dict[int, tuple[int, str, set[int], bool]] = {}
    for talk_id, author_id, kind, user_id, acknowledged_at in db.session.execute(
            select(TalkLog.id, TalkLog.author_id, TalkLog.kind, TalkParticipant.user_id,
                   TalkParticipant.acknowledged_at)
            .join(TalkParticipant, TalkParticipant.talk_id == TalkLog.id)
            .where(TalkLog.held_at >= start, TalkLog.held_at < end)):
        author, found_kind, others, waiting = talks.get(talk_id, (author_id, kind, set(), False))
        if user_id != author_id:
            others.add(user_id)
            waiting = waiting or acknowledged_at is None
        talks[talk_id] = (author, found_kind, others, waiting)
    counts: dict[int, int] = defaultdict(int)
    for author, kind, others, waiting in talks.values():
        if not waiting:
            continue
        if kind == "skip_level" and viewer.id not in others | {author} and \
                standing(viewer).bypassed_by(author, others):
            continue
        counts[author] += 1
    return dict(counts)
