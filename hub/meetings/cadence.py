"""The policy's cadence worked out as dates: which talk is owed, by whom, in which window.

沟通管理办法 第二部分 一.1 例行沟通:

- 上下级 ``one_on_one``: twice a month, once on the 13th–16th (``mid``), once in the month's
  last 3 days (``end``), invited by the superior;
- 隔级 ``skip_level``: at least once a quarter per person, invited by the manager's manager;
- 协作岗位 ``cross_team``: once a month on the 1st–5th between departments an admin pairs,
  invited by the leading department's head;
- 绩效 ``performance``: at goal setting and after each appraisal (HR enters the dates); the
  window is that date and the next ``PERFORMANCE_WORKING_DAYS`` working days.

Pure functions over dates: the reporting line comes in as ``manager_on(user_id, day)``, the
working-day calendar as ``is_working(day)``, so the rules are tested with fixed dates and no
database.  Who owes a window is the manager on the window's last day: a manager change
moves what is owed to the new manager from the day of the change (windows that ended
before stay with the old one).  Windows that fall on days off stay where the policy puts
them; they carry their ``days_off`` so pages can mark them.

A talk counts for the obligation of its kind and pair whose period holds the day it was
held (``settle``): inside a window it fills that window; before a window it fills it
early (提前, never late, and the window's own meeting is then not needed); after a missed
window it fills that one late (逾期补谈).  A make-up meeting (补谈) proposed after a window
passed names the obligation it makes up for, and its talk fills that one, even when it is
held after the period.
"""
from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

#: The senior side's manager on a day (None: reports to nobody).
ManagerOn = Callable[[int, date], "int | None"]
IsWorking = Callable[[date], bool]

MID_WINDOW = (13, 16)
END_DAYS = 3
CROSS_TEAM_WINDOW = (1, 5)
PERFORMANCE_WORKING_DAYS = 5

STATUSES = ("due", "scheduled", "held", "overdue")


def _weekdays_only(day: date) -> bool:
    return day.weekday() < 5


@dataclass(frozen=True)
class Owed:
    """One talk the policy asks for: ``senior`` invites ``junior`` in the window.

    ``period_start``/``period_end`` (inclusive) is where a talk held early or late still
    counts; ``slot`` tells apart the obligations of one pair and kind in one period."""

    kind: str
    senior_id: int
    junior_id: int
    window_start: date
    window_end: date
    period_start: date
    period_end: date
    slot: str
    days_off: tuple[date, ...] = ()
    #: For cross-team talks: (leading department id, partner department id).
    departments: tuple[int, int] | None = None
    #: For performance talks: the appraisal date's id; for occasions/appeals: the row's id.
    ref_id: int | None = None

    @property
    def key(self) -> str:
        """Stable identity (escalations are recorded once per key)."""
        return (f"{self.kind}:{self.slot}:{self.period_start.isoformat()}:"
                f"{self.senior_id}:{self.junior_id}")

    @property
    def on_days_off(self) -> bool:
        """The whole window falls on days off (holidays or weekends)."""
        return len(self.days_off) == (self.window_end - self.window_start).days + 1

    @property
    def pair(self) -> frozenset[int]:
        return frozenset((self.senior_id, self.junior_id))


@dataclass(frozen=True)
class Held:
    """A logged talk, as the engine needs it."""

    kind: str
    participant_ids: frozenset[int]
    day: date
    talk_id: int | None = None
    #: The ``Owed.key`` a make-up meeting's talk is for (None: an ordinary talk).
    makeup_of: str | None = None


@dataclass(frozen=True)
class Planned:
    """A proposed or accepted meeting."""

    kind: str
    participant_ids: frozenset[int]
    day: date
    meeting_id: int | None = None
    makeup_of: str | None = None


@dataclass(frozen=True)
class Settled:
    owed: Owed
    status: str
    held_on: date | None = None
    late: bool = False
    #: Held (or planned) before the window opened: counts for it, never late.
    early: bool = False
    talk_id: int | None = None
    meeting_on: date | None = None
    meeting_id: int | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)


# --- calendar arithmetic -----------------------------------------------------------------

def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), last_day(year, month)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first_month = 3 * (quarter - 1) + 1
    return date(year, first_month, 1), last_day(year, first_month + 2)


def days_off_in(start: date, end: date, is_working: IsWorking) -> tuple[date, ...]:
    return tuple(start + timedelta(days=i) for i in range((end - start).days + 1)
                 if not is_working(start + timedelta(days=i)))


def add_working_days(start: date, n: int, is_working: IsWorking) -> date:
    """The ``n``-th working day after ``start``; ``start`` itself never counts."""
    day, counted = start, 0
    for _ in range(3660):
        if counted >= n:
            return day
        day += timedelta(days=1)
        if is_working(day):
            counted += 1
    raise RuntimeError("the calendar has no working days")


def one_on_one_windows(year: int, month: int) -> list[tuple[str, date, date]]:
    """``[("mid", 13th, 16th), ("end", last-2, last)]``: February ends 26–28 or 27–29."""
    end = last_day(year, month)
    return [("mid", date(year, month, MID_WINDOW[0]), date(year, month, MID_WINDOW[1])),
            ("end", end - timedelta(days=END_DAYS - 1), end)]


# --- what is owed ------------------------------------------------------------------------

def owed_one_on_one(junior_id: int, year: int, month: int, manager_on: ManagerOn,
                    is_working: IsWorking = _weekdays_only) -> list[Owed]:
    """The two 上下级 talks of ``junior_id`` in the month, each owed by the manager on the
    window's last day (nobody: nothing owed)."""
    start, end = month_bounds(year, month)
    owed = []
    for slot, w_start, w_end in one_on_one_windows(year, month):
        senior = manager_on(junior_id, w_end)
        if senior is None or senior == junior_id:
            continue
        owed.append(Owed("one_on_one", senior, junior_id, w_start, w_end, start, end, slot,
                         days_off_in(w_start, w_end, is_working)))
    return owed


def skip_level_on(junior_id: int, day: date, manager_on: ManagerOn) -> int | None:
    manager = manager_on(junior_id, day)
    if manager is None:
        return None
    skip = manager_on(manager, day)
    return None if skip in (None, junior_id, manager) else skip


def owed_skip_level(junior_id: int, year: int, quarter: int, manager_on: ManagerOn,
                    is_working: IsWorking = _weekdays_only) -> list[Owed]:
    """The quarter's 隔级 talk, owed by the skip-level superior on the quarter's last day."""
    start, end = quarter_bounds(year, quarter)
    senior = skip_level_on(junior_id, end, manager_on)
    if senior is None:
        return []
    return [Owed("skip_level", senior, junior_id, start, end, start, end, f"q{quarter}",
                 days_off_in(start, end, is_working))]


@dataclass(frozen=True)
class Pair:
    """A 协作岗位 pair as of now: the leading department's head invites the partner's."""

    leading_department_id: int
    partner_department_id: int
    leading_head_id: int | None
    partner_head_id: int | None


def owed_cross_team(pairs: Iterable[Pair], year: int, month: int,
                    is_working: IsWorking = _weekdays_only) -> list[Owed]:
    start, end = month_bounds(year, month)
    w_start, w_end = date(year, month, CROSS_TEAM_WINDOW[0]), date(year, month,
                                                                   CROSS_TEAM_WINDOW[1])
    owed = []
    for pair in pairs:
        lead, partner = pair.leading_head_id, pair.partner_head_id
        if lead is None or partner is None or lead == partner:
            continue
        owed.append(Owed("cross_team", lead, partner, w_start, w_end, start, end,
                         f"d{pair.leading_department_id}-{pair.partner_department_id}",
                         days_off_in(w_start, w_end, is_working),
                         departments=(pair.leading_department_id, pair.partner_department_id)))
    return owed


@dataclass(frozen=True)
class AppraisalDay:
    id: int
    day: date


def performance_window(day: date, is_working: IsWorking = _weekdays_only) -> tuple[date, date]:
    return day, add_working_days(day, PERFORMANCE_WORKING_DAYS, is_working)


def owed_performance(junior_id: int, appraisals: Iterable[AppraisalDay], manager_on: ManagerOn,
                     is_working: IsWorking = _weekdays_only) -> list[Owed]:
    """A 绩效 talk after each goal-setting or appraisal date; a talk counts from the date to
    the end of the month in which the window ends."""
    owed = []
    for appraisal in appraisals:
        w_start, w_end = performance_window(appraisal.day, is_working)
        senior = manager_on(junior_id, w_end)
        if senior is None or senior == junior_id:
            continue
        owed.append(Owed("performance", senior, junior_id, w_start, w_end, w_start,
                         last_day(w_end.year, w_end.month), f"a{appraisal.id}",
                         days_off_in(w_start, w_end, is_working), ref_id=appraisal.id))
    return owed


def owed_for_junior(junior_id: int, year: int, month: int, manager_on: ManagerOn, *,
                    appraisals: Iterable[AppraisalDay] = (),
                    is_working: IsWorking = _weekdays_only,
                    with_quarter: bool = True) -> list[Owed]:
    """What is owed *to* ``junior_id`` in the month: both 上下级 talks, performance talks whose
    window ends in the month and (``with_quarter``) the quarter's skip-level talk."""
    start, end = month_bounds(year, month)
    owed = owed_one_on_one(junior_id, year, month, manager_on, is_working)
    owed += [o for o in owed_performance(junior_id, appraisals, manager_on, is_working)
             if start <= o.window_end <= end]
    if with_quarter:
        owed += owed_skip_level(junior_id, year, quarter_of(start), manager_on, is_working)
    return owed


# --- what happened -----------------------------------------------------------------------

def settle(owed: Sequence[Owed], held: Iterable[Held], planned: Iterable[Planned],
           today: date) -> list[Settled]:
    """The status of each obligation on ``today``.

    Talks are matched by kind and pair.  A make-up talk (``makeup_of``) fills the
    obligation it names and nothing else.  Then the talks inside a window fill it; each
    remaining talk inside a period, in date order, fills the earliest open obligation whose
    window had passed (late: 逾期补谈), else the next one whose window is still to come
    (early: 提前).  Not held: ``scheduled`` when a meeting of the kind between the two is
    planned on or after today (matched the same way: its own window first, then a missed
    one, then a later one), else ``overdue`` once the window has passed, else ``due``.
    """
    held = sorted(held, key=lambda h: h.day)
    order = sorted(range(len(owed)), key=lambda i: (owed[i].window_start, owed[i].slot))
    by_key = {owed[i].key: i for i in order}

    def matches(o: Owed, kind: str, ids: frozenset[int], day: date) -> bool:
        return kind == o.kind and o.pair <= ids and o.period_start <= day <= o.period_end

    def fill(events, taken: dict[int, tuple]) -> None:
        """``taken``: obligation index → (event, late, early)."""
        rest = []
        for e in events:  # make-ups: the obligation they name, or nothing here
            if e.makeup_of is None:
                rest.append(e)
            elif by_key.get(e.makeup_of) is not None and by_key[e.makeup_of] not in taken:
                taken[by_key[e.makeup_of]] = (e, True, False)
        unused = []
        for e in rest:  # inside a window
            idx = next((i for i in order if i not in taken
                        and matches(owed[i], e.kind, e.participant_ids, e.day)
                        and owed[i].window_start <= e.day <= owed[i].window_end), None)
            if idx is None:
                unused.append(e)
            else:
                taken[idx] = (e, False, False)
        for e in unused:  # a missed window first (late), else the next one (early)
            open_ = [i for i in order if i not in taken
                     and matches(owed[i], e.kind, e.participant_ids, e.day)]
            missed = [i for i in open_ if owed[i].window_end < e.day]
            if missed:
                taken[missed[0]] = (e, True, False)
            elif open_:
                taken[open_[0]] = (e, False, True)

    filled: dict[int, tuple] = {}
    fill(held, filled)
    booked: dict[int, tuple] = {i: v for i, v in filled.items()}
    fill(sorted((p for p in planned if p.day >= today), key=lambda p: p.day), booked)
    result = []
    for idx, o in enumerate(owed):
        if idx in filled:
            h, late, early = filled[idx]
            result.append(Settled(o, "held", held_on=h.day, late=late, early=early,
                                  talk_id=h.talk_id))
        elif idx in booked:
            p, late, early = booked[idx]
            result.append(Settled(o, "scheduled", meeting_on=p.day, meeting_id=p.meeting_id,
                                  late=late, early=early))
        elif today > o.window_end:
            result.append(Settled(o, "overdue"))
        else:
            result.append(Settled(o, "due"))
    return result


def with_days_off(owed: Owed, is_working: IsWorking) -> Owed:
    return replace(owed, days_off=days_off_in(owed.window_start, owed.window_end, is_working))
