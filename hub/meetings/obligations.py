"""What people owe each other in talks, and whether it is kept (SPEC §4, 沟通管理办法).

The cadence engine (``hub.meetings.cadence``) works out the policy's windows from dates; this
module feeds it the organisation (the reporting-line history, the admin's 协作岗位 pairs,
HR's appraisal dates), adds the occasion talks (面谈) and appeals (申诉), matches the talk
logs and meetings, and answers the questions of the pages, the API, the monthly summary and
the escalation job with one list of ``Item`` s.  Who may see what is decided
(``can_view_compliance`` …) in ``hub.meetings.access``, once for all of them; the names are
imported here for the callers.

Services flush and never commit.  Dates are company-local calendar dates; stored moments
are naive UTC.  A talk log's private note is never read here.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    String,
    cast,
    func,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased, joinedload, lazyload

from hub.common.models import CalendarDay, get_setting, set_setting
from hub.common.months import Month
from hub.common.tasks import item_key
from hub.common.time import utcnow
from hub.common.urls import path_for
from hub.common.workdays import (
    WorkCalendar,
    due_after_working_days,
    end_of_day_utc,
    local_date,
)
from hub.extensions import db
from hub.meetings import cadence
from hub.meetings.access import (  # noqa: F401 - the feature's rules, for the callers
    can_configure,
    can_open_occasion,
    can_view_compliance,
    can_view_summary,
    compliance_scope,
    item_bypasses,
    may_open_occasions,
    may_view_compliance,
    visible_items,
)
from hub.meetings.acknowledgements import unacknowledged_by_author
from hub.meetings.cadence import AppraisalDay, Held, Owed, Pair, Planned
from hub.meetings.kinds import KIND_LABELS, OCCASION_KINDS
from hub.meetings.models import Meeting, MeetingParticipant, TalkLog, TalkParticipant
from hub.meetings.obligation_models import (
    APPRAISAL_KINDS,
    Appeal,
    AppraisalDate,
    CrossTeamPair,
    MonthlySummary,
    MonthlySummaryRow,
    ObligationEscalation,
    OccasionTalk,
)
from hub.notifications.services import notify
from hub.org.models import Department, ReportingLine, User, UserRole
from hub.org.services import (
    manager_of,
    skip_level_of,
)

STATUS_LABELS = {
    "due": _l("待沟通"),
    "scheduled": _l("已约定"),
    "held": _l("已沟通"),
    "overdue": _l("超期未谈"),
}
APPRAISAL_LABELS = {"goal_setting": _l("目标设定"), "appraisal": _l("绩效考核结果")}
#: Days after joining within which the onboarding talk is owed (公司内部沟通管理制度 四(二)1).
ONBOARDING_DAYS = 7
#: Occasion talks due the day they are opened: "在员工心态出现问题时，要立即与其谈话".
AT_ONCE_KINDS = ("attitude",)
#: Days before a probation end date on which its 转正面谈 appears on the manager's list.
PROBATION_NOTICE_DAYS = 14
#: Working days the skip-level superior has to schedule an appeal's talk.
APPEAL_WORKING_DAYS = 5
REASON_MAX = 2000
TITLE_MAX = 100
#: How far back the escalation job looks for windows that passed.
ESCALATION_LOOKBACK_DAYS = 45
ONBOARDING_SINCE = "meetings.onboarding_since"
PLANNED_STATUSES = ("proposed", "accepted")


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


#: The task a talk notification asks for: logging the talk (``hub.common.tasks``).
TALK_TASK = "talk"


def pair_item(kind: str, one_id: int, other_id: int) -> str:
    """The task item of "hold a talk of ``kind`` between these two" (either order): the
    notifications that ask for it (an occasion talk, an appeal, an overdue talk) are done
    when such a talk is logged (``hub.meetings.services.log_talk``)."""
    low, high = sorted((one_id, other_id))
    return item_key("talkpair", f"{kind}.{low}.{high}")


class ObligationError(ValueError):
    """A request the rules refuse; ``message`` is shown to the person, ``fields`` names the
    form fields concerned, ``status`` is the API's HTTP status."""

    def __init__(self, message: str, fields: dict | None = None, status: int = 400):
        super().__init__(message)
        self.message, self.fields, self.status = message, fields or {}, status


# --- the organisation as the engine wants it ----------------------------------------------

def reporting_lookup() -> cadence.ManagerOn:
    """``manager_on(user_id, day)`` from the reporting-line history: the line valid on that
    company-local day; nobody before a person's first line."""
    return _manager_on(db.session.execute(
        select(ReportingLine.user_id, ReportingLine.manager_id, ReportingLine.valid_from,
               ReportingLine.valid_to).order_by(ReportingLine.valid_from, ReportingLine.id)))


def _people_and_lines() -> tuple[dict[int, User], cadence.ManagerOn]:
    """Everybody with their department, and ``reporting_lookup``, in one statement (a row
    per reporting line; the items, pages and exports show names and departments, never
    roles)."""
    users: dict[int, User] = {}
    lines = []
    for user, manager_id, start, end in db.session.execute(
            select(User, ReportingLine.manager_id, ReportingLine.valid_from,
                   ReportingLine.valid_to)
            .outerjoin(ReportingLine, ReportingLine.user_id == User.id)
            .options(joinedload(User.department), lazyload(User.role_rows))
            .order_by(ReportingLine.valid_from, ReportingLine.id)):
        users[user.id] = user
        if start is not None:
            lines.append((user.id, manager_id, start, end))
    return users, _manager_on(lines)


def _manager_on(rows) -> cadence.ManagerOn:
    """``manager_on`` from (user id, manager id, valid from, valid to) rows in the order of
    their start."""
    lines: dict[int, list[tuple[date, date | None, int | None]]] = defaultdict(list)
    for user_id, manager_id, start, end in rows:
        lines[user_id].append((local_date(start), local_date(end) if end else None,
                               manager_id))

    def manager_on(user_id: int, day: date) -> int | None:
        found = None
        for start, end, manager_id in lines.get(user_id, ()):
            if start <= day and (end is None or day < end):
                found = manager_id  # the latest line wins on a day of several changes
        return found
    return manager_on


def current_pairs() -> list[Pair]:
    rows = pairs()  # with their departments: no statement per pair
    return [Pair(p.leading_department_id, p.partner_department_id,
                 _active_head(p.leading_department), _active_head(p.partner_department))
            for p in rows]


def _active_head(dept: Department) -> int | None:
    head = dept.head
    return head.id if head is not None and head.active else None


# --- items: one obligation with its status -------------------------------------------------

@dataclass
class Item:
    """An obligation as pages, API and exports show it."""

    kind: str
    source: str  # "routine", "occasion" or "appeal"
    senior: User
    junior: User
    window_start: date
    window_end: date
    status: str
    key: str
    late: bool = False
    #: Held (or planned) before the window opened: counts for it, never late (提前).
    early: bool = False
    held_on: date | None = None
    talk_id: int | None = None
    talk_number: str | None = None
    meeting_on: date | None = None
    meeting_id: int | None = None
    days_off: tuple[date, ...] = ()
    on_days_off: bool = False
    ref_id: int | None = None
    departments: tuple[int, int] | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    def counterpart(self, user: User) -> User:
        return self.junior if user.id == self.senior.id else self.senior


def _months(first: date, last: date) -> list[tuple[int, int]]:
    months, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _day_bounds_utc(first: date, last: date) -> tuple[datetime, datetime]:
    """[first 00:00, last 24:00) company time, as naive UTC."""
    return end_of_day_utc(first - timedelta(days=1)), end_of_day_utc(last)


def _routine_owed(first: date, last: date, manager_on, is_working,
                  people: list[int] | None = None, *, appraisals: list | None = None,
                  pairs: list[Pair] | None = None) -> list[Owed]:
    if people is None:
        people = list(db.session.scalars(select(User.id).where(User.active.is_(True))))
    months = _months(first, last)
    quarters = sorted({(y, (m - 1) // 3 + 1) for y, m in months})
    if appraisals is None:
        appraisals = [AppraisalDay(a.id, a.day) for a in db.session.scalars(
            select(AppraisalDate).where(AppraisalDate.day >= first - timedelta(days=40),
                                        AppraisalDate.day <= last))]
    if pairs is None:
        pairs = current_pairs()
    owed: list[Owed] = []
    for person in people:
        for y, m in months:
            owed += cadence.owed_one_on_one(person, y, m, manager_on, is_working)
        for y, q in quarters:
            owed += cadence.owed_skip_level(person, y, q, manager_on, is_working)
        owed += cadence.owed_performance(person, appraisals, manager_on, is_working)
    for y, m in months:
        owed += cadence.owed_cross_team(pairs, y, m, is_working)
    return owed


def _talks_between(first: date, last: date) -> list[tuple[SimpleNamespace, frozenset[int]]]:
    """The talk logs held in [first, last] as (id, kind, held_at, number) rows with their
    participants' ids: one statement, no ORM objects (a quarter may hold thousands)."""
    start, end = _day_bounds_utc(first, last)
    found: dict[int, tuple[SimpleNamespace, set[int]]] = {}
    for talk_id, kind, held_at, number, user_id in db.session.execute(
            select(TalkLog.id, TalkLog.kind, TalkLog.held_at, TalkLog.number,
                   TalkParticipant.user_id)
            .join(TalkParticipant, TalkParticipant.talk_id == TalkLog.id)
            .where(TalkLog.held_at >= start, TalkLog.held_at < end)
            .order_by(TalkLog.held_at, TalkLog.id)):
        row = found.get(talk_id)
        if row is None:
            row = found[talk_id] = (SimpleNamespace(id=talk_id, kind=kind, held_at=held_at,
                                                    number=number), set())
        row[1].add(user_id)
    return [(t, frozenset(ids)) for t, ids in found.values()]


def _meetings_between(first: date, last: date) -> list[tuple[SimpleNamespace, frozenset[int]]]:
    """The planned meetings in [first, last] as (id, kind, start_at, created_at) rows with
    their participants' ids, in one statement."""
    start, end = _day_bounds_utc(first, last)
    found: dict[int, tuple[SimpleNamespace, set[int]]] = {}
    for meeting_id, kind, start_at, created_at, user_id in db.session.execute(
            select(Meeting.id, Meeting.kind, Meeting.start_at, Meeting.created_at,
                   MeetingParticipant.user_id)
            .join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id)
            .where(Meeting.start_at >= start, Meeting.start_at < end,
                   Meeting.status.in_(PLANNED_STATUSES))
            .order_by(Meeting.start_at, Meeting.id)):
        row = found.get(meeting_id)
        if row is None:
            row = found[meeting_id] = (SimpleNamespace(id=meeting_id, kind=kind,
                                                       start_at=start_at,
                                                       created_at=created_at), set())
        row[1].add(user_id)
    return [(m, frozenset(ids)) for m, ids in found.values()]


def _talks_and_meetings(talks_first: date, talks_last: date, meetings_first: date,
                        meetings_last: date) -> tuple[list, list]:
    """``_talks_between`` and ``_meetings_between`` in one statement (UNION ALL)."""
    t_start, t_end = _day_bounds_utc(talks_first, talks_last)
    m_start, m_end = _day_bounds_utc(meetings_first, meetings_last)
    talk_meeting = aliased(Meeting)
    talks = (select(literal("t").label("source"), TalkLog.id, TalkLog.kind,
                    TalkLog.held_at.label("at"), TalkLog.number,
                    cast(null(), DateTime).label("created_at"), TalkParticipant.user_id,
                    talk_meeting.makeup_of)
             .join(TalkParticipant, TalkParticipant.talk_id == TalkLog.id)
             .outerjoin(talk_meeting, talk_meeting.id == TalkLog.meeting_id)
             .where(TalkLog.held_at >= t_start, TalkLog.held_at < t_end))
    meetings = (select(literal("m"), Meeting.id, Meeting.kind, Meeting.start_at,
                       cast(null(), String), Meeting.created_at, MeetingParticipant.user_id,
                       Meeting.makeup_of)
                .join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id)
                .where(Meeting.start_at >= m_start, Meeting.start_at < m_end,
                       Meeting.status.in_(PLANNED_STATUSES)))
    both = union_all(talks, meetings).subquery()
    found: dict[tuple[str, int], tuple[SimpleNamespace, set[int]]] = {}
    for source, row_id, kind, at, number, created_at, user_id, makeup_of in db.session.execute(
            select(both).order_by(both.c.source, both.c.at, both.c.id)):
        row = found.get((source, row_id))
        if row is None:
            item = SimpleNamespace(id=row_id, kind=kind, held_at=at, number=number,
                                   makeup_of=makeup_of) \
                if source == "t" else SimpleNamespace(id=row_id, kind=kind, start_at=at,
                                                      created_at=created_at,
                                                      makeup_of=makeup_of)
            row = found[(source, row_id)] = (item, set())
        row[1].add(user_id)
    talks_found = [(t, frozenset(ids)) for (source, _id), (t, ids) in found.items()
                   if source == "t"]
    meetings_found = [(m, frozenset(ids)) for (source, _id), (m, ids) in found.items()
                      if source == "m"]
    return talks_found, meetings_found


#: How far around [first, last] ``_inputs`` loads talks and meetings; the windows' periods
#: lie well inside (a quarter, or weeks after an appraisal day).
INPUT_MARGIN_DAYS = 200


def _inputs(first: date, last: date, today: date, users: dict[int, User]) -> SimpleNamespace:
    """Everything ``compute_items`` reads besides the people, in one statement (UNION ALL
    of plain rows): the calendar's overrides, the appraisal dates, the 协作岗位 pairs with
    their heads, the occasion talks and appeals, and the talks and meetings of a margin
    around the range (``compute_items`` keeps those of the periods it needs)."""
    cal_start, cal_end = first - timedelta(days=100), last + timedelta(days=100)
    t_from = first - timedelta(days=INPUT_MARGIN_DAYS)
    t_start, _t_end = _day_bounds_utc(t_from, t_from)
    _s, talks_end = _day_bounds_utc(t_from, max(last + timedelta(days=INPUT_MARGIN_DAYS), today))
    _s, meetings_end = _day_bounds_utc(t_from, max(last + timedelta(days=INPUT_MARGIN_DAYS),
                                                   today + timedelta(days=370)))

    def row(source, id_, *, kind=None, a=None, b=None, c=None, d=None, day=None, at=None,
            at2=None, text=None, flag=None, text2=None):
        return select(
            literal(source, String).label("source"), cast(id_, Integer).label("id"),
            cast(kind if kind is not None else null(), String).label("kind"),
            *(cast(v if v is not None else null(), Integer).label(n)
              for n, v in (("a", a), ("b", b), ("c", c), ("d", d))),
            # Real dates and moments as they are (SQLite's CAST to DATE would make numbers).
            (type_coerce(day, Date) if day is not None else cast(null(), Date)).label("day"),
            (type_coerce(at, DateTime) if at is not None else cast(null(), DateTime))
            .label("at"),
            (type_coerce(at2, DateTime) if at2 is not None else cast(null(), DateTime))
            .label("at2"),
            cast(text if text is not None else null(), String).label("text"),
            cast(flag if flag is not None else null(), Integer).label("flag"),
            cast(text2 if text2 is not None else null(), String).label("text2"))

    lead, partner = aliased(Department), aliased(Department)
    closing = aliased(TalkLog)
    talk_meeting = aliased(Meeting)
    both = union_all(
        row("c", literal(0), day=CalendarDay.day, flag=CalendarDay.is_working)
        .where(CalendarDay.day >= cal_start, CalendarDay.day <= cal_end),
        row("d", AppraisalDate.id, day=AppraisalDate.day)
        .where(AppraisalDate.day >= first - timedelta(days=40), AppraisalDate.day <= last),
        row("x", CrossTeamPair.id, a=CrossTeamPair.leading_department_id,
            b=CrossTeamPair.partner_department_id, c=lead.head_id, d=partner.head_id)
        .join(lead, lead.id == CrossTeamPair.leading_department_id)
        .join(partner, partner.id == CrossTeamPair.partner_department_id),
        row("o", OccasionTalk.id, kind=OccasionTalk.kind, a=OccasionTalk.manager_id,
            b=OccasionTalk.employee_id, c=OccasionTalk.closed_by_talk_id,
            day=OccasionTalk.due_date, at=OccasionTalk.opened_at, at2=closing.held_at,
            text=OccasionTalk.reason)
        .outerjoin(closing, closing.id == OccasionTalk.closed_by_talk_id),
        row("p", Appeal.id, a=Appeal.superior_id, b=Appeal.employee_id, at=Appeal.filed_at,
            at2=Appeal.schedule_due_at, text=Appeal.reason),
        row("t", TalkLog.id, kind=TalkLog.kind, a=TalkParticipant.user_id, at=TalkLog.held_at,
            text=TalkLog.number, text2=talk_meeting.makeup_of)
        .join(TalkParticipant, TalkParticipant.talk_id == TalkLog.id)
        .outerjoin(talk_meeting, talk_meeting.id == TalkLog.meeting_id)
        .where(TalkLog.held_at >= t_start, TalkLog.held_at < talks_end),
        row("m", Meeting.id, kind=Meeting.kind, a=MeetingParticipant.user_id,
            at=Meeting.start_at, at2=Meeting.created_at, text2=Meeting.makeup_of)
        .join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id)
        .where(Meeting.start_at >= t_start, Meeting.start_at < meetings_end,
               Meeting.status.in_(PLANNED_STATUSES)),
    ).subquery()
    found = SimpleNamespace(overrides={}, appraisals=[], pairs=[], occasions=[], appeals=[],
                            talks={}, meetings={}, loaded=(t_from, talks_end, meetings_end))
    for r in db.session.execute(select(both).order_by(
            both.c.source, both.c.day, both.c.at, both.c.id, both.c.a)):
        source = r.source
        if source == "c":
            found.overrides[_as_date(r.day)] = bool(r.flag)
        elif source == "d":
            found.appraisals.append(AppraisalDay(r.id, _as_date(r.day)))
        elif source == "x":
            found.pairs.append((r.id, Pair(r.a, r.b, _active(users, r.c), _active(users, r.d))))
        elif source in ("o", "p"):
            senior, employee = users[r.a], users[r.b]
            common = {"id": r.id, "reason": r.text, "manager": senior,
                      "manager_id": senior.id, "superior": senior, "superior_id": senior.id,
                      "employee": employee, "employee_id": employee.id, "filed_at": r.at,
                      "opened_at": r.at}
            if source == "o":
                found.occasions.append(SimpleNamespace(
                    **common, kind=r.kind, due_date=_as_date(r.day),
                    closed_by_talk_id=r.c, closed_held_at=r.at2, schedule_due_at=None))
            else:
                found.appeals.append(SimpleNamespace(**common, kind=None, due_date=None,
                                                     closed_by_talk_id=None,
                                                     closed_held_at=None,
                                                     schedule_due_at=r.at2))
        else:
            into = found.talks if source == "t" else found.meetings
            entry = into.get(r.id)
            if entry is None:
                item = SimpleNamespace(id=r.id, kind=r.kind, held_at=r.at, number=r.text,
                                       makeup_of=r.text2) \
                    if source == "t" else SimpleNamespace(id=r.id, kind=r.kind,
                                                          start_at=r.at, created_at=r.at2,
                                                          makeup_of=r.text2)
                entry = into[r.id] = (item, set())
            entry[1].add(r.a)
    found.pairs = [p for _id, p in sorted(found.pairs, key=lambda x: x[0])]
    return found


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _active(users: dict[int, User], user_id: int | None) -> int | None:
    user = users.get(user_id) if user_id is not None else None
    return user.id if user is not None and user.active else None


def compute_items(first: date, last: date, *, today: date | None = None,
                  ending: bool = False) -> list[Item]:
    """Every obligation whose window overlaps [first, last] (``ending``: ends in it), with
    its status on ``today``.  Open occasion talks and appeals are listed until they are
    held, whatever their window.  Two statements: the people with their reporting lines,
    and ``_inputs``."""
    today = today or local_date(utcnow())
    users, manager_on = _people_and_lines()
    data = _inputs(first, last, today, users)
    cal = WorkCalendar.__new__(WorkCalendar)  # its overrides come from ``_inputs``
    cal.start, cal.end = first - timedelta(days=100), last + timedelta(days=100)
    cal.overrides = data.overrides
    routine = _routine_owed(first, last, manager_on, cache(cal.is_working),
                            [u.id for u in users.values() if u.active],
                            appraisals=data.appraisals, pairs=data.pairs)

    def wanted(start: date, end: date) -> bool:
        return first <= end <= last if ending else start <= last and end >= first

    span_start = min([o.period_start for o in routine] + [first - timedelta(days=100)])
    span_end = max([o.period_end for o in routine] + [last])
    s_start, _e = _day_bounds_utc(span_start, span_start)
    _s, t_end = _day_bounds_utc(span_start, max(span_end, today))
    _s, m_end = _day_bounds_utc(span_start, max(span_end, today + timedelta(days=370)))
    loaded_from, loaded_talks_end, loaded_meetings_end = data.loaded
    if span_start < loaded_from or t_end > loaded_talks_end or m_end > loaded_meetings_end:
        talks, meetings = _talks_and_meetings(span_start, max(span_end, today), span_start,
                                              max(span_end, today + timedelta(days=370)))
    else:
        talks = [(t, frozenset(ids)) for t, ids in sorted(
            data.talks.values(), key=lambda x: (x[0].held_at, x[0].id))
            if s_start <= t.held_at < t_end]
        meetings = [(m, frozenset(ids)) for m, ids in sorted(
            data.meetings.values(), key=lambda x: (x[0].start_at, x[0].id))
            if s_start <= m.start_at < m_end]
    held = [Held(t.kind, ids, local_date(t.held_at), t.id, t.makeup_of) for t, ids in talks]
    planned = [Planned(m.kind, ids, local_date(m.start_at), m.id, m.makeup_of)
               for m, ids in meetings]
    numbers = {t.id: t.number for t, _ids in talks}

    items: list[Item] = []
    for s in cadence.settle(routine, held, planned, today):
        o = s.owed
        if not wanted(o.window_start, o.window_end):
            continue
        items.append(Item(o.kind, "routine", users[o.senior_id], users[o.junior_id],
                          o.window_start, o.window_end, s.status, o.key, late=s.late,
                          early=s.early, held_on=s.held_on, talk_id=s.talk_id,
                          talk_number=numbers.get(s.talk_id), meeting_on=s.meeting_on,
                          meeting_id=s.meeting_id, days_off=o.days_off,
                          on_days_off=o.on_days_off, ref_id=o.ref_id,
                          departments=o.departments))
    occasions, appeals = data.occasions, data.appeals
    items += _occasion_items(first, last, today, held, planned, numbers, wanted, ending,
                             occasions)
    items += _appeal_items(first, last, today, held, meetings, numbers, wanted, ending,
                           appeals)
    # The quarter's skip-level talks after the month's windows, each group by date.
    items.sort(key=lambda i: ((i.window_end - i.window_start).days > 31, i.window_end,
                              i.window_start, i.kind, i.senior.name, i.junior.name))
    return items


def _first_talk(held: list[Held], kind: str, pair: frozenset[int], since: date) -> Held | None:
    return next((h for h in held if h.kind == kind and pair <= h.participant_ids
                 and h.day >= since), None)


def _occasion_items(first, last, today, held, planned, numbers, wanted, ending,
                    rows) -> list[Item]:
    items = []
    for row in rows:
        opened = local_date(row.opened_at)
        pair = frozenset((row.manager_id, row.employee_id))
        talk = _first_talk(held, row.kind, pair, opened)
        if row.closed_by_talk_id and (talk is None or talk.talk_id != row.closed_by_talk_id):
            talk = Held(row.kind, pair, local_date(row.closed_held_at),
                        row.closed_by_talk_id) if row.closed_held_at else talk
        open_now = talk is None
        if not (wanted(opened, row.due_date) or (open_now and not ending and opened <= last)):
            continue
        item = Item(row.kind, "occasion", row.manager, row.employee, opened, row.due_date,
                    "held" if talk else "due", f"occasion:{row.id}", ref_id=row.id,
                    note=row.reason)
        if talk is not None:
            item.held_on, item.talk_id = talk.day, talk.talk_id
            item.talk_number = numbers.get(talk.talk_id)
            item.late = talk.day > row.due_date
        else:
            plan = next((p for p in planned if p.kind == row.kind and pair <= p.participant_ids
                         and p.day >= max(today, opened)), None)
            if plan is not None:
                item.status, item.meeting_on, item.meeting_id = "scheduled", plan.day, \
                    plan.meeting_id
                item.late = plan.day > row.due_date
            elif today > row.due_date:
                item.status = "overdue"
        items.append(item)
    return items


def _appeal_items(first, last, today, held, meetings, numbers, wanted, ending,
                  appeals) -> list[Item]:
    items = []
    for appeal in appeals:
        filed, due = local_date(appeal.filed_at), local_date(appeal.schedule_due_at)
        pair = frozenset((appeal.superior_id, appeal.employee_id))
        talk = _first_talk(held, "skip_level", pair, filed)
        meeting = next((m for m, ids in meetings if m.kind == "skip_level" and pair <= ids
                        and m.created_at >= appeal.filed_at), None)
        if not (wanted(filed, due) or (talk is None and not ending and filed <= last)):
            continue
        item = Item("skip_level", "appeal", appeal.superior, appeal.employee, filed, due,
                    "due", f"appeal:{appeal.id}", ref_id=appeal.id)
        if talk is not None:
            item.status, item.held_on, item.talk_id = "held", talk.day, talk.talk_id
            item.talk_number = numbers.get(talk.talk_id)
            item.late = meeting is not None and meeting.created_at > appeal.schedule_due_at
        elif meeting is not None and local_date(meeting.start_at) >= today:
            item.status, item.meeting_on, item.meeting_id = \
                "scheduled", local_date(meeting.start_at), meeting.id
            item.late = meeting.created_at > appeal.schedule_due_at
        elif today > due:
            item.status = "overdue"
        items.append(item)
    return items


# --- the lists -----------------------------------------------------------------------------

def due_for(person: User, month: Month, *, today: date | None = None) -> list[Item]:
    """What ``person`` owes (as the senior side) and is owed (as the junior side) in the
    month, with the quarter's skip-level talk and open occasion talks and appeals."""
    first, last = month.first_day, month.next.first_day - timedelta(days=1)
    return [i for i in compute_items(first, last, today=today)
            if person.id in (i.senior.id, i.junior.id)]


def missed_obligation(senior: User, junior: User, kind: str, *,
                      today: date | None = None) -> Item | None:
    """The latest routine talk of ``kind`` ``senior`` owes ``junior`` whose window passed
    (within ``ESCALATION_LOOKBACK_DAYS``) with neither a talk nor a meeting: what a meeting
    outside the window makes up for (补谈) — the window just missed, the one the pages show
    as overdue in the current list."""
    today = today or local_date(utcnow())
    missed = [i for i in compute_items(today - timedelta(days=ESCALATION_LOOKBACK_DAYS),
                                       today, today=today, ending=True)
              if i.source == "routine" and i.kind == kind and i.status == "overdue"
              and i.senior.id == senior.id and i.junior.id == junior.id]
    return max(missed, key=lambda i: (i.window_end, i.window_start), default=None)


@dataclass
class Counts:
    owed: int = 0
    held: int = 0
    late: int = 0
    overdue: int = 0
    due: int = 0
    scheduled: int = 0

    def add(self, item: Item) -> None:
        self.owed += 1
        if item.status == "held":
            self.held += 1
            self.late += item.late
        elif item.status == "overdue":
            self.overdue += 1
        elif item.status == "scheduled":
            self.scheduled += 1
        else:
            self.due += 1

    @property
    def pending(self) -> int:
        """Not held yet and not overdue: due or scheduled."""
        return self.due + self.scheduled

    @property
    def rate(self) -> int | None:
        """Percentage held of what was owed."""
        return round(100 * self.held / self.owed) if self.owed else None


@dataclass
class ComplianceRow:
    manager: User
    month: Counts = field(default_factory=Counts)
    quarter: Counts = field(default_factory=Counts)
    #: The manager's talk records of the month the other side has not acknowledged yet.
    unacknowledged: int = 0


def quarter_range(month: Month) -> tuple[date, date]:
    return cadence.quarter_bounds(month.year, (month.month - 1) // 3 + 1)


def compliance(viewer: User, month: Month, department: Department | None = None, *,
               today: date | None = None, subtree: set[int] | None = None
               ) -> list[ComplianceRow]:
    """Talks owed, held, overdue per manager in the month and in its quarter (obligations
    counted in the month or quarter their window ends in), for the managers ``viewer`` may
    follow, within ``department``'s subtree when given; without the skip-level talks that
    go around ``viewer`` (``hub.meetings.access``).  ``subtree``: the ids of
    ``department`` and everything under it, when the caller has them already."""
    q_first, q_last = quarter_range(month)
    m_first, m_last = month.first_day, month.next.first_day - timedelta(days=1)
    scope = compliance_scope(viewer)
    dept_ids = (subtree or _subtree_ids(department)) if department else None
    rows: dict[int, ComplianceRow] = {}
    for item in compute_items(q_first, q_last, today=today, ending=True):
        if item.source == "appeal":
            continue  # between two people only; not a manager's cadence
        if item_bypasses(viewer, item):
            continue  # the whole obligation, so that its status says nothing either
        senior = item.senior
        if scope is not None and senior.id not in scope:
            continue
        if dept_ids is not None and senior.department_id not in dept_ids:
            continue
        row = rows.setdefault(senior.id, ComplianceRow(senior))
        row.quarter.add(item)
        if m_first <= item.window_end <= m_last:
            row.month.add(item)
    # Only on the rows of managers who owe talks: everybody else's records are not a cadence.
    for author_id, n in unacknowledged_by_author(viewer, m_first, m_last).items():
        if author_id in rows:
            rows[author_id].unacknowledged = n
    return sorted(rows.values(), key=lambda r: (-r.month.overdue, -r.quarter.overdue,
                                                r.manager.department_id, r.manager.name))


def _subtree_ids(department: Department) -> set[int]:
    """The department and everything under it, walked in SQL (one statement, whatever the
    depth)."""
    tree = select(Department.id).where(Department.id == department.id).cte(
        "subtree", recursive=True)
    tree = tree.union(select(Department.id).join(tree, Department.parent_id == tree.c.id))
    return set(db.session.scalars(select(tree.c.id)))


@dataclass
class DepartmentCompliance:
    department: Department
    managers: int = 0
    month: Counts = field(default_factory=Counts)
    quarter: Counts = field(default_factory=Counts)
    unacknowledged: int = 0


def by_department(rows: Iterable[ComplianceRow]) -> list[DepartmentCompliance]:
    """The managers' rows added up per manager's department, in the tree's order."""
    totals: dict[int, DepartmentCompliance] = {}
    for row in rows:
        dept = row.manager.department
        total = totals.setdefault(dept.id, DepartmentCompliance(dept))
        total.managers += 1
        total.unacknowledged += row.unacknowledged
        for mine, theirs in ((total.month, row.month), (total.quarter, row.quarter)):
            for name in ("owed", "held", "late", "overdue", "due", "scheduled"):
                setattr(mine, name, getattr(mine, name) + getattr(theirs, name))
    return sorted(totals.values(), key=lambda t: (t.department.sort_order, t.department.id))


def person_items(person: User, month: Month, *,
                 today: date | None = None) -> tuple[list[Item], list[Item]]:
    """(``manager_items``, ``due_for``) of ``person`` from one pass over the quarter."""
    q_first, q_last = quarter_range(month)
    m_first, m_last = month.first_day, month.next.first_day - timedelta(days=1)
    items = [i for i in compute_items(q_first, q_last, today=today)
             if person.id in (i.senior.id, i.junior.id)]
    owes = [i for i in items if i.senior.id == person.id and i.source != "appeal"
            and q_first <= i.window_end <= q_last]
    due = [i for i in items if i.window_start <= m_last
           and (i.window_end >= m_first or (i.source != "routine" and i.status != "held"))]
    return owes, due


def manager_items(manager: User, month: Month, *, today: date | None = None) -> list[Item]:
    """What ``manager`` owes in the month's quarter (for the manager's compliance page)."""
    q_first, q_last = quarter_range(month)
    return [i for i in compute_items(q_first, q_last, today=today, ending=True)
            if i.senior.id == manager.id and i.source != "appeal"]


# --- configuration: 协作岗位 pairs and appraisal dates --------------------------------------

def pairs() -> list[CrossTeamPair]:
    """Every 协作岗位 pair with its two departments (one statement)."""
    return list(db.session.scalars(select(CrossTeamPair).order_by(CrossTeamPair.id).options(
        joinedload(CrossTeamPair.leading_department),
        joinedload(CrossTeamPair.partner_department))))


def add_pair(leading: Department, partner: Department, *, by: User) -> CrossTeamPair:
    if leading.id == partner.id:
        raise ObligationError(_("协作的两个部门不能相同。"),
                              {"partner": [_("请选择另一个部门。")]})
    exists = db.session.scalar(select(CrossTeamPair.id).where(
        ((CrossTeamPair.leading_department_id == leading.id)
         & (CrossTeamPair.partner_department_id == partner.id))
        | ((CrossTeamPair.leading_department_id == partner.id)
           & (CrossTeamPair.partner_department_id == leading.id))).limit(1))
    if exists:
        raise ObligationError(_("这两个部门已经是协作部门。"), status=409)
    pair = CrossTeamPair(leading_department=leading, partner_department=partner,
                         created_by_id=by.id)
    db.session.add(pair)
    db.session.flush()
    return pair


def remove_pair(pair: CrossTeamPair) -> None:
    db.session.delete(pair)
    db.session.flush()


def appraisal_dates() -> list[AppraisalDate]:
    return list(db.session.scalars(select(AppraisalDate).order_by(AppraisalDate.day.desc())))


def add_appraisal_date(day: date, kind: str, title: str, *, by: User) -> AppraisalDate:
    if kind not in APPRAISAL_KINDS:
        raise ObligationError(_("请选择日期类别。"), {"kind": [_("请选择日期类别。")]})
    today = local_date(utcnow())
    if not today - timedelta(days=366) <= day <= today + timedelta(days=366):
        raise ObligationError(_("日期须在前后一年之内。"), {"day": [_("日期须在前后一年之内。")]})
    if len(title.strip()) > TITLE_MAX:
        raise ObligationError(_("说明不能超过 %(n)s 个字符。", n=TITLE_MAX),
                              {"title": [_("不能超过 %(n)s 个字符。", n=TITLE_MAX)]})
    if db.session.scalar(select(AppraisalDate.id).where(AppraisalDate.day == day,
                                                        AppraisalDate.kind == kind)):
        raise ObligationError(_("这一天已登记了同类日期。"), {"day": [_("这一天已登记了同类日期。")]},
                              status=409)
    row = AppraisalDate(day=day, kind=kind, title=title.strip(), created_by_id=by.id)
    db.session.add(row)
    db.session.flush()
    return row


def remove_appraisal_date(row: AppraisalDate) -> None:
    db.session.delete(row)
    db.session.flush()


# --- occasion talks (面谈) -------------------------------------------------------------------

def open_occasion(employee: User, kind: str, due_date: date, reason: str, *,
                  by: User | None, now: datetime | None = None) -> OccasionTalk:
    """Put a 面谈 on the manager's list (the employee's direct manager now)."""
    now = now or utcnow()
    if kind not in OCCASION_KINDS:
        raise ObligationError(_("请选择面谈类别。"), {"kind": [_("请选择面谈类别。")]})
    if not employee.active:
        raise ObligationError(_("该员工已停用。"), {"employee": [_("该员工已停用。")]})
    manager = manager_of(employee)
    if manager is None:
        raise ObligationError(_("%(name)s 没有直属上级，无人承担此面谈。", name=employee.name),
                              {"employee": [_("该员工没有直属上级。")]})
    if by is not None and not can_open_occasion(by, employee):
        raise ObligationError(_("只能为自己的直接下属或由人力资源部发起面谈。"),
                              {"employee": [_("只能选择自己的直接下属。")]}, status=404)
    today = local_date(now)
    if kind in AT_ONCE_KINDS:
        due_date = today  # 立即: whatever date was asked for
    if not today - timedelta(days=31) <= due_date <= today + timedelta(days=366):
        raise ObligationError(_("面谈期限须在一个月前到一年后之间。"),
                              {"due_date": [_("面谈期限须在一个月前到一年后之间。")]})
    if len(reason) > REASON_MAX:
        raise ObligationError(_("说明不能超过 %(n)s 个字符。", n=REASON_MAX),
                              {"reason": [_("不能超过 %(n)s 个字符。", n=REASON_MAX)]})
    row = OccasionTalk(kind=kind, manager=manager, employee=employee, due_date=due_date,
                       reason=reason.strip(), opened_by_id=by.id if by else None, opened_at=now)
    db.session.add(row)
    db.session.flush()
    if by is None or by.id != manager.id:
        notify(manager, kind="talk.occasion",
               title=_l("请在 %(day)s 前与 %(name)s 进行%(kind)s", day=due_date.isoformat(),
                        name=employee.name, kind=KIND_LABELS[kind]),
               body=row.reason, url=path_for("meetings.due"),
               item=pair_item(kind, manager.id, employee.id), task=TALK_TASK)
    return row


def open_onboarding_talks(now: datetime | None = None) -> int:
    """入职面谈 for everybody who joined (with a manager) since the hub started watching:
    owed by the manager within ``ONBOARDING_DAYS`` of the account's creation."""
    now = now or utcnow()
    since = get_setting(ONBOARDING_SINCE)
    if since is None:  # the first run: people who were there before are not new
        set_setting(ONBOARDING_SINCE, now.isoformat())
        return 0
    cutoff = datetime.fromisoformat(since)
    already = select(OccasionTalk.employee_id).where(OccasionTalk.kind == "onboarding")
    new = db.session.scalars(select(User).where(
        User.created_at > cutoff, User.active.is_(True), User.manager_id.is_not(None),
        User.id.not_in(already)))
    count = 0
    for person in new:
        open_occasion(person, "onboarding",
                      local_date(person.created_at) + timedelta(days=ONBOARDING_DAYS),
                      _("新员工入职"), by=None, now=now)
        count += 1
    return count


def open_probation_talks(now: datetime | None = None) -> int:
    """转正面谈 from the probation end dates HR keeps (``User.probation_ends_on``): once
    ``PROBATION_NOTICE_DAYS`` before the date, owed by the manager by that date; once per
    person and date (a new date opens a new talk).  A date more than a month past opens
    nothing (HR entered an old one)."""
    now = now or utcnow()
    today = local_date(now)
    already = select(OccasionTalk.id).where(OccasionTalk.kind == "probation",
                                            OccasionTalk.employee_id == User.id,
                                            OccasionTalk.due_date == User.probation_ends_on)
    people = list(db.session.scalars(select(User).where(
        User.active.is_(True), User.manager_id.is_not(None),
        User.probation_ends_on.is_not(None),
        User.probation_ends_on <= today + timedelta(days=PROBATION_NOTICE_DAYS),
        User.probation_ends_on >= today - timedelta(days=31),
        ~already.exists()).order_by(User.id)))
    for person in people:
        open_occasion(person, "probation", person.probation_ends_on,
                      _("试用期满（%(day)s），请进行转正面谈", day=person.probation_ends_on.isoformat()),
                      by=None, now=now)
    return len(people)


def close_held_occasions(today: date | None = None) -> int:
    """Record on each open occasion talk the talk log that closed it."""
    today = today or local_date(utcnow())
    rows = list(db.session.scalars(select(OccasionTalk).where(
        OccasionTalk.closed_by_talk_id.is_(None))))
    if not rows:
        return 0
    talks = _talks_between(min(local_date(r.opened_at) for r in rows), today)
    held = [Held(t.kind, ids, local_date(t.held_at), t.id) for t, ids in talks]
    count = 0
    for row in rows:
        talk = _first_talk(held, row.kind, frozenset((row.manager_id, row.employee_id)),
                           local_date(row.opened_at))
        if talk is not None:
            row.closed_by_talk_id, row.closed_at = talk.talk_id, utcnow()
            count += 1
    db.session.flush()
    return count


# --- appeals (申诉) ---------------------------------------------------------------------------

def file_appeal(employee: User, reason: str, *, now: datetime | None = None) -> Appeal:
    """Ask the skip-level superior for a talk; they must schedule it within
    ``APPEAL_WORKING_DAYS`` working days."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise ObligationError(_("请说明申诉的事由。"), {"reason": [_("请填写此项。")]})
    if len(reason) > REASON_MAX:
        raise ObligationError(_("事由不能超过 %(n)s 个字符。", n=REASON_MAX),
                              {"reason": [_("不能超过 %(n)s 个字符。", n=REASON_MAX)]})
    superior = skip_level_of(employee)
    if superior is None:
        raise ObligationError(_("你没有隔级上级，可通过总经理信箱反映问题。"), status=409)
    if has_open_appeal(employee, superior):
        raise ObligationError(_("你已有一份尚未面谈的申诉，请等待隔级上级安排。"), status=409)
    appeal = Appeal(employee=employee, manager=manager_of(employee), superior=superior,
                    reason=reason, filed_at=now,
                    schedule_due_at=due_after_working_days(now, APPEAL_WORKING_DAYS))
    db.session.add(appeal)
    db.session.flush()
    notify(superior, kind="talk.appeal",
           title=_l("%(name)s 申请与你进行隔级沟通，请在 %(day)s 前安排",
                    name=employee.name, day=local_date(appeal.schedule_due_at).isoformat()),
           body=reason, url=path_for("meetings.due"),
           item=pair_item("skip_level", superior.id, employee.id), task=TALK_TASK)
    return appeal


def has_open_appeal(employee: User, superior: User) -> bool:
    """An appeal to ``superior`` whose skip-level talk has not been logged yet."""
    appeals = list(db.session.scalars(select(Appeal).where(
        Appeal.employee_id == employee.id, Appeal.superior_id == superior.id)))
    if not appeals:
        return False
    pair = frozenset((employee.id, superior.id))
    talks = [(local_date(t.held_at), ids) for t, ids in _talks_between(
        min(local_date(a.filed_at) for a in appeals), local_date(utcnow()) + timedelta(days=1))
        if t.kind == "skip_level" and pair <= ids]
    return any(not any(day >= local_date(a.filed_at) for day, _ids in talks) for a in appeals)


def appeals_of(person: User) -> list[Appeal]:
    return list(db.session.scalars(select(Appeal).where(
        (Appeal.employee_id == person.id) | (Appeal.superior_id == person.id))
        .order_by(Appeal.filed_at.desc())))


# --- escalation ---------------------------------------------------------------------------

def escalate_overdue(now: datetime | None = None, *, quiet: bool = False) -> int:
    """Tell the senior side and their manager, once per obligation, that a talk is overdue:
    windows that passed within ``ESCALATION_LOOKBACK_DAYS``.  ``quiet`` records them as
    told without telling anybody (the demo's past)."""
    now = now or utcnow()
    today = local_date(now)
    done = set(db.session.scalars(select(ObligationEscalation.key)))
    count = 0
    for item in compute_items(today - timedelta(days=ESCALATION_LOOKBACK_DAYS), today,
                              today=today, ending=True):
        if item.status != "overdue" or item.key in done:
            continue
        boss = manager_of(item.senior)
        if quiet:
            db.session.add(ObligationEscalation(key=item.key[:120], escalated_at=now,
                                                to_user_id=boss.id if boss else None))
            done.add(item.key)
            count += 1
            continue
        title = _l("超期未谈：%(senior)s 与 %(junior)s 的%(kind)s（期限 %(day)s）",
                   senior=item.senior.name, junior=item.junior.name,
                   kind=KIND_LABELS.get(item.kind, item.kind_label),
                   day=item.window_end.isoformat())
        task = {"item": pair_item(item.kind, item.senior.id, item.junior.id), "task": TALK_TASK}
        notify(item.senior, kind="talk.overdue", title=title, url=path_for("meetings.due"),
               **task)
        if boss is not None and item.source != "appeal":
            notify(boss, kind="talk.overdue", title=title,
                   url=path_for("meetings.compliance_person", user_id=item.senior.id), **task)
        db.session.add(ObligationEscalation(key=item.key[:120], escalated_at=now,
                                            to_user_id=boss.id if boss else None))
        done.add(item.key)
        count += 1
    db.session.flush()
    return count


# --- the monthly summary (月汇总) ---------------------------------------------------------------

@dataclass
class SummaryRow:
    department: Department
    owed: int = 0
    held: int = 0
    late: int = 0
    overdue: int = 0
    talks_logged: int = 0
    minutes: int = 0


def summary_rows(month: Month, *, today: date | None = None) -> tuple[list[SummaryRow],
                                                                       list[Item]]:
    """Per department of the senior side: obligations whose window ends in the month and
    how they went; talk logs held in the month by authors of the department."""
    first, last = month.first_day, month.next.first_day - timedelta(days=1)
    items = [i for i in compute_items(first, last, today=today, ending=True)
             if i.source != "appeal"]
    # Every department in order, each with the talk logs its people held in the month
    # (count and minutes, as correlated subqueries): one statement.
    start, end = _day_bounds_utc(first, last)
    logged = (select(TalkLog.id, TalkLog.duration_minutes)
              .join(User, User.id == TalkLog.author_id)
              .where(User.department_id == Department.id, TalkLog.held_at >= start,
                     TalkLog.held_at < end))
    ordered, talks = [], {}
    for dept, n, minutes in db.session.execute(
            select(Department,
                   logged.with_only_columns(func.count(TalkLog.id)).scalar_subquery(),
                   logged.with_only_columns(func.coalesce(
                       func.sum(TalkLog.duration_minutes), 0)).scalar_subquery())
            .order_by(Department.sort_order, Department.id)):
        ordered.append(dept)
        if n:
            talks[dept.id] = (n, int(minutes))
    depts = {d.id: d for d in ordered}
    rows: dict[int, SummaryRow] = {}
    for item in items:
        row = rows.setdefault(item.senior.department_id,
                              SummaryRow(depts[item.senior.department_id]))
        row.owed += 1
        row.held += item.status == "held"
        row.late += item.status == "held" and item.late
        row.overdue += item.status == "overdue"
    for dept_id, (n, minutes) in talks.items():
        row = rows.setdefault(dept_id, SummaryRow(depts[dept_id]))
        row.talks_logged, row.minutes = n, minutes
    order = {d.id: i for i, d in enumerate(ordered)}
    return sorted(rows.values(), key=lambda r: order.get(r.department.id, 0)), items


def stored_summary(month: Month) -> MonthlySummary | None:
    return db.session.scalar(select(MonthlySummary).where(MonthlySummary.month == str(month)))


def generate_monthly_summary(month: Month, *, now: datetime | None = None) -> MonthlySummary:
    """Store (or store again) the month's summary and tell the GM office."""
    now = now or utcnow()
    rows, _items = summary_rows(month, today=local_date(now))
    summary = stored_summary(month)
    if summary is None:
        summary = MonthlySummary(month=str(month))
        db.session.add(summary)
    summary.generated_at = now
    summary.rows = []
    db.session.flush()  # the old rows go before the new ones come (one row per department)
    summary.rows = [MonthlySummaryRow(department_id=r.department.id, owed=r.owed, held=r.held,
                                      late=r.late, overdue=r.overdue,
                                      talks_logged=r.talks_logged, minutes=r.minutes)
                    for r in rows]
    db.session.flush()
    for person in db.session.scalars(
            select(User).join(UserRole).where(UserRole.role == "gm_office",
                                              User.active.is_(True)).order_by(User.id)):
        notify(person, kind="talk.summary", title=_l("%(month)s 沟通月汇总已生成", month=month),
               url=path_for("meetings.summary", month=str(month)))
    return summary


def generate_due_summary(now: datetime | None = None) -> MonthlySummary | None:
    """On the 1st (or the first run after it): last month's summary, once."""
    now = now or utcnow()
    previous = Month.of(now).previous
    if stored_summary(previous) is not None:
        return None
    return generate_monthly_summary(previous, now=now)


def summary_totals(rows: list[SummaryRow]) -> SummaryRow:
    """The 合计 row (a department that is not in the database)."""
    totals = SummaryRow(SimpleNamespace(id=None, name=_("合计")))
    for r in rows:
        for name in ("owed", "held", "late", "overdue", "talks_logged", "minutes"):
            setattr(totals, name, getattr(totals, name) + getattr(r, name))
    return totals


def summary_workbook(month: Month, rows: list[SummaryRow], items: list[Item]) -> list:
    """The sheets of the Excel export: the departments, then every obligation.  Topics,
    agreements and private notes are never part of it."""
    head = [_("部门"), _("应谈"), _("已谈"), _("其中逾期补谈"), _("超期未谈"), _("沟通记录数"),
            _("沟通时长合计（分钟）")]
    totals = summary_totals(rows)
    sheet1 = [head] + [[r.department.name, r.owed, r.held, r.late, r.overdue, r.talks_logged,
                        r.minutes] for r in rows + [totals]]
    detail = [[_("类别"), _("上级/发起人"), _("对象"), _("部门"), _("窗口开始"), _("窗口结束"),
               _("状态"), _("逾期"), _("沟通日期"), _("记录编号")]]
    for i in items:
        detail.append([i.kind_label, i.senior.name, i.junior.name, i.senior.department.name,
                       i.window_start, i.window_end, i.status_label,
                       _("是") if i.late else "", i.held_on, i.talk_number or ""])
    return [(_("月汇总"), sheet1), (_("明细"), detail)]


def demo_backdate_reporting_lines(days: int = 200) -> None:
    """For the demo only: the organisation existed before the hub, so everybody's first
    reporting line starts ``days`` earlier (past months' talks are then owed by somebody)."""
    first: dict[int, ReportingLine] = {}
    for line in db.session.scalars(select(ReportingLine).order_by(ReportingLine.valid_from,
                                                                  ReportingLine.id)):
        first.setdefault(line.user_id, line)
    for line in first.values():
        line.valid_from = line.valid_from - timedelta(days=days)
    db.session.flush()
