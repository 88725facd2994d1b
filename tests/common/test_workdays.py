"""Working days with the Chinese calendar: holidays, 调休 Saturdays and admin corrections."""
from __future__ import annotations

from datetime import date, datetime

from hub.common.models import CalendarDay
from hub.common.workdays import (
    add_working_days,
    due_after_working_days,
    is_working_day,
    working_days_between,
)
from hub.extensions import db


def test_weekend_and_public_holiday_are_not_working_days(app):
    assert not is_working_day(date(2026, 10, 1))   # National Day, a Thursday
    assert not is_working_day(date(2026, 11, 28))  # an ordinary Saturday
    assert is_working_day(date(2026, 11, 26))      # an ordinary Thursday


def test_make_up_saturday_is_a_working_day(app):
    assert date(2026, 10, 10).weekday() == 5
    assert is_working_day(date(2026, 10, 10))      # 调休: worked for the National Day break


def test_two_working_days_across_the_national_day_break(app):
    # Filed on Wednesday 30 September 2026: 1–7 October are the holiday.
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 2) == date(2026, 10, 9)


def test_the_make_up_saturday_counts(app):
    # Filed on Thursday 8 October: Friday 9th, then the 调休 Saturday 10th (not Monday 12th).
    assert add_working_days(date(2026, 10, 8), 2) == date(2026, 10, 10)


def test_two_working_days_over_a_weekend(app):
    assert add_working_days(date(2026, 11, 27), 2) == date(2026, 12, 1)  # Fri → Tue


def test_deadline_is_the_end_of_the_working_day_in_company_time(app):
    # 2026-11-27 17:00 in Shanghai is 09:00 UTC; two working days later is Tuesday
    # 2026-12-01, ending 23:59:59 Shanghai = 15:59:59 UTC.
    due = due_after_working_days(datetime(2026, 11, 27, 9, 0), 2)
    assert due == datetime(2026, 12, 1, 15, 59, 59)


def test_late_evening_utc_counts_as_the_next_local_day(app):
    # 2026-11-27 20:00 UTC is already Saturday 04:00 in Shanghai: Mon, Tue → Tuesday.
    due = due_after_working_days(datetime(2026, 11, 27, 20, 0), 2)
    assert due == datetime(2026, 12, 1, 15, 59, 59)


def test_admin_corrections_win_over_the_packaged_calendar(app):
    db.session.add(CalendarDay(day=date(2026, 11, 30), is_working=False, note="公司假日"))
    db.session.add(CalendarDay(day=date(2026, 11, 28), is_working=True, note="补班"))
    db.session.commit()
    assert not is_working_day(date(2026, 11, 30))
    assert is_working_day(date(2026, 11, 28))
    assert add_working_days(date(2026, 11, 27), 2) == date(2026, 12, 1)


def test_years_the_package_does_not_know_fall_back_to_weekdays(app):
    assert is_working_day(date(2030, 1, 7))       # a Monday
    assert not is_working_day(date(2030, 1, 5))   # a Saturday


def test_working_days_between(app):
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == 0
