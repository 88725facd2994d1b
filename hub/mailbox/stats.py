"""Monthly statistics of the GM mailbox for the GM office, and their Excel export.

What the figures mean (months are calendar months in the company's timezone):

- received, accepted, answered, rejected: letters filed, accepted, answered and rejected in
  the month, read from the history, so a letter filed in May and answered in June counts as
  received in May and answered in June;
- days to answer: filing day to answer day, over the letters answered in the month, a
  rejection with its reason included (it is the writer's answer), in working days (the
  Chinese calendar, as for deadlines) and in calendar days;
- overdue in the month: a deadline that was past at some moment of the month, for the
  acceptance (the GM office's 2 working days) or for an assignment (the department's due
  date, counted for the department that held the letter then); overdue now: as of now,
  whatever month is shown.

The export writes counts as numbers and days as dates (``hub.common.spreadsheets``); a
subject such as ``=cmd|' /C calc'!A0`` stays a subject and never becomes a formula.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from hub.common.months import Month
from hub.common.spreadsheets import workbook
from hub.common.time import utcnow
from hub.common.workdays import local_date, working_days_between
from hub.extensions import db
from hub.mailbox.models import CATEGORIES, Letter, LetterEvent
from hub.mailbox.services import CATEGORY_LABELS, STATUS_LABELS
from hub.org.models import Department

ASSIGNING = ("assign", "reassign")


# --- the figures -----------------------------------------------------------------------

@dataclass
class DepartmentRow:
    department: Department
    assigned: int = 0
    resolved: int = 0
    overdue_in_month: int = 0
    overdue_now: int = 0


@dataclass
class CategoryRow:
    category: str
    received: int = 0
    answered: int = 0
    rejected: int = 0
    avg_working_days: float | None = None

    @property
    def label(self) -> str:
        return str(CATEGORY_LABELS[self.category])


@dataclass
class MonthlyStats:
    month: Month
    received: int = 0
    accepted: int = 0
    answered: int = 0
    rejected: int = 0
    avg_working_days: float | None = None
    avg_calendar_days: float | None = None
    acceptance_overdue_in_month: int = 0
    acceptance_overdue_now: int = 0
    departments: list[DepartmentRow] = field(default_factory=list)
    categories: list[CategoryRow] = field(default_factory=list)

    @property
    def overdue_in_month(self) -> int:
        return self.acceptance_overdue_in_month + sum(r.overdue_in_month for r in self.departments)

    @property
    def overdue_now(self) -> int:
        return self.acceptance_overdue_now + sum(r.overdue_now for r in self.departments)


@dataclass
class _Assignment:
    """One spell of a letter with a department: from an assign step to the next assign or
    the resolution (``end`` None: still with the department)."""

    department_id: int
    start: datetime
    due_at: datetime | None
    end: datetime | None = None
    resolved: bool = False


def _overdue_during(due: datetime | None, end: datetime | None, start_utc: datetime,
                    end_utc: datetime, now: datetime) -> bool:
    """Whether a deadline ``due`` was past at some moment of [start_utc, end_utc) while the
    step it governs was still open (until ``end``, or now)."""
    if due is None:
        return False
    open_until = min(end or now, now)
    return due < end_utc and open_until > max(due, start_utc)


def monthly_stats(month: Month, now: datetime | None = None) -> MonthlyStats:
    now = now or utcnow()
    start_utc, end_utc = month.bounds_utc()
    stats = MonthlyStats(month)
    categories = {c: CategoryRow(c) for c in CATEGORIES}

    received = db.session.execute(
        select(Letter.category, func.count()).where(
            Letter.filed_on >= month.first_day, Letter.filed_on < month.next.first_day)
        .group_by(Letter.category))
    for category, count in received:
        categories[category].received = count
        stats.received += count

    steps = db.session.execute(
        select(LetterEvent.action, Letter.category, func.count(func.distinct(Letter.id)))
        .join(Letter, LetterEvent.letter_id == Letter.id)
        .where(LetterEvent.action.in_(("accept", "answer", "reject")),
               LetterEvent.at >= start_utc, LetterEvent.at < end_utc)
        .group_by(LetterEvent.action, Letter.category))
    for action, category, count in steps:
        if action == "accept":
            stats.accepted += count
        elif action == "answer":
            stats.answered += count
            categories[category].answered += count
        else:
            stats.rejected += count
            categories[category].rejected += count

    _days_to_answer(stats, categories, start_utc, end_utc)
    _acceptance_overdue(stats, start_utc, end_utc, now)
    stats.departments = _department_rows(start_utc, end_utc, now)
    stats.categories = list(categories.values())
    return stats


def _average(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _days_to_answer(stats: MonthlyStats, categories: dict[str, CategoryRow],
                    start_utc: datetime, end_utc: datetime) -> None:
    answered = db.session.execute(
        select(Letter.category, Letter.filed_on, Letter.answered_at)
        .where(Letter.answered_at >= start_utc, Letter.answered_at < end_utc))
    working, calendar = [], []
    per_category: dict[str, list[int]] = defaultdict(list)
    for category, filed_on, answered_at in answered:
        answered_on = local_date(answered_at)
        days = working_days_between(filed_on, answered_on)
        working.append(days)
        calendar.append((answered_on - filed_on).days)
        per_category[category].append(days)
    stats.avg_working_days = _average(working)
    stats.avg_calendar_days = _average(calendar)
    for category, days in per_category.items():
        categories[category].avg_working_days = _average(days)


def _acceptance_overdue(stats: MonthlyStats, start_utc: datetime, end_utc: datetime,
                        now: datetime) -> None:
    """Letters the GM office accepted (or rejected) late, or has not accepted yet."""
    left_submitted = (
        select(LetterEvent.letter_id, func.min(LetterEvent.at).label("at"))
        .where(LetterEvent.from_status == "submitted").group_by(LetterEvent.letter_id)
        .subquery())
    rows = db.session.execute(
        select(Letter.accept_due_at, left_submitted.c.at)
        .outerjoin(left_submitted, left_submitted.c.letter_id == Letter.id)
        .where(Letter.accept_due_at < end_utc,
               or_(left_submitted.c.at.is_(None), left_submitted.c.at > start_utc)))
    for due, left in rows:
        if _overdue_during(due, left, start_utc, end_utc, now):
            stats.acceptance_overdue_in_month += 1
        if left is None and due < now:
            stats.acceptance_overdue_now += 1


def _assignments(start_utc: datetime, end_utc: datetime) -> list[_Assignment]:
    """Every spell with a department that could touch the month, oldest first."""
    assigned_before_end = select(LetterEvent.letter_id).where(
        LetterEvent.action.in_(ASSIGNING), LetterEvent.at < end_utc)
    # Plain rows, not ORM objects: the spells of every letter still open count.
    events = db.session.execute(
        select(LetterEvent.letter_id, LetterEvent.action, LetterEvent.at,
               LetterEvent.department_id, LetterEvent.due_at)
        .join(Letter, LetterEvent.letter_id == Letter.id)
        .where(LetterEvent.letter_id.in_(assigned_before_end),
               or_(Letter.resolved_at.is_(None), Letter.resolved_at >= start_utc),
               LetterEvent.action.in_((*ASSIGNING, "resolve")))
        .order_by(LetterEvent.letter_id, LetterEvent.at, LetterEvent.id))
    spells: list[_Assignment] = []
    current: dict[int, _Assignment] = {}
    for event in events:
        ended = current.pop(event.letter_id, None)
        if ended is not None:
            ended.end, ended.resolved = event.at, event.action == "resolve"
        if event.action in ASSIGNING:
            current[event.letter_id] = _Assignment(event.department_id, event.at, event.due_at)
            spells.append(current[event.letter_id])
    return spells


def _department_rows(start_utc: datetime, end_utc: datetime,
                     now: datetime) -> list[DepartmentRow]:
    counts: dict[int, Counter] = defaultdict(Counter)
    for spell in _assignments(start_utc, end_utc):
        figures = counts[spell.department_id]
        if start_utc <= spell.start < end_utc:
            figures["assigned"] += 1
        if spell.resolved and start_utc <= spell.end < end_utc:
            figures["resolved"] += 1
        if _overdue_during(spell.due_at, spell.end, start_utc, end_utc, now):
            figures["overdue_in_month"] += 1
        if spell.end is None and spell.due_at is not None and spell.due_at < now:
            figures["overdue_now"] += 1
    wanted = {dept_id for dept_id, figures in counts.items() if any(figures.values())}
    departments = db.session.scalars(select(Department).where(Department.id.in_(wanted))
                                     .order_by(Department.sort_order, Department.name)) \
        if wanted else []
    return [DepartmentRow(dept, **counts[dept.id]) for dept in departments]


# --- the export ------------------------------------------------------------------------

def letters_filed_in(month: Month) -> list[Letter]:
    return list(db.session.scalars(
        select(Letter).where(Letter.filed_on >= month.first_day,
                             Letter.filed_on < month.next.first_day)
        .order_by(Letter.year, Letter.seq).options(joinedload(Letter.department))))


def export_workbook(stats: MonthlyStats, now: datetime | None = None) -> bytes:
    """The month's figures and its letters (no writers: the file travels further than the
    hub's pages do)."""
    now = now or utcnow()
    summary = [
        [_("项目"), _("数值")],
        [_("月份"), str(stats.month)],
        [_("收信"), stats.received],
        [_("受理"), stats.accepted],
        [_("答复"), stats.answered],
        [_("不予受理"), stats.rejected],
        [_("平均答复用时（工作日）"), stats.avg_working_days],
        [_("平均答复用时（自然日）"), stats.avg_calendar_days],
        [_("本月曾超期"), stats.overdue_in_month],
        [_("其中受理超期"), stats.acceptance_overdue_in_month],
        [_("当前超期"), stats.overdue_now],
        [_("导出时间"), local_date(now)],
    ]
    departments = [[_("承办部门"), _("本月交办"), _("本月办结"), _("本月曾超期"), _("当前超期")]]
    departments += [[r.department.name, r.assigned, r.resolved, r.overdue_in_month,
                     r.overdue_now] for r in stats.departments]
    categories = [[_("类别"), _("收信"), _("答复"), _("不予受理"), _("平均答复用时（工作日）")]]
    categories += [[r.label, r.received, r.answered, r.rejected, r.avg_working_days]
                   for r in stats.categories]
    letters = [[_("编号"), _("收信日期"), _("类别"), _("标题"), _("状态"), _("承办部门"),
                _("答复日期"), _("答复用时（工作日）"), _("匿名")]]
    for letter in letters_filed_in(stats.month):
        answered_on = local_date(letter.answered_at) if letter.answered_at else None
        letters.append([
            letter.number, letter.filed_on, CATEGORY_LABELS[letter.category],
            letter.subject, STATUS_LABELS[letter.status],
            letter.department.name if letter.department else "",
            answered_on,
            working_days_between(letter.filed_on, answered_on) if answered_on else None,
            _("是") if letter.anonymous else _("否"),
        ])
    return workbook([(_("概况"), summary), (_("按部门"), departments),
                     (_("按类别"), categories), (_("来信明细"), letters)])
