"""Chinese working days: weekends, public holidays and 调休 make-up working days.

The ``chinese-calendar`` package knows the State Council's schedule up to the year it was
released; an admin corrects or extends it (``CalendarDay`` rows win).  For a year the
package does not cover, Monday to Friday are working days until the admin says otherwise.
Deadlines are the end of a working day in the company's timezone.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import chinese_calendar
from sqlalchemy import select

from hub.common.models import CalendarDay
from hub.common.time import company_tz
from hub.extensions import db

MAX_SCAN_DAYS = 3660  # ten years: a guard against a calendar with no working day at all


def _overrides(start: date, end: date) -> dict[date, bool]:
    rows = db.session.execute(
        select(CalendarDay.day, CalendarDay.is_working)
        .where(CalendarDay.day >= start, CalendarDay.day <= end)
    )
    return {day: working for day, working in rows}


def packaged_is_working(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package has no data for
        return day.weekday() < 5


def packaged_covers(day: date) -> bool:
    try:
        chinese_calendar.is_workday(day)
        return True
    except NotImplementedError:
        return False


def holiday_name(day: date) -> str | None:
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return name if on_holiday and name else None


class WorkCalendar:
    """Answers working-day questions over a range with one database query."""

    def __init__(self, start: date, end: date):
        self.start, self.end = start, end
        self.overrides = _overrides(start, end)

    def is_working(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return packaged_is_working(day)


def is_working_day(day: date) -> bool:
    return WorkCalendar(day, day).is_working(day)


def local_date(moment: datetime) -> date:
    """The company-local calendar date of a stored (naive UTC) moment."""
    return moment.replace(tzinfo=timezone.utc).astimezone(company_tz()).date()


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself never counts)."""
    if n < 0:
        raise ValueError("n must not be negative")
    cal = WorkCalendar(start, start + timedelta(days=n * 3 + 30))
    day, counted = start, 0
    for _ in range(MAX_SCAN_DAYS):
        if counted == n:
            return day
        day += timedelta(days=1)
        if day > cal.end:
            cal = WorkCalendar(day, day + timedelta(days=60))
        if cal.is_working(day):
            counted += 1
    raise RuntimeError("the calendar has no working days")


def end_of_day_utc(day: date) -> datetime:
    """23:59:59 of ``day`` in the company's timezone, as naive UTC for storage."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=company_tz())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def due_after_working_days(moment: datetime, n: int) -> datetime:
    """Deadline for "within ``n`` working days of ``moment``": the end of the ``n``-th
    working day after the day of ``moment`` (company time)."""
    return end_of_day_utc(add_working_days(local_date(moment), n))


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    if end <= start:
        return 0
    cal = WorkCalendar(start, end)
    return sum(1 for i in range(1, (end - start).days + 1)
               if cal.is_working(start + timedelta(days=i)))


# --- the admin's corrections --------------------------------------------------------------

def calendar_overrides(year: int) -> list[CalendarDay]:
    return list(db.session.scalars(
        select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                  CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day)))


def set_calendar_day(day: date, is_working: bool, note: str = "") -> CalendarDay:
    """Declare ``day`` a working day or a day off, whatever the packaged calendar says."""
    row = db.session.get(CalendarDay, day)
    if row is None:
        row = CalendarDay(day=day)
        db.session.add(row)
    row.is_working, row.note = is_working, note.strip()[:100]
    db.session.flush()
    return row


def clear_calendar_day(day: date) -> None:
    row = db.session.get(CalendarDay, day)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def packaged_special_days(year: int) -> list[tuple[date, bool, str | None]]:
    """The packaged calendar's public holidays on weekdays and its make-up working days on
    weekends for ``year`` (empty when the package does not cover the year)."""
    if not packaged_covers(date(year, 1, 1)):
        return []
    special = []
    day = date(year, 1, 1)
    while day.year == year:
        working = packaged_is_working(day)
        if working != (day.weekday() < 5):
            special.append((day, working, holiday_name(day)))
        day += timedelta(days=1)
    return special
