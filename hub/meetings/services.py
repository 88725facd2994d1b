"""The rules of scheduling talks (meetings) and of talk logs (沟通记录): proposing and
answering, free slots, logging, acknowledging, action items.

Who may see and do what (meetings, talk logs, private notes, action items) is decided in
``hub.meetings.access``; the names are imported here so that callers of the services find
them too.

Services flush, the caller commits.  Refusals are ``TalkError`` with a Chinese message and
the API's field names (``with_user_ids``, ``start``, ``held_at`` …).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import joinedload, lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from hub.common.numbering import next_number
from hub.common.tasks import finished, item_key
from hub.common.time import company_tz, utcnow
from hub.common.urls import path_for
from hub.common.workdays import WorkCalendar, local_date
from hub.extensions import db
from hub.meetings import cadence
from hub.meetings.access import (  # noqa: F401 - the feature's rules, for the callers
    can_acknowledge,
    can_complete_item,
    can_respond,
    can_see_private_note,
    can_view_meeting,
    can_view_talk,
    get_item_or_404,
    get_meeting_or_404,
    get_talk_or_404,
    is_talk_participant,
    oversees_all_talks,
    participant_row,
    private_note_for,
    visible_meetings_query,
    visible_talks_query,
)
from hub.meetings.kinds import KIND_LABELS, OCCASION_KINDS, TALK_KINDS
from hub.meetings.models import (
    ActionItem,
    Meeting,
    MeetingParticipant,
    TalkLog,
    TalkParticipant,
)
from hub.notifications.services import notify
from hub.org.models import User
from hub.org.services import management_line

PREFIX = "GT"
DURATION_MIN, DURATION_MAX = 5, 240
#: The policy's guidance for a routine talk (每次沟通15—20分钟).
GUIDANCE_MINUTES = (15, 20)
DEFAULT_DURATION = 20
MAX_PEOPLE = 10
MAX_ACTION_ITEMS = 20
LOCATION_MAX = 200
AGENDA_MAX = 5000
TEXT_MAX = 5000
ITEM_MAX = 500
COMMENT_MAX = 2000
#: How far back a talk may be logged (paper records of the last year).
BACKFILL_DAYS = 366
#: How far ahead a meeting may be proposed.
AHEAD_DAYS = 366
#: Clock skew a talk's "held at" may be ahead of the server by.
SKEW = timedelta(minutes=5)
#: Working hours of the free-slot suggestions (company time): (start, end) pairs.
WORKING_HOURS = ((time(9, 0), time(12, 0)), (time(13, 30), time(18, 0)))
SLOT_STEP = timedelta(minutes=30)
#: The meetings that hold a time (a declined or cancelled one does not).
BUSY_STATUSES = ("proposed", "accepted")

STATUS_LABELS = {"proposed": _l("待确认"), "accepted": _l("已接受"), "declined": _l("已谢绝"),
                 "cancelled": _l("已取消")}
RESPONSE_LABELS = {"pending": _l("未答复"), "accepted": _l("已接受"), "declined": _l("已谢绝"),
                   "proposed": _l("建议改期")}
RESPONSES = ("accept", "decline", "propose")


class TalkError(Exception):
    """A request the talks feature refuses; ``status`` is the HTTP status of the API."""

    status = 400

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class TalkConflict(TalkError):
    status = 409


def _refuse(fields: dict[str, list[str]]) -> None:
    if fields:
        raise TalkError(" ".join(m for messages in fields.values() for m in messages), fields)


# --- who invites whom ---------------------------------------------------------------------

def is_senior_side(senior: User, junior: User, kind: str) -> bool:
    """Whether ``senior`` is the side that invites ``junior`` to a talk of ``kind``:
    上下级 and 绩效 the direct manager, 隔级 the manager's manager, the occasion talks
    somebody above in the line (the manager, or higher up when the manager is away);
    协作岗位 talks are between departments' people, so anybody may invite."""
    if kind == "cross_team":
        return True
    line = management_line(junior)
    if kind in ("one_on_one", "performance"):
        return bool(line) and line[0].id == senior.id
    if kind == "skip_level":
        return len(line) >= 2 and line[1].id == senior.id
    if kind in OCCASION_KINDS:
        return any(m.id == senior.id for m in line)
    return False


def windows_of(kind: str, around: date) -> list[tuple[date, date]] | None:
    """The policy's windows of ``kind`` in the month of ``around`` and the next one
    (None: the kind has no fixed window — 隔级 is due in the quarter, 绩效 and the occasion
    talks when they arise)."""
    months = [(around.year, around.month)]
    months.append((around.year + (around.month == 12), around.month % 12 + 1))
    if kind == "one_on_one":
        return [(s, e) for y, m in months for _slot, s, e in cadence.one_on_one_windows(y, m)]
    if kind == "cross_team":
        first, last = cadence.CROSS_TEAM_WINDOW
        return [(date(y, m, first), date(y, m, last)) for y, m in months]
    return None


def next_window(kind: str, today: date) -> tuple[date, date]:
    """Where the next talk of ``kind`` should go: the rest of the current window or the
    next one; without a fixed window, the coming two weeks."""
    windows = windows_of(kind, today)
    for start, end in windows or ():
        if end >= today:
            return max(start, today), end
    return today, today + timedelta(days=14)


def in_window(kind: str, day: date) -> bool:
    windows = windows_of(kind, day)
    return windows is None or any(s <= day <= e for s, e in windows)


def window_text(kind: str) -> str:
    if kind == "one_on_one":
        return _("上下级例行沟通在每月 13—16 日和当月最后 3 天进行。")
    if kind == "cross_team":
        return _("协作岗位例行沟通在每月 1—5 日进行。")
    return ""


# --- people -------------------------------------------------------------------------------

def resolve_people(ids, *, field: str, exclude: User, errors: dict) -> list[User]:
    """Active people by id, in the given order, without duplicates or ``exclude``; a
    problem is put under ``field`` in ``errors``."""
    people: list[User] = []
    wrong: list[str] = []
    for ident in ids or ():
        user = db.session.get(User, ident) if isinstance(ident, int) and 0 < ident < 2**31 \
            else None
        if user is None or not user.active:
            wrong.append(str(ident))
        elif user.id != exclude.id and all(p.id != user.id for p in people):
            people.append(user)
    if wrong:
        errors.setdefault(field, []).append(
            _("找不到这些人员（或已停用）：%(ids)s。", ids=", ".join(wrong)))
    elif not people:
        errors.setdefault(field, []).append(_("请选择沟通对象（不能只有自己）。"))
    elif len(people) > MAX_PEOPLE:
        errors.setdefault(field, []).append(_("沟通对象最多 %(n)s 人。", n=MAX_PEOPLE))
    return people


def _check_kind(kind: str, errors: dict) -> None:
    if kind not in TALK_KINDS:
        errors.setdefault("kind", []).append(_("请选择沟通类别。"))


def _check_seniority(organizer: User, people: list[User], kind: str, field: str,
                     errors: dict) -> None:
    if kind not in TALK_KINDS or "with_user_ids" in errors:
        return
    wrong = [p.name for p in people if not is_senior_side(organizer, p, kind)]
    if wrong:
        errors.setdefault(field, []).append(_(
            "%(kind)s由上级一方发起：您不是 %(names)s 的%(role)s。",
            kind=KIND_LABELS[kind], names="、".join(wrong),
            role=_("隔级上级") if kind == "skip_level" else _("上级")))


def _check_duration(minutes, errors: dict) -> None:
    if not isinstance(minutes, int) or not DURATION_MIN <= minutes <= DURATION_MAX:
        errors.setdefault("duration_minutes", []).append(
            _("时长应在 %(a)s 到 %(b)s 分钟之间。", a=DURATION_MIN, b=DURATION_MAX))


def _check_text(value: str | None, field: str, limit: int, errors: dict,
                required: bool = False) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        errors.setdefault(field, []).append(_("不能包含 NUL 字符。"))
    elif len(value) > limit:
        errors.setdefault(field, []).append(_("不能超过 %(n)s 个字符。", n=limit))
    elif required and not value:
        errors.setdefault(field, []).append(_("请填写此项。"))
    return value


def as_utc(moment: datetime) -> datetime:
    """A moment from a form (naive: company time) or the API (aware) as naive UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=company_tz())
    try:
        return moment.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:  # the first or last hours of year 1 or 9999: far out of range anyway
        return moment.replace(tzinfo=None)


def _check_future_start(start: datetime | None, field: str, now: datetime,
                        errors: dict) -> None:
    if start is None:
        errors.setdefault(field, []).append(_("请填写开始时间。"))
    elif start <= now:
        errors.setdefault(field, []).append(_("开始时间必须在将来。"))
    elif start > now + timedelta(days=AHEAD_DAYS):
        errors.setdefault(field, []).append(_("开始时间不能超过一年以后。"))


# --- meetings -----------------------------------------------------------------------------

def propose_meeting(organizer: User, *, kind: str, with_user_ids, start_at: datetime | None,
                    duration_minutes: int, location: str = "", agenda: str = "",
                    now: datetime | None = None) -> Meeting:
    """The senior side proposes a talk; each invitee is told, with the calendar file.

    ``start_at`` is naive UTC.  A routine talk with a fixed window (上下级, 协作岗位) must
    start inside it, unless a window of the kind between the two passed without a talk:
    then it is a make-up meeting (补谈) for that window, at any time."""
    now = now or utcnow()
    errors: dict[str, list[str]] = {}
    _check_kind(kind, errors)
    people = resolve_people(with_user_ids, field="with_user_ids", exclude=organizer,
                            errors=errors)
    _check_seniority(organizer, people, kind, "with_user_ids", errors)
    _check_future_start(start_at, "start", now, errors)
    makeup_of = None
    if "start" not in errors and kind in TALK_KINDS and not in_window(kind,
                                                                     local_date(start_at)):
        makeup_of = _makeup_for(organizer, people, kind, now) if not errors else None
        if makeup_of is None:
            errors.setdefault("start", []).append(
                _("时间不在制度规定的窗口内。") + window_text(kind))
    _check_duration(duration_minutes, errors)
    location = _check_text(location, "location", LOCATION_MAX, errors)
    agenda = _check_text(agenda, "agenda", AGENDA_MAX, errors)
    _refuse(errors)
    meeting = Meeting(kind=kind, organizer=organizer, start_at=start_at,
                      duration_minutes=duration_minutes, location=location, agenda=agenda,
                      status="proposed", sequence=0, makeup_of=makeup_of, created_at=now,
                      updated_at=now)
    meeting.participants = [MeetingParticipant(user=organizer, response="accepted",
                                               responded_at=now)] + [
        MeetingParticipant(user=p, response="pending") for p in people]
    db.session.add(meeting)
    db.session.flush()
    for person in people:
        _tell(meeting, person, _l("%(name)s 邀请您沟通：%(kind)s", name=organizer.name,
                                  kind=KIND_LABELS[kind]), "meeting.proposed", task="respond")
    return meeting


def _makeup_for(organizer: User, people: list[User], kind: str, now: datetime) -> str | None:
    """The key of the missed window a meeting of ``organizer`` with one person makes up for
    (``obligations.missed_obligation``), or None."""
    from hub.meetings.obligations import missed_obligation  # obligations read meetings

    if len(people) != 1:
        return None
    missed = missed_obligation(organizer, people[0], kind, today=local_date(now))
    return missed.key[:120] if missed is not None else None


def invitees(meeting: Meeting) -> list[MeetingParticipant]:
    return [p for p in meeting.participants if p.user_id != meeting.organizer_id]


def pending_counter_proposal(meeting: Meeting) -> MeetingParticipant | None:
    return next((p for p in invitees(meeting)
                 if p.response == "proposed" and p.proposed_start_at is not None), None)


def _recompute(meeting: Meeting) -> None:
    if meeting.status == "cancelled":
        return
    answers = {p.response for p in invitees(meeting)}
    if answers == {"accepted"}:
        meeting.status = "accepted"
    elif answers == {"declined"}:
        meeting.status = "declined"
    else:
        meeting.status = "proposed"


def respond(meeting: Meeting, user: User, response: str, start_at: datetime | None = None,
            now: datetime | None = None) -> Meeting:
    """A participant's answer.

    An invitee accepts, declines or proposes another time (``start_at``).  The organizer
    accepts a time an invitee proposed (the meeting moves there), proposes a new time
    itself (everybody is asked again) or declines, which cancels the meeting.  The caller
    has checked ``can_view_meeting``; other refusals are ``TalkError``/``TalkConflict``."""
    now = now or utcnow()
    row = participant_row(meeting, user)
    if row is None:
        abort(404)
    if response not in RESPONSES:
        raise TalkError(_("请选择接受、谢绝或建议其他时间。"),
                        {"response": [_("请选择接受、谢绝或建议其他时间。")]})
    if meeting.status == "cancelled":
        raise TalkConflict(_("会议已取消，不能再答复。"))
    if meeting.start_at <= now:
        raise TalkConflict(_("会议时间已过，不能再答复。"))
    errors: dict[str, list[str]] = {}
    if response == "propose":
        _check_future_start(start_at, "start", now, errors)
        if not errors and start_at == meeting.start_at:
            errors["start"] = [_("新时间与原时间相同。")]
    _refuse(errors)
    organizer = user.id == meeting.organizer_id
    others = [p.user for p in meeting.participants if p.user_id != user.id]
    if organizer:
        if response == "accept":
            counter = pending_counter_proposal(meeting)
            if counter is None:
                raise TalkConflict(_("没有待您确认的改期建议。"))
            _move(meeting, counter.proposed_start_at, now)
            counter.response, counter.responded_at = "accepted", now
            title = _l("%(name)s 同意改到您建议的时间", name=user.name)
        elif response == "propose":
            if meeting.kind in TALK_KINDS and not in_window(meeting.kind, local_date(start_at)) \
                    and meeting.makeup_of is None:
                meeting.makeup_of = _makeup_for(user, [p.user for p in invitees(meeting)],
                                                meeting.kind, now)
            if meeting.kind in TALK_KINDS and not in_window(meeting.kind, local_date(start_at)) \
                    and meeting.makeup_of is None:
                raise TalkError(_("时间不在制度规定的窗口内。") + window_text(meeting.kind),
                                {"start": [_("时间不在制度规定的窗口内。")]})
            _move(meeting, start_at, now)
            title = _l("%(name)s 修改了沟通时间", name=user.name)
        else:
            meeting.status = "cancelled"
            meeting.sequence += 1
            title = _l("%(name)s 取消了沟通", name=user.name)
    else:
        row.responded_at = now
        if response == "accept":
            row.response, row.proposed_start_at = "accepted", None
            title = _l("%(name)s 接受了沟通邀请", name=user.name)
        elif response == "decline":
            row.response, row.proposed_start_at = "declined", None
            title = _l("%(name)s 谢绝了沟通邀请", name=user.name)
        else:
            row.response, row.proposed_start_at = "proposed", start_at
            title = _l("%(name)s 建议改期", name=user.name)
        others = [meeting.organizer]
    _recompute(meeting)
    meeting.updated_at = now
    db.session.flush()
    item = item_key("meeting", meeting.id)
    finished(item, None if meeting.status == "cancelled" else "respond",
             user=None if meeting.status == "cancelled" else user, at=now)
    for person in others:
        _tell(meeting, person, title, "meeting." + response,
              task="respond" if _waits_for(meeting, person) else None)
    return meeting


def _waits_for(meeting: Meeting, person: User) -> bool:
    """Whether ``person`` has to answer ``meeting`` now: an invitee asked (again), or the
    organizer with another time proposed."""
    if meeting.status == "cancelled":
        return False
    if person.id == meeting.organizer_id:
        return pending_counter_proposal(meeting) is not None
    row = participant_row(meeting, person)
    return row is not None and row.response == "pending"


def _move(meeting: Meeting, start_at: datetime, now: datetime) -> None:
    """A new time: every invitee is asked again, the calendar files get a new SEQUENCE."""
    meeting.start_at = start_at
    meeting.sequence += 1
    meeting.reminded_at = None
    for p in invitees(meeting):
        p.response, p.proposed_start_at, p.responded_at = "pending", None, None


def _tell(meeting: Meeting, person: User, title, kind: str, task: str | None = None) -> None:
    from hub.meetings.ics import ics_attachment

    when = to_local_text(meeting.start_at)
    if meeting.location:
        body = _l("%(kind)s · %(when)s · %(minutes)s 分钟 · %(location)s",
                  kind=KIND_LABELS[meeting.kind], when=when,
                  minutes=meeting.duration_minutes, location=meeting.location)
    else:
        body = _l("%(kind)s · %(when)s · %(minutes)s 分钟", kind=KIND_LABELS[meeting.kind],
                  when=when, minutes=meeting.duration_minutes)
    notify(person, kind=kind, title=title, body=body,
           url=path_for("meetings.meeting", meeting_id=meeting.id),
           attachment=ics_attachment(meeting, person),
           item=item_key("meeting", meeting.id), task=task)


def to_local_text(moment: datetime) -> str:
    local = moment.replace(tzinfo=timezone.utc).astimezone(company_tz())
    return local.strftime("%Y-%m-%d %H:%M")


def meeting_end(meeting: Meeting) -> datetime:
    return meeting.start_at + timedelta(minutes=meeting.duration_minutes)


def _person(relationship, *more):
    """Load a person with the rows that show them, not their roles (nobody's list reads
    another person's roles)."""
    return joinedload(relationship).options(lazyload(User.role_rows), *more)


#: What the meeting lists show: the organizer and every participant's name.
MEETING_LIST_OPTIONS = (
    _person(Meeting.organizer),
    selectinload(Meeting.participants).options(_person(MeetingParticipant.user)),
)


def _awaits(meeting: Meeting, user: User, now: datetime) -> bool:
    if meeting.status != "proposed" or meeting.start_at <= now:
        return False
    if meeting.organizer_id == user.id:
        return pending_counter_proposal(meeting) is not None
    row = participant_row(meeting, user)
    return row is not None and row.response == "pending"


def meetings_of(user: User, now: datetime | None = None) -> tuple[list[Meeting],
                                                                  list[Meeting]]:
    """(upcoming, awaiting an answer of ``user``) from one load of the meetings ahead."""
    now = now or utcnow()
    ahead = list(db.session.scalars(
        visible_meetings_query(user)
        .where(Meeting.status.in_(BUSY_STATUSES + ("declined",)),
               Meeting.start_at >= now - timedelta(hours=4))
        .options(*MEETING_LIST_OPTIONS).order_by(Meeting.start_at, Meeting.id).limit(200)))
    return ahead[:50], [m for m in ahead if _awaits(m, user, now)]


def upcoming_meetings(user: User, now: datetime | None = None) -> list[Meeting]:
    return meetings_of(user, now)[0]


def awaiting_answer(user: User, now: datetime | None = None) -> list[Meeting]:
    """Meetings waiting for ``user``: invitations not yet answered, and (for the organizer)
    other times an invitee proposed."""
    now = now or utcnow()
    mine = visible_meetings_query(user).where(Meeting.status == "proposed",
                                              Meeting.start_at > now)
    return [m for m in db.session.scalars(mine.options(*MEETING_LIST_OPTIONS)
                                          .order_by(Meeting.start_at)) if _awaits(m, user, now)]


# --- free slots ---------------------------------------------------------------------------

def busy_intervals(people: list[User], start: datetime, end: datetime,
                   exclude_meeting_id: int | None = None) -> list[tuple[datetime, datetime]]:
    """(start, end) of the hub's meetings that hold a time of any of ``people``."""
    ids = [p.id for p in people]
    stmt = (select(Meeting).join(MeetingParticipant)
            .where(MeetingParticipant.user_id.in_(ids),
                   MeetingParticipant.response != "declined",
                   Meeting.status.in_(BUSY_STATUSES),
                   Meeting.start_at < end,
                   Meeting.start_at >= start - timedelta(minutes=DURATION_MAX)))
    if exclude_meeting_id is not None:
        stmt = stmt.where(Meeting.id != exclude_meeting_id)
    return [(m.start_at, meeting_end(m)) for m in db.session.scalars(stmt.distinct())]


def free_slots(people: list[User], first_day: date, last_day: date, duration_minutes: int,
               *, now: datetime | None = None, limit: int = 8) -> list[datetime]:
    """Start times (naive UTC) on working days between ``first_day`` and ``last_day``
    (company dates) within working hours, when none of ``people`` has another meeting in
    the hub, earliest first."""
    now = now or utcnow()
    tz = company_tz()
    length = timedelta(minutes=duration_minutes)
    lo = datetime.combine(first_day, time(0), tz).astimezone(timezone.utc).replace(tzinfo=None)
    hi = datetime.combine(last_day + timedelta(days=1), time(0), tz).astimezone(
        timezone.utc).replace(tzinfo=None)
    busy = busy_intervals(people, lo, hi)
    workdays = WorkCalendar(first_day, last_day)
    slots: list[datetime] = []
    day = first_day
    while day <= last_day and len(slots) < limit:
        if workdays.is_working(day):
            for opens, closes in WORKING_HOURS:
                local = datetime.combine(day, opens, tz)
                close = datetime.combine(day, closes, tz)
                while local + length <= close and len(slots) < limit:
                    start = local.astimezone(timezone.utc).replace(tzinfo=None)
                    if start > now and all(start >= b_end or start + length <= b_start
                                           for b_start, b_end in busy):
                        slots.append(start)
                    local += SLOT_STEP
        day += timedelta(days=1)
    return slots


#: Days from today in which a make-up meeting's free times are looked for.
MAKEUP_SLOT_DAYS = 14


def suggest_slots(organizer: User, others: list[User], kind: str, duration_minutes: int,
                  now: datetime | None = None, limit: int = 8,
                  makeup: bool = False) -> list[datetime]:
    """Free times of both sides inside the next window of ``kind`` that still has some
    (the rest of today's window may be full or over); for a make-up (``makeup``: a window
    of the kind between them was missed) from today on, whatever the windows."""
    now = now or utcnow()
    today = local_date(now)
    duration = duration_minutes if DURATION_MIN <= duration_minutes <= DURATION_MAX \
        else DEFAULT_DURATION
    if makeup:
        return free_slots([organizer, *others], today,
                          today + timedelta(days=MAKEUP_SLOT_DAYS), duration, now=now,
                          limit=limit)
    windows = [(max(s, today), e) for s, e in windows_of(kind, today) or () if e >= today]
    for first, last in windows or [next_window(kind, today)]:
        slots = free_slots([organizer, *others], first, last, duration, now=now, limit=limit)
        if slots:
            return slots
    return []


# --- reminders ----------------------------------------------------------------------------

def send_reminders(now: datetime | None = None) -> int:
    """The day before: every participant of an accepted meeting that starts within the next
    24 hours hears of it once (again after the meeting moved)."""
    now = now or utcnow()
    due = list(db.session.scalars(
        select(Meeting).where(Meeting.status == "accepted", Meeting.reminded_at.is_(None),
                              Meeting.start_at > now,
                              Meeting.start_at <= now + timedelta(hours=24))))
    for meeting in due:
        for p in meeting.participants:
            if p.user is not None:
                _tell(meeting, p.user, _l("明天的沟通提醒：%(kind)s",
                                          kind=KIND_LABELS[meeting.kind]), "meeting.reminder")
        meeting.reminded_at = now
    db.session.flush()
    return len(due)


# --- talk logs ----------------------------------------------------------------------------

@dataclass
class NewActionItem:
    text: str
    owner_id: int | None
    due_date: date | None = None


def log_talk(author: User, *, kind: str, with_user_ids, held_at: datetime | None,
             duration_minutes: int, topics: str, agreements: str = "",
             action_items: list[NewActionItem] = (), private_note: str = "",
             meeting_id: int | None = None, done_item_ids=(),
             now: datetime | None = None) -> TalkLog:
    """Write a talk log (沟通记录).  ``held_at`` is naive UTC and not in the future.

    Open action items of earlier talks between the same people are carried over to this
    one; those in ``done_item_ids`` are marked done with it.  The other participants are
    told (without the private note, which no e-mail ever carries)."""
    now = now or utcnow()
    errors: dict[str, list[str]] = {}
    _check_kind(kind, errors)
    people = resolve_people(with_user_ids, field="with_user_ids", exclude=author,
                            errors=errors)
    _check_seniority(author, people, kind, "with_user_ids", errors)
    if held_at is None:
        errors.setdefault("held_at", []).append(_("请填写沟通时间。"))
    elif held_at > now + SKEW:
        errors.setdefault("held_at", []).append(_("沟通时间不能在将来：请在沟通之后再记录。"))
    elif held_at < now - timedelta(days=BACKFILL_DAYS):
        errors.setdefault("held_at", []).append(_("只能补记一年以内的沟通。"))
    _check_duration(duration_minutes, errors)
    topics = _check_text(topics, "topics", TEXT_MAX, errors, required=True)
    agreements = _check_text(agreements, "agreements", TEXT_MAX, errors)
    private_note = _check_text(private_note, "private_note", TEXT_MAX, errors)
    meeting = None
    if meeting_id is not None:
        meeting = db.session.get(Meeting, meeting_id) if 0 < meeting_id < 2**31 else None
        if meeting is None or not can_view_meeting(author, meeting):
            errors.setdefault("meeting_id", []).append(_("找不到这次约谈。"))
    member_ids = {author.id} | {p.id for p in people}
    items = list(action_items or ())
    if len(items) > MAX_ACTION_ITEMS:
        errors.setdefault("action_items", []).append(
            _("待办事项最多 %(n)s 条。", n=MAX_ACTION_ITEMS))
    for item in items:
        text = (item.text or "").strip()
        if not text or len(text) > ITEM_MAX or "\x00" in text:
            errors.setdefault("action_items", []).append(
                _("每条待办事项都要写内容，不超过 %(n)s 个字符。", n=ITEM_MAX))
            break
        if item.owner_id not in member_ids and "with_user_ids" not in errors:
            errors.setdefault("action_items", []).append(
                _("待办事项的负责人必须是参加沟通的人。"))
            break
    _refuse(errors)

    talk = TalkLog(number=next_number(PREFIX, local_date(now).year), kind=kind, author=author,
                   held_at=held_at, duration_minutes=duration_minutes, topics=topics,
                   agreements=agreements, private_note=private_note, meeting=meeting,
                   created_at=now)
    talk.participants = [TalkParticipant(user=author, acknowledged_at=now)] + [
        TalkParticipant(user=p) for p in people]
    talk.action_items = [ActionItem(text=i.text.strip(), owner_id=i.owner_id,
                                    due_date=i.due_date) for i in items]
    db.session.add(talk)
    db.session.flush()
    done = set(done_item_ids or ())
    for item in open_items_between(member_ids, exclude_talk_id=talk.id):
        item.carried_to_id = talk.id
        if item.id in done:
            item.done_at, item.done_by_id = now, author.id
    db.session.flush()
    from hub.meetings.obligations import TALK_TASK, pair_item  # obligations read talks

    for person in people:
        # The notifications asking for a talk of this kind between the two are done.
        finished(pair_item(kind, author.id, person.id), TALK_TASK, at=now)
    for person in people:
        notify(person, kind="talk.logged",
               title=_l("%(name)s 记录了与您的沟通 %(number)s，请确认", name=author.name,
                        number=talk.number),
               body=KIND_LABELS[kind],
               url=path_for("meetings.talk", talk_id=talk.id),
               item=item_key("talk", talk.id), task="acknowledge")
    return talk


def participant_sets(talk_ids) -> dict[int, frozenset[int]]:
    rows = db.session.execute(select(TalkParticipant.talk_id, TalkParticipant.user_id)
                              .where(TalkParticipant.talk_id.in_(list(talk_ids))))
    sets: dict[int, set[int]] = {}
    for talk_id, user_id in rows:
        sets.setdefault(talk_id, set()).add(user_id)
    return {k: frozenset(v) for k, v in sets.items()}


def open_items_between(member_ids, exclude_talk_id: int | None = None) -> list[ActionItem]:
    """Action items not yet done from talks between exactly these people."""
    members = frozenset(member_ids)
    if not members:
        return []
    anyone = next(iter(members))
    stmt = (select(ActionItem).join(TalkLog, ActionItem.talk_id == TalkLog.id)
            .where(ActionItem.done_at.is_(None), exists().where(
                TalkParticipant.talk_id == TalkLog.id, TalkParticipant.user_id == anyone)))
    if exclude_talk_id is not None:
        stmt = stmt.where(TalkLog.id != exclude_talk_id)
    candidates = list(db.session.scalars(stmt.order_by(TalkLog.held_at, ActionItem.id)))
    sets = participant_sets({i.talk_id for i in candidates})
    return [i for i in candidates if sets.get(i.talk_id) == members]


def carried_items(talk: TalkLog) -> list[ActionItem]:
    """Items of earlier talks between the same people carried over to ``talk``."""
    return list(db.session.scalars(
        select(ActionItem).where(ActionItem.carried_to_id == talk.id)
        .order_by(ActionItem.id)))


def acknowledge(talk: TalkLog, user: User, comment: str = "",
                now: datetime | None = None) -> TalkParticipant:
    """The other side confirms the shared part, optionally with a comment (which replaces an
    earlier one); the author is told."""
    now = now or utcnow()
    if not can_acknowledge(user, talk):
        raise TalkConflict(_("只有参加沟通的另一方可以确认。"))
    errors: dict[str, list[str]] = {}
    comment = _check_text(comment, "comment", COMMENT_MAX, errors)
    _refuse(errors)
    row = next(p for p in talk.participants if p.user_id == user.id)
    first = row.acknowledged_at is None
    if first:
        row.acknowledged_at = now
        finished(item_key("talk", talk.id), "acknowledge", user=user, at=now)
    if comment:
        row.comment, row.commented_at = comment, now
    db.session.flush()
    if first or comment:
        notify(talk.author, kind="talk.acknowledged",
               title=(_l("%(name)s 确认了沟通记录 %(number)s", name=user.name,
                         number=talk.number) if first else
                      _l("%(name)s 对沟通记录 %(number)s 发表了意见", name=user.name,
                         number=talk.number)),
               url=path_for("meetings.talk", talk_id=talk.id),
               item=item_key("talk", talk.id))
    return row


def complete_item(item: ActionItem, user: User, now: datetime | None = None) -> ActionItem:
    if item.done_at is not None:
        raise TalkConflict(_("这项待办已经完成。"))
    if not can_complete_item(user, item):
        raise TalkConflict(_("只有待办事项的负责人可以标记完成。"))
    item.done_at, item.done_by_id = now or utcnow(), user.id
    db.session.flush()
    return item


def open_items_of(user: User) -> list[ActionItem]:
    """Action items ``user`` owns or that were agreed in ``user``'s talks, not yet done."""
    return list(db.session.scalars(
        select(ActionItem).join(TalkLog, ActionItem.talk_id == TalkLog.id)
        .where(ActionItem.done_at.is_(None),
               or_(ActionItem.owner_id == user.id, exists().where(
                   TalkParticipant.talk_id == TalkLog.id,
                   TalkParticipant.user_id == user.id)))
        .options(_person(ActionItem.owner))
        .order_by(ActionItem.due_date.is_(None), ActionItem.due_date, ActionItem.id)
        .limit(100)))


def to_acknowledge(user: User) -> list[TalkLog]:
    return list(db.session.scalars(
        select(TalkLog).join(TalkParticipant)
        .where(TalkParticipant.user_id == user.id, TalkParticipant.acknowledged_at.is_(None),
               TalkLog.author_id != user.id)
        .options(_person(TalkLog.author))
        .order_by(TalkLog.held_at.desc()).limit(50)))


def filter_talks(stmt: Select, *, user_id: int | None = None, kind: str | None = None,
                 date_from: date | None = None, date_to: date | None = None) -> Select:
    """Narrow a talk query: talks ``user_id`` took part in, of ``kind``, held between the
    company dates ``date_from`` and ``date_to`` (inclusive)."""
    tz = company_tz()
    if user_id is not None:
        stmt = stmt.where(exists().where(TalkParticipant.talk_id == TalkLog.id,
                                         TalkParticipant.user_id == user_id))
    if kind:
        stmt = stmt.where(TalkLog.kind == kind)
    if date_from is not None:
        lo = datetime.combine(date_from, time(0), tz).astimezone(timezone.utc)
        stmt = stmt.where(TalkLog.held_at >= lo.replace(tzinfo=None))
    if date_to is not None:
        hi = datetime.combine(date_to + timedelta(days=1), time(0), tz).astimezone(timezone.utc)
        stmt = stmt.where(TalkLog.held_at < hi.replace(tzinfo=None))
    return stmt


def paginate_talks(stmt: Select, page: int, per_page: int,
                   options=()) -> tuple[list[TalkLog], int]:
    """One page of talk logs, newest first, and the total: one statement (the total rides
    along as a window count) unless the page is past the end."""
    rows = db.session.execute(
        stmt.add_columns(func.count().over().label("total")).options(*options)
        .order_by(TalkLog.held_at.desc(), TalkLog.id.desc())
        .limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
    if rows:
        return [row[0] for row in rows], rows[0][1]
    if page <= 1:
        return [], 0
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return [], total or 0


#: What the API's talk list shows of each talk: the people with their departments, the
#: action items with their owners, and the meeting (whose participants may open it).
TALK_API_OPTIONS = (
    _person(TalkLog.author, joinedload(User.department)),
    selectinload(TalkLog.participants).options(
        _person(TalkParticipant.user, joinedload(User.department))),
    selectinload(TalkLog.action_items).options(
        _person(ActionItem.owner, joinedload(User.department))),
    selectinload(TalkLog.meeting).selectinload(Meeting.participants),
)


def with_people(talks: list[TalkLog]) -> list[TalkLog]:
    """Load the participants (with their names) of several lists of talks in one statement."""
    ids = {t.id for t in talks}
    if not ids:
        return talks
    found: dict[int, list[TalkParticipant]] = {i: [] for i in ids}
    for row in db.session.scalars(select(TalkParticipant).where(TalkParticipant.talk_id.in_(ids))
                                  .options(_person(TalkParticipant.user))
                                  .order_by(TalkParticipant.id)):
        found[row.talk_id].append(row)
    for talk in talks:
        set_committed_value(talk, "participants", found[talk.id])
    return talks


def other_side(talk: TalkLog, user: User) -> list[User]:
    return [p.user for p in talk.participants if p.user_id != user.id]

